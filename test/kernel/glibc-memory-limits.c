/* RLIMIT_AS, RLIMIT_DATA, RLIMIT_STACK (issue 14), each in a child of its own, as Linux 2.6 applies
 * them: may_expand_vm (mmap, mremap's growth, brk, the stack's growth), brk - start_data against
 * RLIMIT_DATA, the stack's size against RLIMIT_STACK, exec's argument limit a quarter of it, and at
 * exec where mmap's room ends (mmap_base: TASK_SIZE less the stack limit, at least 128 MiB). Limits are
 * set relative to VmSize (/proc/self/status: every area, touched or not), so the program's own size
 * does not show. Run with an argument, it is the exec'd child of the exec checks. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MiB (1024 * 1024L)

static long vm_size(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[128];
  long kb = -1;
  while (f && fgets(line, sizeof line, f)) if (sscanf(line, "VmSize: %ld kB", &kb) == 1) break;
  if (f) fclose(f);
  return kb * 1024;
}

static void limit(int resource, long cur) {
  struct rlimit l = { cur, RLIM_INFINITY };
  if (setrlimit(resource, &l) != 0) { perror("setrlimit"); _exit(3); }
}

static void map_result(const char *what, void *p) {
  if (p == MAP_FAILED) printf("%-48s -1 %s\n", what, strerrorname_np(errno));
  else printf("%-48s ok\n", what);
}

static void *anon(long size) { return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); }

/* Run `body` in a child and say how it ended. */
static void in_child(const char *name, void (*body)(void)) {
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) { body(); fflush(stdout); _exit(0); }
  int status;
  waitpid(child, &status, 0);
  if (WIFSIGNALED(status)) printf("%s: killed by %s\n", name, sigabbrev_np(WTERMSIG(status)));
  else printf("%s: exit %d\n", name, WEXITSTATUS(status));
}

