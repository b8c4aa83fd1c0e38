/* Process groups and sessions belong to the process, not to one of its threads (Linux keeps them
 * in signal_struct): a setpgid or setsid made by a second thread moves every thread, and a thread
 * id that is not the process's own is refused (EINVAL) as setpgid's target. Run in a forked child
 * so that the test's own group is untouched. Prints relations between ids, never the ids. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long result) {
  if (result == -1) printf("%-48s -1 %s\n", what, errno == EINVAL ? "EINVAL" : errno == EPERM ? "EPERM" : errno == ESRCH ? "ESRCH" : strerror(errno));
  else printf("%-48s %ld\n", what, result);
}

static void truth(const char *what, int holds) { printf("%-48s %s\n", what, holds ? "yes" : "no"); }

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int step;
static long threadTid;

static void waitFor(int wanted) {
  pthread_mutex_lock(&lock);
  while (step < wanted) pthread_cond_wait(&changed, &lock);
  pthread_mutex_unlock(&lock);
}

static void advance(void) {
  pthread_mutex_lock(&lock);
  step++;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
}

/* The second thread of the first child: makes the process a group of its own. */
static void *groupMaker(void *unused) {
  (void)unused;
  long pid = getpid();
  threadTid = syscall(SYS_gettid);
  truth("thread: gettid differs from getpid", threadTid != pid);
  show("thread: setpgid(0, 0)", syscall(SYS_setpgid, 0, 0));
  truth("thread: getpgid(0) is the pid, not the tid", syscall(SYS_getpgid, 0) == pid);
  truth("thread: getpgrp() is the pid", syscall(SYS_getpgrp) == pid);
  advance();               /* step 1: the main thread checks the group */
  waitFor(2);
  show("thread: setpgid(0, 0) again (already the leader)", syscall(SYS_setpgid, 0, 0));
  show("thread: setsid() as a group leader", syscall(SYS_setsid));
  return NULL;
}

/* The second thread of the second child: makes the process a session of its own. */
static void *sessionMaker(void *unused) {
  (void)unused;
  long pid = getpid();
  threadTid = syscall(SYS_gettid);
  long sid = syscall(SYS_setsid);
  truth("thread: setsid() returns the pid, not the tid", sid == pid);
  truth("thread: getsid(0) is the pid", syscall(SYS_getsid, 0) == pid);
  truth("thread: getpgid(0) is the pid", syscall(SYS_getpgid, 0) == pid);
  show("thread: setpgid(0, 0) as a session leader", syscall(SYS_setpgid, 0, 0));
  advance();               /* step 1: the main thread checks the session */
  waitFor(2);              /* alive until then, so that its tid names it */
  return NULL;
}

static int groupChild(void) {
  long pid = getpid();
  truth("main: starts in its parent's group", syscall(SYS_getpgid, 0) != pid);
  pthread_t thread;
  if (pthread_create(&thread, NULL, groupMaker, NULL) != 0) return 2;
  waitFor(1);
  truth("main: the thread's setpgid moved the main thread", syscall(SYS_getpgrp) == pid);
  truth("main: getpgid(thread's tid) is the process's group", syscall(SYS_getpgid, threadTid) == pid);
  show("main: setpgid(thread's tid, 0)", syscall(SYS_setpgid, threadTid, 0));
  show("main: setpgid(thread's tid, pid)", syscall(SYS_setpgid, threadTid, pid));
  advance();               /* step 2: the thread tries again */
  pthread_join(thread, NULL);
  return 0;
}

static int sessionChild(void) {
  long pid = getpid();
  truth("main: starts in its parent's session", syscall(SYS_getsid, 0) != pid);
  pthread_t thread;
  if (pthread_create(&thread, NULL, sessionMaker, NULL) != 0) return 2;
  waitFor(1);
  truth("main: the thread's setsid made the main thread a session leader", syscall(SYS_getsid, 0) == pid);
  truth("main: and a group leader", syscall(SYS_getpgrp) == pid);
  truth("main: getsid(thread's tid) is the pid", syscall(SYS_getsid, threadTid) == pid);
  show("main: setsid() again", syscall(SYS_setsid));
  advance();               /* step 2: the thread may end */
  pthread_join(thread, NULL);
  return 0;
}

static void run(const char *name, int (*body)(void)) {
  step = 0;
  printf("-- %s\n", name);
  pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status;
  if (waitpid(pid, &status, 0) != pid) { printf("waitpid failed\n"); return; }
  truth("parent: the child exited 0", WIFEXITED(status) && WEXITSTATUS(status) == 0);
  show("parent: getpgid(reaped child)", syscall(SYS_getpgid, pid));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  run("a thread's setpgid", groupChild);
  run("a thread's setsid", sessionChild);
  return 0;
}
