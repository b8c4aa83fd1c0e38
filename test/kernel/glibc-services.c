/* A static glibc program exercising the memory, time and identity services, printing only what is
 * the same on every Linux: the test compares gate86's output with the oracle's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/time.h>
#include <unistd.h>

int main(void)
{
	/* brk: many small blocks; mmap2/munmap: one big block (above glibc's mmap threshold). */
	char *small[64];
	for (int i = 0; i < 64; i++) {
		small[i] = malloc(1000);
		memset(small[i], i, 1000);
	}
	int ok = 1;
	for (int i = 0; i < 64; i++)
		ok &= small[i][999] == i;
	char *big = malloc(4 << 20);
	memset(big, 0x5a, 4 << 20);
	ok &= big[(4 << 20) - 1] == 0x5a;
	free(big);
	printf("malloc: %s\n", ok ? "ok" : "bad");

	void *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap: %s, zeroed %d\n", p == MAP_FAILED ? "failed" : "ok", p != MAP_FAILED && ((char *)p)[8191] == 0);
	printf("munmap: %d, munmap unaligned: %d\n", munmap(p, 8192), munmap((char *)p + 1, 4096));
	printf("mprotect: %d\n", mprotect(small[0] - ((unsigned long)small[0] & 4095), 4096, PROT_READ | PROT_WRITE));

	struct utsname u;
	printf("uname: %d %s\n", uname(&u), u.sysname);

	struct timespec a, b, sleep = { 0, 2000000 };
	clock_gettime(CLOCK_MONOTONIC, &a);
	int slept = nanosleep(&sleep, 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
	printf("nanosleep: %d, monotonic advanced >= 2 ms: %d\n", slept, ns >= 2000000);
	struct timeval tv;
	gettimeofday(&tv, 0);
	time_t t = time(0);
	printf("time after 2020: %d, gettimeofday agrees: %d\n", t > 1577836800, tv.tv_sec - t < 2 && t - tv.tv_sec < 2);
	printf("clock_gettime(bad clock): %d\n", clock_gettime(12345, &a));
	printf("getpid == getpid: %d\n", getpid() == getpid());
	return 0;
}
