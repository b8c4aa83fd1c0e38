/* RLIMIT_CPU (issue 14): a child with the limits {1, 3} spins. At 1 s of CPU time it gets SIGXCPU and
 * the kernel raises its soft limit to 2; at 2 s another, soft limit 3; at 3 s, the hard limit, SIGKILL.
 * The handler prints what it sees with write(2); the parent prints how the child ended. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int signals;

static void caught(int sig) {
  struct rlimit now;
  getrlimit(RLIMIT_CPU, &now);
  char line[96];
  int n = snprintf(line, sizeof line, "SIGXCPU %d (signal %d): soft limit now %lu, hard %lu\n", ++signals, sig,
                   (unsigned long)now.rlim_cur, (unsigned long)now.rlim_max);
  write(1, line, n);
}

int main(void) {
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    signal(SIGXCPU, caught);
    struct rlimit limit = { 1, 3 };
    if (setrlimit(RLIMIT_CPU, &limit) != 0) _exit(2);
    for (volatile unsigned long spin = 0;; spin++) {
    }
  }
  int status;
  waitpid(child, &status, 0);
  if (WIFSIGNALED(status)) printf("child: killed by signal %d (%s)\n", WTERMSIG(status), sigabbrev_np(WTERMSIG(status)));
  else printf("child: exit %d\n", WEXITSTATUS(status));
  return 0;
}
