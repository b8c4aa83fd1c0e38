/* Name and inode calls against the oracle: rename, renameat2, link, symlink, readlinkat, unlinkat,
 * chmod, fchmod, truncate, ftruncate, fsync and sync, each by its own i386 number through
 * syscall(2), with their errno paths. Only what Linux defines the same on every file system is
 * printed: results, errno names, modes, sizes, link counts of regular files, link targets. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif

static const char *errname(int e) {
  switch (e) {
  case EBADF: return "EBADF"; case EINVAL: return "EINVAL"; case ENOENT: return "ENOENT";
  case EFAULT: return "EFAULT"; case ENOTDIR: return "ENOTDIR"; case EISDIR: return "EISDIR";
  case EEXIST: return "EEXIST"; case ENOTEMPTY: return "ENOTEMPTY"; case EPERM: return "EPERM";
  case ELOOP: return "ELOOP"; case EBUSY: return "EBUSY";
  default: { static char other[32]; snprintf(other, sizeof other, "errno %d", e); return other; }
  }
}

static void show(const char *what, long result) {
  if (result == -1) printf("%-44s -1 %s\n", what, errname(errno));
  else printf("%-44s %ld\n", what, result);
}

static void describe(const char *path) {
  struct stat64 st;
  if (syscall(SYS_lstat64, path, &st) == -1) { printf("  %s: %s\n", path, errname(errno)); return; }
  if (S_ISDIR(st.st_mode)) printf("  %s: mode %o\n", path, (unsigned)st.st_mode);
  else printf("  %s: mode %o nlink %lu size %lld\n", path, (unsigned)st.st_mode,
              (unsigned long)st.st_nlink, (long long)st.st_size);
}

static void target(const char *path) {
  char buffer[64];
  long got = syscall(SYS_readlinkat, AT_FDCWD, path, buffer, sizeof buffer);
  if (got < 0) { show("readlinkat", got); return; }
  printf("  %s -> %.*s\n", path, (int)got, buffer);
}

int main(void) {
  mkdir("d", 0755);
  mkdir("d/full", 0755);
  mkdir("d/empty", 0755);
  close(open("d/full/inside", O_CREAT | O_WRONLY, 0600));
  int file = open("d/a", O_CREAT | O_RDWR | O_TRUNC, 0644);
  write(file, "0123456789", 10);

  /* link and symlink. */
  show("link(d/a, d/b)", syscall(SYS_link, "d/a", "d/b"));
  describe("d/a");
  show("link(d/a, d/b) again", syscall(SYS_link, "d/a", "d/b"));
  show("link(missing, d/c)", syscall(SYS_link, "missing", "d/c"));
  show("link(d/a, missing/c)", syscall(SYS_link, "d/a", "missing/c"));
  show("link(NULL, d/c)", syscall(SYS_link, (void *)0, "d/c"));
  show("symlink(a, d/s)", syscall(SYS_symlink, "a", "d/s"));
  show("symlink(x, d/s) again", syscall(SYS_symlink, "x", "d/s"));
  show("symlink(x, missing/s)", syscall(SYS_symlink, "x", "missing/s"));
  show("symlink(empty target)", syscall(SYS_symlink, "", "d/e"));
  describe("d/s");
  target("d/s");
  show("readlinkat(regular file)", syscall(SYS_readlinkat, AT_FDCWD, "d/a", (char[8]){0}, 8));
  show("readlinkat(missing)", syscall(SYS_readlinkat, AT_FDCWD, "missing", (char[8]){0}, 8));
  show("readlinkat(bad dirfd)", syscall(SYS_readlinkat, 99, "s", (char[8]){0}, 8));
  show("readlinkat(size 0)", syscall(SYS_readlinkat, AT_FDCWD, "d/s", (char[8]){0}, 0));
  char small[1];
  show("readlinkat(size 1) truncates", syscall(SYS_readlinkat, AT_FDCWD, "d/s", small, 1));

  /* rename and renameat2. */
  show("rename(d/b, d/c)", syscall(SYS_rename, "d/b", "d/c"));
  describe("d/b");
  describe("d/c");
  show("rename(d/c, d/a) same inode", syscall(SYS_rename, "d/c", "d/a"));
  describe("d/c");
  show("rename(missing, d/x)", syscall(SYS_rename, "missing", "d/x"));
  show("rename(d/a, d/full) onto a dir", syscall(SYS_rename, "d/a", "d/full"));
  show("rename(d/empty, d/a) dir onto file", syscall(SYS_rename, "d/empty", "d/a"));
  show("rename(d/empty, d/full) onto non-empty", syscall(SYS_rename, "d/empty", "d/full"));
  show("rename(d/full, d/full/sub) into itself", syscall(SYS_rename, "d/full", "d/full/sub"));
  show("rename(d/empty, d/moved)", syscall(SYS_rename, "d/empty", "d/moved"));
  show("renameat2(d/a, d/s, NOREPLACE)", syscall(SYS_renameat2, AT_FDCWD, "d/a", AT_FDCWD, "d/s", RENAME_NOREPLACE));
  show("renameat2(d/a, d/n, NOREPLACE)", syscall(SYS_renameat2, AT_FDCWD, "d/a", AT_FDCWD, "d/n", RENAME_NOREPLACE));
  show("renameat2(bad flags)", syscall(SYS_renameat2, AT_FDCWD, "d/n", AT_FDCWD, "d/a", 0x100));
  show("renameat2(d/n, d/a, 0)", syscall(SYS_renameat2, AT_FDCWD, "d/n", AT_FDCWD, "d/a", 0));

  /* unlinkat with and without AT_REMOVEDIR. */
  show("unlinkat(d/moved, 0) a dir", syscall(SYS_unlinkat, AT_FDCWD, "d/moved", 0));
  show("unlinkat(d/moved, REMOVEDIR)", syscall(SYS_unlinkat, AT_FDCWD, "d/moved", AT_REMOVEDIR));
  show("unlinkat(d/full, REMOVEDIR)", syscall(SYS_unlinkat, AT_FDCWD, "d/full", AT_REMOVEDIR));
  show("unlinkat(d/s, REMOVEDIR) a link", syscall(SYS_unlinkat, AT_FDCWD, "d/s", AT_REMOVEDIR));
  show("unlinkat(d/s, bad flags)", syscall(SYS_unlinkat, AT_FDCWD, "d/s", 0x1));
  show("unlinkat(d/s, 0)", syscall(SYS_unlinkat, AT_FDCWD, "d/s", 0));
  show("unlinkat(99, x, 0)", syscall(SYS_unlinkat, 99, "x", 0));

  /* chmod and fchmod: the file-type bits stay, the rest is what was asked (masked to 07777). */
  show("chmod(d/a, 0600)", syscall(SYS_chmod, "d/a", 0600));
  describe("d/a");
  show("chmod(d/a, 0177777)", syscall(SYS_chmod, "d/a", 0177777));
  describe("d/a");
  show("fchmod(file, 0640)", syscall(SYS_fchmod, file, 0640));
  describe("d/a");
  show("chmod(missing)", syscall(SYS_chmod, "missing", 0600));
  show("fchmod(99)", syscall(SYS_fchmod, 99, 0600));

  /* truncate and ftruncate: shrink, grow (the hole reads as zeros), bad lengths. */
  show("truncate(d/a, 4)", syscall(SYS_truncate, "d/a", 4));
  describe("d/a");
  show("ftruncate(file, 12)", syscall(SYS_ftruncate, file, 12));
  describe("d/a");
  char data[16];
  long got = pread(file, data, sizeof data, 0);
  printf("  contents %ld:", got);
  for (long i = 0; i < got; i++) printf(" %02x", (unsigned char)data[i]);
  printf("\n");
  show("truncate(d/a, -1)", syscall(SYS_truncate, "d/a", -1));
  show("truncate(d, 0) a dir", syscall(SYS_truncate, "d", 0));
  show("truncate(missing, 0)", syscall(SYS_truncate, "missing", 0));
  show("ftruncate(99, 0)", syscall(SYS_ftruncate, 99, 0));
  int readOnly = open("d/a", O_RDONLY);
  show("ftruncate(read-only fd, 0)", syscall(SYS_ftruncate, readOnly, 0));

  /* fsync and sync. */
  show("fsync(file)", syscall(SYS_fsync, file));
  show("fsync(99)", syscall(SYS_fsync, 99));
  show("sync()", syscall(SYS_sync));
  return 0;
}
