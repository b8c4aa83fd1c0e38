/* Waiting for descriptors against the oracle: poll (168), ppoll (309), the old select (82, one
 * pointer to its five arguments), _newselect (142) and pselect6 (308), each by its own i386 number
 * through syscall(2), on pipes whose state the program sets: empty, readable, full of nothing but
 * a closed writer (hang-up), a bad descriptor, and a signal that interrupts the wait. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e) {
  switch (e) {
  case EBADF: return "EBADF"; case EINVAL: return "EINVAL"; case EFAULT: return "EFAULT";
  case EINTR: return "EINTR";
  default: { static char other[32]; snprintf(other, sizeof other, "errno %d", e); return other; }
  }
}

static void show(const char *what, long result) {
  if (result == -1) printf("%-44s -1 %s\n", what, errname(errno));
  else printf("%-44s %ld\n", what, result);
}

static void showPoll(const char *what, long result, struct pollfd *fds, int count) {
  if (result == -1) { show(what, result); return; }
  printf("%-44s %ld revents", what, result);
  for (int i = 0; i < count; i++) printf(" %#x", fds[i].revents);
  printf("\n");
}

static void showSet(const char *what, long result, fd_set *set, int upTo) {
  if (result == -1) { show(what, result); return; }
  printf("%-44s %ld set", what, result);
  for (int fd = 0; fd < upTo; fd++) if (FD_ISSET(fd, set)) printf(" %d", fd);
  printf("\n");
}

static volatile int usr1;
static void onUsr1(int signal) { (void)signal; usr1++; }

/* The kernel's sigset for ppoll and pselect6 is 8 bytes on i386; pselect6 takes it by a pointer
   to { set, size }. */
struct sigsetArgument { const unsigned long *set; unsigned long size; };

