/* Descriptor and path calls against the oracle: dup, dup3, pipe, lseek, readv, writev, fchdir,
 * access, faccessat, stat64, lstat64, fstat64 and getdents64, each by its own i386 number through
 * syscall(2), so the row's call is the one made (glibc would pick statx, pipe2, _llseek...).
 * Each line prints the call, its result (or -1 and the errno name) and only what Linux defines the
 * same way everywhere: sizes, modes, link counts, file types, names sorted. No inode numbers, no
 * times, no device numbers: the oracle's file system is not ours. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *errname(int e) {
  switch (e) {
  case EBADF: return "EBADF"; case EINVAL: return "EINVAL"; case ENOENT: return "ENOENT";
  case EFAULT: return "EFAULT"; case ESPIPE: return "ESPIPE"; case ENOTDIR: return "ENOTDIR";
  case EACCES: return "EACCES"; case ELOOP: return "ELOOP"; case EEXIST: return "EEXIST";
  default: { static char other[32]; snprintf(other, sizeof other, "errno %d", e); return other; }
  }
}

static void show(const char *what, long result) {
  if (result == -1) printf("%-44s -1 %s\n", what, errname(errno));
  else printf("%-44s %ld\n", what, result);
}

static void showStat(const char *what, long result, const struct stat64 *st) {
  if (result == -1) { show(what, result); return; }
  /* A directory's size and link count are the file system's own (tmpfs, ext4 and btrfs differ). */
  if (S_ISDIR(st->st_mode)) { printf("%-44s %ld mode %o\n", what, result, (unsigned)st->st_mode); return; }
  printf("%-44s %ld mode %o nlink %lu size %lld\n", what, result, (unsigned)st->st_mode,
         (unsigned long)st->st_nlink, (long long)st->st_size);
}

static int byName(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void listDirectory(const char *path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY);
  char buffer[4096];
  char *names[64];
  int count = 0;
  for (;;) {
    long got = syscall(SYS_getdents64, fd, buffer, sizeof buffer);
    if (got <= 0) { show("getdents64(dir) at end", got); break; }
    for (long at = 0; at < got;) {
      unsigned short length = *(unsigned short *)(buffer + at + 16);
      unsigned char type = *(unsigned char *)(buffer + at + 18);
      char *name = buffer + at + 19;
      if (count < 64) {
        names[count] = malloc(strlen(name) + 8);
        sprintf(names[count], "%s(%u)", name, type);
        count++;
      }
      at += length;
    }
  }
  qsort(names, count, sizeof names[0], byName);
  printf("getdents64(dir) names:");
  for (int i = 0; i < count; i++) printf(" %s", names[i]);
  printf("\n");
  show("getdents64(bad fd)", syscall(SYS_getdents64, -1, buffer, sizeof buffer));
  show("getdents64(file)", syscall(SYS_getdents64, 0 + open("dir/file", O_RDONLY), buffer, sizeof buffer));
  close(fd);
}

