/* Each task's FPU state is its own (kernel/fpu.ts): two processes, two threads and a signal handler
 * compute with the x87 (long double) and SSE (double, -mfpmath=sse), each in its own rounding mode
 * (fesetround sets both the x87 control word and MXCSR), all at once under the PIT's preemption and
 * an interval timer's SIGALRM. Every task repeats its computation and checks that each repetition
 * gives the first one's bits: a state leaking between tasks (a control word, a register, MXCSR)
 * changes them. What is printed does not depend on how the tasks interleave. */
#include <fenv.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static long double x87_series(int n) {
  long double s = 0.0L, t = 1.0L;
  for (int i = 1; i <= n; i++) { t = t * 1.0000001L + 1.0L / (long double)i; s += t / 3.0L; }
  return s;
}

static double sse_series(int n) {
  double s = 0.0, t = 1.0;
  for (int i = 1; i <= n; i++) { t = t * 1.0000003 + 1.0 / (double)i; s += t / 7.0; }
  return s;
}

static volatile sig_atomic_t alarms;
static volatile sig_atomic_t handler_wrong;

/* SIGALRM: the handler starts from a clean FPU (Linux gives it init_fpu's state) and uses it, in
 * another rounding mode; the interrupted code's state comes back with sigreturn. */
static void on_alarm(int sig) {
  (void)sig;
  static volatile long double first_x87;
  static volatile double first_sse;
  if (fegetround() != FE_TONEAREST) handler_wrong = 1;
  fesetround(FE_DOWNWARD);
  volatile long double a = x87_series(300);
  volatile double b = sse_series(300);
  if (alarms == 0) { first_x87 = a; first_sse = b; }
  else if (a != first_x87 || b != first_sse) handler_wrong = 1;
  alarms++;
}

struct work { const char *name; int mode; int repeats; char out[160]; };

static void *compute(void *arg) {
  struct work *w = arg;
  fesetround(w->mode);
  volatile long double x = x87_series(20000);
  volatile double s = sse_series(20000);
  int same = 1;
  for (int r = 1; r < w->repeats; r++) {
    volatile long double x2 = x87_series(20000);
    volatile double s2 = sse_series(20000);
    if (x2 != x || s2 != s) same = 0;
    if (fegetround() != w->mode) same = 0;
  }
  snprintf(w->out, sizeof w->out, "%s: x87 %.21Lg sse %.17g repeats agree: %s\n", w->name, (long double)x, (double)s, same ? "yes" : "NO");
  return 0;
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  pid_t child = fork();
  if (child == 0) {
    struct work w = { "child process, upward", FE_UPWARD, 6, "" };
    compute(&w);
    fputs(w.out, stdout);
    _exit(0);
  }
  /* The parent: two threads in opposite modes, then the main thread under SIGALRM. */
  struct work t1 = { "thread 1, toward zero", FE_TOWARDZERO, 4, "" }, t2 = { "thread 2, downward", FE_DOWNWARD, 4, "" };
  pthread_t a, b;
  pthread_create(&a, 0, compute, &t1);
  pthread_create(&b, 0, compute, &t2);
  pthread_join(a, 0);
  pthread_join(b, 0);
  int status;
  waitpid(child, &status, 0);
  fputs(t1.out, stdout);
  fputs(t2.out, stdout);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, 0);
  struct itimerval every = { { 0, 2000 }, { 0, 2000 } };
  setitimer(ITIMER_REAL, &every, 0);
  struct work m = { "main thread, to nearest, with a handler", FE_TONEAREST, 2, "" };
  compute(&m);
  volatile long double x = x87_series(20000);
  volatile double s = sse_series(20000);
  int same = 1;
  while (alarms < 3) {
    volatile long double x2 = x87_series(20000);
    volatile double s2 = sse_series(20000);
    if (x2 != x || s2 != s) same = 0;
  }
  struct itimerval off = { { 0, 0 }, { 0, 0 } };
  setitimer(ITIMER_REAL, &off, 0);
  fputs(m.out, stdout);
  printf("under SIGALRM: results unchanged: %s; the handlers' own results agree and start to nearest: %s\n",
         same ? "yes" : "NO", handler_wrong ? "NO" : "yes");
  printf("child exit status %d\n", WEXITSTATUS(status));
  return 0;
}
