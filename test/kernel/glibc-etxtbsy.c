#define _GNU_SOURCE
/* ETXTBSY both ways, as Linux answers it: a file being executed cannot be opened for writing, and a
 * file open for writing cannot be executed. The program first opens its own file for writing
 * (ETXTBSY: the first program is exec'd like any other), then copies itself to ./copy, and:
 *   1. exec of ./copy while this process still holds it open O_WRONLY      -> ETXTBSY
 *   2. open(./copy, O_WRONLY) while a child is running it                   -> ETXTBSY
 *   3. the same open after that child has exited                            -> succeeds
 * The child ("copy wait") reads its stdin until end of file, so it runs exactly as long as the
 * parent wants; a close-on-exec pipe tells the parent the exec has happened (its end-of-file). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, int r) {
  if (r < 0) printf("%-44s -1 %s\n", what, errno == ETXTBSY ? "ETXTBSY" : strerror(errno));
  else printf("%-44s ok\n", what);
  fflush(stdout);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "wait") == 0) {
    char c;
    while (read(0, &c, 1) > 0) {}
    return 0;
  }
  static char image[4 << 20];
  int self = open("/proc/self/exe", O_RDONLY);
  ssize_t n = self < 0 ? -1 : read(self, image, sizeof image);
  if (n <= 0) { perror("read /proc/self/exe"); return 1; }
  close(self);
  /* 0: the first program itself, running since the kernel (gate86: kernel_init) exec'd it. */
  int writer = open("/proc/self/exe", O_WRONLY);
  report("open(/proc/self/exe, O_WRONLY) of itself", writer);
  if (writer >= 0) close(writer);
  int out = open("copy", O_WRONLY | O_CREAT | O_TRUNC, 0755);
  if (out < 0 || write(out, image, n) != n) { perror("write copy"); return 1; }

  /* 1: exec while we hold it open for writing (the child inherits the writer too). */
  pid_t pid = fork();
  if (pid == 0) {
    char *args[] = { "copy", "wait", NULL };
    execv("./copy", args);
    _exit(errno == ETXTBSY ? 7 : 8);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("%-44s %s\n", "execve(copy) while open O_WRONLY", WEXITSTATUS(status) == 7 ? "-1 ETXTBSY" : WEXITSTATUS(status) == 8 ? "-1 other" : "ran");
  close(out);

  /* 2: open for writing while a child runs it. */
  int input[2], execed[2];
  if (pipe(input) < 0 || pipe2(execed, O_CLOEXEC) < 0) { perror("pipe"); return 1; }
  pid = fork();
  if (pid == 0) {
    dup2(input[0], 0);
    close(input[0]); close(input[1]);
    close(execed[0]);
    char *args[] = { "copy", "wait", NULL };
    execv("./copy", args);
    _exit(9);
  }
  close(input[0]); close(execed[1]);
  char c;
  ssize_t got = read(execed[0], &c, 1);   /* 0: the child's exec closed the write end */
  printf("%-44s %zd\n", "exec happened (read of close-on-exec pipe)", got);
  int w = open("copy", O_WRONLY);
  report("open(copy, O_WRONLY) while running", w);
  if (w >= 0) close(w);
  report("open(copy, O_RDONLY) while running", w = open("copy", O_RDONLY));
  if (w >= 0) close(w);
  close(input[1]);
  waitpid(pid, &status, 0);
  printf("%-44s %d\n", "child exit status", WEXITSTATUS(status));

  /* 3: after it ended. */
  w = open("copy", O_WRONLY);
  report("open(copy, O_WRONLY) after exit", w);
  if (w >= 0) close(w);
  return 0;
}
