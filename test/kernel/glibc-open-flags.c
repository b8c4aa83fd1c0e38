/* open, creat, fstatat64, chown, utimensat and statfs64 against the oracle, each by its own i386
 * number through syscall(2), with their errno paths. Times are printed only where the program set
 * them itself; statfs64's counts are the file system's own, so only results are compared. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e) {
  switch (e) {
  case EBADF: return "EBADF"; case EINVAL: return "EINVAL"; case ENOENT: return "ENOENT";
  case EFAULT: return "EFAULT"; case ENOTDIR: return "ENOTDIR"; case EISDIR: return "EISDIR";
  case EEXIST: return "EEXIST"; case ELOOP: return "ELOOP"; case ENAMETOOLONG: return "ENAMETOOLONG";
  default: { static char other[32]; snprintf(other, sizeof other, "errno %d", e); return other; }
  }
}

static void show(const char *what, long result) {
  if (result == -1) printf("%-48s -1 %s\n", what, errname(errno));
  else printf("%-48s %ld\n", what, result);
}

/* A descriptor's number is the lowest free one: Linux guarantees it, so it is compared too. */
static void describeFd(const char *what, int fd) {
  if (fd < 0) { show(what, fd); return; }
  int status = fcntl(fd, F_GETFL);
  printf("%-48s fd %d access %d append %d nonblock %d cloexec %d\n", what, fd, status & O_ACCMODE,
         !!(status & O_APPEND), !!(status & O_NONBLOCK), fcntl(fd, F_GETFD));
  close(fd);
}

static void describe(const char *what, long result, const struct stat64 *st) {
  if (result == -1) { show(what, result); return; }
  printf("%-48s %ld mode %o size %lld\n", what, result, (unsigned)st->st_mode, (long long)st->st_size);
}

