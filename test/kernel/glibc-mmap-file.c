#define _GNU_SOURCE
/* mmap of a file, MAP_PRIVATE and MAP_SHARED, as Linux does it: one page cache, so a write through
 * a shared mapping is seen by read(2), by another mapping in this process and by a mapping in
 * another process; a private mapping sees the file until it writes a page (then the page is its
 * copy); write(2) is seen by the mappings; msync and munmap write back; a page wholly past the end
 * of the file is SIGBUS; the errors (EBADF, ENODEV, EACCES). argv[1]: a directory for the file;
 * argv[2] = "maps" also prints the shared mapping's /proc/self/maps line (fields one space apart). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#define PAGE 4096
#define SIZE (2 * PAGE + 100)

static char path[4096];

/* Bytes as a string, in one of eight buffers: a printf may show several. */
static char *buffer(void)
{
	static char out[8][64];
	static int next;
	return out[next++ % 8];
}

static const char *text(const char *p, int n)
{
	char *out = buffer();
	memcpy(out, p, n);
	out[n] = 0;
	return out;
}

static const char *pread_text(int fd, off_t at, int n)
{
	char *out = buffer();
	int got = pread(fd, out, n, at);
	out[got < 0 ? 0 : got] = 0;
	return out;
}

static int status_of(pid_t pid)
{
	int status;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

static void maps_line(unsigned long start)
{
	char buf[65536];
	int fd = open("/proc/self/maps", O_RDONLY);
	int n = 0, r;
	while (fd >= 0 && (r = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
		n += r;
	buf[n] = 0;
	close(fd);
	char prefix[16];
	snprintf(prefix, sizeof prefix, "%08lx-", start);
	for (char *line = strtok(buf, "\n"); line; line = strtok(0, "\n")) {
		if (strncmp(line, prefix, 9) != 0)
			continue;
		char a[32], perms[8], offset[16], dev[16], inode[32], name[4096] = "";
		sscanf(line, "%31s %7s %15s %15s %31s %4095[^\n]", a, perms, offset, dev, inode, name);
		struct stat st;
		stat(path, &st);
		printf("maps: %s %s %s, the file's device and inode: %d, the path: %d\n", a, perms, offset,
		       strtoul(dev, 0, 16) == major(st.st_dev) && strtoul(strchr(dev, ':') + 1, 0, 16) == minor(st.st_dev) && strtoul(inode, 0, 10) == st.st_ino,
		       strcmp(name, path) == 0);
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IONBF, 0);
	snprintf(path, sizeof path, "%s/gate86-mmap-%d", argc > 1 ? argv[1] : "/tmp", getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char *initial = malloc(SIZE);
	for (int i = 0; i < SIZE; i++)
		initial[i] = 'a' + i % 26;
	write(fd, initial, SIZE);

	char *private = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *watcher = mmap(0, SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	char *shared = mmap((void *)0x50000000, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, PAGE);
	printf("mmap: private %d, shared at 0x50000000 from offset 4096: %d\n", private != MAP_FAILED, shared == (void *)0x50000000);
	printf("the private mapping reads the file: %s, page 1: %s, the tail past the end is zero: %d\n",
	       text(private, 6), text(private + PAGE, 4), private[SIZE] == 0 && private[3 * PAGE - 1] == 0);
	printf("the watcher (private, read-only) sees %s\n", text(watcher + PAGE, 4));

	private[0] = 'P';
	printf("a write to the private mapping: it reads %s, read(2) still %s\n", text(private, 3), pread_text(fd, 0, 3));

	memcpy(shared, "SHARED", 6);                  /* file offset 4096 */
	printf("a write through the shared mapping: read(2) sees %s, the watcher %s, the private mapping %s\n",
	       pread_text(fd, PAGE, 6), text(watcher + PAGE, 6), text(private + PAGE, 6));

	pwrite(fd, "PWRITE", 6, PAGE + 10);
	printf("write(2) at 4106: the shared mapping sees %s, the watcher %s\n", text(shared + 10, 6), text(watcher + PAGE + 10, 6));

	pid_t child = fork();
	if (child == 0) {
		memcpy(shared + 20, "INHERITED", 9);   /* the mapping the child inherited */
		int own = open(path, O_RDWR);
		char *mine = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, own, 0);
		memcpy(mine + PAGE + 40, "ANOTHER", 7);    /* a mapping of its own */
		_exit(mine == MAP_FAILED ? 1 : 0);
	}
	int exited = status_of(child);
	printf("a child exited %d; the parent's mapping sees %s and %s, read(2) %s\n", exited,
	       text(shared + 20, 9), text(shared + 40, 7), pread_text(fd, PAGE + 40, 7));
	if (argc > 2 && strcmp(argv[2], "maps") == 0)
		maps_line(0x50000000);

	int synced = msync(shared, 2 * PAGE, MS_SYNC);
	int unmapped = munmap(shared, 2 * PAGE);
	printf("msync: %d; munmap: %d\n", synced, unmapped);
	char *whole = malloc(SIZE + 1);
	int got = pread(fd, whole, SIZE + 1, 0);
	printf("after munmap, read(2) gives %d bytes: %s...%s\n", got, text(whole, 3), text(whole + PAGE, 6));
	struct stat st;
	fstat(fd, &st);
	printf("the size is still %ld\n", (long)st.st_size);

	child = fork();
	if (child == 0) {
		char *past = mmap(0, 4 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
		volatile char c = past[3 * PAGE];       /* wholly past the end of the file */
		(void)c;
		_exit(0);
	}
	int bus = status_of(child);
	printf("touching a page past the end: killed by SIGBUS: %d\n", bus == 100 + SIGBUS);

	int pipes[2];
	pipe(pipes);
	void *r = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, pipes[0], 0);
	printf("mmap of a pipe: %s\n", r == MAP_FAILED && errno == ENODEV ? "ENODEV" : "?");
	r = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, 99, 0);
	printf("mmap of a closed fd: %s\n", r == MAP_FAILED && errno == EBADF ? "EBADF" : "?");
	int ro = open(path, O_RDONLY);
	r = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	printf("writable MAP_SHARED of a read-only fd: %s\n", r == MAP_FAILED && errno == EACCES ? "EACCES" : "?");
	char *readonly = mmap(0, PAGE, PROT_READ, MAP_SHARED, ro, 0);
	int p = mprotect(readonly, PAGE, PROT_READ | PROT_WRITE);
	printf("mprotect of it to PROT_WRITE: %d %s\n", p, p < 0 && errno == EACCES ? "EACCES" : "-");
	char *cow = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	cow[0] = 'C';
	printf("writable MAP_PRIVATE of a read-only fd: %s, the file keeps %s\n", text(cow, 1), pread_text(ro, 0, 1));
	int zero = open("/dev/zero", O_RDWR);
	char *z = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, zero, 0);
	z[PAGE] = 1;
	printf("MAP_PRIVATE of /dev/zero: zeros, writable: %d\n", z[0] == 0 && z[PAGE] == 1);
	unlink(path);
	printf("after unlink the mapping still reads %s\n", text(private + PAGE, 6));
	return 0;
}
