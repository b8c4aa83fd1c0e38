/* A dynamically linked program: calls through the PLT (printf@plt, puts@plt), glibc's start files. */
#include <stdio.h>
#include <string.h>

static int count_words(const char *s) {
  int n = 0, in = 0;
  for (; *s; s++) { int space = *s == ' '; n += in == 0 && !space; in = !space; }
  return n;
}

int main(int argc, char **argv) {
  const char *text = argc > 1 ? argv[1] : "the quick brown fox";
  printf("%d words, %u bytes\n", count_words(text), (unsigned)strlen(text));
  puts("done");
  return 0;
}
