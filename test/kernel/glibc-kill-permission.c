// Who may signal whom (kill(2): "the real or effective user ID of the sending process must equal
// the real or saved set-user-ID of the target", or CAP_KILL; SIGCONT within a session). Run as
// root: a child that became nobody (setuid 65534) signals its root parent, and the parent it.
// Read by test/kernel/kill-permission.test.ts, which compares the output with the oracle's.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int got;
static void on_signal(int sig) { got = sig; }

static void report(const char *what, int r) {
  printf("%-44s %s\n", what, r == 0 ? "0" : strerror(errno));
}

int main(void) {
  if (getuid() != 0) { printf("not root: nothing to compare\n"); return 0; }
  signal(SIGUSR1, on_signal);
  signal(SIGUSR2, on_signal);
  signal(SIGCONT, on_signal);
  setvbuf(stdout, 0, _IONBF, 0);
  pid_t parent = getpid();
  pid_t child = fork();
  if (child == 0) {
    signal(SIGUSR2, SIG_IGN);
    // A group of its own first: natively, kill(0) below must not reach the harness's other
    // processes (a fuzzer's oracle may run as nobody in the same group at the same time).
    setpgid(0, 0);
    if (setuid(65534) != 0) { perror("setuid"); _exit(1); }
    report("nobody: kill(root parent, SIGUSR1)", kill(parent, SIGUSR1));
    report("nobody: kill(root parent, 0)", kill(parent, 0));
    report("nobody: tgkill(root parent, SIGUSR1)", (int)syscall(SYS_tgkill, parent, parent, SIGUSR1));
    report("nobody: tkill(root parent, SIGUSR1)", (int)syscall(SYS_tkill, parent, SIGUSR1));
    report("nobody: sigqueue(root parent, SIGUSR1)", sigqueue(parent, SIGUSR1, (union sigval){ .sival_int = 1 }));
    report("nobody: kill(its own new group, SIGUSR2)", kill(0, SIGUSR2));
    report("nobody: kill(root parent, SIGCONT), one session", kill(parent, SIGCONT));
    report("nobody: kill(itself, 0)", kill(getpid(), 0));
    report("nobody: kill(a pid nobody has, 0)", kill(0x7ffffff0, 0));
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  printf("the child exited %d; the parent got %s\n", WEXITSTATUS(status),
         got == SIGCONT ? "SIGCONT only" : got == 0 ? "nothing" : "another signal");
  pid_t quick = fork();
  if (quick == 0) _exit(0);
  usleep(20000);
  report("root: kill(a zombie child, 0)", kill(quick, 0));
  waitpid(quick, &status, 0);
  report("root: kill(it once reaped, 0)", kill(quick, 0));
  pid_t other = fork();
  if (other == 0) {
    if (setuid(65534) != 0) { perror("setuid"); _exit(1); }
    pause();
    _exit(0);
  }
  usleep(20000);
  report("root: kill(a nobody child, SIGTERM)", kill(other, SIGTERM));
  waitpid(other, &status, 0);
  printf("that child ended by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return 0;
}
