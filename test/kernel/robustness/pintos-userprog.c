/* The Pintos userprog robustness tests (src/tests/userprog: sc-bad-sp, bad-read, open-null,
 * read-boundary, exec-missing, wait-twice, rox-simple ...), rewritten for the Linux i386 ABI.
 *
 * `pintos-userprog DOOR CASE` runs one case and ends; DOOR is `int80` (every call under test is an
 * inline `int $0x80`) or `vsyscall` (a `call` to __kernel_vsyscall, found through AT_SYSINFO: the
 * sysenter door on gate86 and on the host). Where Pintos says "the process exits with -1", Linux
 * says one of two things, and each case prints which: a bad pointer handed to a system call is
 * -EFAULT (a bad descriptor -EBADF) and the program goes on; a bad pointer the program itself
 * follows is a SIGSEGV, which kills it (the test reads the killing signal from the exit status).
 *
 * Nothing printed depends on where the host put things: addresses shown are fixed (NULL, the
 * kernel half, the program's own text), pages made for a case are used through offsets only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Above the 3 GiB user half of an i386 Linux: gate86's kernel text is here; natively (a 32-bit
   process on x86-64 owns all 4 GiB) and on qemu-i386 nothing is mapped here. Both refuse it. */
#define KERNEL_ADDRESS 0xc0100000UL
/* Pintos' wild user pointer: inside the user half, but nothing is mapped there. */
#define UNMAPPED_ADDRESS 0x20101234UL
#define PAGE 4096

/* ------------------------------------------------------------------------------------------ */
/* The two doors. raw(nr, a..f) loads EAX, EBX, ECX, EDX, ESI, EDI, EBP and enters the kernel; it
   returns EAX as the kernel left it (-4095..-1 is -errno). */

unsigned long vsyscallEntry;   /* AT_SYSINFO: __kernel_vsyscall (read by the assembly below) */
static int throughVsyscall;

long rawInt80(long nr, long a, long b, long c, long d, long e, long f);
long rawVsyscall(long nr, long a, long b, long c, long d, long e, long f);
__asm__(
  ".text\n"
  ".macro loadArguments\n"
  "  pushl %ebp\n  pushl %edi\n  pushl %esi\n  pushl %ebx\n"       /* callee-saved: 16 bytes */
  "  movl 20(%esp), %eax\n  movl 24(%esp), %ebx\n  movl 28(%esp), %ecx\n  movl 32(%esp), %edx\n"
  "  movl 36(%esp), %esi\n  movl 40(%esp), %edi\n  movl 44(%esp), %ebp\n"
  ".endm\n"
  ".macro restoreAndReturn\n"
  "  popl %ebx\n  popl %esi\n  popl %edi\n  popl %ebp\n  ret\n"
  ".endm\n"
  ".globl rawInt80\n"
  "rawInt80:\n  loadArguments\n  int $0x80\n  restoreAndReturn\n"
  ".globl rawVsyscall\n"
  "rawVsyscall:\n  loadArguments\n  call *vsyscallEntry\n  restoreAndReturn\n");

static long sys(long nr, long a, long b, long c) {
  return throughVsyscall ? rawVsyscall(nr, a, b, c, 0, 0, 0) : rawInt80(nr, a, b, c, 0, 0, 0);
}

/* sc-bad-sp: ESP = `sp`, then write(1, text, length) and the first use of the stack after it. The
   kernel needs no user stack to run write (its arguments are in registers, its frame on the
   kernel stack), so the line appears; the `pushl` after the call is what faults. The SIGSEGV
   cannot be delivered on that stack either, so it kills the process even with a handler. Through
   the vsyscall door the first push is __kernel_vsyscall's own: nothing is written. */
void badStackInt80(unsigned long sp, const char *text, unsigned long length);
void badStackVsyscall(unsigned long sp, const char *text, unsigned long length);
__asm__(
  ".macro badStack\n"
  "  movl 4(%esp), %esi\n  movl $4, %eax\n  movl $1, %ebx\n  movl 8(%esp), %ecx\n  movl 12(%esp), %edx\n"
  "  movl %esi, %esp\n"
  ".endm\n"
  ".globl badStackInt80\n"
  "badStackInt80:\n  badStack\n  int $0x80\n  pushl %eax\n  ud2\n"
  ".globl badStackVsyscall\n"
  "badStackVsyscall:\n  badStack\n  jmp *vsyscallEntry\n");

/* ------------------------------------------------------------------------------------------ */
/* Printing: one line per call, the same on every oracle. */

static const char *errnoName(long e) {
  switch (e) {
  case EFAULT: return "EFAULT"; case EBADF: return "EBADF"; case ENOENT: return "ENOENT";
  case ENOSYS: return "ENOSYS"; case ECHILD: return "ECHILD"; case EINVAL: return "EINVAL";
  case ENAMETOOLONG: return "ENAMETOOLONG"; case EEXIST: return "EEXIST"; case ETXTBSY: return "ETXTBSY";
  case EISDIR: return "EISDIR"; case EAGAIN: return "EAGAIN"; case EACCES: return "EACCES";
  default: { static char other[32]; snprintf(other, sizeof other, "errno %ld", e); return other; }
  }
}