int main(void) {
  struct stat64 st;
  umask(022);
  mkdir("d", 0755);
  symlink("f", "d/link");
  char longName[300];
  memset(longName, 'n', sizeof longName - 1);
  longName[sizeof longName - 1] = 0;

  /* open (5): flags, modes through the umask, and its errors. */
  describeFd("open(d/f, O_CREAT|O_WRONLY, 0666)", syscall(SYS_open, "d/f", O_CREAT | O_WRONLY, 0666));
  describe("  stat64(d/f) mode after umask 022", syscall(SYS_stat64, "d/f", &st), &st);
  describeFd("open(d/f, O_CREAT|O_EXCL)", syscall(SYS_open, "d/f", O_CREAT | O_EXCL | O_WRONLY, 0600));
  describeFd("open(d/f, O_RDWR|O_APPEND|O_NONBLOCK|CLOEXEC)", syscall(SYS_open, "d/f", O_RDWR | O_APPEND | O_NONBLOCK | O_CLOEXEC));
  describeFd("open(d/link) follows", syscall(SYS_open, "d/link", O_RDONLY));
  describeFd("open(d/link, O_NOFOLLOW)", syscall(SYS_open, "d/link", O_RDONLY | O_NOFOLLOW));
  describeFd("open(d, O_WRONLY)", syscall(SYS_open, "d", O_WRONLY));
  describeFd("open(d/f, O_DIRECTORY)", syscall(SYS_open, "d/f", O_RDONLY | O_DIRECTORY));
  describeFd("open(missing)", syscall(SYS_open, "missing", O_RDONLY));
  describeFd("open(d/f/x)", syscall(SYS_open, "d/f/x", O_RDONLY));
  describeFd("open(300-byte name)", syscall(SYS_open, longName, O_RDONLY));
  describeFd("open(NULL)", syscall(SYS_open, (void *)0, O_RDONLY));
  int full = syscall(SYS_open, "d/f", O_WRONLY);
  write(full, "hello", 5);
  close(full);
  describeFd("open(d/f, O_TRUNC)", syscall(SYS_open, "d/f", O_WRONLY | O_TRUNC));
  describe("  stat64(d/f) after O_TRUNC", syscall(SYS_stat64, "d/f", &st), &st);

  /* creat (8) is open with O_CREAT|O_WRONLY|O_TRUNC. */
  describeFd("creat(d/c, 0640)", syscall(SYS_creat, "d/c", 0640));
  describe("  stat64(d/c)", syscall(SYS_stat64, "d/c", &st), &st);
  describeFd("creat(d, 0640) a dir", syscall(SYS_creat, "d", 0640));
  describeFd("creat(missing/c)", syscall(SYS_creat, "missing/c", 0640));

  /* fstatat64 (300): relative to a directory, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, bad flags. */
  int dir = open("d", O_RDONLY | O_DIRECTORY);
  int file = open("d/c", O_RDONLY);
  describe("fstatat64(d, f, 0)", syscall(SYS_fstatat64, dir, "f", &st, 0), &st);
  describe("fstatat64(d, link, 0) follows", syscall(SYS_fstatat64, dir, "link", &st, 0), &st);
  describe("fstatat64(d, link, NOFOLLOW)", syscall(SYS_fstatat64, dir, "link", &st, AT_SYMLINK_NOFOLLOW), &st);
  describe("fstatat64(file, \"\", EMPTY_PATH)", syscall(SYS_fstatat64, file, "", &st, AT_EMPTY_PATH), &st);
  describe("fstatat64(file, \"\", 0)", syscall(SYS_fstatat64, file, "", &st, 0), &st);
  describe("fstatat64(file, x, 0) not a dir", syscall(SYS_fstatat64, file, "x", &st, 0), &st);
  describe("fstatat64(99, f, 0)", syscall(SYS_fstatat64, 99, "f", &st, 0), &st);
  describe("fstatat64(d, f, bad flags)", syscall(SYS_fstatat64, dir, "f", &st, 0x1), &st);

  /* chown32 (212, 32-bit ids): to the owner it already has, -1 for "unchanged", and errors. */
  show("chown(d/c, uid, gid)", syscall(SYS_chown32, "d/c", getuid(), getgid()));
  show("chown(d/c, -1, -1)", syscall(SYS_chown32, "d/c", -1, -1));
  show("chown(missing)", syscall(SYS_chown32, "missing", getuid(), getgid()));
  show("chown(NULL)", syscall(SYS_chown32, (void *)0, getuid(), getgid()));

  /* The 16-bit family (chown 182, lchown 16, fchown 95: old_uid_t), and the 32-bit lchown32,
     fchown32 and fchownat. A 16-bit id is the register's low half: 0xffff is "unchanged", and
     0x10000 + uid is uid. The owner must come out the same whatever was asked. */
  unsigned uid16 = getuid() & 0xffff, gid16 = getgid() & 0xffff;
  show("chown16(d/c, uid, gid)", syscall(SYS_chown, "d/c", uid16, gid16));
  show("chown16(d/c, 0xffff, 0xffff)", syscall(SYS_chown, "d/c", 0xffff, 0xffff));
  show("chown16(d/c, 0x10000 + uid, 0x10000 + gid)", syscall(SYS_chown, "d/c", 0x10000 | uid16, 0x10000 | gid16));
  syscall(SYS_stat64, "d/c", &st);
  printf("%-48s %s\n", "owner after the 16-bit chowns unchanged", st.st_uid == getuid() && st.st_gid == getgid() ? "yes" : "no");
  show("chown16(missing)", syscall(SYS_chown, "missing", uid16, gid16));
  show("lchown16(d/link, uid, gid)", syscall(SYS_lchown, "d/link", uid16, gid16));
  show("lchown16(NULL)", syscall(SYS_lchown, (void *)0, uid16, gid16));
  int owned = open("d/c", O_RDONLY);
  show("fchown16(fd, 0xffff, gid)", syscall(SYS_fchown, owned, 0xffff, gid16));
  show("fchown16(-1)", syscall(SYS_fchown, -1, uid16, gid16));
  show("fchown32(fd, uid, -1)", syscall(SYS_fchown32, owned, getuid(), -1));
  show("fchown32(99)", syscall(SYS_fchown32, 99, getuid(), getgid()));
  close(owned);
  show("lchown32(d/link, -1, -1)", syscall(SYS_lchown32, "d/link", -1, -1));
  show("lchown32(missing)", syscall(SYS_lchown32, "missing", -1, -1));
  show("fchownat(d, c, uid, gid, 0)", syscall(SYS_fchownat, dir, "c", getuid(), getgid(), 0));
  show("fchownat(d, link, -1, -1, NOFOLLOW)", syscall(SYS_fchownat, dir, "link", -1, -1, AT_SYMLINK_NOFOLLOW));
  show("fchownat(d, c, bad flags)", syscall(SYS_fchownat, dir, "c", -1, -1, 0x1));
  show("fchownat(99, c)", syscall(SYS_fchownat, 99, "c", -1, -1, 0));

  /* utimensat (320): set both times, read them back; UTIME_OMIT; bad nanoseconds. The times are
     whole microseconds: the host mount sets them through Node's fs.lutimes, which takes seconds
     as a double and keeps microseconds (docs/kernel.md, host file system). */
  struct timespec times[2] = { { 1000000000, 5000 }, { 1234567890, 123456000 } };
  show("utimensat(d, c, fixed times)", syscall(SYS_utimensat, dir, "c", times, 0));
  syscall(SYS_stat64, "d/c", &st);
  printf("  mtime %ld.%09ld atime %ld.%09ld\n", (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
         (long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
  struct timespec omit[2] = { { 0, UTIME_OMIT }, { 2000000000, 0 } };
  show("utimensat(d/c, atime omitted)", syscall(SYS_utimensat, AT_FDCWD, "d/c", omit, 0));
  syscall(SYS_stat64, "d/c", &st);
  printf("  mtime %ld.%09ld atime %ld.%09ld\n", (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
         (long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
  struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
  show("utimensat(nsec 10^9)", syscall(SYS_utimensat, AT_FDCWD, "d/c", bad, 0));
  show("utimensat(missing)", syscall(SYS_utimensat, AT_FDCWD, "missing", times, 0));
  show("utimensat(bad flags)", syscall(SYS_utimensat, AT_FDCWD, "d/c", times, 0x1));

  /* statfs64 (268) takes the structure's size as its second argument. */
  struct statfs64 fs;
  show("statfs64(d, sizeof)", syscall(SYS_statfs64, "d", sizeof fs, &fs));
  show("statfs64(d, size 3)", syscall(SYS_statfs64, "d", 3, &fs));
  show("statfs64(missing)", syscall(SYS_statfs64, "missing", sizeof fs, &fs));
  show("statfs64(d, NULL buf)", syscall(SYS_statfs64, "d", sizeof fs, (void *)0));
  show("fstatfs64(file, sizeof)", syscall(SYS_fstatfs64, file, sizeof fs, &fs));
  show("fstatfs64(99)", syscall(SYS_fstatfs64, 99, sizeof fs, &fs));
  return 0;
}
