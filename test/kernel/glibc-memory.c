#define _GNU_SOURCE
/* Virtual memory: a fork of a 64 MiB process whose child touches one page (copy-on-write), a
 * recursion that grows the stack to ~8 MiB, mremap growth keeping the contents, munmap of part of
 * a mapping, mprotect, madvise(MADV_DONTNEED), and malloc until it fails with ENOMEM. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define BIG (64 << 20)

static int depth(int n)
{
	volatile char frame[1024];
	frame[0] = (char)n;
	if (n == 0) return frame[0];
	return depth(n - 1) + frame[0] - (char)n + 1;
}

static void cow(void)
{
	char *big = malloc(BIG);
	memset(big, 'p', BIG);
	pid_t child = fork();
	if (child == 0) {
		big[12345] = 'c';
		_exit(big[12345] == 'c' && big[0] == 'p' && big[BIG - 1] == 'p' ? 0 : 1);
	}
	int status;
	waitpid(child, &status, 0);
	printf("fork of 64 MiB: child exited %d; the parent still sees its own page: %d\n", WEXITSTATUS(status), big[12345] == 'p');
	free(big);
}

static void stack(void)
{
	pid_t child = fork();
	if (child == 0)
		_exit(depth(7 * 1024) == 7 * 1024 ? 0 : 1);          /* ~7.5 MiB of frames */
	int status;
	waitpid(child, &status, 0);
	printf("recursion to 7168 frames of 1 KiB: exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status));
	child = fork();
	if (child == 0)
		_exit(depth(64 * 1024));                              /* 64 MiB: past RLIMIT_STACK */
	waitpid(child, &status, 0);
	printf("recursion past 8 MiB: killed by SIGSEGV: %d\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

static void maps(void)
{
	size_t page = 4096;
	char *a = mmap(0, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 4; i++) a[i * page] = (char)('a' + i);
	char *b = mremap(a, 4 * page, 64 * page, MREMAP_MAYMOVE);
	printf("mremap to 64 pages: %d, contents kept: %c%c%c%c, the new tail is zero: %d\n", b != MAP_FAILED, b[0], b[page], b[2 * page], b[3 * page], b[40 * page] == 0);
	b[63 * page] = 'z';
	printf("munmap of the middle: %d\n", munmap(b + 8 * page, 8 * page));
	printf("the ends survive: %c %c\n", b[3 * page], b[63 * page]);
	/* Each call before the printf that reports it: C leaves the order of a call's arguments open. */
	int r = mprotect(b + 8 * page, page, PROT_READ);
	printf("mprotect of an unmapped range: %d %s\n", r, r < 0 && errno == ENOMEM ? "ENOMEM" : "-");
	printf("mprotect read-only: %d\n", mprotect(b, page, PROT_READ));
	b[2 * page] = 'x';
	r = madvise(b + 2 * page, page, MADV_DONTNEED);
	printf("madvise(MADV_DONTNEED): %d, the page reads zero again: %d\n", r, b[2 * page] == 0);
	r = msync(b, page, MS_SYNC);
	int unaligned = msync(b + 1, page, MS_SYNC);
	printf("msync of anonymous memory: %d; unaligned: %d %s\n", r, unaligned, unaligned < 0 && errno == EINVAL ? "EINVAL" : "-");
	char *shared = mmap(0, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	shared[0] = 1;
	if (fork() == 0) { shared[0] = 42; _exit(0); }
	wait(0);
	printf("MAP_SHARED|MAP_ANONYMOUS is shared with a child: %d\n", shared[0] == 42);
	/* A page neither side touched before the fork is one page too: the mapping's object holds it. */
	char *later = mmap(0, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fork() == 0) { later[page] = 7; _exit(0); }
	wait(0);
	printf("a shared page first touched by the child after the fork: the parent sees %d\n", later[page]);
}

static void exhaust(void)
{
	size_t total = 0;
	void *p;
	while ((p = malloc(32 << 20)) != 0)
		total += 32 << 20;
	printf("malloc until it fails: errno ENOMEM: %d, more than 1 GiB first: %d\n", errno == ENOMEM, total > (1u << 30));
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	cow();
	stack();
	maps();
	exhaust();
	return 0;
}
