/* What differs between CPU models at the ring boundary, where qemu-system-i386 cannot be the oracle
 * (it runs SYSENTER on every model, SEP or not, accepts IA32_SYSENTER_CS = 3, and has no Pentium Pro
 * or Athlon XP): test/machine/fastcall.test.ts holds the expected output for each model, from the SDM
 * and the chips' documentation.
 *   - SYSENTER: #UD without SEP, #UD on the Pentium Pro (SEP reported but broken), #GP(0) when
 *     IA32_SYSENTER_CS[15:2] is 0 (3 has a nonzero RPL but a null index: still #GP)
 *   - VMCALL: #UD in ring 3; #UD in ring 0 too when no host hook is installed
 *   - SYSCALL/SYSRET: only with EFER.SCE on the Athlon XP; EFER is #GP on Intel models */
#include "lib.h"

u32 seen_cs, seen_ss, seen_ecx, kernel_stack_top;
static u32 user_stack[1024];
static u32 entry_stack[1024];
static u32 real_kernel_stack[1024];
extern void user_sysenter_only(void), user_vmcall(void), user_syscall(void), user_after_sysret(void), fast_entry(void);
static int syscall_test;

static void fault(struct trap_frame *f) {
  printf("  -> vector %2x error=%x\n", f->vector, f->error_code);
  resume(&fault_guard);
}

static void back(struct trap_frame *f) {
  (void)f;
  printf("  -> back in ring 3 after sysret: cs=%4x ss=%4x\n", seen_cs & 0xffff, seen_ss & 0xffff);
  resume(&fault_guard);
}

void fast_entered(void) {
  printf("  -> ring 0: cs=%4x ss=%4x\n", seen_cs & 0xffff, seen_ss & 0xffff);
  if (syscall_test) {
    printf("  -> ecx=return address: %s\n", seen_ecx == (u32)user_after_sysret ? "yes" : "no");
    __asm__ volatile("movl %0, %%ecx\n\t movl $0x7b, %%eax\n\t movl %%eax, %%ds\n\t movl %%eax, %%es\n\t sysret"
                     :: "r"((u32)user_after_sysret) : "eax", "ecx");
  }
  resume(&fault_guard);
}

static void step(const char *what) { printf("%s\n", what); }

static void try_wrmsr(const char *what, u32 msr, u32 lo, u32 hi) {
  step(what);
  if (guard(&fault_guard) == 0) { wrmsr(msr, lo, hi); printf("  -> ok\n"); }
}

static void in_ring3(const char *what, void (*fn)(void)) {
  step(what);
  if (guard(&fault_guard) == 0) enter_user(fn, (u32)(user_stack + 1024), 0x2);
}

int kmain(void) {
  serial_init();
  printf("fastcall test\n");
  setup_descriptors();
  pic_remap(0);
  for (int v = 0; v < 32; v++) trap_handlers[v] = fault;
  set_gate(0x80, trap_entries[0x80], 0xf, 3);
  trap_handlers[0x80] = back;
  kernel_stack_top = (u32)(real_kernel_stack + 1024);

  try_wrmsr("wrmsr IA32_SYSENTER_CS=0x60, ESP, EIP", 0x174, KERNEL_CS, 0);
  if (guard(&fault_guard) == 0) {
    wrmsr(0x175, (u32)(entry_stack + 1024), 0);
    wrmsr(0x176, (u32)fast_entry, 0);
  }
  in_ring3("ring 3: sysenter", user_sysenter_only);
  try_wrmsr("wrmsr IA32_SYSENTER_CS=3", 0x174, 3, 0);
  in_ring3("ring 3: sysenter with IA32_SYSENTER_CS=3", user_sysenter_only);
  in_ring3("ring 3: vmcall", user_vmcall);
  step("ring 0: vmcall");
  if (guard(&fault_guard) == 0) { __asm__ volatile("vmcall"); printf("  -> returned\n"); }
  try_wrmsr("wrmsr STAR (kernel CS 0x60, user CS 0x73)", 0xc0000081, (u32)fast_entry, 0x00730060);
  in_ring3("ring 3: syscall with EFER.SCE clear", user_syscall);
  try_wrmsr("wrmsr EFER.SCE=1", 0xc0000080, 1, 0);
  syscall_test = 1;
  in_ring3("ring 3: syscall", user_syscall);
  printf("done\n");
  return 0;
}
