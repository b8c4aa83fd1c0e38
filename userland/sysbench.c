/*
 * sysbench: seed 003's Table 2 on this machine. getppid() through `int $0x80` directly and through
 * __kernel_vsyscall (sysenter where the CPU has it), each timed with the TSC and the monotonic clock.
 * Usage: sysbench [N]   (default 100000)
 *
 * Measuring fairly on an emulator: the host's JIT keeps getting faster for the first few tens of
 * thousands of calls (it optimises the machine's functions and the compiled guest blocks), so whichever
 * door is timed first would pay for that. So: a warm-up of N calls through each door, alternating, then
 * ROUNDS timed rounds of N calls per door, alternating the doors, and for each door the fastest round
 * is reported (a shared host's load only ever makes a round slower). Both doors run the same number of
 * calls; only the door into the kernel differs. Use N >= 20000 for host times that mean something.
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

#define ROUNDS 3

/* The fastest of a door's timed rounds: its TSC ticks and nanoseconds. */
struct best { unsigned long long ticks; long long ns; };

static void report(const char *door, unsigned long n, const struct best *b)
{
	printf("%s: %u calls, %u TSC ticks/call, %u ns/call\n", door, n,
	       (unsigned long)(b->ticks / n), (unsigned long)(b->ns / (long long)n));
}

static void keep_fastest(struct best *b, unsigned long long ticks, long long ns)
{
	if (b->ns < 0 || ns < b->ns) {
		b->ticks = ticks;
		b->ns = ns;
	}
}

static int int80_round(unsigned long n, long ppid, struct best *b)
{
	unsigned long long t0 = rdtsc();
	long long c0 = now_ns();
	for (unsigned long i = 0; i < n; i++)
		if (__syscall_int80(__NR_getppid, 0, 0, 0) != ppid)
			return 1;
	unsigned long long t1 = rdtsc();
	long long c1 = now_ns();
	keep_fastest(b, t1 - t0, c1 - c0);
	return 0;
}

static int vsyscall_round(unsigned long n, long ppid, struct best *b)
{
	unsigned long long t0 = rdtsc();
	long long c0 = now_ns();
	for (unsigned long i = 0; i < n; i++)
		if (__syscall(__NR_getppid) != ppid)
			return 1;
	unsigned long long t1 = rdtsc();
	long long c1 = now_ns();
	keep_fastest(b, t1 - t0, c1 - c0);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? parse(argv[1]) : 100000;
	if (n == 0)
		n = 1;
	long ppid = getppid();

	/* Warm up both doors first: the machine decodes and compiles each code block, the host JIT
	 * optimises the machine. Alternating, so neither door's code paths are favoured. */
	for (unsigned long i = 0; i < n; i++)
		if (__syscall_int80(__NR_getppid, 0, 0, 0) != ppid || __syscall(__NR_getppid) != ppid)
			return 1;

	struct best int80 = { 0, -1 }, vsyscall = { 0, -1 };
	for (int round = 0; round < ROUNDS; round++)
		if (int80_round(n, ppid, &int80) || vsyscall_round(n, ppid, &vsyscall))
			return 1;

	report("int $0x80         ", n, &int80);
	report("__kernel_vsyscall ", n, &vsyscall);
	return 0;
}