static void show(const char *what, long result) {
  if (result < 0 && result > -4096) printf("%-52s -1 %s\n", what, errnoName(-result));
  else printf("%-52s %ld\n", what, result);
}

static const char *signalName(int s) {
  switch (s) {
  case SIGSEGV: return "SIGSEGV"; case SIGBUS: return "SIGBUS"; case SIGILL: return "SIGILL";
  case SIGKILL: return "SIGKILL"; case SIGTRAP: return "SIGTRAP"; case SIGFPE: return "SIGFPE";
  default: { static char other[32]; snprintf(other, sizeof other, "signal %d", s); return other; }
  }
}

/* How a child ended, as waitpid tells it. */
static void showEnd(const char *what, pid_t pid) {
  int status;
  pid_t got = waitpid(pid, &status, 0);
  if (got != pid) printf("%-52s waitpid %s\n", what, errnoName(errno));
  else if (WIFEXITED(status)) printf("%-52s exit %d\n", what, WEXITSTATUS(status));
  else printf("%-52s killed by %s\n", what, signalName(WTERMSIG(status)));
}

/* ------------------------------------------------------------------------------------------ */
/* Pages for the boundary cases. */

/* Two mapped pages; the boundary between them is page + PAGE. */
static char *twoPages(void) {
  char *p = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) { perror("mmap"); exit(3); }
  return p;
}

/* One mapped page with nothing mapped after it: page + PAGE is the edge. */
static char *edgePage(void) {
  char *p = twoPages();
  munmap(p + PAGE, PAGE);
  return p;
}

/* `text` (with its NUL) placed so that it crosses page + PAGE, `before` bytes of it first. */
static char *across(char *page, const char *text, int before) {
  char *at = page + PAGE - before;
  memcpy(at, text, strlen(text) + 1);
  return at;
}

/* ------------------------------------------------------------------------------------------ */
/* Faults the program takes itself: first in a child with a SIGSEGV handler (it prints the signal,
   si_code and si_addr the kernel gave), then in the process itself with none (it dies). */

static void onFault(int signal, siginfo_t *info, void *context) {
  (void)context;
  const char *code = info->si_code == SEGV_MAPERR ? "SEGV_MAPERR" : info->si_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other code";
  char line[128];
  int n = snprintf(line, sizeof line, "  handler: %s %s at %#lx\n", signalName(signal), code, (unsigned long)info->si_addr);
  write(1, line, n);
  _exit(0);
}

static void faultCase(const char *what, void (*access)(void)) {
  printf("%s, with a SIGSEGV handler:\n", what);
  pid_t pid = fork();
  if (pid == 0) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = onFault;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &action, 0);
    access();
    printf("  no fault\n");
    _exit(9);
  }
  showEnd("  child", pid);
  printf("%s, without one: the process dies\n", what);
  access();
  printf("  no fault\n");
}

/* volatile twice: the compiler may neither fold the pointer (a NULL it can see becomes ud2) nor
   drop the access. */
static volatile int sink;
static void readNull(void) { volatile int *volatile p = 0; sink = *p; }
static void writeNull(void) { volatile int *volatile p = 0; *p = 42; }
static void readKernel(void) { volatile int *volatile p = (int *)KERNEL_ADDRESS; sink = *p; }
static void writeKernel(void) { volatile int *volatile p = (int *)KERNEL_ADDRESS; *p = 42; }
static void jumpNull(void) { void (*volatile f)(void) = 0; f(); }
static void jumpKernel(void) { void (*volatile f)(void) = (void (*)(void))KERNEL_ADDRESS; f(); }
static void writeCode(void) { volatile unsigned char *volatile p = (unsigned char *)faultCase; *p = 0xcc; }

/* ------------------------------------------------------------------------------------------ */
/* The cases. */

static int makeFile(const char *name, const char *content) {
  int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, content, strlen(content));
  lseek(fd, 0, SEEK_SET);
  return fd;
}

static void showRead(const char *what, long result, const char *buffer) {
  if (result < 0) show(what, result);
  else printf("%-52s %ld \"%.*s\"\n", what, result, (int)result, buffer);
}

static void scBadSp(void) {
  /* Pintos: ESP 64 MiB below the code, nothing mapped there. */
  static const char line[] = "write ran with ESP 64 MiB below the code\n";
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = onFault;
  action.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &action, 0);
  unsigned long sp = (unsigned long)scBadSp - (64 << 20);
  if (throughVsyscall) badStackVsyscall(sp, line, sizeof line - 1);
  else badStackInt80(sp, line, sizeof line - 1);
}

static void scBadSpKernel(void) {
  static const char line[] = "write ran with ESP at a kernel address\n";
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = onFault;
  action.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &action, 0);
  if (throughVsyscall) badStackVsyscall(KERNEL_ADDRESS, line, sizeof line - 1);
  else badStackInt80(KERNEL_ADDRESS, line, sizeof line - 1);
}

