// The siginfo a user-mode exception's signal carries, as Linux's traps.c sends it: a divide error
// and an invalid opcode say what and where (FPE_INTDIV, ILL_ILLOPN, si_addr the faulting EIP); the
// others are a bare force_sig (si_code SI_KERNEL = 128, si_addr 0) — #BP, #OF and #GP among them.
// Read by test/kernel/trap-siginfo.test.ts, which compares the output with the oracle's.
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static sigjmp_buf back;
static volatile int caught, code;
static void *volatile address;
static void *volatile here;

static void on_signal(int sig, siginfo_t *info, void *context) {
  (void)context;
  caught = sig;
  code = info->si_code;
  address = info->si_addr;
  siglongjmp(back, 1);
}

// Run `setup`, then `insn` (`here` = its address, found without touching the flags), and describe
// the signal it raised.
#define TRAP(name, setup, insn) do { \
    caught = 0; \
    if (!sigsetjmp(back, 1)) \
      __asm__ volatile(setup "; call 1f; 1: popl %%esi; leal (2f - 1b)(%%esi), %%esi; movl %%esi, here; 2: " insn \
                       ::: "memory", "cc", "eax", "ecx", "edx", "esi"); \
    printf("%-36s signal %d, si_code %d, si_addr %s\n", name, caught, code, \
           address == 0 ? "0" : address == here ? "the faulting instruction" : "elsewhere"); \
  } while (0)

int main(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGFPE, &sa, 0);
  sigaction(SIGILL, &sa, 0);
  sigaction(SIGTRAP, &sa, 0);
  sigaction(SIGSEGV, &sa, 0);
  TRAP("divl by zero (#DE)", "xorl %%ecx, %%ecx; xorl %%edx, %%edx", "divl %%ecx");
  TRAP("ud2 (#UD)", "nop", "ud2");
  TRAP("int3 (#BP)", "nop", "int3");
  TRAP("into with OF set (#OF)", "movl $0x7fffffff, %%eax; addl $1, %%eax", ".byte 0xce");
  TRAP("hlt at CPL 3 (#GP)", "nop", "hlt");
  TRAP("a store through CS (#GP)", "nop", "movl %%eax, %%cs:0");
  return 0;
}
