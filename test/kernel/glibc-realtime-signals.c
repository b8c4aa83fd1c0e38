/* Real-time signals (32..64, SIGRTMIN..SIGRTMAX as the kernel numbers them; glibc keeps 32 and 33):
 * kill, block and pending for signal 64, a child killed by it, clone's exit signal 64, sigqueue()
 * instances that queue with their own si_value, delivery lowest number first, sigtimedwait on
 * SIGRTMAX, the old sigframe's extramask (signals 33..64) across a handler, and the limits
 * (65 is EINVAL; rt_sigqueueinfo may not claim a kernel si_code). Each line is compared with Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int got;
static void h(int s) { got = s; }

static volatile int values[8], nvalues;
static void onValue(int s, siginfo_t *info, void *uc) {
  (void)s; (void)uc;
  if (nvalues < 8) values[nvalues++] = info->si_value.sival_int;
}

static volatile int order[8], norder;
static void onOrder(int s) { if (norder < 8) order[norder++] = s; }

static volatile int blockedInHandler;
static void onUsr1(int s) {
  (void)s;
  sigset_t now; sigprocmask(SIG_BLOCK, NULL, &now);
  blockedInHandler = sigismember(&now, 64) * 10 + sigismember(&now, 40);
}

static void result(const char *what, long r) {
  if (r < 0) printf("%-40s -1 %s\n", what, strerrorname_np(errno));
  else printf("%-40s %ld\n", what, r);
}

/* This process's /proc/self/status line `name`, or "none". */
static void statusLine(const char *name) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  size_t n = strlen(name);
  while (f != NULL && fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, name, n) == 0) { printf("%s", line); fclose(f); return; }
  }
  if (f != NULL) fclose(f);
  printf("%s none\n", name);
}