static void scBadArg(void) {
  int p[2];
  pipe(p);
  write(p[1], "abcd", 4);
  show("write(1, kernel address, 4)", sys(SYS_write, 1, KERNEL_ADDRESS, 4));
  show("write(1, NULL, 4)", sys(SYS_write, 1, 0, 4));
  show("read(pipe, kernel address, 4)", sys(SYS_read, p[0], KERNEL_ADDRESS, 4));
  show("read(pipe, NULL, 4)", sys(SYS_read, p[0], 0, 4));
  char buffer[8];
  showRead("read(pipe, buffer, 8): nothing was taken", sys(SYS_read, p[0], (long)buffer, 8), buffer);
  show("uname(kernel address)", sys(SYS_uname, KERNEL_ADDRESS, 0, 0));
  show("time(kernel address)", sys(SYS_time, KERNEL_ADDRESS, 0, 0));
  show("pipe(kernel address)", sys(SYS_pipe, KERNEL_ADDRESS, 0, 0));
}

static void scBadNum(void) {
  show("system call -1", sys(-1, 0, 0, 0));
  show("system call 1000", sys(1000, 0, 0, 0));
  show("system call 0x7fffffff", sys(0x7fffffff, 0, 0, 0));
  show("system call 0x80000014 (getpid with the top bit)", sys((long)0x80000014UL, 0, 0, 0));
}

/* The old select (82) reads its five arguments from one user block: { n, in, out, ex, tv }. */
static long oldSelectAt(char *block) {
  static struct { long sec, usec; } zero;
  long words[5] = { 0, 0, 0, 0, (long)&zero };
  memcpy(block, words, sizeof words);
  return sys(SYS_select, (long)block, 0, 0);
}

static void scBoundary(void) {
  char *two = twoPages();
  show("select(82) block across two mapped pages", oldSelectAt(two + PAGE - 8));
  show("select(82) block ending at a page's end", oldSelectAt(two + PAGE - 20));
}

static void scBoundary2(void) {
  char *edge = edgePage();
  long r = sys(SYS_select, (long)(edge + PAGE - 16), 0, 0);   /* the 5th word is past the edge */
  show("select(82) block, last word on an unmapped page", r);
}

static void scBoundary3(void) {
  char *edge = edgePage();
  long r = sys(SYS_select, (long)(edge + PAGE - 2), 0, 0);    /* the 1st word straddles the edge */
  show("select(82) block, first word across the edge", r);
}

static void badRead(void) { faultCase("read NULL", readNull); }
static void badWrite(void) { faultCase("write NULL", writeNull); }
static void badRead2(void) { faultCase("read a kernel address", readKernel); }
static void badWrite2(void) { faultCase("write a kernel address", writeKernel); }
static void badJump(void) { faultCase("call NULL", jumpNull); }
static void badJump2(void) { faultCase("call a kernel address", jumpKernel); }

static void createNormal(void) { show("creat(\"quux.dat\")", sys(SYS_creat, (long)"quux.dat", 0644, 0)); }
static void createEmpty(void) { show("creat(\"\")", sys(SYS_creat, (long)"", 0644, 0)); }
static void createNull(void) { show("creat(NULL)", sys(SYS_creat, 0, 0644, 0)); }
static void createBadPtr(void) {
  show("creat(unmapped pointer)", sys(SYS_creat, UNMAPPED_ADDRESS, 0644, 0));
  show("creat(kernel address)", sys(SYS_creat, KERNEL_ADDRESS, 0644, 0));
}
static void createLong(void) {
  static char name[5000];
  memset(name, 'x', 511);
  show("creat(511-byte name)", sys(SYS_creat, (long)name, 0644, 0));
  memset(name, 'x', sizeof name - 1);
  show("creat(4999-byte path)", sys(SYS_creat, (long)name, 0644, 0));
}
static void createExists(void) {
  show("creat(\"quux.dat\")", sys(SYS_creat, (long)"quux.dat", 0644, 0));
  show("creat(\"quux.dat\") again", sys(SYS_creat, (long)"quux.dat", 0644, 0));
  show("open(\"quux.dat\", O_CREAT | O_EXCL)", sys(SYS_open, (long)"quux.dat", O_WRONLY | O_CREAT | O_EXCL, 0644));
}
static void createBound(void) {
  char *name = across(twoPages(), "quux.dat", 4);
  show("creat(name across two mapped pages)", sys(SYS_creat, (long)name, 0644, 0));
  show("access(\"quux.dat\")", access("quux.dat", F_OK));
}
static void createBound2(void) {
  char *edge = edgePage();
  memcpy(edge + PAGE - 8, "quuxquux", 8);                      /* no NUL before the edge */
  show("creat(name running into an unmapped page)", sys(SYS_creat, (long)(edge + PAGE - 8), 0644, 0));
  show("access(\"quuxquux\")", access("quuxquux", F_OK) == 0 ? 0 : -errno);
}

