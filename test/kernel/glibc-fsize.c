/* RLIMIT_FSIZE (issue 14): a regular file may not grow past the soft limit. A write that would
 * cross it writes up to the limit and returns that count; one at or past it is -1 EFBIG with SIGXFSZ
 * (here caught and counted); growing truncates likewise, shrinking ones do not care; pipes and
 * /dev/null have no size. A process that does not catch SIGXFSZ dies of it. argv[1]: a scratch file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int xfsz;
static void caught(int sig) { (void)sig; xfsz++; }

static char buffer[4096];

static void result(const char *what, long r) {
  if (r < 0) printf("%-40s -1 %-6s SIGXFSZ so far %d\n", what, strerrorname_np(errno), xfsz);
  else printf("%-40s %-9ld SIGXFSZ so far %d\n", what, r, xfsz);
}

static long size_of(int fd) { return lseek(fd, 0, SEEK_END); }

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const char *path = argv[1];
  signal(SIGXFSZ, caught);
  struct rlimit limit = { 1000, RLIM_INFINITY };
  result("setrlimit(FSIZE, {1000, inf})", setrlimit(RLIMIT_FSIZE, &limit));
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { perror("open"); return 1; }
  memset(buffer, 'x', sizeof buffer);
  result("write 600", write(fd, buffer, 600));
  result("write 600 more (crosses 1000)", write(fd, buffer, 600));
  result("  file size", size_of(fd));
  result("write 1 at 1000", write(fd, buffer, 1));
  lseek(fd, 5000, SEEK_SET);
  result("write 10 at 5000", write(fd, buffer, 10));
  result("pwrite 10 at 995", pwrite(fd, buffer, 10, 995));
  result("pwrite 10 at 999", pwrite(fd, buffer, 10, 999));
  result("ftruncate(1500)", ftruncate(fd, 1500));
  result("ftruncate(400)", ftruncate(fd, 400));
  result("ftruncate(1000)", ftruncate(fd, 1000));
  result("truncate(path, 1001)", truncate(path, 1001));
  result("truncate(path, 200)", truncate(path, 200));
  struct iovec pieces[2] = { { buffer, 500 }, { buffer, 500 } };
  lseek(fd, 300, SEEK_SET);
  result("writev 500 + 500 at 300", writev(fd, pieces, 2));
  result("  file size", size_of(fd));
  struct iovec exact[2] = { { buffer, 1000 }, { buffer, 10 } };
  lseek(fd, 0, SEEK_SET);
  result("writev 1000 + 10 at 0 (1000 reach the limit)", writev(fd, exact, 2));
  int appending = open(path, O_WRONLY | O_APPEND);
  result("O_APPEND write 1 (size 1000)", write(appending, buffer, 1));
  close(appending);
  result("ftruncate(10), then O_APPEND write 4096", ftruncate(fd, 10) < 0 ? -1 : 0);
  appending = open(path, O_WRONLY | O_APPEND);
  result("  the write", write(appending, buffer, 4096));
  close(appending);
  int pair[2];
  if (pipe(pair) != 0) return 1;
  result("write 2000 into a pipe", write(pair[1], buffer, 2000));
  int null = open("/dev/null", O_WRONLY);
  result("write 4096 to /dev/null", write(null, buffer, 4096));
  limit.rlim_cur = RLIM_INFINITY;
  result("setrlimit(FSIZE, {inf, inf})", setrlimit(RLIMIT_FSIZE, &limit));
  lseek(fd, 0, SEEK_END);
  result("write 600 at the end", write(fd, buffer, 600));
  result("  file size", size_of(fd));

  /* Not caught: SIGXFSZ's default action ends the process (no core: RLIMIT_CORE 0). */
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    struct rlimit core = { 0, 0 }, small = { 100, RLIM_INFINITY };
    setrlimit(RLIMIT_CORE, &core);
    signal(SIGXFSZ, SIG_DFL);
    setrlimit(RLIMIT_FSIZE, &small);
    lseek(fd, 0, SEEK_END);
    write(fd, buffer, 1);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  if (WIFSIGNALED(status)) printf("child writing past 100 without a handler: killed by signal %d (%s)\n", WTERMSIG(status), sigabbrev_np(WTERMSIG(status)));
  else printf("child writing past 100 without a handler: exit %d\n", WEXITSTATUS(status));
  unlink(path);
  return 0;
}
