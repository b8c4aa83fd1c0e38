/* A fork bomb that ends: every process forks until fork fails, then reaps its children and exits 0
 * only if its own fork failed with EAGAIN and every child of it did the same. The first process
 * prints the verdict; Linux gives EAGAIN when the task count reaches RLIMIT_NPROC or max_threads. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t first = getpid();
  int failure = 0, children = 0;
  for (;;) {
    pid_t pid = fork();
    if (pid < 0) { failure = errno; break; }
    if (pid == 0) { children = 0; continue; }
    children++;
  }
  int good = failure == EAGAIN, status;
  while (wait(&status) > 0) good = good && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (getpid() == first) printf("fork failed with %s; every process of the bomb saw EAGAIN and was reaped: %d\n", strerrorname_np(failure), good);
  return good ? 0 : 1;
}
