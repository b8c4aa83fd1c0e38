/* Resource limits through each door i386 Linux has: setrlimit (75), the old getrlimit (76),
 * ugetrlimit (191) and prlimit64 (340), called by number so glibc's choice of wrapper does not matter.
 * Only limits this program set itself are printed, so the host's own limits do not show. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct rlimit32 { uint32_t cur, max; };
struct rlimit64 { uint64_t cur, max; };

#define CORE 4
#define NOFILE 7

static void result(const char *what, long r) {
  if (r < 0) printf("%-44s -1 %s\n", what, strerrorname_np(errno));
  else printf("%-44s %ld\n", what, r);
}

static void show(const char *what, int nr, int resource) {
  struct rlimit32 l = { 0xdead, 0xbeef };
  long r = syscall(nr, resource, &l);
  if (r < 0) result(what, r);
  else printf("%-44s %u %u\n", what, l.cur, l.max);
}

int main(void) {
  struct rlimit32 core0 = { 0, 0 }, files = { 64, 128 }, inverted = { 200, 128 };
  struct rlimit32 huge = { 64, 0xfffffffe };
  result("setrlimit(CORE, {0, 0})", syscall(75, CORE, &core0));
  show("ugetrlimit(CORE)", 191, CORE);
  result("setrlimit(NOFILE, {64, 128})", syscall(75, NOFILE, &files));
  show("ugetrlimit(NOFILE)", 191, NOFILE);
  show("getrlimit(NOFILE) (76)", 76, NOFILE);
  result("setrlimit(NOFILE, {200, 128})", syscall(75, NOFILE, &inverted));
  result("setrlimit(NOFILE, {64, 0xfffffffe})", syscall(75, NOFILE, &huge));
  result("setrlimit(99, ...)", syscall(75, 99, &files));
  show("ugetrlimit(99)", 191, 99);
  show("getrlimit(16)", 76, 16);
  result("ugetrlimit(NOFILE, (void *)1)", syscall(191, NOFILE, (void *)1));
  result("setrlimit(NOFILE, (void *)1)", syscall(75, NOFILE, (void *)1));

  struct rlimit64 old = { 1, 1 }, lower = { 32, 128 };
  result("prlimit64(0, NOFILE, {32, 128}, &old)", syscall(340, 0, NOFILE, &lower, &old));
  printf("%-44s %llu %llu\n", "  old", (unsigned long long)old.cur, (unsigned long long)old.max);
  result("prlimit64(getpid(), NOFILE, NULL, &old)", syscall(340, getpid(), NOFILE, NULL, &old));
  printf("%-44s %llu %llu\n", "  old", (unsigned long long)old.cur, (unsigned long long)old.max);
  result("prlimit64(0, CORE, NULL, &old)", syscall(340, 0, CORE, NULL, &old));
  printf("%-44s %llu %llu\n", "  old", (unsigned long long)old.cur, (unsigned long long)old.max);
  result("prlimit64(0x3fffffff, NOFILE, NULL, &old)", syscall(340, 0x3fffffff, NOFILE, NULL, &old));
  result("prlimit64(0, 16, NULL, &old)", syscall(340, 0, 16, NULL, &old));
  result("prlimit64(0, NOFILE, (void *)1, NULL)", syscall(340, 0, NOFILE, (void *)1, NULL));
  struct rlimit64 inverted64 = { 100, 50 };
  result("prlimit64(0, NOFILE, {100, 50}, NULL)", syscall(340, 0, NOFILE, &inverted64, NULL));

  /* RLIMIT_NOFILE is now {32, 128}: dup fills 3..31, then EMFILE; dup2 and F_DUPFD past it fail. */
  int highest = -1;
  long r;
  while ((r = dup(0)) >= 0) highest = r;
  printf("%-44s %d, then -1 %s\n", "dup(0) until it fails: highest fd", highest, strerrorname_np(errno));
  result("dup2(0, 32)", dup2(0, 32));
  result("dup2(0, 31)", dup2(0, 31));
  result("fcntl(0, F_DUPFD, 32)", syscall(SYS_fcntl64, 0, 0, 32));
  int pair[2];
  result("pipe()", pipe(pair));
  close(30);
  close(31);
  result("pipe() with 30 and 31 free", pipe(pair));
  printf("%-44s %d %d\n", "  fds", pair[0], pair[1]);
  for (int fd = 3; fd < 32; fd++) close(fd);

  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    show("child: ugetrlimit(NOFILE)", 191, NOFILE);
    show("child: ugetrlimit(CORE)", 191, CORE);
    struct rlimit32 mine = { 16, 16 };
    result("child: setrlimit(NOFILE, {16, 16})", syscall(75, NOFILE, &mine));
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  show("parent after the child lowered its own", 191, NOFILE);
  return 0;
}