static void address_space(void) {
  limit(RLIMIT_AS, vm_size() + 64 * MiB);
  void *a = anon(32 * MiB);
  map_result("AS +64 MiB: mmap 32 MiB", a);
  map_result("  mmap 40 MiB more", anon(40 * MiB));
  void *b = anon(16 * MiB);
  map_result("  mmap 16 MiB more", b);
  map_result("  mremap the 16 MiB to 40 MiB", mremap(b, 16 * MiB, 40 * MiB, MREMAP_MAYMOVE));
  map_result("  mremap the 16 MiB to 24 MiB", b = mremap(b, 16 * MiB, 24 * MiB, MREMAP_MAYMOVE));
  map_result("  sbrk(16 MiB)", sbrk(16 * MiB) == (void *)-1 ? MAP_FAILED : NULL);
  map_result("  MAP_FIXED 8 MiB over the 24 MiB", mmap(b, 8 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
  munmap(a, 32 * MiB);
  map_result("  after munmap of the 32 MiB: sbrk(16 MiB)", sbrk(16 * MiB) == (void *)-1 ? MAP_FAILED : NULL);
}

/* malloc until it fails: glibc's brk heap runs into RLIMIT_AS, it falls back to mmap, which fails
 * too; malloc returns NULL with ENOMEM and the process goes on. Nothing is touched but a byte a page. */
static void malloc_until_null(void) {
  limit(RLIMIT_AS, vm_size() + 256 * MiB);
  long total = 0;
  char *p;
  while ((p = malloc(MiB)) != NULL) { p[0] = 1; total += MiB; }
  int error = errno;
  printf("AS +256 MiB: malloc(1 MiB) until NULL: errno %s, between 248 and 256 MiB: %d\n", strerrorname_np(error), total >= 248 * MiB && total <= 256 * MiB);
  printf("  and the process goes on: malloc(100) %s\n", malloc(100) ? "works" : "fails");
}

/* The [stack] line of /proc/self/maps: its start and end. */
static void stack_area(uintptr_t *start, uintptr_t *end) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[256];
  *start = *end = 0;
  while (f && fgets(line, sizeof line, f)) if (strstr(line, "[stack]")) sscanf(line, "%lx-%lx", (unsigned long *)start, (unsigned long *)end);
  if (f) fclose(f);
}

/* The lowest stack address the recursion reached, in a MAP_SHARED page the parent reads after the child died. */
static volatile uintptr_t *lowest;

#pragma GCC diagnostic ignored "-Winfinite-recursion"
static void recurse(int depth) {
  volatile char frame[4096];
  frame[0] = (char)depth;
  if ((uintptr_t)frame < *lowest) *lowest = (uintptr_t)frame;
  recurse(depth + 1);
  frame[1] = 0;   /* not a tail call */
}

static void stack_limit(void) { limit(RLIMIT_STACK, 1 * MiB); recurse(0); }
static void stack_in_address_space(void) { limit(RLIMIT_AS, vm_size() + 256 * 1024); recurse(0); }

static void stacks(void) {
  uintptr_t start, end;
  stack_area(&start, &end);
  lowest = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  *lowest = end;
  in_child("STACK 1 MiB: recursion of 4 KiB frames", stack_limit);
  printf("  the stack reached between 1 MiB - 16 KiB and 1 MiB: %d\n", end - *lowest > 1 * MiB - 16 * 1024 && end - *lowest <= 1 * MiB);
  *lowest = end;
  in_child("AS +256 KiB: the same recursion", stack_in_address_space);
  /* (Less than the 256 KiB: the frames' last page, and what stdio allocated after VmSize was read.) */
  printf("  the stack grew between 192 KiB and 256 KiB below its area: %d\n", start - *lowest > 192 * 1024 && start - *lowest <= 256 * 1024);
}

static void data_limit(void) {
  limit(RLIMIT_DATA, 1 * MiB);
  extern char __data_start[];
  map_result("DATA 1 MiB: sbrk(2 MiB)", sbrk(2 * MiB) == (void *)-1 ? MAP_FAILED : NULL);
  map_result("  sbrk(512 KiB)", sbrk(512 * 1024) == (void *)-1 ? MAP_FAILED : NULL);
  int pieces = 0;
  while (pieces < 64 && malloc(64 * 1024) != NULL) pieces++;
  printf("  malloc(64 KiB) 64 times, glibc going to mmap when brk fails: %d succeed\n", pieces);
  printf("  the break stayed within 1 MiB of the data segment: %d\n", (char *)sbrk(0) - __data_start <= 1 * MiB);
}

static char *self;

/* The exec'd side: "args" says it ran; "ceiling" maps 64 MiB (PROT_NONE, never touched) until mmap
 * fails and prints where the highest one ends. */
static int execed(const char *what) {
  if (strcmp(what, "args") == 0) { printf("  exec'd with 8 KiB of arguments: runs\n"); return 0; }
  uintptr_t highest = 0;
  void *p;
  while ((p = mmap(NULL, 64 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) != MAP_FAILED)
    if ((uintptr_t)p + 64 * MiB > highest) highest = (uintptr_t)p + 64 * MiB;
  printf("  64 MiB mmaps until ENOMEM: the highest ends at %#lx\n", (unsigned long)highest);
  return 0;
}

static void exec_arguments(void) {
  limit(RLIMIT_STACK, 64 * 1024);
  static char big[20 * 1024], small[8 * 1024];
  memset(big, 'a', sizeof big - 1);
  memset(small, 'a', sizeof small - 1);
  char *too_long[] = { self, "args", big, NULL };
  execv(self, too_long);
  printf("STACK 64 KiB: exec with 20 KiB of arguments: -1 %s\n", strerrorname_np(errno));
  fflush(stdout);
  char *fits[] = { self, "args", small, NULL };
  execv(self, fits);
  printf("exec with 8 KiB: -1 %s\n", strerrorname_np(errno));
}

static long ceiling_stack;
static void exec_ceiling(void) {
  if (ceiling_stack != 0) limit(RLIMIT_STACK, ceiling_stack);
  char *args[] = { self, "ceiling", NULL };
  execv(self, args);
  printf("exec: -1 %s\n", strerrorname_np(errno));
}

int main(int argc, char **argv) {
  self = argv[0];
  if (argc > 1) return execed(argv[1]);
  in_child("RLIMIT_AS", address_space);
  in_child("malloc under RLIMIT_AS", malloc_until_null);
  stacks();
  in_child("RLIMIT_DATA", data_limit);
  in_child("exec's argument limit", exec_arguments);
  printf("STACK 8 MiB (the default) at exec:\n");
  in_child("mmap's room", exec_ceiling);
  printf("STACK 1 GiB at exec:\n");
  ceiling_stack = 1024 * MiB;
  in_child("mmap's room", exec_ceiling);
  printf("STACK unlimited at exec (2.6's legacy layout):\n");
  ceiling_stack = RLIM_INFINITY;
  in_child("mmap's room", exec_ceiling);
  return 0;
}