static void openNormal(void) { close(makeFile("sample.txt", "sample")); show("open(\"sample.txt\")", sys(SYS_open, (long)"sample.txt", O_RDONLY, 0)); }
static void openMissing(void) { show("open(\"no-such-file\")", sys(SYS_open, (long)"no-such-file", O_RDONLY, 0)); }
static void openEmpty(void) { show("open(\"\")", sys(SYS_open, (long)"", O_RDONLY, 0)); }
static void openNull(void) { show("open(NULL)", sys(SYS_open, 0, O_RDONLY, 0)); }
static void openBadPtr(void) {
  show("open(unmapped pointer)", sys(SYS_open, UNMAPPED_ADDRESS, O_RDONLY, 0));
  show("open(kernel address)", sys(SYS_open, KERNEL_ADDRESS, O_RDONLY, 0));
}
static void openBoundary(void) {
  close(makeFile("sample.txt", "sample"));
  char *name = across(twoPages(), "sample.txt", 3);
  show("open(name across two mapped pages)", sys(SYS_open, (long)name, O_RDONLY, 0));
  char *edge = edgePage();
  memcpy(edge + PAGE - 10, "sample.txt", 10);                  /* its NUL would be past the edge */
  show("open(name running into an unmapped page)", sys(SYS_open, (long)(edge + PAGE - 10), O_RDONLY, 0));
}
static void openTwice(void) {
  close(makeFile("sample.txt", "sample"));
  show("open(\"sample.txt\")", sys(SYS_open, (long)"sample.txt", O_RDONLY, 0));
  show("open(\"sample.txt\") again: a new descriptor", sys(SYS_open, (long)"sample.txt", O_RDONLY, 0));
}

