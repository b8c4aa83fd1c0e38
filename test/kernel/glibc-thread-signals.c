#define _GNU_SOURCE
/* Signals and threads, the rules Linux keeps: each thread has its own mask; kill() is process-
 * directed (pending for the whole process, taken by a thread that does not block it); tgkill() is
 * thread-directed (only that thread takes it, even if others could); a fatal signal to one thread
 * ends the process. And the thread group in /proc: /proc/self/task/TID for every thread, Threads:
 * in status, a thread's own /proc/TID that /proc does not list. */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }
static int tgkill_(pid_t tgid, pid_t tid, int sig) { return (int)syscall(SYS_tgkill, tgid, tid, sig); }

static volatile pid_t handled_by;
static volatile int handled;
static void handler(int sig) { (void)sig; handled_by = gettid_(); handled++; }

/* A worker thread obeys commands: 'p' reports its sigpending, 'u'/'b' unblock/block a signal. */
struct worker {
	pthread_t thread;
	pid_t tid;
	sem_t go, done;
	char command;
	int signal;
	int answer;
};
static struct worker A, B;

static void wait_sem(sem_t *s) { while (sem_wait(s) != 0) ; }

static int is_pending(int sig) { sigset_t set; sigpending(&set); return sigismember(&set, sig); }

static void *work(void *arg)
{
	struct worker *w = arg;
	w->tid = gettid_();
	sem_post(&w->done);
	for (;;) {
		wait_sem(&w->go);
		sigset_t one;
		sigemptyset(&one);
		sigaddset(&one, w->signal);
		if (w->command == 'p') w->answer = is_pending(w->signal);
		if (w->command == 'u') pthread_sigmask(SIG_UNBLOCK, &one, 0);
		if (w->command == 'b') pthread_sigmask(SIG_BLOCK, &one, 0);
		if (w->command == 'q') { sem_post(&w->done); return 0; }
		sem_post(&w->done);
	}
}

static int ask(struct worker *w, char command, int signal)
{
	w->command = command;
	w->signal = signal;
	sem_post(&w->go);
	wait_sem(&w->done);
	return w->answer;
}

static void start(struct worker *w)
{
	sem_init(&w->go, 0, 0);
	sem_init(&w->done, 0, 0);
	pthread_create(&w->thread, 0, work, w);
	wait_sem(&w->done);
}

static void wait_handled(int before) { while (handled == before) sched_yield(); }

/* The first line of a /proc file that starts with `key`, or "". */
static const char *field(const char *path, const char *key)
{
	static char text[4096], line[256];
	int fd = open(path, O_RDONLY);
	if (fd < 0) return "(cannot open)";
	int n = read(fd, text, sizeof text - 1);
	close(fd);
	text[n > 0 ? n : 0] = 0;
	for (char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : 0)
		if (strncmp(p, key, strlen(key)) == 0) {
			size_t len = strcspn(p, "\n");
			memcpy(line, p, len);
			line[len] = 0;
			return line;
		}
	return "";
}

static int listed(const char *dir, pid_t id, int *count)
{
	DIR *d = opendir(dir);
	int found = 0;
	*count = 0;
	for (struct dirent *e; d && (e = readdir(d)) != 0;) {
		if (e->d_name[0] == '.') continue;
		if (atoi(e->d_name) > 0) ++*count;
		if (atoi(e->d_name) == id) found = 1;
	}
	if (d) closedir(d);
	return found;
}

static volatile pid_t sleeper_tid;
static void *sleeper(void *arg) { (void)arg; sleeper_tid = gettid_(); for (;;) pause(); }

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigaction(SIGUSR1, &sa, 0);
	sigaction(SIGUSR2, &sa, 0);
	sigset_t both;
	sigemptyset(&both);
	sigaddset(&both, SIGUSR1);
	sigaddset(&both, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &both, 0);        /* the threads inherit it */
	start(&A);
	start(&B);
	ask(&B, 'u', SIGUSR1);                       /* only B takes SIGUSR1 */

	int before = handled;
	kill(getpid(), SIGUSR1);
	wait_handled(before);
	printf("kill(SIGUSR1), blocked in every thread but B: B ran the handler: %d\n", handled_by == B.tid);

	tgkill_(getpid(), A.tid, SIGUSR1);
	printf("tgkill(SIGUSR1) to A, which blocks it: pending in A: %d, in main: %d; B did not take it: %d\n",
	       ask(&A, 'p', SIGUSR1), is_pending(SIGUSR1), handled == before + 1);
	before = handled;
	ask(&A, 'u', SIGUSR1);
	wait_handled(before);
	printf("A unblocks SIGUSR1: A ran the handler: %d\n", handled_by == A.tid);
	ask(&A, 'b', SIGUSR1);

	kill(getpid(), SIGUSR2);
	printf("kill(SIGUSR2), blocked everywhere: pending in main: %d, in A: %d, in B: %d\n",
	       is_pending(SIGUSR2), ask(&A, 'p', SIGUSR2), ask(&B, 'p', SIGUSR2));
	before = handled;
	ask(&A, 'u', SIGUSR2);
	wait_handled(before);
	printf("A unblocks SIGUSR2: A ran the handler: %d; no longer pending in main: %d\n", handled_by == A.tid, !is_pending(SIGUSR2));
	sigset_t mine;
	pthread_sigmask(SIG_BLOCK, 0, &mine);
	printf("A's and B's masks did not change main's: %d\n", sigismember(&mine, SIGUSR1) && sigismember(&mine, SIGUSR2));

	int count;
	char path[64];
	int a_listed = listed("/proc/self/task", A.tid, &count);
	printf("/proc/self/task lists A: %d, B: %d, main: %d; %d entries\n", a_listed, listed("/proc/self/task", B.tid, &count),
	       listed("/proc/self/task", getpid(), &count), count);
	printf("/proc/self/status: %s\n", field("/proc/self/status", "Threads:"));
	snprintf(path, sizeof path, "/proc/self/task/%d/status", A.tid);
	int tgid_ok = atoi(field(path, "Tgid:") + 5) == getpid(), pid_ok = atoi(field(path, "Pid:") + 4) == A.tid;
	printf("/proc/self/task/A/status: Tgid is the pid: %d, Pid is A's tid: %d\n", tgid_ok, pid_ok);
	snprintf(path, sizeof path, "/proc/%d/status", A.tid);
	int hidden = !listed("/proc", A.tid, &count);
	printf("/proc/A's tid/status opens: Tgid is the pid: %d; /proc does not list A: %d\n", atoi(field(path, "Tgid:") + 5) == getpid(), hidden);

	ask(&A, 'q', 0);
	ask(&B, 'q', 0);
	pthread_join(A.thread, 0);
	pthread_join(B.thread, 0);
	printf("after the joins: %s\n", field("/proc/self/status", "Threads:"));

	pid_t child = fork();
	if (child == 0) {
		pthread_t t;
		pthread_create(&t, 0, sleeper, 0);
		pthread_sigmask(SIG_UNBLOCK, &both, 0);
		/* A default-action SIGTERM to the other thread ends the whole process, this thread too. */
		while (sleeper_tid == 0)
			sched_yield();
		tgkill_(getpid(), sleeper_tid, SIGTERM);
		for (;;) pause();
	}
	int status;
	waitpid(child, &status, 0);
	printf("tgkill(SIGTERM) to one thread of a child: the child was killed by SIGTERM: %d\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	return 0;
}
