/* The first process (pid 1, init) and the signals other processes send it, as Linux treats the init
 * of a pid namespace (SIGNAL_UNKILLABLE): run as pid 1 (gate86 run; natively under
 * `unshare --pid --fork`). A child's kill, tkill, tgkill and sigqueue to pid 1 return 0 and are
 * dropped while init's action is SIG_DFL, SIGKILL and SIGSTOP too; with a handler the handler runs;
 * one init blocks stays pending and is dropped when unblocked if still SIG_DFL, and sigwaitinfo
 * takes one it waits for; kill(0) from its process group does not end it; kill(-1) skips init and
 * the caller; and a fault with SIGSEGV blocked still ends init (the kernel's forced signal). With the argument "self", the program sends
 * SIGTERM to itself, which gate86 delivers (a program that is not init dies of it; see
 * test/kernel/init-signals.test.ts). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t handled[65];
static void count(int sig) { handled[sig]++; }

static void say(const char *format, ...)
{
	va_list ap;
	va_start(ap, format);
	vprintf(format, ap);
	va_end(ap);
	fflush(stdout);
}

/* A call's result as the line prints it: 0, or -1 and errno's name. */
static const char *result(long r)
{
	static char text[32];
	if (r != -1) { snprintf(text, sizeof text, "%ld", r); return text; }
	snprintf(text, sizeof text, "-1 %s", errno == ESRCH ? "ESRCH" : errno == EPERM ? "EPERM" : errno == EINVAL ? "EINVAL" : "other");
	return text;
}

static void on(int sig, void (*handler)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	sigaction(sig, &sa, 0);
}

static void mask(int how, int a, int b)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, a);
	if (b) sigaddset(&set, b);
	sigprocmask(how, &set, 0);
}

/* How a waited-for process ended. */
static const char *ended(int status)
{
	static char text[32];
	if (WIFEXITED(status)) snprintf(text, sizeof text, "exit %d", WEXITSTATUS(status));
	else snprintf(text, sizeof text, "killed by %d", WTERMSIG(status));
	return text;
}

static int reap(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) return -1;
	return status;
}

/* Run `body` in a child of init and say how the child ended. */
static void in_child(const char *what, void (*body)(void))
{
	pid_t c = fork();
	if (c == 0) { body(); fflush(stdout); _exit(0); }
	say("%s: child %s\n", what, ended(reap(c)));
}

static long sigqueue_to(pid_t pid, int sig)
{
	union sigval v = { .sival_int = 7 };
	return sigqueue(pid, sig, v);
}

/* A child that waits for a signal, with SIGTERM's default action (not the handler it inherits: SIGTERM
 * stays blocked until it is reset, so a kill(-1) that comes first waits for it). */
static pid_t sleeper(void)
{
	mask(SIG_BLOCK, SIGTERM, 0);
	pid_t c = fork();
	if (c == 0) {
		signal(SIGTERM, SIG_DFL);
		mask(SIG_UNBLOCK, SIGTERM, 0);
		for (;;) pause();
	}
	mask(SIG_UNBLOCK, SIGTERM, 0);
	return c;
}

static void default_signals(void)
{
	say("  kill(1, SIGTERM) = %s\n", result(kill(1, SIGTERM)));
	say("  kill(1, SIGKILL) = %s\n", result(kill(1, SIGKILL)));
	say("  kill(1, SIGSTOP) = %s\n", result(kill(1, SIGSTOP)));
	say("  kill(1, SIGINT) = %s\n", result(kill(1, SIGINT)));
	say("  kill(1, SIGSEGV) = %s\n", result(kill(1, SIGSEGV)));
	say("  kill(1, SIGRTMIN+3) = %s\n", result(kill(1, SIGRTMIN + 3)));
	say("  kill(1, 0) = %s\n", result(kill(1, 0)));
	say("  tkill(1, SIGTERM) = %s\n", result(syscall(SYS_tkill, 1, SIGTERM)));
	say("  tgkill(1, 1, SIGKILL) = %s\n", result(syscall(SYS_tgkill, 1, 1, SIGKILL)));
	say("  sigqueue(1, SIGUSR2) = %s\n", result(sigqueue_to(1, SIGUSR2)));
}

static void handled_signals(void)
{
	say("  kill(1, SIGUSR1) = %s\n", result(kill(1, SIGUSR1)));
	say("  tgkill(1, 1, SIGHUP) = %s\n", result(syscall(SYS_tgkill, 1, 1, SIGHUP)));
	say("  sigqueue(1, SIGALRM) = %s\n", result(sigqueue_to(1, SIGALRM)));
}