static void readNormal(void) {
  int fd = makeFile("sample.txt", "sample");
  char buffer[16];
  showRead("read(\"sample.txt\", 16)", sys(SYS_read, fd, (long)buffer, 16), buffer);
  showRead("read at the end", sys(SYS_read, fd, (long)buffer, 16), buffer);
}
static void readBadPtr(void) {
  int fd = makeFile("sample.txt", "sample");
  show("read(file, kernel address, 6)", sys(SYS_read, fd, KERNEL_ADDRESS, 6));
  show("read(file, unmapped pointer, 6)", sys(SYS_read, fd, UNMAPPED_ADDRESS, 6));
  show("read(file, NULL, 6)", sys(SYS_read, fd, 0, 6));
  char buffer[16];
  showRead("read(file, buffer, 16): the offset did not move", sys(SYS_read, fd, (long)buffer, 16), buffer);
}
static void readBoundary(void) {
  int fd = makeFile("sample.txt", "sample text that crosses a page boundary");
  char *buffer = twoPages() + PAGE - 20;
  showRead("read(file, buffer across two mapped pages, 64)", sys(SYS_read, fd, (long)buffer, 64), buffer);
}
static void readBoundary2(void) {
  /* A pipe copies a buffer's worth or nothing: -EFAULT, and the bytes stay in the pipe. */
  int p[2];
  pipe(p);
  write(p[1], "0123456789abcdefghij", 20);
  char *edge = edgePage();
  show("read(pipe, 10 bytes before an unmapped page, 20)", sys(SYS_read, p[0], (long)(edge + PAGE - 10), 20));
  char buffer[32];
  showRead("read(pipe, buffer, 32): the bytes are still there", sys(SYS_read, p[0], (long)buffer, 32), buffer);
  /* A file copies what fits: a short count, and the offset moves by that much. */
  int fd = makeFile("sample.txt", "0123456789abcdefghij");
  showRead("read(file, 10 bytes before an unmapped page, 20)", sys(SYS_read, fd, (long)(edge + PAGE - 10), 20), edge + PAGE - 10);
  showRead("read(file, buffer, 32): the rest", sys(SYS_read, fd, (long)buffer, 32), buffer);
}
static void readZero(void) {
  int fd = makeFile("sample.txt", "sample");
  char buffer[4] = "xyz";
  show("read(file, buffer, 0)", sys(SYS_read, fd, (long)buffer, 0));
  show("read(file, NULL, 0)", sys(SYS_read, fd, 0, 0));
  show("read(file, kernel address, 0)", sys(SYS_read, fd, KERNEL_ADDRESS, 0));
  printf("%-52s \"%s\"\n", "the buffer", buffer);
}
static void readStdout(void) {
  char buffer[4];
  int p[2];
  pipe(p);
  int fd = open("sample.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  show("read(file opened O_WRONLY)", sys(SYS_read, fd, (long)buffer, 4));
  show("read(pipe's write end)", sys(SYS_read, p[1], (long)buffer, 4));
}
static void readBadFd(void) {
  char buffer[4];
  show("read(-1)", sys(SYS_read, -1, (long)buffer, 4));
  show("read(5555)", sys(SYS_read, 5555, (long)buffer, 4));
  show("read(0x20101234)", sys(SYS_read, 0x20101234, (long)buffer, 4));
  show("read(0x7fffffff)", sys(SYS_read, 0x7fffffff, (long)buffer, 4));
  int fd = makeFile("sample.txt", "sample");
  close(fd);
  show("read(a closed descriptor)", sys(SYS_read, fd, (long)buffer, 4));
  show("read(a directory)", sys(SYS_read, open(".", O_RDONLY | O_DIRECTORY), (long)buffer, 4));
}

static void writeNormal(void) {
  int fd = makeFile("sample.txt", "");
  show("write(file, \"sample\", 6)", sys(SYS_write, fd, (long)"sample", 6));
  char buffer[16];
  lseek(fd, 0, SEEK_SET);
  showRead("read it back", read(fd, buffer, 16), buffer);
}
static void writeBadPtr(void) {
  int fd = makeFile("sample.txt", "");
  show("write(file, kernel address, 6)", sys(SYS_write, fd, KERNEL_ADDRESS, 6));
  show("write(file, unmapped pointer, 6)", sys(SYS_write, fd, UNMAPPED_ADDRESS, 6));
  show("write(file, NULL, 6)", sys(SYS_write, fd, 0, 6));
  show("the file's size", lseek(fd, 0, SEEK_END));
}
static void writeBoundary(void) {
  int fd = makeFile("sample.txt", "");
  char *text = across(twoPages(), "sample text that crosses a page boundary", 20);
  show("write(file, buffer across two mapped pages, 40)", sys(SYS_write, fd, (long)text, 40));
  char buffer[64];
  lseek(fd, 0, SEEK_SET);
  showRead("read it back", read(fd, buffer, 64), buffer);
}
static void writeBoundary2(void) {
  int p[2];
  pipe2(p, O_NONBLOCK);
  char *edge = edgePage();
  memcpy(edge + PAGE - 10, "0123456789", 10);
  show("write(pipe, 10 bytes before an unmapped page, 20)", sys(SYS_write, p[1], (long)(edge + PAGE - 10), 20));
  char buffer[32];
  show("read(pipe): nothing was written", read(p[0], buffer, 32) < 0 ? -errno : 0);
}
static void writeZero(void) {
  int fd = makeFile("sample.txt", "");
  show("write(file, buffer, 0)", sys(SYS_write, fd, (long)"x", 0));
  show("write(file, NULL, 0)", sys(SYS_write, fd, 0, 0));
  show("the file's size", lseek(fd, 0, SEEK_END));
}
static void writeStdin(void) {
  int p[2];
  pipe(p);
  close(makeFile("sample.txt", "sample"));
  int fd = open("sample.txt", O_RDONLY);
  show("write(file opened O_RDONLY)", sys(SYS_write, fd, (long)"x", 1));
  show("write(pipe's read end)", sys(SYS_write, p[0], (long)"x", 1));
  show("write(a directory)", sys(SYS_write, open(".", O_RDONLY | O_DIRECTORY), (long)"x", 1));
}
static void writeBadFd(void) {
  show("write(-1)", sys(SYS_write, -1, (long)"x", 1));
  show("write(5555)", sys(SYS_write, 5555, (long)"x", 1));
  show("write(0x20101234)", sys(SYS_write, 0x20101234, (long)"x", 1));
  show("write(0x80000000)", sys(SYS_write, (long)0x80000000UL, (long)"x", 1));
}

static void closeNormal(void) { show("close(file)", sys(SYS_close, makeFile("sample.txt", "sample"), 0, 0)); }
static void closeTwice(void) {
  int fd = makeFile("sample.txt", "sample");
  show("close(file)", sys(SYS_close, fd, 0, 0));
  show("close(file) again", sys(SYS_close, fd, 0, 0));
}
static void closeStdin(void) {
  char buffer[4];
  show("close(0)", sys(SYS_close, 0, 0, 0));
  show("read(0) after it", sys(SYS_read, 0, (long)buffer, 1));
  show("open(\"sample.txt\") takes descriptor 0", open("sample.txt", O_RDWR | O_CREAT, 0644));
}
static void closeBadFd(void) {
  show("close(-1)", sys(SYS_close, -1, 0, 0));
  show("close(5555)", sys(SYS_close, 5555, 0, 0));
  show("close(0x20101234)", sys(SYS_close, 0x20101234, 0, 0));
}

/* exec: the program runs itself as `pintos-userprog child ARGS...`, which prints its arguments and
   exits 81. A failed execve returns to the caller, which goes on. */
static char *self;
static char *environment[] = { "PINTOS_CHILD=args", "PINTOS=userprog", 0 };

static void execAndWait(const char *what, char **argv) {
  pid_t pid = fork();
  if (pid == 0) {
    long r = sys(SYS_execve, (long)self, (long)argv, (long)environment);
    printf("  execve returned %ld\n", r);
    _exit(7);
  }
  showEnd(what, pid);
}

static void execMissing(void) {
  char *argv[] = { "no-such-file", 0 };
  show("execve(\"no-such-file\")", sys(SYS_execve, (long)"no-such-file", (long)argv, (long)environment));
  show("execve(\"\")", sys(SYS_execve, (long)"", (long)argv, (long)environment));
  show("execve(\".\")", sys(SYS_execve, (long)".", (long)argv, (long)environment));
  printf("still running\n");
}
static void execBadPtr(void) {
  char *argv[] = { self, "child", 0 };
  char *badArgv[] = { self, (char *)KERNEL_ADDRESS, 0 };
  char *badEnvp[] = { (char *)UNMAPPED_ADDRESS, 0 };
  show("execve(unmapped pointer)", sys(SYS_execve, UNMAPPED_ADDRESS, (long)argv, (long)environment));
  show("execve(kernel address)", sys(SYS_execve, KERNEL_ADDRESS, (long)argv, (long)environment));
  show("execve(self, argv = kernel address)", sys(SYS_execve, (long)self, KERNEL_ADDRESS, (long)environment));
  show("execve(self, argv[1] = kernel address)", sys(SYS_execve, (long)self, (long)badArgv, (long)environment));
  show("execve(self, envp[0] = unmapped pointer)", sys(SYS_execve, (long)self, (long)argv, (long)badEnvp));
  printf("still running\n");
}
static void execArg(void) {
  char *argv[] = { self, "child", "exec-arg", "one", "two", 0 };
  execAndWait("the child", argv);
}
static void execBound(void) {
  char *argument = across(twoPages(), "crosses-a-page-boundary", 9);
  char **argv = (char **)(twoPages() + PAGE - 8);              /* the array crosses a boundary too */
  argv[0] = self; argv[1] = "child"; argv[2] = argument; argv[3] = 0;
  execAndWait("the child (argv and argv[2] across two pages)", argv);
}
static void execBound2(void) {
  char *edge = edgePage();
  size_t length = strlen(self);
  char *path = edge + PAGE - length;
  memcpy(path, self, length);                                  /* its NUL would be past the edge */
  char *argv[] = { self, "child", 0 };
  show("execve(path running into an unmapped page)", sys(SYS_execve, (long)path, (long)argv, (long)environment));
}
static void execBound3(void) {
  char **argv = (char **)(edgePage() + PAGE - 8);              /* no NULL before the edge */
  argv[0] = self; argv[1] = "child";
  show("execve(argv running into an unmapped page)", sys(SYS_execve, (long)self, (long)argv, (long)environment));
  char *edge = edgePage();
  memcpy(edge + PAGE - 5, "child", 5);
  char *argv2[] = { self, edge + PAGE - 5, 0 };
  show("execve(argv[1] running into an unmapped page)", sys(SYS_execve, (long)self, (long)argv2, (long)environment));
  printf("still running\n");
}

static pid_t childExiting(int code) {
  pid_t pid = fork();
  if (pid == 0) _exit(code);
  return pid;
}
static void showWait(const char *what, long pid) {
  int status = -1;
  long r = sys(SYS_waitpid, pid, (long)&status, 0);
  if (r < 0) show(what, r);
  else if (WIFEXITED(status)) printf("%-52s the child, exit %d\n", what, WEXITSTATUS(status));
  else printf("%-52s the child, killed by %s\n", what, signalName(WTERMSIG(status)));
}
static void waitSimple(void) { showWait("waitpid(child exiting 81)", childExiting(81)); }
static void waitTwice(void) {
  pid_t pid = childExiting(81);
  showWait("waitpid(child)", pid);
  showWait("waitpid(child) again", pid);
}
static void waitKilled(void) {
  pid_t pid = fork();
  if (pid == 0) { writeNull(); _exit(0); }
  showWait("waitpid(child writing NULL)", pid);
}
static void waitBadPid(void) {
  showWait("waitpid(0x0c0ffee)", 0x0c0ffee);
  showWait("waitpid(its own pid)", getpid());
  showWait("waitpid(its parent)", getppid());
  showWait("waitpid(-1) with no children", -1);
}
static void waitBadPtr(void) {
  pid_t pid = childExiting(81);
  show("waitpid(child, status = kernel address)", sys(SYS_waitpid, pid, KERNEL_ADDRESS, 0));
  showWait("waitpid(child) again: it was reaped", pid);
  /* A stop report is used up the same way. */
  pid = fork();
  if (pid == 0) { raise(SIGSTOP); _exit(0); }
  show("waitpid(stopped child, kernel address, WUNTRACED)", sys(SYS_waitpid, pid, KERNEL_ADDRESS, WUNTRACED));
  int status = 0;
  show("waitpid(it, WUNTRACED | WNOHANG): nothing new", sys(SYS_waitpid, pid, (long)&status, WUNTRACED | WNOHANG));
  kill(pid, SIGKILL);
  showWait("waitpid(it) after SIGKILL", pid);
}

static void multiChildFd(void) {
  int fd = makeFile("sample.txt", "sample");
  pid_t pid = fork();
  if (pid == 0) {
    char buffer[4];
    showRead("child: read(inherited descriptor, 3)", sys(SYS_read, fd, (long)buffer, 3), buffer);
    show("child: close(inherited descriptor)", sys(SYS_close, fd, 0, 0));
    show("child: read(it) after closing", sys(SYS_read, fd, (long)buffer, 3));
    _exit(0);
  }
  showEnd("child", pid);
  char buffer[8];
  showRead("parent: read(descriptor): the shared offset moved", sys(SYS_read, fd, (long)buffer, 8), buffer);
}

static void roxSimple(void) {
  show("open(/proc/self/exe, O_WRONLY)", sys(SYS_open, (long)"/proc/self/exe", O_WRONLY, 0));
  show("open(/proc/self/exe, O_RDWR)", sys(SYS_open, (long)"/proc/self/exe", O_RDWR, 0));
}
static void roxCode(void) {
  int fd = makeFile("sample.txt", "sample");
  show("read(file, into the program's text, 6)", sys(SYS_read, fd, (long)faultCase, 6));
  faultCase("write into the program's text", writeCode);
}

static void argsNone(void) { char *argv[] = { self, 0 }; execAndWait("the child", argv); }
static void argsSingle(void) { char *argv[] = { self, "onearg", 0 }; execAndWait("the child", argv); }
static void argsMultiple(void) { char *argv[] = { self, "some", "arguments", "for", "you!", 0 }; execAndWait("the child", argv); }
static void argsMany(void) {
  char *argv[] = { self, "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p",
                   "q", "r", "s", "t", "u", "v", 0 };
  execAndWait("the child", argv);
}
static void argsDblSpace(void) {
  /* No shell splits these: each string is one argument, spaces, empty strings and all. */
  char *argv[] = { self, "two  spaces!", "", " leading and trailing ", 0 };
  execAndWait("the child", argv);
}
static void argsNull(void) {
  /* argv = NULL: Linux since 5.18 gives the new program argc 1 and argv[0] "" (never argc 0). */
  pid_t pid = fork();
  if (pid == 0) {
    long r = sys(SYS_execve, (long)self, 0, (long)environment);
    printf("  execve returned %ld\n", r);
    _exit(7);
  }
  showEnd("the child (argv NULL)", pid);
}

static void exitCase(void) {
  printf("exit(57) through the door:\n");
  sys(SYS_exit, 57, 0, 0);
  printf("  exit returned\n");
}
static void exitMasked(void) {
  printf("exit_group(0x1239) through the door: the status is its low byte\n");
  sys(SYS_exit_group, 0x1239, 0, 0);
  printf("  exit_group returned\n");
}

static void closeStdout(void) {
  int out = dup(1);
  long closed = sys(SYS_close, 1, 0, 0);
  long wrote = sys(SYS_write, 1, (long)"x\n", 2);
  dup2(out, 1);
  show("close(1)", closed);
  show("write(1) after it", wrote);
}

static void execOnce(void) { char *argv[] = { self, "once", 0 }; execAndWait("the child", argv); }
static void execMultiple(void) {
  for (int i = 0; i < 4; i++) { char *argv[] = { self, "multiple", 0 }; execAndWait("the child", argv); }
}

/* multi-recurse: each level execs the next one down and exits with its own depth. */
static char *recurseEnvironment[] = { "PINTOS_CHILD=recurse", 0 };
static int childRecurse(char **argv) {
  int n = atoi(argv[2]);
  printf("begin %d\n", n);
  if (n > 0) {
    char below[16];
    snprintf(below, sizeof below, "%d", n - 1);
    char *next[] = { self, "recurse", below, 0 };
    pid_t pid = fork();
    if (pid == 0) { execve(self, next, recurseEnvironment); _exit(99); }
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != n - 1) printf("level %d: its child ended with %#x\n", n, status);
  }
  printf("end %d\n", n);
  return n;
}
static void multiRecurse(void) {
  char *argv[] = { self, "recurse", "15", 0 };
  pid_t pid = fork();
  if (pid == 0) { sys(SYS_execve, (long)self, (long)argv, (long)recurseEnvironment); _exit(99); }
  showEnd("multi-recurse 15", pid);
}

