#define _GNU_SOURCE
/* clone's CLONE_FILES and CLONE_FS, as Linux: threads share the descriptor table and the working
 * directory; a clone with CLONE_FILES (no CLONE_THREAD) shares the table too, one without copies it;
 * CLONE_FS shares chdir and umask; fork copies both; an execve in a process that shares its table
 * with another gets a table of its own first, so its close-on-exec descriptors close only there.
 * argv[1]: a directory to chdir into; "exec FD" is the program the clone runs (it reports FD). */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char *self, *dir;
static int opened = -1;
static char stack[64 * 1024] __attribute__((aligned(16)));

static int open_one(void *arg)
{
	(void)arg;
	opened = open("/dev/null", O_RDONLY);
	return 0;
}

static int change_dir(void *arg)
{
	(void)arg;
	chdir(dir);
	umask(077);
	return 0;
}

static int cloexec_fd = -1;
static int run_exec(void *arg)
{
	(void)arg;
	char fd[16];
	snprintf(fd, sizeof fd, "%d", cloexec_fd);
	execl(self, self, "exec", fd, (char *)0);
	return 99;
}

static int status_of(pid_t pid)
{
	int status;
	if (waitpid(pid, &status, __WALL) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

static int valid(int fd) { return fd >= 0 && fcntl(fd, F_GETFD) >= 0; }

static int run_clone(int (*fn)(void *), int flags)
{
	opened = -1;
	pid_t pid = clone(fn, stack + sizeof stack, flags | SIGCHLD, 0);
	return status_of(pid);
}

static void *thread_open(void *arg) { (void)arg; open_one(0); return 0; }
static void *thread_chdir(void *arg) { (void)arg; change_dir(0); return 0; }

static void here(char *out, size_t n)
{
	char cwd[4096];
	getcwd(cwd, sizeof cwd);
	snprintf(out, n, "%s", strcmp(cwd, dir) == 0 ? "the directory" : "elsewhere");
}

int main(int argc, char **argv)
{
	self = realpath(argv[0], 0);
	if (argc > 2 && strcmp(argv[1], "exec") == 0) {
		printf("  after execve the close-on-exec descriptor is closed in the new program: %d\n", !valid(atoi(argv[2])));
		return 4;
	}
	setvbuf(stdout, 0, _IONBF, 0);
	dir = realpath(argc > 1 ? argv[1] : "/tmp", 0);
	char where[64];
	char *start = getcwd(0, 0);

	pthread_t t;
	pthread_create(&t, 0, thread_open, 0);
	pthread_join(t, 0);
	printf("a thread's open is in the process's table: %d\n", valid(opened));
	close(opened);

	int r = run_clone(open_one, CLONE_VM | CLONE_FILES);
	printf("clone(CLONE_VM|CLONE_FILES) exited %d, its open is in the caller's table: %d\n", r, valid(opened));
	close(opened);
	r = run_clone(open_one, CLONE_VM);
	printf("clone(CLONE_VM) exited %d, its open is in the caller's table: %d\n", r, valid(opened));

	if (fork() == 0) { chdir(dir); _exit(0); }
	wait(0);
	here(where, sizeof where);
	printf("after a fork's child chdir, the parent is in %s\n", where);
	r = run_clone(change_dir, CLONE_VM);
	here(where, sizeof where);
	printf("clone(CLONE_VM) exited %d, chdir: the caller is in %s\n", r, where);
	r = run_clone(change_dir, CLONE_VM | CLONE_FS);
	here(where, sizeof where);
	mode_t mask = umask(022);
	printf("clone(CLONE_VM|CLONE_FS) exited %d, chdir and umask: the caller is in %s, umask %03o\n", r, where, mask);
	chdir(start);
	pthread_create(&t, 0, thread_chdir, 0);
	pthread_join(t, 0);
	here(where, sizeof where);
	mask = umask(022);
	printf("a thread's chdir and umask: the process is in %s, umask %03o\n", where, mask);

	cloexec_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	r = run_clone(run_exec, CLONE_VM | CLONE_FILES);
	printf("clone(CLONE_VM|CLONE_FILES) then execve: exited %d, the caller's close-on-exec descriptor stays open: %d\n", r, valid(cloexec_fd));
	return 0;
}