static void blocked_signals(void)
{
	say("  kill(1, SIGTERM) = %s\n", result(kill(1, SIGTERM)));
	say("  kill(1, SIGUSR2) = %s\n", result(kill(1, SIGUSR2)));
}

static void group_signal(void)
{
	signal(SIGUSR1, SIG_IGN);
	say("  kill(0, SIGUSR1) = %s\n", result(kill(0, SIGUSR1)));
}

static void all_signal(void)
{
	say("  kill(-1, SIGTERM) alone = %s\n", result(kill(-1, SIGTERM)));
	pid_t g = sleeper();
	say("  kill(-1, SIGTERM) = %s\n", result(kill(-1, SIGTERM)));
	say("  its own child: %s\n", ended(reap(g)));
}

static void pending(const char *when)
{
	sigset_t set;
	sigpending(&set);
	say("%s: SIGTERM %s, SIGUSR2 %s\n", when, sigismember(&set, SIGTERM) ? "pending" : "not pending", sigismember(&set, SIGUSR2) ? "pending" : "not pending");
}

int main(int argc, char **argv)
{
	setsid();                 /* its own process group (natively unshare's is the parent's) */
	int self = argc > 1 && strcmp(argv[1], "self") == 0;
	if (!self && getpid() != 1) {
		/* kill(1, ...) and kill(-1, ...) would reach the host's init and every process the user has. */
		say("pid %d, not 1: run this as a pid namespace's init (unshare --pid --fork)\n", getpid());
		return 2;
	}
	if (self) {
		say("kill(getpid(), SIGTERM) to itself\n");
		kill(getpid(), SIGTERM);
		say("init survived its own SIGTERM\n");
		return 0;
	}
	say("getpid() = %d\n", getpid());

	in_child("SIG_DFL signals from a child", default_signals);
	say("init alive after them\n");

	on(SIGUSR1, count);
	on(SIGHUP, count);
	on(SIGALRM, count);
	in_child("signals with handlers", handled_signals);
	say("handlers ran: SIGUSR1 %d, SIGHUP %d, SIGALRM %d\n", handled[SIGUSR1], handled[SIGHUP], handled[SIGALRM]);

	mask(SIG_BLOCK, SIGTERM, SIGUSR2);
	in_child("blocked SIG_DFL signals", blocked_signals);
	pending("while blocked");
	on(SIGUSR2, count);
	mask(SIG_UNBLOCK, SIGTERM, SIGUSR2);
	say("unblocked (SIGTERM still SIG_DFL, SIGUSR2 now handled): alive, SIGUSR2 handler ran %d\n", handled[SIGUSR2]);
	pending("after unblocking");

	/* sigwaitinfo unblocks SIGINT while it waits (Linux's real_blocked): still taken, not dropped. */
	mask(SIG_BLOCK, SIGINT, 0);
	fflush(stdout);
	pid_t sender = fork();
	if (sender == 0) { kill(1, SIGINT); _exit(0); }
	sigset_t sigint;
	siginfo_t info;
	sigemptyset(&sigint);
	sigaddset(&sigint, SIGINT);
	int got = sigwaitinfo(&sigint, &info);
	say("a child's SIGINT (SIG_DFL, blocked) to sigwaitinfo: %d, from the child %d\n", got, info.si_pid == sender);
	reap(sender);
	mask(SIG_UNBLOCK, SIGINT, 0);

	signal(SIGUSR1, SIG_DFL);
	in_child("kill(0) from init's process group", group_signal);
	say("init alive after it\n");

	on(SIGTERM, count);
	in_child("kill(-1) from a child", all_signal);
	say("init's SIGTERM handler ran %d times\n", handled[SIGTERM]);
	pid_t c = sleeper();
	say("kill(-1, SIGTERM) from init = %s\n", result(kill(-1, SIGTERM)));
	say("  its child: %s; init's SIGTERM handler ran %d times\n", ended(reap(c)), handled[SIGTERM]);
	say("kill(-1, SIGTERM) from init alone = %s\n", result(kill(-1, SIGTERM)));

	signal(SIGSEGV, SIG_DFL);
	mask(SIG_BLOCK, SIGSEGV, 0);
	say("a fault with SIGSEGV blocked\n");
	*(volatile int *)0 = 1;
	say("not reached\n");
	return 0;
}