/* rox-child, rox-multichild: a copy of this program, ./child-rox, runs as a child (and its own
   children, `depth` deep); each tries to open its own file for writing before and after its child
   ran. Once they all exited the parent may open it. */
static char *roxEnvironment[] = { "PINTOS_CHILD=rox", 0 };
static pid_t spawnRox(int depth) {
  char level[16];
  snprintf(level, sizeof level, "%d", depth);
  char *argv[] = { "./child-rox", "rox", level, 0 };
  pid_t pid = fork();
  if (pid == 0) { sys(SYS_execve, (long)"./child-rox", (long)argv, (long)roxEnvironment); _exit(99); }
  return pid;
}
/* Where the open succeeds (qemu-i386, which only maps the file) the descriptor is closed at once:
   held open for writing it would make the next child's execve of the same file ETXTBSY. */
static void showOpenItself(const char *what) {
  int fd = open("/proc/self/exe", O_WRONLY);
  show(what, fd < 0 ? -errno : 0);
  if (fd >= 0) close(fd);
}
static int childRox(char **argv) {
  int depth = atoi(argv[2]);
  char what[64];
  snprintf(what, sizeof what, "child-rox %d: open(itself, O_WRONLY)", depth);
  showOpenItself(what);
  if (depth > 0) {
    snprintf(what, sizeof what, "child-rox %d: its child", depth);
    showEnd(what, spawnRox(depth - 1));
    snprintf(what, sizeof what, "child-rox %d: open(itself, O_WRONLY) again", depth);
    showOpenItself(what);
  }
  return depth;
}
static void copySelf(const char *to) {
  int in = open("/proc/self/exe", O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
  char buffer[8192];
  long n;
  while ((n = read(in, buffer, sizeof buffer)) > 0) write(out, buffer, n);
  close(in);
  close(out);
}
static void roxWith(int depth) {
  copySelf("child-rox");
  showEnd("child-rox", spawnRox(depth));
  show("open(child-rox, O_WRONLY) once they all exited", sys(SYS_open, (long)"child-rox", O_WRONLY, 0));
}
static void roxChild(void) { roxWith(0); }
static void roxMultichild(void) { roxWith(5); }

struct robustnessCase { const char *name; void (*run)(void); };
static const struct robustnessCase cases[] = {
  { "sc-bad-sp", scBadSp }, { "sc-bad-sp-kernel", scBadSpKernel }, { "sc-bad-arg", scBadArg },
  { "sc-bad-num", scBadNum }, { "sc-boundary", scBoundary }, { "sc-boundary-2", scBoundary2 },
  { "sc-boundary-3", scBoundary3 },
  { "bad-read", badRead }, { "bad-write", badWrite }, { "bad-read2", badRead2 }, { "bad-write2", badWrite2 },
  { "bad-jump", badJump }, { "bad-jump2", badJump2 },
  { "create-normal", createNormal }, { "create-empty", createEmpty }, { "create-null", createNull },
  { "create-bad-ptr", createBadPtr }, { "create-long", createLong }, { "create-exists", createExists },
  { "create-bound", createBound }, { "create-bound-2", createBound2 },
  { "open-normal", openNormal }, { "open-missing", openMissing }, { "open-boundary", openBoundary },
  { "open-empty", openEmpty }, { "open-null", openNull }, { "open-bad-ptr", openBadPtr }, { "open-twice", openTwice },
  { "read-normal", readNormal }, { "read-bad-ptr", readBadPtr }, { "read-boundary", readBoundary },
  { "read-boundary-2", readBoundary2 }, { "read-zero", readZero }, { "read-stdout", readStdout }, { "read-bad-fd", readBadFd },
  { "write-normal", writeNormal }, { "write-bad-ptr", writeBadPtr }, { "write-boundary", writeBoundary },
  { "write-boundary-2", writeBoundary2 }, { "write-zero", writeZero }, { "write-stdin", writeStdin }, { "write-bad-fd", writeBadFd },
  { "close-normal", closeNormal }, { "close-twice", closeTwice }, { "close-stdin", closeStdin }, { "close-bad-fd", closeBadFd },
  { "exec-missing", execMissing }, { "exec-bad-ptr", execBadPtr }, { "exec-arg", execArg },
  { "exec-bound", execBound }, { "exec-bound-2", execBound2 }, { "exec-bound-3", execBound3 },
  { "wait-simple", waitSimple }, { "wait-twice", waitTwice }, { "wait-killed", waitKilled },
  { "wait-bad-pid", waitBadPid }, { "wait-bad-ptr", waitBadPtr },
  { "multi-child-fd", multiChildFd }, { "rox-simple", roxSimple }, { "rox-code", roxCode },
  { "args-none", argsNone }, { "args-single", argsSingle }, { "args-multiple", argsMultiple }, { "args-many", argsMany },
  { "args-dbl-space", argsDblSpace }, { "args-null", argsNull }, { "exit", exitCase }, { "exit-masked", exitMasked },
  { "close-stdout", closeStdout }, { "exec-once", execOnce }, { "exec-multiple", execMultiple },
  { "multi-recurse", multiRecurse }, { "rox-child", roxChild }, { "rox-multichild", roxMultichild },
};

/* The programs this one execs are itself, told what to be by PINTOS_CHILD (argv may be empty). */
static int childArgs(int argc, char **argv) {
  printf("  child: argc %d:", argc);
  for (int i = 0; i < argc; i++) printf(" \"%s\"", i == 0 && strchr(argv[0], '/') ? "(its path)" : argv[i]);
  printf(", PINTOS=%s\n", getenv("PINTOS") ? getenv("PINTOS") : "(unset)");
  return 81;
}

static int childRecurse(char **argv);
static int childRox(char **argv);

int main(int argc, char **argv) {
  setvbuf(stdout, 0, _IONBF, 0);
  const char *child = getenv("PINTOS_CHILD");
  if (child != 0 && strcmp(child, "args") == 0) return childArgs(argc, argv);
  if (child != 0 && strcmp(child, "recurse") == 0 && argc == 3) { self = argv[0]; return childRecurse(argv); }
  if (child != 0 && strcmp(child, "rox") == 0 && argc == 3) { self = argv[0]; return childRox(argv); }
  if (argc != 3 || (strcmp(argv[1], "int80") != 0 && strcmp(argv[1], "vsyscall") != 0)) {
    fprintf(stderr, "usage: %s int80|vsyscall CASE\n", argv[0]);
    return 2;
  }
  self = argv[0];
  throughVsyscall = strcmp(argv[1], "vsyscall") == 0;
  vsyscallEntry = getauxval(AT_SYSINFO);
  if (throughVsyscall && vsyscallEntry == 0) { printf("no AT_SYSINFO\n"); return 2; }
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (strcmp(cases[i].name, argv[2]) == 0) { cases[i].run(); return 0; }
  }
  fprintf(stderr, "no case %s\n", argv[2]);
  return 2;
}
