/* What happens to typed input when a program changes the terminal's mode (test/kernel/terminal.test.ts,
 * on gate86 and on the oracle, each on a pseudo-terminal). Each step says what it waits for; the test
 * types only once it sees that.
 *
 *   1. raw mode (no ICANON, no ECHO): "one\rtwo\rpart" is typed; once all 12 bytes are queued
 *      (FIONREAD), cooked mode comes back with TCSANOW and read() shows what it gets: Linux keeps the
 *      bytes (ICRNL already made the CRs NLs) and makes them one line at once, "part" and all.
 *   2. cooked mode: a line typed now is echoed and read as a line.
 *   3. raw again, "xyz" typed, then cooked with TCSAFLUSH: the bytes are gone (FIONREAD 0 and the next
 *      read sees only what is typed after).
 *   4. ^D on an empty line, awaited with poll(), then read into NULL: end of file returns 0, not
 *      -EFAULT, as Linux copies nothing (qemu-i386 checks the whole buffer first and says EFAULT). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void say(const char *text) { write(1, text, strlen(text)); }

static void show(const char *what, ssize_t n, const char *bytes) {
  char line[256];
  int at = snprintf(line, sizeof line, "%s: %zd \"", what, n);
  for (ssize_t i = 0; i < n && at < 240; i++) {
    unsigned char c = (unsigned char)bytes[i];
    at += c == '\n' ? snprintf(line + at, sizeof line - at, "\\n")
        : c < 0x20 || c >= 0x7f ? snprintf(line + at, sizeof line - at, "\\x%02x", c)
        : snprintf(line + at, sizeof line - at, "%c", c);
  }
  at += snprintf(line + at, sizeof line - at, "\"%s%s\n", n < 0 ? " " : "", n < 0 ? strerror(errno) : "");
  write(1, line, at);
}

/* Sleep (a guest-side poll of the queue, not a timing assumption) until `bytes` are waiting. */
static int waitQueued(int bytes) {
  int queued = 0;
  struct timespec tick = { 0, 5 * 1000 * 1000 };
  while (ioctl(0, FIONREAD, &queued) == 0 && queued < bytes) nanosleep(&tick, NULL);
  return queued;
}

int main(void) {
  struct termios cooked, raw;
  char buffer[64];
  if (tcgetattr(0, &cooked) != 0) { say("not a terminal\n"); return 2; }
  raw = cooked;
  raw.c_lflag &= ~(ICANON | ECHO);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;

  tcsetattr(0, TCSANOW, &raw);
  say("raw: type\n");
  printf("queued %d\n", waitQueued(12));
  fflush(stdout);
  tcsetattr(0, TCSANOW, &cooked);
  int queued = -1;
  ioctl(0, FIONREAD, &queued);
  printf("cooked, FIONREAD %d\n", queued);
  fflush(stdout);
  ssize_t n = read(0, buffer, sizeof buffer);
  show("read", n, buffer);

  say("cooked: type\n");
  n = read(0, buffer, sizeof buffer);
  show("read", n, buffer);

  tcsetattr(0, TCSANOW, &raw);
  say("raw again: type\n");
  printf("queued %d\n", waitQueued(3));
  fflush(stdout);
  tcsetattr(0, TCSAFLUSH, &cooked);
  ioctl(0, FIONREAD, &queued);
  printf("flushed, FIONREAD %d: type\n", queued);
  fflush(stdout);
  n = read(0, buffer, sizeof buffer);
  show("read", n, buffer);

  say("end of file: type\n");
  struct pollfd input = { .fd = 0, .events = POLLIN };
  poll(&input, 1, -1);
  n = read(0, NULL, 16);
  show("read into NULL", n, buffer);
  return 0;
}
