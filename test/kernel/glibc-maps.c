#define _GNU_SOURCE
/* /proc/self/maps after a few kinds of mapping, each at a fixed address so that the lines can be
 * compared with a native run's: two adjacent anonymous mmaps (one area), mprotect splitting one in
 * three, an munmap hole, MAP_SHARED|MAP_ANONYMOUS ("/dev/zero (deleted)"), MAP_GROWSDOWN, PROT_NONE,
 * and an mprotect undone (the pieces join again). Then it prints the file as it reads it. */
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>

#define PAGE 4096
#define AT(a) ((void *)(a))

static char buffer[32768];

int main(void)
{
	int fixed = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	char *a = mmap(AT(0x50000000), 4 * PAGE, PROT_READ | PROT_WRITE, fixed, -1, 0);
	mmap(AT(0x50004000), 2 * PAGE, PROT_READ | PROT_WRITE, fixed, -1, 0);
	mprotect(a + PAGE, PAGE, PROT_READ);
	mprotect(a + 2 * PAGE, PAGE, PROT_NONE);
	char *b = mmap(AT(0x50100000), 8 * PAGE, PROT_READ | PROT_EXEC, fixed, -1, 0);
	munmap(b + 2 * PAGE, 2 * PAGE);
	char *s = mmap(AT(0x50200000), 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	s[0] = 1;
	munmap(s, PAGE);                        /* the rest starts at offset 0x1000 of its object */
	mmap(AT(0x50300000), 2 * PAGE, PROT_READ | PROT_WRITE, fixed | MAP_GROWSDOWN, -1, 0);
	char *r = mmap(AT(0x50400000), 4 * PAGE, PROT_READ | PROT_WRITE, fixed, -1, 0);
	mprotect(r, PAGE, PROT_READ);
	mprotect(r, PAGE, PROT_READ | PROT_WRITE);
	int fd = open("/proc/self/maps", O_RDONLY);
	if (fd < 0)
		return 1;
	int n, total = 0;
	while ((n = read(fd, buffer + total, sizeof buffer - total)) > 0)
		total += n;
	write(1, buffer, total);
	return 0;
}
