/*
 * sysbench: seed 003's Table 2 on this machine. N getppid() calls through `int $0x80` directly, then
 * N through __kernel_vsyscall (sysenter where the CPU has it), each timed with the TSC and the
 * monotonic clock, after a warm-up of N/10 calls through each. Usage: sysbench [N]   (default 100000)
 * Both loops run the same number of calls; only the door into the kernel differs.
 */
#include "lib/libc.h"

static unsigned long long rdtsc(void)
{
	unsigned int lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(1, &ts);          /* CLOCK_MONOTONIC */
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static unsigned long parse(const char *s)
{
	unsigned long n = 0;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (*s++ - '0');
	return n;
}

static void report(const char *door, unsigned long n, unsigned long long ticks, long long ns)
{
	printf("%s: %u calls, %u TSC ticks/call, %u ns/call\n", door, n,
	       (unsigned long)(ticks / n), (unsigned long)(ns / (long long)n));
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? parse(argv[1]) : 100000;
	if (n == 0)
		n = 1;
	long ppid = getppid();

	/* Warm up both doors first (the machine decodes and caches each code block on first use). */
	for (unsigned long i = 0; i < n / 10 + 1; i++)
		if (__syscall_int80(__NR_getppid, 0, 0, 0) != ppid || __syscall(__NR_getppid) != ppid)
			return 1;

	unsigned long long t0 = rdtsc();
	long long c0 = now_ns();
	for (unsigned long i = 0; i < n; i++)
		if (__syscall_int80(__NR_getppid, 0, 0, 0) != ppid)
			return 1;
	unsigned long long t1 = rdtsc();
	long long c1 = now_ns();
	for (unsigned long i = 0; i < n; i++)
		if (__syscall(__NR_getppid) != ppid)
			return 1;
	unsigned long long t2 = rdtsc();
	long long c2 = now_ns();

	report("int $0x80         ", n, t1 - t0, c1 - c0);
	report("__kernel_vsyscall ", n, t2 - t1, c2 - c1);
	return 0;
}
