// The trace lab's program, put into the student's copy as userland/tracetest.c.
export const TRACETEST_C = `/*
 * tracetest: the trace lab's program (docs/labs/trace.md).
 *   1. trace(mask) for getpid and write: the kernel prints "pid: name(a1, a2, a3) -> result" on the
 *      console for each call in the mask;
 *   2. fork: the child inherits the mask, so its getpid is traced too, with its own pid;
 *   3. trace(0): tracing stops;
 *   4. sysinfo() into a good buffer, then into NULL and a kernel address (-EFAULT: -14).
 * Run natively (the oracle), trace() is not a Linux call (-ENOSYS) but sysinfo() is: the sysinfo
 * lines must read the same there.
 */
#include "lib/libc.h"

#ifndef __NR_trace
#define __NR_trace 1001		/* until your row in kernel/syscall_32.tbl defines it */
#endif

/* Linux's struct sysinfo on i386: 64 bytes. */
struct sysinfo {
	long uptime;
	unsigned long loads[3];
	unsigned long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	unsigned short procs, pad;
	unsigned long totalhigh, freehigh;
	unsigned int mem_unit;
	char reserved[8];
};

static const char *yes(int ok)
{
	return ok ? "yes" : "no";
}

int main(void)
{
	long traced = __syscall(__NR_trace, (1 << __NR_getpid) | (1 << __NR_write));
	printf("trace: %d\\n", (int)traced);
	int parent = getpid();
	long child = __syscall(__NR_fork);
	if (child == 0) {
		getpid();
		exit(0);
	}
	__syscall(__NR_wait4, child, 0, 0, 0);
	__syscall(__NR_trace, 0);
	printf("fork: parent %d, child %d\\n", parent, (int)child);

	struct sysinfo info;
	long s = __syscall(__NR_sysinfo, (long)&info);
	printf("sysinfo: %d\\n", (int)s);
	printf("sysinfo: uptime >= 0: %s\\n", yes(info.uptime >= 0));
	printf("sysinfo: procs >= 1: %s\\n", yes(info.procs >= 1));
	printf("sysinfo: totalram >= freeram > 0: %s\\n", yes(info.totalram >= info.freeram && info.freeram > 0));
	printf("sysinfo: mem_unit >= 1: %s\\n", yes(info.mem_unit >= 1));
	printf("sysinfo(NULL): %d\\n", (int)__syscall(__NR_sysinfo, 0));
	printf("sysinfo(0xc0000000): %d\\n", (int)__syscall(__NR_sysinfo, 0xc0000000));
	return 0;
}
`;
