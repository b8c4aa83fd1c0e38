/* Sleeping in the kernel: nanosleep while another task runs, every task asleep at once (the idle
 * task), a nanosleep cut short by a signal (EINTR and the time left), a wait4 that a SA_RESTART
 * handler interrupts and the kernel restarts, and clock_nanosleep with TIMER_ABSTIME. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static volatile int handled;
static void on_usr1(int sig) { (void)sig; handled++; }

static long long ns_since(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000000000LL + (b.tv_nsec - a->tv_nsec);
}

static void install(int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = flags;
	sigaction(SIGUSR1, &sa, 0);
}

/* A child that signals its parent every 20 ms, `count` times (0: until killed), then exits 5. */
static pid_t nagger(int count)
{
	pid_t parent = getpid();
	pid_t child = fork();
	if (child == 0) {
		struct timespec gap = { 0, 20000000 };
		for (int i = 0; count == 0 || i < count; i++) {
			nanosleep(&gap, 0);
			kill(parent, SIGUSR1);
		}
		_exit(5);
	}
	return child;
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	struct timespec start;

	/* 1. Both tasks asleep: the parent in wait4, the child in nanosleep. */
	clock_gettime(CLOCK_MONOTONIC, &start);
	pid_t child = fork();
	if (child == 0) {
		struct timespec t = { 0, 50000000 };
		_exit(nanosleep(&t, 0) == 0 ? 7 : 8);
	}
	int status;
	waitpid(child, &status, 0);
	printf("child slept and exited %d; at least 50 ms passed: %d\n", WEXITSTATUS(status), ns_since(&start) >= 50000000LL);

	/* 2. A signal with a handler (no SA_RESTART) cuts nanosleep short: EINTR, the time left written. */
	install(0);
	child = nagger(0);
	struct timespec want = { 10, 0 }, left = { -1, -1 };
	clock_gettime(CLOCK_MONOTONIC, &start);
	int r = nanosleep(&want, &left);
	int e = errno;
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	printf("nanosleep: %d %s, handler ran %d, time left in (0, 10 s): %d, well before 10 s: %d\n", r, e == EINTR ? "EINTR" : "?",
	       handled > 0, (left.tv_sec > 0 || left.tv_nsec > 0) && left.tv_sec < 10, ns_since(&start) < 5000000000LL);

	/* 3. SA_RESTART: the wait4 the signals interrupt is restarted, the program never sees them. */
	handled = 0;
	install(SA_RESTART);
	child = nagger(3);
	pid_t got = waitpid(child, &status, 0);
	printf("waitpid restarted: got the child %d, status %d, handler ran %d\n", got == child, WEXITSTATUS(status), handled > 0);

	/* 4. Without SA_RESTART the same wait4 fails with EINTR. */
	handled = 0;
	install(0);
	child = nagger(0);
	got = waitpid(child, &status, 0);
	e = errno;
	printf("waitpid interrupted: %d %s\n", got, e == EINTR ? "EINTR" : "?");
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	printf("then reaped: killed by %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);

	/* 5. An absolute deadline on CLOCK_MONOTONIC, and one already past. */
	struct timespec at;
	clock_gettime(CLOCK_MONOTONIC, &at);
	start = at;
	at.tv_nsec += 30000000;
	if (at.tv_nsec >= 1000000000) { at.tv_sec++; at.tv_nsec -= 1000000000; }
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, 0);
	printf("clock_nanosleep TIMER_ABSTIME: %d, at least 30 ms: %d\n", r, ns_since(&start) >= 30000000LL);
	printf("a deadline in the past: %d\n", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &start, 0));
	struct timespec bad = { 0, 1000000000 };
	printf("tv_nsec = 1e9: %d\n", clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, 0));
	return 0;
}
