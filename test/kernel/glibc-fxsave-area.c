// FXSAVE and FXRSTOR fault on any of their 512 bytes, not only on the 288 the image uses (the
// reserved bytes and the 48 left to software included). Read by test/kernel/fxsave-area.test.ts,
// which compares the output with the host CPU's.
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>

static sigjmp_buf back;
static volatile int caught;
static void on_fault(int sig) { caught = sig; siglongjmp(back, 1); }

int main(void) {
  signal(SIGSEGV, on_fault);
  char *area = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(area + 4096, 4096);                     // the page after the area is unmapped
  __asm__ volatile("fxsave (%0)" : : "r"(area) : "memory");   // a valid image to restore
  static const int before[] = {512, 496, 464, 448, 288, 272, 256};
  for (unsigned i = 0; i < sizeof before / sizeof before[0]; i++) {
    char *at = area + 4096 - before[i];
    caught = 0;
    if (!sigsetjmp(back, 1)) __asm__ volatile("fxsave (%0)" : : "r"(at) : "memory");
    printf("fxsave, %d bytes before an unmapped page: %s\n", before[i], caught ? "SIGSEGV" : "ok");
    caught = 0;
    if (!sigsetjmp(back, 1)) __asm__ volatile("fxrstor (%0)" : : "r"(area) : "memory");
    if (!sigsetjmp(back, 1)) __asm__ volatile("fxrstor (%0)" : : "r"(at) : "memory");
    printf("fxrstor, %d bytes before an unmapped page: %s\n", before[i], caught ? "SIGSEGV" : "ok");
  }
  return 0;
}