/* How many siginfos this user has queued: /proc/self/status's SigQ (queued/limit). */
static unsigned queuedByUser(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  unsigned queued = 1000;
  while (f != NULL && fgets(line, sizeof line, f) != NULL) if (sscanf(line, "SigQ: %u/", &queued) == 1) break;
  if (f != NULL) fclose(f);
  return queued;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  /* The reproducer: signal 64 exists. */
  printf("SIGRTMAX %d\n", SIGRTMAX);
  signal(64, h);
  kill(getpid(), 64);
  printf("handler got %d\n", got);
  sigset_t s; sigemptyset(&s); sigaddset(&s, 64); sigprocmask(SIG_BLOCK, &s, 0);
  kill(getpid(), 64);
  sigset_t p; sigpending(&p); printf("pending 64: %d, 32: %d\n", sigismember(&p, 64), sigismember(&p, 32));
  statusLine("SigBlk:");
  sigprocmask(SIG_UNBLOCK, &s, 0);
  printf("after unblock got %d\n", got);
  pid_t c = fork();
  if (c == 0) { signal(64, SIG_DFL); kill(getpid(), 64); _exit(3); }
  int st; waitpid(c, &st, 0); printf("child: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
  long r = syscall(SYS_clone, 64, 0, 0, 0, 0);
  if (r == 0) _exit(0);
  got = 0; sleep(1); printf("clone(64) child exit -> got %d\n", got);

  /* sigqueue: three instances of SIGRTMIN+1 while blocked, each with its value, taken in order. */
  int rt1 = SIGRTMIN + 1;
  struct sigaction sa; memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = onValue; sa.sa_flags = SA_SIGINFO; sigemptyset(&sa.sa_mask);
  sigaction(rt1, &sa, NULL);
  sigset_t b; sigemptyset(&b); sigaddset(&b, rt1); sigprocmask(SIG_BLOCK, &b, 0);
  for (int i = 0; i < 3; i++) sigqueue(getpid(), rt1, (union sigval){ .sival_int = 100 + i * 11 });
  sigpending(&p); printf("SIGRTMIN+1 pending after 3 sigqueue: %d, handler runs so far %d\n", sigismember(&p, rt1), nvalues);
  sigprocmask(SIG_UNBLOCK, &b, 0);
  printf("after unblock: %d runs, values", nvalues);
  for (int i = 0; i < nvalues; i++) printf(" %d", values[i]);
  printf("\n");

  /* A standard signal sent three times while blocked is delivered once; real-time ones queue. */
  signal(SIGUSR2, onOrder);
  signal(40, onOrder); signal(36, onOrder); signal(SIGRTMAX, onOrder);
  sigset_t mixed; sigemptyset(&mixed);
  sigaddset(&mixed, SIGUSR2); sigaddset(&mixed, 40); sigaddset(&mixed, 36); sigaddset(&mixed, SIGRTMAX);
  sigprocmask(SIG_BLOCK, &mixed, 0);
  kill(getpid(), SIGRTMAX); kill(getpid(), 40); kill(getpid(), SIGUSR2); kill(getpid(), 36);
  kill(getpid(), SIGUSR2); kill(getpid(), 40); kill(getpid(), SIGUSR2);
  sigprocmask(SIG_UNBLOCK, &mixed, 0);
  printf("delivery order:");
  for (int i = 0; i < norder; i++) printf(" %d", order[i]);
  printf("\n");

  /* sigtimedwait on SIGRTMAX: each queued instance with its siginfo, then EAGAIN. */
  sigset_t max; sigemptyset(&max); sigaddset(&max, SIGRTMAX); sigprocmask(SIG_BLOCK, &max, 0);
  kill(getpid(), SIGRTMAX);
  sigqueue(getpid(), SIGRTMAX, (union sigval){ .sival_int = 4242 });
  struct timespec zero = { 0, 0 };
  siginfo_t info;
  memset(&info, 0, sizeof info);
  r = sigtimedwait(&max, &info, &zero);
  printf("sigtimedwait(SIGRTMAX) %ld: code %s, pid is mine %d\n", r, info.si_code == SI_USER ? "SI_USER" : "other", info.si_pid == getpid());
  memset(&info, 0, sizeof info);
  r = sigtimedwait(&max, &info, &zero);
  printf("sigtimedwait(SIGRTMAX) %ld: code %s, value %d\n", r, info.si_code == SI_QUEUE ? "SI_QUEUE" : "other", info.si_value.sival_int);
  result("sigtimedwait(SIGRTMAX) again", sigtimedwait(&max, &info, &zero));

  /* The old sigframe keeps signals 33..64 in extramask: a handler's mask and the one sigreturn restores. */
  struct sigaction u; memset(&u, 0, sizeof u);
  u.sa_handler = onUsr1; sigemptyset(&u.sa_mask); sigaddset(&u.sa_mask, 40);
  sigaction(SIGUSR1, &u, NULL);
  sigset_t only64; sigemptyset(&only64); sigaddset(&only64, 64); sigprocmask(SIG_SETMASK, &only64, 0);
  kill(getpid(), SIGUSR1);
  sigset_t now; sigprocmask(SIG_BLOCK, NULL, &now);
  printf("in handler: 64 blocked %d, 40 blocked %d; after: 64 blocked %d, 40 blocked %d\n",
         blockedInHandler / 10, blockedInHandler % 10, sigismember(&now, 64), sigismember(&now, 40));
  sigemptyset(&now); sigprocmask(SIG_SETMASK, &now, 0);

  /* RLIMIT_SIGPENDING: queued siginfos per user. Past it sigqueue and tgkill of a real-time signal
   * fail with EAGAIN, kill's is still sent (without its siginfo), a standard one still queues. The
   * user's other processes may hold some already (/proc's SigQ: queued/limit): 4 more are allowed. */
  c = fork();
  if (c == 0) {
    unsigned used = queuedByUser();
    struct rlimit few = { used + 4, used + 4 };
    setrlimit(RLIMIT_SIGPENDING, &few);
    sigset_t rt; sigemptyset(&rt); sigaddset(&rt, 50); sigaddset(&rt, 51); sigaddset(&rt, SIGUSR1);
    sigprocmask(SIG_BLOCK, &rt, 0);
    int queued = 0;
    while (queued < 100 && sigqueue(getpid(), 50, (union sigval){ .sival_int = queued }) == 0) queued++;
    printf("RLIMIT_SIGPENDING 4: %d sigqueue calls queued, then %s\n", queued, strerrorname_np(errno));
    result("  kill(self, 51) over the limit", kill(getpid(), 51));
    result("  tgkill(self, 51) over the limit", syscall(SYS_tgkill, getpid(), gettid(), 51));
    result("  kill(self, SIGUSR1) over the limit", kill(getpid(), SIGUSR1));
    sigpending(&p); printf("  pending 50 %d, 51 %d, SIGUSR1 %d\n", sigismember(&p, 50), sigismember(&p, 51), sigismember(&p, SIGUSR1));
    sigset_t fifty; sigemptyset(&fifty); sigaddset(&fifty, 50);
    int taken = 0;
    while (sigtimedwait(&fifty, &info, &zero) == 50) { if (info.si_value.sival_int != taken) printf("  value %d?\n", info.si_value.sival_int); taken++; }
    printf("  sigtimedwait took 50 %d times; SigQ shows %u more than before\n", taken, queuedByUser() - used);
    sigset_t fiftyone; sigemptyset(&fiftyone); sigaddset(&fiftyone, 51);
    memset(&info, 0, sizeof info);
    r = sigtimedwait(&fiftyone, &info, &zero);
    printf("  sigtimedwait(51) %ld, code %d, pid %d\n", r, info.si_code, info.si_pid);
    result("  sigqueue(self, 50) with room again", sigqueue(getpid(), 50, (union sigval){ .sival_int = 7 }));
    _exit(0);
  }
  waitpid(c, &st, 0);

  /* SIG_IGN discards what is pending of the signal, every queued instance, blocked or not. */
  sigset_t s45; sigemptyset(&s45); sigaddset(&s45, 45); sigprocmask(SIG_BLOCK, &s45, 0);
  sigqueue(getpid(), 45, (union sigval){ .sival_int = 1 }); sigqueue(getpid(), 45, (union sigval){ .sival_int = 2 });
  sigpending(&p); printf("45 pending twice: %d", sigismember(&p, 45));
  signal(45, SIG_IGN);
  sigpending(&p); printf("; after SIG_IGN: %d\n", sigismember(&p, 45));
  signal(45, SIG_DFL); sigprocmask(SIG_UNBLOCK, &s45, 0);

  /* The old calls (before rt_*) see signals 1..32 only, in one word. */
  {
    unsigned long word = 0, old = 0;
    sigset_t full; sigemptyset(&full); sigaddset(&full, 40); sigaddset(&full, SIGUSR1); sigprocmask(SIG_SETMASK, &full, 0);
    result("old sigprocmask(SIG_BLOCK, 0, &old)", syscall(SYS_sigprocmask, SIG_BLOCK, NULL, &old));
    printf("  old word %#lx\n", old);
    word = 1UL << (SIGUSR2 - 1);
    result("old sigprocmask(SIG_SETMASK, USR2)", syscall(SYS_sigprocmask, SIG_SETMASK, &word, &old));
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("  now: USR1 %d USR2 %d 40 %d (SETMASK keeps 33..64)\n", sigismember(&now, SIGUSR1), sigismember(&now, SIGUSR2), sigismember(&now, 40));
    result("old sigprocmask(7, &word, 0)", syscall(SYS_sigprocmask, 7, &word, NULL));
    result("old sigprocmask(SIG_BLOCK, bad, 0)", syscall(SYS_sigprocmask, SIG_BLOCK, (void *)8, NULL));
    kill(getpid(), SIGUSR2); kill(getpid(), 40);
    result("old sigpending", syscall(SYS_sigpending, &word));
    printf("  pending word %#lx\n", word);
    /* old_sigaction {handler, mask, flags, restorer}: glibc's own restorer is not ours to name, so
     * SA_RESTORER is left out and the kernel's __kernel_sigreturn (or, natively, the vDSO's) returns. */
    struct { unsigned long handler, mask, flags, restorer; } oa = { (unsigned long)onOrder, 1UL << (SIGUSR1 - 1), 0, 0 }, ob;
    memset(&ob, 0, sizeof ob);
    result("old sigaction(SIGUSR2, &oa, &ob)", syscall(SYS_sigaction, SIGUSR2, &oa, &ob));
    printf("  previous handler is onOrder %d, mask %#lx\n", ob.handler == (unsigned long)onOrder, ob.mask);
    result("old sigaction(SIGKILL, &oa, 0)", syscall(SYS_sigaction, SIGKILL, &oa, NULL));
    result("old sigaction(65, 0, &ob)", syscall(SYS_sigaction, 65, NULL, &ob));
    result("old sigaction(SIGUSR2, bad, 0)", syscall(SYS_sigaction, SIGUSR2, (void *)8, NULL));
    norder = 0;
    result("old sigsuspend(mask 0)", syscall(SYS_sigsuspend, 0, 0, 0));
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("  ran:");
    for (int i = 0; i < norder; i++) printf(" %d", order[i]);
    printf("; after: USR2 blocked %d, 40 blocked %d\n", sigismember(&now, SIGUSR2), sigismember(&now, 40));
    sigemptyset(&now); sigprocmask(SIG_SETMASK, &now, 0);
  }

  /* The limits. */
  result("kill(self, 65)", kill(getpid(), 65));
  result("syscall(tkill, self, 65)", syscall(SYS_tkill, gettid(), 65));
  result("syscall(tgkill, self, self, 65)", syscall(SYS_tgkill, getpid(), gettid(), 65));
  result("kill(self, 0)", kill(getpid(), 0));
  memset(&info, 0, sizeof info); info.si_code = SI_USER;
  result("rt_sigqueueinfo(parent, 40, SI_USER)", syscall(SYS_rt_sigqueueinfo, getppid(), 40, &info));
  info.si_code = SI_TKILL;
  result("rt_sigqueueinfo(parent, 40, SI_TKILL)", syscall(SYS_rt_sigqueueinfo, getppid(), 40, &info));
  info.si_code = SI_USER;
  result("rt_sigqueueinfo(self, 40, SI_USER)", syscall(SYS_rt_sigqueueinfo, getpid(), 40, &info));
  printf("signal 40 handled: %d\n", order[norder - 1]);
  info.si_code = SI_QUEUE;
  result("rt_sigqueueinfo(self, 65, SI_QUEUE)", syscall(SYS_rt_sigqueueinfo, getpid(), 65, &info));
  result("rt_sigqueueinfo(self, 40, NULL)", syscall(SYS_rt_sigqueueinfo, getpid(), 40, NULL));
  return 0;
}
