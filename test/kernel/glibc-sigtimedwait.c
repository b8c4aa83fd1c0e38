/* rt_sigtimedwait (177) as sigtimedwait and sigwaitinfo use it: a pending blocked signal taken at
 * once with its siginfo, a zero or short timeout (EAGAIN), bad arguments (EINVAL, EFAULT), a signal
 * sent by another process while waiting, and another signal's handler interrupting the wait (EINTR). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void result(const char *what, long r) {
  if (r < 0) printf("%-40s -1 %s\n", what, strerrorname_np(errno));
  else printf("%-40s %ld\n", what, r);
}

static volatile int alarms;
static void onAlarm(int s) { (void)s; alarms++; }

int main(void) {
  sigset_t usr1, usr2, both;
  sigemptyset(&usr1); sigaddset(&usr1, SIGUSR1);
  sigemptyset(&usr2); sigaddset(&usr2, SIGUSR2);
  sigemptyset(&both); sigaddset(&both, SIGUSR1); sigaddset(&both, SIGUSR2);
  sigprocmask(SIG_BLOCK, &both, NULL);
  siginfo_t info;
  struct timespec zero = { 0, 0 }, short_wait = { 0, 1000000 }, bad = { 0, 2000000000 };

  raise(SIGUSR1);
  memset(&info, 0x55, sizeof info);
  result("raise; sigtimedwait(USR1, 0s)", sigtimedwait(&usr1, &info, &zero));
  printf("%-40s signo %d errno %d code %d pid is mine %d\n", "  info", info.si_signo, info.si_errno, info.si_code, info.si_pid == getpid());
  result("sigtimedwait(USR1, 0s) again", sigtimedwait(&usr1, &info, &zero));
  result("sigtimedwait(USR1, 1ms)", sigtimedwait(&usr1, &info, &short_wait));
  raise(SIGUSR2);
  result("raise USR2; sigtimedwait(USR1, 0s)", sigtimedwait(&usr1, &info, &zero));
  result("sigtimedwait(USR1|USR2, 0s, NULL info)", sigtimedwait(&both, NULL, &zero));
  result("rt_sigtimedwait(size 4)", syscall(SYS_rt_sigtimedwait, &usr1, NULL, &zero, 4));
  result("rt_sigtimedwait(set (void *)1)", syscall(SYS_rt_sigtimedwait, (void *)1, NULL, &zero, 8));
  result("rt_sigtimedwait(timeout (void *)1)", syscall(SYS_rt_sigtimedwait, &usr1, NULL, (void *)1, 8));
  result("rt_sigtimedwait(tv_nsec 2e9)", syscall(SYS_rt_sigtimedwait, &usr1, NULL, &bad, 8));
  raise(SIGUSR1);
  result("raise; rt_sigtimedwait(info (void *)1)", syscall(SYS_rt_sigtimedwait, &usr1, (void *)1, &zero, 8));
  sigset_t pending;
  sigpending(&pending);
  printf("%-40s %d\n", "  USR1 still pending", sigismember(&pending, SIGUSR1));
  sigtimedwait(&usr1, NULL, &zero);

  fflush(stdout);
  pid_t child = fork();
  if (child == 0) { kill(getppid(), SIGUSR2); _exit(0); }
  result("child sends USR2; sigwaitinfo(USR2)", sigwaitinfo(&usr2, &info));
  printf("%-40s signo %d code %d pid is the child's %d\n", "  info", info.si_signo, info.si_code, info.si_pid == child);
  waitpid(child, NULL, 0);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = onAlarm;
  sigaction(SIGALRM, &sa, NULL);
  fflush(stdout);
  child = fork();
  if (child == 0) { for (;;) { kill(getppid(), SIGALRM); sched_yield(); } }
  long r;
  while ((r = sigwaitinfo(&usr1, &info)) >= 0) {}
  result("SIGALRM's handler runs; sigwaitinfo(USR1)", r);
  printf("%-40s %d\n", "  the handler ran", alarms > 0);
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  return 0;
}