int main(void) {
  int p[2], q[2];
  pipe(p);
  pipe(q);
  struct pollfd fds[3];

  /* poll */
  fds[0] = (struct pollfd){ p[0], POLLIN, 0 };
  fds[1] = (struct pollfd){ p[1], POLLOUT, 0 };
  showPoll("poll(empty pipe, writer) timeout 0", syscall(SYS_poll, fds, 2, 0), fds, 2);
  write(p[1], "ab", 2);
  showPoll("poll(readable pipe) timeout 0", syscall(SYS_poll, fds, 1, 0), fds, 1);
  fds[0] = (struct pollfd){ 99, POLLIN, 0 };
  fds[1] = (struct pollfd){ -1, POLLIN, 0 };
  fds[2] = (struct pollfd){ p[0], POLLIN | POLLOUT, 0 };
  showPoll("poll(bad fd, negative fd, pipe)", syscall(SYS_poll, fds, 3, 0), fds, 3);
  fds[0] = (struct pollfd){ q[0], POLLIN, 0 };
  showPoll("poll(empty pipe) 30 ms expires", syscall(SYS_poll, fds, 1, 30), fds, 1);
  close(q[1]);
  showPoll("poll(pipe whose writer closed)", syscall(SYS_poll, fds, 1, -1), fds, 1);
  show("poll(NULL, 1)", syscall(SYS_poll, (void *)0, 1, 0));
  show("poll(fds, 1 << 30)", syscall(SYS_poll, fds, 1 << 30, 0));
  show("poll(NULL, 0) timeout 0", syscall(SYS_poll, (void *)0, 0, 0));

  /* ppoll: a timespec, and a mask installed for the wait only. */
  struct timespec zero = { 0, 0 }, bad = { 0, 1000000000 };
  fds[0] = (struct pollfd){ p[0], POLLIN, 0 };
  showPoll("ppoll(readable pipe) timeout 0", syscall(SYS_ppoll, fds, 1, &zero, 0, 8), fds, 1);
  show("ppoll(nsec 10^9)", syscall(SYS_ppoll, fds, 1, &bad, 0, 8));
  unsigned long none[2] = { 0, 0 };
  show("ppoll(sigsetsize 4)", syscall(SYS_ppoll, fds, 1, &zero, none, 4));

  /* A pending, blocked SIGUSR1 is delivered when the wait's own mask unblocks it: EINTR. */
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = onUsr1;
  sigaction(SIGUSR1, &action, 0);
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGUSR1);
  sigprocmask(SIG_BLOCK, &blocked, 0);
  raise(SIGUSR1);
  fds[0] = (struct pollfd){ p[1], 0, 0 };
  show("ppoll(no events, mask unblocks SIGUSR1)", syscall(SYS_ppoll, fds, 1, 0, none, 8));
  show("  SIGUSR1 handled", usr1);

  /* _newselect (142): sets are read and rewritten; a timeout of 0; errors. */
  fd_set readable, writable;
  struct timeval tv = { 0, 0 };
  FD_ZERO(&readable); FD_SET(p[0], &readable); FD_SET(q[0], &readable);
  FD_ZERO(&writable); FD_SET(p[1], &writable);
  int top = (p[0] > q[0] ? p[0] : q[0]) + 1;
  if (p[1] + 1 > top) top = p[1] + 1;
  showSet("_newselect(read p,q) timeout 0", syscall(SYS__newselect, top, &readable, 0, 0, &tv), &readable, top);
  showSet("_newselect(write p) timeout 0", syscall(SYS__newselect, top, 0, &writable, 0, &tv), &writable, top);
  FD_ZERO(&readable); FD_SET(40, &readable);
  show("_newselect(closed fd 40)", syscall(SYS__newselect, 41, &readable, 0, 0, &tv));
  show("_newselect(nfds -1)", syscall(SYS__newselect, -1, 0, 0, 0, &tv));
  struct timeval badTv = { 0, 1000000 }, negativeTv = { -1, 0 };
  /* Linux carries whole seconds out of tv_usec (kern_select): this one waits a second, returns 0. */
  show("_newselect(usec 10^6) waits 1 s", syscall(SYS__newselect, 0, 0, 0, 0, &badTv));
  show("_newselect(-1 s)", syscall(SYS__newselect, 0, 0, 0, 0, &negativeTv));
  show("_newselect(bad set pointer)", syscall(SYS__newselect, 1, (void *)16, 0, 0, &tv));
  struct timeval shortWait = { 0, 30000 };
  FD_ZERO(&readable); FD_SET(p[1], &readable);
  showSet("_newselect(writer's read side) 30 ms", syscall(SYS__newselect, p[1] + 1, &readable, 0, 0, &shortWait), &readable, top);
  printf("  timeout left %ld.%06ld\n", (long)shortWait.tv_sec, (long)shortWait.tv_usec);

  /* The old select (82): one pointer to { n, in, out, ex, tv }. */
  FD_ZERO(&readable); FD_SET(p[0], &readable);
  struct { long n; fd_set *in, *out, *ex; struct timeval *tv; } old = { p[0] + 1, &readable, 0, 0, &tv };
  tv = (struct timeval){ 0, 0 };
  showSet("select(82, readable pipe)", syscall(SYS_select, &old), &readable, top);
  show("select(82, NULL block)", syscall(SYS_select, (void *)0));

  /* pselect6 (308): a timespec and { mask, size }. */
  FD_ZERO(&readable); FD_SET(p[0], &readable);
  struct sigsetArgument mask = { none, 8 }, badMask = { none, 4 };
  showSet("pselect6(readable pipe) timeout 0", syscall(SYS_pselect6, p[0] + 1, &readable, 0, 0, &zero, &mask), &readable, top);
  show("pselect6(nsec 10^9)", syscall(SYS_pselect6, 0, 0, 0, 0, &bad, &mask));
  show("pselect6(sigsetsize 4)", syscall(SYS_pselect6, 0, 0, 0, 0, &zero, &badMask));
  raise(SIGUSR1);
  show("pselect6(nothing, mask unblocks SIGUSR1)", syscall(SYS_pselect6, 0, 0, 0, 0, 0, &mask));
  show("  SIGUSR1 handled", usr1);
  return 0;
}
