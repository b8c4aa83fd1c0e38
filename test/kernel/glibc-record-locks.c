/* POSIX record locks between two processes, line by line the same as on the oracle: F_GETLK's view
 * of another process's lock, F_SETLK's EAGAIN, F_SETLKW waiting until the holder closes the file,
 * EDEADLK for two processes that wait for each other, locks dropped at exit, and the error paths.
 * The processes take turns through pipes; nothing depends on timing (whether F_SETLKW really
 * slept or found the lock already free, its answer is the same). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *name(int e) {
  switch (e) {
  case EAGAIN: return "EAGAIN"; case EACCES: return "EACCES"; case EBADF: return "EBADF";
  case EINVAL: return "EINVAL"; case EFAULT: return "EFAULT"; case EDEADLK: return "EDEADLK";
  default: return strerror(e);
  }
}

static int lk(int fd, int cmd, short type, off_t start, off_t len) {
  struct flock f = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
  return fcntl(fd, cmd, &f);
}

static void show(const char *who, const char *what, int r) {
  if (r < 0) printf("%-7s %-40s -1 %s\n", who, what, name(errno));
  else printf("%-7s %-40s ok\n", who, what);
  fflush(stdout);
}

static void getlk(const char *who, int fd, off_t start, off_t len, pid_t expect) {
  struct flock f = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
  int r = fcntl(fd, F_GETLK, &f);
  if (r < 0) { show(who, "F_GETLK", r); return; }
  const char *t = f.l_type == F_UNLCK ? "F_UNLCK" : f.l_type == F_RDLCK ? "F_RDLCK" : "F_WRLCK";
  if (f.l_type == F_UNLCK) printf("%-7s F_GETLK [%ld,+%ld) -> %s\n", who, (long)start, (long)len, t);
  else printf("%-7s F_GETLK [%ld,+%ld) -> %s start %ld len %ld pid %s\n", who, (long)start, (long)len, t,
              (long)f.l_start, (long)f.l_len, f.l_pid == expect ? "=holder" : "other");
  fflush(stdout);
}

static void take_turn(int in) { char c; if (read(in, &c, 1) != 1) _exit(3); }
static void give_turn(int out) { if (write(out, "x", 1) != 1) _exit(4); }

int main(void) {
  int fd = open("locked", O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, "0123456789abcdefghij", 20) != 20) { perror("locked"); return 1; }
  int to_child[2], to_parent[2];
  if (pipe(to_child) < 0 || pipe(to_parent) < 0) return 1;
  pid_t parent = getpid();

  /* Error paths. */
  show("parent", "F_SETLK on fd 99", lk(99, F_SETLK, F_WRLCK, 0, 1));
  show("parent", "F_SETLK bad l_type", lk(fd, F_SETLK, 7, 0, 1));
  show("parent", "F_SETLK bad pointer", fcntl(fd, F_SETLK, (struct flock *)1));
  show("parent", "F_GETLK bad pointer", fcntl(fd, F_GETLK, (struct flock *)1));
  show("parent", "F_SETLK l_start -1", lk(fd, F_SETLK, F_WRLCK, -1, 1));
  int ro = open("locked", O_RDONLY), wo = open("locked", O_WRONLY);
  show("parent", "F_WRLCK on an O_RDONLY fd", lk(ro, F_SETLK, F_WRLCK, 0, 1));
  show("parent", "F_RDLCK on an O_WRONLY fd", lk(wo, F_SETLK, F_RDLCK, 0, 1));
  close(ro); close(wo);

  show("parent", "F_WRLCK [0,+10)", lk(fd, F_SETLK, F_WRLCK, 0, 10));
  show("parent", "F_RDLCK [10,+5)", lk(fd, F_SETLK, F_RDLCK, 10, 5));
  getlk("parent", fd, 0, 0, parent);       /* own locks never conflict */

  pid_t pid = fork();
  if (pid == 0) {
    int mine = open("locked", O_RDWR);
    getlk("child", mine, 5, 1, parent);
    getlk("child", mine, 12, 0, parent);
    getlk("child", mine, 15, 5, parent);
    show("child", "F_SETLK F_WRLCK [5,+1)", lk(mine, F_SETLK, F_WRLCK, 5, 1));
    show("child", "F_SETLK F_RDLCK [10,+5)", lk(mine, F_SETLK, F_RDLCK, 10, 5));
    show("child", "F_SETLK F_WRLCK [15,+5)", lk(mine, F_SETLK, F_WRLCK, 15, 5));
    give_turn(to_parent[1]);                /* parent: close(fd) drops its locks */
    show("child", "F_SETLKW F_WRLCK [0,+10)", lk(mine, F_SETLKW, F_WRLCK, 0, 10));
    give_turn(to_parent[1]);
    take_turn(to_child[0]);                 /* parent holds [30,+1) now; we hold [0,+10) */
    int r = lk(mine, F_SETLKW, F_WRLCK, 30, 1);
    int e = errno;
    if (r < 0) lk(mine, F_SETLK, F_UNLCK, 0, 0);   /* the loser lets the other one through */
    if (write(to_parent[1], r < 0 && e == EDEADLK ? "D" : r == 0 ? "L" : "?", 1) != 1) _exit(4);
    _exit(0);                               /* exit drops the child's locks */
  }
  take_turn(to_parent[0]);
  close(fd);                                /* any close drops the process's locks on the file */
  take_turn(to_parent[0]);
  fd = open("locked", O_RDWR);
  getlk("parent", fd, 0, 1, pid);
  show("parent", "F_SETLK F_WRLCK [30,+1)", lk(fd, F_SETLK, F_WRLCK, 30, 1));
  give_turn(to_child[1]);
  int r = lk(fd, F_SETLKW, F_WRLCK, 0, 1);  /* one of the two waits must get EDEADLK */
  int e = errno;
  if (r < 0) lk(fd, F_SETLK, F_UNLCK, 30, 1);      /* the loser lets the other one through */
  char theirs;
  if (read(to_parent[0], &theirs, 1) != 1) return 1;
  char ours = r < 0 && e == EDEADLK ? 'D' : r == 0 ? 'L' : '?';
  printf("deadlock: one side EDEADLK, the other locked: %s\n",
         (ours == 'D' && theirs == 'L') || (ours == 'L' && theirs == 'D') ? "yes" : "no");
  int status;
  waitpid(pid, &status, 0);
  printf("child exit status %d\n", WEXITSTATUS(status));
  getlk("parent", fd, 0, 0, pid);          /* the child's locks went with it */

  /* flock: one lock per open file description, whole file, its own kind. */
  show("parent", "flock(99, LOCK_EX)", flock(99, LOCK_EX));
  show("parent", "flock(fd, 0x10)", flock(fd, 0x10));
  show("parent", "flock(fd, LOCK_EX)", flock(fd, LOCK_EX));
  show("parent", "F_SETLK F_WRLCK [0,+0) beside it", lk(fd, F_SETLK, F_WRLCK, 0, 0));
  pid = fork();
  if (pid == 0) {
    int mine = open("locked", O_RDONLY);
    show("child", "flock(own fd, LOCK_SH|LOCK_NB)", flock(mine, LOCK_SH | LOCK_NB));
    show("child", "flock(inherited fd, LOCK_EX|LOCK_NB)", flock(fd, LOCK_EX | LOCK_NB));
    close(fd);                              /* the parent's copy still holds the description */
    show("child", "flock(own fd, LOCK_EX|LOCK_NB) again", flock(mine, LOCK_EX | LOCK_NB));
    give_turn(to_parent[1]);
    show("child", "flock(own fd, LOCK_SH) waits", flock(mine, LOCK_SH));
    show("child", "flock(own fd, LOCK_UN)", flock(mine, LOCK_UN));
    _exit(0);
  }
  take_turn(to_parent[0]);
  close(fd);                                /* the description's last close drops its flock */
  waitpid(pid, &status, 0);
  printf("child exit status %d\n", WEXITSTATUS(status));
  return 0;
}
