/* busybox ash's `wait` (1.35's waitproc): waitpid(-1, WNOHANG) finds no zombie; every signal is
 * blocked; then `while (!got_sigchld) sigsuspend(&old)`, where got_sigchld is set only by the SIGCHLD
 * handler. A child that dies after the block and before sigsuspend leaves SIGCHLD pending and blocked
 * when sigsuspend installs the old mask. Linux's sigsuspend then returns at once, through the handler,
 * with EINTR. Under a timer tick that lands in that window, `sleep 10 & kill $!; wait $!` hit it now
 * and then: here the child's death is put into the window on purpose, every run.
 *
 * The loop is bounded, so a kernel that returns without running the handler shows its errno and a
 * count instead of spinning for ever (which is what ash did). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got_sigchld;
static void on_sigchld(int signal) { (void)signal; got_sigchld = 1; }

static const char *name(int e) { const char *n = strerrorname_np(e); return n ? n : "(no name)"; }

/* One round: `deaths` says how the child dies inside the window (exit, or a SIGTERM from us). */
static void round_with(const char *how, int by_signal) {
  int go[2], gone[2];
  if (pipe(go) != 0 || pipe(gone) != 0) { perror("pipe"); return; }
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    close(go[1]);
    close(gone[0]);
    char c;
    if (by_signal) for (;;) pause();                     /* until the SIGTERM */
    (void)!read(go[0], &c, 1);                           /* until the parent says so */
    _exit(3);
  }
  close(go[0]);
  close(gone[1]);
  got_sigchld = 0;
  int status = 0;
  printf("%s: waitpid(-1, WNOHANG) before the block: %d\n", how, (int)waitpid(-1, &status, WNOHANG));
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old);
  /* The child dies now, while every signal is blocked here. */
  if (by_signal) kill(child, SIGTERM);
  else (void)!write(go[1], "x", 1);
  char c;
  (void)!read(gone[0], &c, 1);                           /* EOF: the child's descriptors are closed */
  sigset_t pending;
  int tries = 0;
  do { sigpending(&pending); } while (!sigismember(&pending, SIGCHLD) && ++tries < 1000000);
  printf("%s: SIGCHLD pending while blocked: %s\n", how, sigismember(&pending, SIGCHLD) ? "yes" : "no");
  int calls = 0, r = 0, e = 0;
  while (!got_sigchld && calls < 100) {
    r = sigsuspend(&old);
    e = errno;
    calls++;
  }
  printf("%s: sigsuspend calls %d, last %d %s, handler ran %d\n", how, calls, r, name(e), (int)got_sigchld);
  sigprocmask(SIG_SETMASK, &old, NULL);
  pid_t reaped = waitpid(-1, &status, 0);
  printf("%s: waitpid reaps the child: %s, ", how, reaped == child ? "yes" : "no");
  if (WIFEXITED(status)) printf("exit %d\n", WEXITSTATUS(status));
  else printf("signal %d\n", WTERMSIG(status));
  close(go[1]);
  close(gone[0]);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigchld;
  sigfillset(&sa.sa_mask);                              /* as ash's setsignal does; no SA_RESTART */
  sigaction(SIGCHLD, &sa, NULL);
  round_with("exit", 0);
  round_with("SIGTERM", 1);
  return 0;
}
