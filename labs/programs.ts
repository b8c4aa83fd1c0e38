// User programs the labs put into a student's copy (userland/NAME.c) for their graders to run.
// They are the project's sample style: lib/libc.h, __NR_ numbers from the generated unistd.h.

/**
 * readagain DOOR RESTART [CALL]: one blocking call that a Ctrl-C interrupts (the restart and
 * fast-path labs): read (the default), sigsuspend or nanosleep.
 */
export const READAGAIN_C = `/*
 * readagain DOOR RESTART [CALL]: one blocking system call that a signal interrupts
 * (docs/labs/restart.md).
 *   DOOR     int80: the call enters through int $0x80; vsyscall: through __kernel_vsyscall
 *            (sysenter where the CPU has it)
 *   RESTART  restart: the SIGINT handler is installed with SA_RESTART; norestart: without
 *   CALL     read (default): read fd 0; sigsuspend: rt_sigsuspend with nothing blocked;
 *            nanosleep: sleep 2 seconds
 * The lab's grader sends a Ctrl-C while the call sleeps (then, for read, a line of input). Linux's
 * rules: a read with SA_RESTART runs again and returns the line, without it fails with EINTR (-4);
 * sigsuspend and nanosleep fail with EINTR after a handler, SA_RESTART or not.
 */
#include "lib/libc.h"

#define SIGINT		2
#define SA_RESTART	0x10000000

/* rt_sigaction's struct: the kernel's layout, not glibc's. */
struct kernel_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask[2];
};

static volatile int handled;

static void on_sigint(int signal)
{
	(void)signal;
	handled++;
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static long call(int int80, long number, long a1, long a2, long a3)
{
	return int80 ? __syscall_int80(number, a1, a2, a3) : __syscall(number, a1, a2, a3);
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4) {
		printf("usage: readagain int80|vsyscall restart|norestart [read|sigsuspend|nanosleep]\\n");
		return 2;
	}
	int int80 = same(argv[1], "int80");
	int restart = same(argv[2], "restart");
	const char *what = argc == 4 ? argv[3] : "read";
	struct kernel_sigaction act = { on_sigint, restart ? SA_RESTART : 0, 0, { 0, 0 } };
	if (__syscall(__NR_rt_sigaction, SIGINT, (long)&act, 0, 8) != 0) {
		printf("rt_sigaction failed\\n");
		return 1;
	}
	char line[32];
	unsigned long nothing_blocked[2] = { 0, 0 };
	long sleep_for[2] = { 2, 0 }, remaining[2] = { 0, 0 };
	long n;
	if (same(what, "sigsuspend"))
		n = call(int80, __NR_rt_sigsuspend, (long)nothing_blocked, 8, 0);
	else if (same(what, "nanosleep"))
		n = call(int80, __NR_nanosleep, (long)sleep_for, (long)remaining, 0);
	else
		n = call(int80, __NR_read, 0, (long)line, sizeof line - 1);
	printf("%s through %s, %s: %d (the handler ran %d time%s)\\n", what, argv[1], argv[2], (int)n, handled, handled == 1 ? "" : "s");
	if (same(what, "read") && n > 0) {
		line[n] = 0;
		printf("it read: %s", line);
	}
	return 0;
}
`;
