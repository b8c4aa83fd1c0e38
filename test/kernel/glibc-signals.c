/* Signals through glibc: handlers with and without SA_SIGINFO, raise, the blocked mask, a SIGSEGV
 * handler that escapes with siglongjmp, and a default action at the end (exit status 128 + 15). */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int got;
static sigjmp_buf escape;

static void plain(int sig) { got = sig; }
static void with_info(int sig, siginfo_t *info, void *uc) { got = sig * 1000 + (info->si_signo == sig) * 100 + (uc != 0); }
static void on_segv(int sig) { siglongjmp(escape, sig); }

int main(void)
{
	signal(SIGUSR1, plain);
	raise(SIGUSR1);
	printf("SIGUSR1 handled: %d\n", got);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = with_info;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR2, &sa, 0);
	raise(SIGUSR2);
	printf("SIGUSR2 with siginfo: %d\n", got);

	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	got = 0;
	raise(SIGUSR1);
	printf("while blocked: %d\n", got);
	sigprocmask(SIG_SETMASK, &old, 0);
	printf("after unblocking: %d\n", got);

	signal(SIGSEGV, on_segv);
	int caught = sigsetjmp(escape, 1);
	if (!caught)
		*(volatile int *)0 = 1;
	printf("SIGSEGV caught: %d\n", caught);

	signal(SIGINT, SIG_IGN);
	raise(SIGINT);
	printf("SIGINT ignored\n");
	fflush(stdout);
	raise(SIGTERM);
	printf("not reached\n");
	return 0;
}