int main(void) {
  struct stat64 st;
  int fds[2];
  char text[16];

  mkdir("dir", 0755);
  mkdir("dir/sub", 0700);
  int file = open("dir/file", O_CREAT | O_RDWR | O_TRUNC, 0640);
  symlink("file", "dir/link");
  symlink("loop", "dir/loop");

  /* writev and readv: the pieces land in order, the count is the sum. */
  struct iovec out[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
  show("writev(file, 3 pieces)", syscall(SYS_writev, file, out, 3));
  show("writev(file, iovcnt -1)", syscall(SYS_writev, file, out, -1));
  show("writev(bad fd)", syscall(SYS_writev, 99, out, 3));
  show("lseek(file, 2, SEEK_SET)", syscall(SYS_lseek, file, 2, SEEK_SET));
  char first[2], second[10];
  struct iovec in[2] = { { first, 2 }, { second, sizeof second } };
  long got = syscall(SYS_readv, file, in, 2);
  show("readv(file, 2 pieces)", got);
  printf("readv pieces %.2s|%.*s\n", first, (int)(got > 2 ? got - 2 : 0), second);
  show("readv(NULL iov)", syscall(SYS_readv, file, (void *)0, 2));
  show("lseek(file, 0, SEEK_END)", syscall(SYS_lseek, file, 0, SEEK_END));
  show("lseek(file, -1, SEEK_SET)", syscall(SYS_lseek, file, -1, SEEK_SET));
  show("lseek(file, 0, whence 7)", syscall(SYS_lseek, file, 0, 7));
  show("lseek(file, -3, SEEK_CUR)", syscall(SYS_lseek, file, -3, SEEK_CUR));

  /* dup and dup3 share the offset: one open file description. */
  long copy = syscall(SYS_dup, file);
  show("dup(file) is a new fd", copy > file ? 1 : copy);
  show("lseek(dup, 0, SEEK_CUR) follows file", syscall(SYS_lseek, copy, 0, SEEK_CUR));
  show("dup(-1)", syscall(SYS_dup, -1));
  show("dup3(file, 20, O_CLOEXEC)", syscall(SYS_dup3, file, 20, O_CLOEXEC));
  show("fcntl(20, F_GETFD)", fcntl(20, F_GETFD));
  show("dup3(file, file, 0)", syscall(SYS_dup3, file, file, 0));
  show("dup3(file, 21, O_APPEND)", syscall(SYS_dup3, file, 21, O_APPEND));
  show("dup3(99, 21, 0)", syscall(SYS_dup3, 99, 21, 0));

  /* pipe (42), the old one-argument call. */
  show("pipe(fds)", syscall(SYS_pipe, fds));
  show("write(pipe)", write(fds[1], "xyz", 3));
  show("read(pipe)", read(fds[0], text, sizeof text));
  show("lseek(pipe)", syscall(SYS_lseek, fds[0], 0, SEEK_SET));
  show("pipe(NULL)", syscall(SYS_pipe, (void *)0));

  /* The stat family, by their i386 numbers. */
  showStat("stat64(dir/file)", syscall(SYS_stat64, "dir/file", &st), &st);
  showStat("stat64(dir/link) follows", syscall(SYS_stat64, "dir/link", &st), &st);
  showStat("lstat64(dir/link)", syscall(SYS_lstat64, "dir/link", &st), &st);
  showStat("stat64(dir/sub)", syscall(SYS_stat64, "dir/sub", &st), &st);
  showStat("stat64(dir/loop)", syscall(SYS_stat64, "dir/loop", &st), &st);
  showStat("stat64(missing)", syscall(SYS_stat64, "missing", &st), &st);
  showStat("stat64(dir/file/x)", syscall(SYS_stat64, "dir/file/x", &st), &st);
  showStat("stat64(NULL)", syscall(SYS_stat64, (void *)0, &st), &st);
  showStat("stat64(dir/file, NULL buf)", syscall(SYS_stat64, "dir/file", (void *)0), &st);
  showStat("fstat64(file)", syscall(SYS_fstat64, file, &st), &st);
  showStat("fstat64(pipe)", syscall(SYS_fstat64, fds[0], &st), &st);
  showStat("fstat64(bad fd)", syscall(SYS_fstat64, 99, &st), &st);

  /* access and faccessat: only F_OK and bad arguments, which do not depend on who runs it. */
  show("access(dir/file, F_OK)", syscall(SYS_access, "dir/file", F_OK));
  show("access(missing, F_OK)", syscall(SYS_access, "missing", F_OK));
  show("access(dir/file/x, F_OK)", syscall(SYS_access, "dir/file/x", F_OK));
  show("access(dir/file, mode 8)", syscall(SYS_access, "dir/file", 8));
  show("access(NULL, F_OK)", syscall(SYS_access, (void *)0, F_OK));
  int directory = open("dir", O_RDONLY | O_DIRECTORY);
  show("faccessat(dir, file, F_OK)", syscall(SYS_faccessat, directory, "file", F_OK));
  show("faccessat(dir, missing, F_OK)", syscall(SYS_faccessat, directory, "missing", F_OK));
  show("faccessat(file fd, x, F_OK)", syscall(SYS_faccessat, file, "x", F_OK));
  show("faccessat(99, file, F_OK)", syscall(SYS_faccessat, 99, "file", F_OK));

  /* fchdir: into dir, then a relative lookup works from there. */
  show("fchdir(file)", syscall(SYS_fchdir, file));
  show("fchdir(99)", syscall(SYS_fchdir, 99));
  show("fchdir(dir)", syscall(SYS_fchdir, directory));
  show("access(file, F_OK) from dir", syscall(SYS_access, "file", F_OK));
  show("fchdir(dir/..) via open(..)", syscall(SYS_fchdir, open("..", O_RDONLY)));

  listDirectory("dir");
  return 0;
}
