// User programs the labs put into a student's copy (userland/NAME.c) for their graders to run.
// They are the project's sample style: lib/libc.h, __NR_ numbers from the generated unistd.h.

/** readagain DOOR RESTART: one read of fd 0 that a Ctrl-C interrupts (the restart and fast-path labs). */
export const READAGAIN_C = `/*
 * readagain DOOR RESTART: one read of fd 0 that a signal interrupts (docs/labs/restart.md).
 *   DOOR     int80: the read enters through int $0x80; vsyscall: through __kernel_vsyscall
 *            (sysenter where the CPU has it)
 *   RESTART  restart: the SIGINT handler is installed with SA_RESTART; norestart: without
 * The lab's grader sends a Ctrl-C while the read sleeps, then a line of input. Linux's rules:
 * with SA_RESTART the read runs again and returns the line; without it, it fails with EINTR (-4).
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

int main(int argc, char **argv)
{
	if (argc != 3) {
		printf("usage: readagain int80|vsyscall restart|norestart\\n");
		return 2;
	}
	int int80 = same(argv[1], "int80");
	int restart = same(argv[2], "restart");
	struct kernel_sigaction act = { on_sigint, restart ? SA_RESTART : 0, 0, { 0, 0 } };
	if (__syscall(__NR_rt_sigaction, SIGINT, (long)&act, 0, 8) != 0) {
		printf("rt_sigaction failed\\n");
		return 1;
	}
	char line[32];
	long n = int80 ? __syscall_int80(__NR_read, 0, (long)line, sizeof line - 1)
		       : __syscall(__NR_read, 0, (long)line, sizeof line - 1);
	printf("read through %s, %s: %d (the handler ran %d time%s)\\n", argv[1], argv[2], (int)n, handled, handled == 1 ? "" : "s");
	if (n > 0) {
		line[n] = 0;
		printf("it read: %s", line);
	}
	return 0;
}
`;
