/* The console of `gate86 run` as a user meets it (test/kernel/cli-worker.test.ts).
 *   glibc-console        print a line on each stream, block in read(0), echo what came, exit 3
 *                        (4 at end of file);
 *   glibc-console spin   catch SIGINT (saying so) and spin forever in user mode. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

static void caught(int signal) {
  (void)signal;
  write(1, "caught SIGINT\n", 14);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "spin") == 0) {
    signal(SIGINT, caught);
    write(1, "spinning\n", 9);
    for (volatile unsigned i = 0;; i++) {}
  }
  char buffer[64];
  write(1, "ready\n", 6);
  write(2, "to stderr\n", 10);
  ssize_t n = read(0, buffer, sizeof buffer);
  write(1, "got: ", 5);
  if (n > 0) write(1, buffer, n);
  return n > 0 ? 3 : 4;
}
