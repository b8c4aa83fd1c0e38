/* Sessions, process groups and timers against the oracle: setsid, setpgid, getpgid, getsid,
 * alarm, setitimer/getitimer, nanosleep, getrusage, times and sysinfo, each by its own i386 number
 * through syscall(2). Only what Linux defines is printed: relations between ids (never the ids
 * themselves), errno names, and for times "within a range", never a measured duration. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e) {
  switch (e) {
  case EPERM: return "EPERM"; case ESRCH: return "ESRCH"; case EINVAL: return "EINVAL";
  case EFAULT: return "EFAULT"; case EINTR: return "EINTR"; case EACCES: return "EACCES";
  default: { static char other[32]; snprintf(other, sizeof other, "errno %d", e); return other; }
  }
}

static void show(const char *what, long result) {
  if (result == -1) printf("%-44s -1 %s\n", what, errname(errno));
  else printf("%-44s %ld\n", what, result);
}

static void truth(const char *what, int holds) { printf("%-44s %s\n", what, holds ? "yes" : "no"); }

static volatile int alarms;
static void onAlarm(int signal) { (void)signal; alarms++; }

/* A child that makes itself a session leader and reports what the calls return there. */
static void sessionLeader(void) {
  long me = getpid();
  long sid = syscall(SYS_setsid);
  truth("child: setsid() returns its pid", sid == me);
  truth("child: getsid(0) is its pid", syscall(SYS_getsid, 0) == me);
  truth("child: getpgid(0) is its pid", syscall(SYS_getpgid, 0) == me);
  show("child: setsid() again", syscall(SYS_setsid));
  show("child: setpgid(0, 0) as session leader", syscall(SYS_setpgid, 0, 0));
  fflush(stdout);
  _exit(7);
}

int main(void) {
  int status;
  long me = getpid();
  truth("getpgid(0) == getpgid(getpid())", syscall(SYS_getpgid, 0) == syscall(SYS_getpgid, me));
  truth("getsid(0) == getsid(getpid())", syscall(SYS_getsid, 0) == syscall(SYS_getsid, me));
  show("getpgid(pid that does not exist)", syscall(SYS_getpgid, 0x3ffffff));
  show("getsid(pid that does not exist)", syscall(SYS_getsid, 0x3ffffff));
  show("setpgid(-1, 0)", syscall(SYS_setpgid, -1, 0));
  show("setpgid(0, -1)", syscall(SYS_setpgid, 0, -1));
  show("setpgid(pid that does not exist, 0)", syscall(SYS_setpgid, 0x3ffffff, 0));

  fflush(stdout);
  pid_t leader = fork();
  if (leader == 0) sessionLeader();
  waitpid(leader, &status, 0);
  show("child's exit status", WEXITSTATUS(status));

  /* A child that waits on a pipe: its parent moves it into a group of its own. */
  int go[2];
  pipe(go);
  fflush(stdout);
  pid_t member = fork();
  if (member == 0) { char c; read(go[0], &c, 1); _exit(0); }
  show("setpgid(child, child)", syscall(SYS_setpgid, member, member));
  truth("getpgid(child) is the child's pid", syscall(SYS_getpgid, member) == member);
  truth("getsid(child) is ours", syscall(SYS_getsid, member) == syscall(SYS_getsid, 0));
  show("setpgid(child, group in no session of ours)", syscall(SYS_setpgid, member, 0x3ffffff));
  write(go[1], "x", 1);
  waitpid(member, &status, 0);
  show("setpgid(reaped child, 0)", syscall(SYS_setpgid, member, 0));

  /* alarm returns the seconds left of the previous alarm, rounded. */
  show("alarm(50) with none pending", syscall(SYS_alarm, 50));
  long left = syscall(SYS_alarm, 30);
  truth("alarm(30) returns 49 or 50", left == 49 || left == 50);
  left = syscall(SYS_alarm, 0);
  truth("alarm(0) returns 29 or 30", left == 29 || left == 30);

  /* setitimer/getitimer: a one-shot ITIMER_REAL delivers SIGALRM, then reads as disarmed. */
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = onAlarm;
  sigaction(SIGALRM, &action, 0);
  struct itimerval shot = { { 0, 0 }, { 0, 20000 } }, now;
  show("setitimer(ITIMER_REAL, 20 ms)", syscall(SYS_setitimer, ITIMER_REAL, &shot, 0));
  while (alarms == 0) pause();
  show("SIGALRMs delivered", alarms);
  show("getitimer(ITIMER_REAL)", syscall(SYS_getitimer, ITIMER_REAL, &now));
  truth("  disarmed", now.it_value.tv_sec == 0 && now.it_value.tv_usec == 0);
  show("setitimer(which 9)", syscall(SYS_setitimer, 9, &shot, 0));
  show("getitimer(which 9)", syscall(SYS_getitimer, 9, &now));
  show("getitimer(ITIMER_REAL, NULL)", syscall(SYS_getitimer, ITIMER_REAL, (void *)0));
  struct itimerval badUsec = { { 0, 0 }, { 0, 1000000 } };
  show("setitimer(usec 10^6)", syscall(SYS_setitimer, ITIMER_REAL, &badUsec, 0));

  /* nanosleep (162): interrupted by the timer's SIGALRM with the time left; bad requests. */
  struct timespec request = { 50, 0 }, remaining = { -1, -1 };
  show("setitimer(ITIMER_REAL, 20 ms)", syscall(SYS_setitimer, ITIMER_REAL, &shot, 0));
  show("nanosleep(50 s) interrupted", syscall(SYS_nanosleep, &request, &remaining));
  truth("  time left is in (0, 50 s]", remaining.tv_sec >= 0 && remaining.tv_sec <= 50 &&
        (remaining.tv_sec > 0 || remaining.tv_nsec > 0) && remaining.tv_nsec < 1000000000);
  struct timespec badNsec = { 0, 1000000000 }, negative = { -1, 0 }, zero = { 0, 0 };
  show("nanosleep(nsec 10^9)", syscall(SYS_nanosleep, &badNsec, 0));
  show("nanosleep(-1 s)", syscall(SYS_nanosleep, &negative, 0));
  show("nanosleep(NULL)", syscall(SYS_nanosleep, (void *)0, 0));
  show("nanosleep(0)", syscall(SYS_nanosleep, &zero, 0));

  /* getrusage (77), times (43), sysinfo (116). */
  struct rusage usage;
  show("getrusage(RUSAGE_SELF)", syscall(SYS_getrusage, RUSAGE_SELF, &usage));
  show("getrusage(RUSAGE_CHILDREN)", syscall(SYS_getrusage, RUSAGE_CHILDREN, &usage));
  show("getrusage(who 5)", syscall(SYS_getrusage, 5, &usage));
  show("getrusage(RUSAGE_SELF, NULL)", syscall(SYS_getrusage, RUSAGE_SELF, (void *)0));
  struct tms t;
  unsigned long first = syscall(SYS_times, &t);
  unsigned long second = syscall(SYS_times, (void *)0);
  truth("times() does not go backwards", second - first < 0x80000000ul);
  show("times(bad pointer)", syscall(SYS_times, (void *)16));
  struct sysinfo info;
  show("sysinfo(&info)", syscall(SYS_sysinfo, &info));
  truth("  mem_unit is not 0", info.mem_unit != 0);
  show("sysinfo(NULL)", syscall(SYS_sysinfo, (void *)0));
  return 0;
}
