// Which fault wins when one instruction could raise two: the order the CPU makes its accesses in,
// and, for each access, the alignment check (#AC) before the page walk (#PF). Read by
// test/kernel/alignment-check.test.ts, which compares this program's output with the host CPU's.
//
//   CMPS reads ES:EDI before DS:ESI (so with both pages unmapped the fault names EDI's address);
//   MOVS reads DS:ESI, then writes ES:EDI;
//   a misaligned access to an unmapped page is #AC (SIGBUS), not #PF, when AC is on;
//   FXSAVE/FXRSTOR check their area's alignment as a dword (#AC at +1, +2) before anything else —
//   before the 16-byte #GP (+4, +8) and before the segment's type: a CS-override FXSAVE (CS is not
//   writable) at +1 is #AC, where a MOV to the same place is #GP (the type check comes first there);
//   but a null segment register is #GP before FXSAVE/FXRSTOR's alignment check, as before any access.
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static sigjmp_buf back;
static volatile int caught;
static void *volatile fault_address;

static void on_fault(int sig, siginfo_t *info, void *context) {
  (void)context;
  caught = sig;
  fault_address = info->si_addr;
  siglongjmp(back, 1);
}

static const char *name(int sig) {
  return sig == SIGBUS ? "SIGBUS" : sig == SIGSEGV ? "SIGSEGV" : sig == 0 ? "no fault" : "another signal";
}

static char mapped[64] __attribute__((aligned(16)));
static char fxarea[1536] __attribute__((aligned(16)));
#define UNMAPPED_ALIGNED ((char *)0x2560)   // below every mapping of a static program
#define UNMAPPED_MISALIGNED ((char *)0x2565)

enum { CMPSL, MOVSL, FADDL, FXSAVE, FXSAVE_CS, FXRSTOR, FXRSTOR_NULL_FS, MOVL_CS };

// Run one instruction with EFLAGS.AC set (when `ac`), and name the signal it ends with.
static void run(const char *what, int op, int ac, char *si, char *di) {
  caught = 0;
  fault_address = 0;
  if (!sigsetjmp(back, 1)) {
    if (ac) __asm__ volatile("pushf; orl $0x40000, (%%esp); popf" ::: "cc");
    if (op == CMPSL) __asm__ volatile("cmpsl" : "+S"(si), "+D"(di) : : "memory", "cc");
    else if (op == MOVSL) __asm__ volatile("movsl" : "+S"(si), "+D"(di) : : "memory");
    else if (op == FADDL) __asm__ volatile("fldz; faddl (%0); fstp %%st(0)" : : "r"(si) : "memory");
    else if (op == FXSAVE) __asm__ volatile("fxsave (%0)" : : "r"(si) : "memory");
    else if (op == FXSAVE_CS) __asm__ volatile("fxsave %%cs:(%0)" : : "r"(si) : "memory");
    else if (op == FXRSTOR) __asm__ volatile("fxrstor (%0)" : : "r"(si) : "memory");
    else if (op == FXRSTOR_NULL_FS) __asm__ volatile("movl %1, %%fs; fxrstor %%fs:(%0)" : : "r"(si), "r"(0) : "memory");
    else __asm__ volatile("movl %%eax, %%cs:(%0)" : : "r"(si) : "memory", "eax");
  }
  __asm__ volatile("pushf; andl $~0x40000, (%%esp); popf" ::: "cc");
  if (caught == SIGSEGV) printf("%-58s %s at %p\n", what, name(caught), fault_address);
  else printf("%-58s %s\n", what, name(caught));
}

int main(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, 0);
  sigaction(SIGBUS, &sa, 0);
  char *a = UNMAPPED_ALIGNED, *m = UNMAPPED_MISALIGNED;
  run("cmpsl, both unmapped", CMPSL, 0, a, a + 0x2000);
  run("movsl, both unmapped", MOVSL, 0, a, a + 0x2000);
  run("AC cmpsl: esi misaligned unmapped, edi aligned", CMPSL, 1, m, mapped);
  run("AC cmpsl: esi aligned, edi misaligned unmapped", CMPSL, 1, mapped, m);
  run("AC cmpsl: esi misaligned, edi aligned unmapped", CMPSL, 1, mapped + 1, a);
  run("AC cmpsl: esi aligned unmapped, edi misaligned", CMPSL, 1, a, mapped + 1);
  run("AC movsl: esi misaligned unmapped, edi aligned", MOVSL, 1, m, mapped);
  run("AC movsl: esi aligned, edi misaligned unmapped", MOVSL, 1, mapped, m);
  run("AC movsl: esi misaligned, edi aligned unmapped", MOVSL, 1, mapped + 1, a);
  run("AC movsl: esi aligned unmapped, edi misaligned", MOVSL, 1, a, mapped + 1);
  run("AC faddl: m64 misaligned unmapped", FADDL, 1, m, 0);
  run("AC faddl: m64 at +4 (dword-aligned, not qword)", FADDL, 1, mapped + 4, 0);
  run("no AC faddl: m64 misaligned unmapped", FADDL, 0, m, 0);
  // (Every FXRSTOR here faults before it reads: its area's contents do not matter.)
  static const int offsets[] = {1, 2, 4, 8};
  for (unsigned i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
    char line[64];
    sprintf(line, "AC fxsave at +%d", offsets[i]);
    run(line, FXSAVE, 1, fxarea + 512 + offsets[i], 0);
    sprintf(line, "AC fxsave %%cs: at +%d (CS is not writable)", offsets[i]);
    run(line, FXSAVE_CS, 1, fxarea + 512 + offsets[i], 0);
    sprintf(line, "AC fxrstor at +%d", offsets[i]);
    run(line, FXRSTOR, 1, fxarea + 512 + offsets[i], 0);
  }
  run("AC fxsave %cs: aligned (CS is not writable)", FXSAVE_CS, 1, fxarea + 512, 0);
  run("AC movl %cs: at +1 (the type check first)", MOVL_CS, 1, fxarea + 513, 0);
  run("AC fxrstor %fs: at +1, FS null (the null check first)", FXRSTOR_NULL_FS, 1, fxarea + 513, 0);
  return 0;
}
