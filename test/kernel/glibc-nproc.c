/* A fork bomb as an ordinary user (issue 14): root sets RLIMIT_NPROC to {20, 20} and becomes uid
 * 1000 (no process of that user exists yet), then forks until fork fails. The user may run 20
 * processes, this one included: 19 children, then EAGAIN. Each child waits on a pipe; closing it
 * ends them all, and once they are reaped fork works again. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  struct rlimit limit = { 20, 20 };
  if (setrlimit(RLIMIT_NPROC, &limit) != 0) { perror("setrlimit"); return 1; }
  if (setuid(1000) != 0) { perror("setuid"); return 1; }
  int gate[2];
  if (pipe(gate) != 0) return 1;
  int children = 0;
  fflush(stdout);
  for (;;) {
    pid_t child = fork();
    if (child < 0) break;
    if (child == 0) {
      char byte;
      close(gate[1]);
      read(gate[0], &byte, 1);
      _exit(0);
    }
    children++;
  }
  int error = errno;
  printf("uid %d, RLIMIT_NPROC 20: %d children, then fork fails with %s\n", getuid(), children, strerrorname_np(error));
  struct rlimit raised = { 40, 40 };
  int raise = setrlimit(RLIMIT_NPROC, &raised);
  printf("raising the hard limit as uid 1000: %d %s\n", raise, raise < 0 ? strerrorname_np(errno) : "-");
  close(gate[1]);
  int reaped = 0;
  while (wait(NULL) > 0) reaped++;
  printf("reaped %d\n", reaped);
  pid_t again = fork();
  if (again == 0) _exit(7);
  int status = 0;
  waitpid(again, &status, 0);
  printf("fork after the children are gone: %s, exit %d\n", again > 0 ? "works" : strerrorname_np(errno), WEXITSTATUS(status));
  return 0;
}
