#define _GNU_SOURCE
/* vfork, posix_spawn and execve from a thread, as Linux does them:
 *   - vfork: the child runs in the parent's memory while the parent sleeps, until the child exits
 *     or execs — so the parent, once back, sees what the child wrote;
 *   - posix_spawn (glibc's clone(CLONE_VM|CLONE_VFORK) on a stack of its own);
 *   - execve in a thread while other threads sleep in a futex, in nanosleep and spin: they end
 *     (de_thread), the new program runs with the process's pid (the thread took over the leader's),
 *     and the parent reaps the process exactly once.
 * argv[1] picks a part; "report PID" is the program the exec'ing thread runs. */
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

extern char **environ;
static char *self;
static volatile int written;

static int status_of(pid_t pid)
{
	int status;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

static void vfork_exit(void)
{
	written = 0;
	pid_t child = vfork();
	if (child == 0) {
		written = 42;                 /* the parent's memory: it sees this once it runs again */
		_exit(3);
	}
	printf("vfork then _exit: the parent saw the child's write: %d, status %d\n", written, status_of(child));
}

static void vfork_exec(void)
{
	written = 0;
	pid_t child = vfork();
	if (child == 0) {
		written = 7;
		execl(self, self, "report", "0", (char *)0);
		_exit(99);
	}
	/* Back only after the exec: the write happened, in this very memory. */
	int seen = written;
	printf("vfork then execve: the parent saw the child's write: %d, status %d\n", seen, status_of(child));
}

static void spawn(void)
{
	pid_t child;
	char *args[] = { self, "report", "0", 0 };
	int r = posix_spawn(&child, self, 0, 0, args, environ);
	printf("posix_spawn: %d, status %d\n", r, r == 0 ? status_of(child) : -1);
	r = posix_spawn(&child, "/no/such/program", 0, 0, args, environ);
	if (r == 0)                   /* a posix_spawn that cannot see the exec fail leaves a child */
		status_of(child);
	printf("posix_spawn of a missing program: %s\n", strerror(r));
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static volatile int started;

static void *wait_forever(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	started++;
	for (;;)
		pthread_cond_wait(&never, &lock);
}

static void *sleep_long(void *arg)
{
	(void)arg;
	__sync_fetch_and_add(&started, 1);
	struct timespec t = { 1000, 0 };
	for (;;)
		nanosleep(&t, 0);
}

static void *spin(void *arg)
{
	(void)arg;
	__sync_fetch_and_add(&started, 1);
	for (;;)
		sched_yield();
}

static char pid_text[16];
static void *exec_it(void *arg)
{
	(void)arg;
	while (started < 3)
		sched_yield();
	execl(self, self, "report", pid_text, (char *)0);
	return (void *)1;
}

static void exec_from_thread(void)
{
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		snprintf(pid_text, sizeof pid_text, "%d", getpid());
		pthread_t t[4];
		pthread_create(&t[0], 0, wait_forever, 0);
		pthread_create(&t[1], 0, sleep_long, 0);
		pthread_create(&t[2], 0, spin, 0);
		pthread_create(&t[3], 0, exec_it, 0);
		pthread_join(t[3], 0);         /* never returns: the exec ends this thread too */
		_exit(98);
	}
	int status = status_of(child);
	int again = waitpid(-1, 0, 0);
	printf("execve from a thread of a 5-thread process: status %d, reaped once: %d\n", status, again == -1);
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 2 && strcmp(argv[1], "report") == 0) {
		/* The new program: same pid as the process that exec'd (0: do not check), one thread. */
		int expected = atoi(argv[2]);
		int same = expected == 0 || getpid() == expected;
		int leader = syscall(SYS_gettid) == getpid();
		printf("  the new program: pid kept %d, gettid == getpid %d\n", same, leader);
		return same && leader ? 5 : 6;
	}
	setvbuf(stdout, 0, _IONBF, 0);
	vfork_exit();
	vfork_exec();
	spawn();
	exec_from_thread();
	return 0;
}
