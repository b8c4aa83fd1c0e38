/* The errno probe (issue 9): what the file-system calls return for the errors a program meets first,
 * one line each, so gate86 and the oracle can be compared line by line. Run in an empty directory,
 * with stdin at end of file.
 *
 * Linux reports a bad user buffer only when it really copies a byte through it: read(fd, NULL, n)
 * at end of file returns 0, and -EFAULT only when there is something to copy. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void line(const char *what, long result) {
  const char *name = result >= 0 ? "ok" : strerrorname_np(errno);
  printf("%-40s %ld %s\n", what, result, name == NULL ? "?" : name);
  fflush(stdout);
}

int main(void) {
  char name[300];
  int p[2];
  line("open(missing, O_RDONLY)", open("missing", O_RDONLY));
  line("open(missing/x, O_RDONLY)", open("missing/x", O_RDONLY));
  line("close(99)", close(99));
  line("close(-1)", close(-1));
  line("open(NULL, O_RDONLY)", open(NULL, O_RDONLY));
  line("open((char *)1, O_RDONLY)", open((const char *)1, O_RDONLY));
  line("open(0xc0000000, O_RDONLY)", open((const char *)0xc0000000, O_RDONLY));
  line("read(0, NULL, 16) at end of file", read(0, NULL, 16));
  line("read(0, buffer, 0)", read(0, name, 0));
  line("read(99, buffer, 4)", read(99, name, 4));
  line("mkdir(d)", mkdir("d", 0755));
  line("mkdir(d) again", mkdir("d", 0755));
  line("open(d, O_WRONLY)", open("d", O_WRONLY));
  int file = open("d/f", O_CREAT | O_WRONLY | O_EXCL, 0644);
  line("open(d/f, O_CREAT|O_WRONLY|O_EXCL)", file);
  line("open(d/f, O_CREAT|O_EXCL) again", open("d/f", O_CREAT | O_WRONLY | O_EXCL, 0644));
  line("read(write-only fd, buffer, 4)", read(file, name, 4));
  line("write(fd, NULL, 4)", write(file, NULL, 4));
  line("write(fd, NULL, 0)", write(file, NULL, 0));
  line("open(d/f/x, O_RDONLY)", open("d/f/x", O_RDONLY));
  line("rmdir(d) (not empty)", rmdir("d"));
  line("unlink(d)", unlink("d"));
  line("rmdir(d/f)", rmdir("d/f"));
  memset(name, 'n', sizeof name - 1);
  name[sizeof name - 1] = 0;
  line("open(300-byte name, O_RDONLY)", open(name, O_RDONLY));
  line("pipe(p)", pipe(p));
  line("lseek(pipe, 0, SEEK_SET)", lseek(p[0], 0, SEEK_SET));
  line("write(pipe, \"x\", 1)", write(p[1], "x", 1));
  line("read(pipe, NULL, 1) with a byte in it", read(p[0], NULL, 1));
  line("read(pipe, buffer, 1)", read(p[0], name, 1));
  line("close(pipe's write end)", close(p[1]));
  line("read(pipe, NULL, 1) at end of file", read(p[0], NULL, 1));
  line("unlink(d/f)", unlink("d/f"));
  line("rmdir(d)", rmdir("d"));
  line("chdir(missing)", chdir("missing"));
  line("stat(missing)", stat("missing", &(struct stat){0}));
  return 0;
}
