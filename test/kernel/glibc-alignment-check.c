// Alignment checking as a user program meets it: Linux sets CR0.AM at boot, so a process that sets
// EFLAGS.AC (bit 18, with pushf/popf: user code may) gets #AC for a misaligned data reference, and the
// kernel turns it into SIGBUS, si_code BUS_ADRALN, si_addr null. With AC clear the same access works.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <stdint.h>

static sigjmp_buf back;
static volatile int code = -1;
static volatile uintptr_t address = 1;

static void on_bus(int sig, siginfo_t *info, void *context) {
  (void)sig; (void)context;
  code = info->si_code;
  address = (uintptr_t)info->si_addr;
  siglongjmp(back, 1);   // restores the signal mask; EFLAGS comes back from the jump's own code
}

static void set_ac(int on) {
  if (on) __asm__ volatile("pushf; orl $0x40000,(%%esp); popf" ::: "memory", "cc");
  else __asm__ volatile("pushf; andl $~0x40000,(%%esp); popf" ::: "memory", "cc");
}

static int ac_is_set(void) {
  unsigned long flags;
  __asm__ volatile("pushf; popl %0" : "=r"(flags));
  return (flags >> 18) & 1;
}

static unsigned char buffer[16] __attribute__((aligned(16))) = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

/** Load a dword from buffer + offset with AC set; what happened, as a line. */
static void load(const char *what, int offset) {
  volatile uint32_t value = 0;
  code = -1;
  if (sigsetjmp(back, 1) == 0) {
    set_ac(1);
    __asm__ volatile("movl (%1),%0" : "=r"(value) : "r"(buffer + offset) : "memory");
    set_ac(0);
    printf("%s at +%d: loaded %#x\n", what, offset, (unsigned)value);
  } else {
    set_ac(0);
    printf("%s at +%d: SIGBUS si_code %d (BUS_ADRALN %d) si_addr %#lx\n", what, offset, code, BUS_ADRALN, (unsigned long)address);
  }
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_bus;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGBUS, &sa, NULL);
  set_ac(1);
  printf("AC after popf: %d\n", ac_is_set());
  set_ac(0);
  load("aligned dword", 4);
  load("misaligned dword", 1);
  // A byte never faults, and AC clear lets the misaligned dword through.
  set_ac(1);
  volatile unsigned char byte = *(volatile unsigned char *)(buffer + 3);
  set_ac(0);
  printf("byte at +3 with AC: %d\n", byte);
  printf("misaligned dword without AC: %#x\n", *(volatile uint32_t *)(buffer + 1));
  // With no handler the process dies of SIGBUS.
  signal(SIGBUS, SIG_DFL);
  fflush(stdout);
  set_ac(1);
  volatile uint32_t last = *(volatile uint32_t *)(buffer + 2);
  set_ac(0);
  printf("not reached: %#x\n", (unsigned)last);
  return 0;
}
