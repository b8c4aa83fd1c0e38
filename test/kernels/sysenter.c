/* A full SYSENTER/SYSEXIT round trip with Linux 2.6's GDT (SDM Vol. 2B, SYSENTER and SYSEXIT;
 * fidelity points 1-2): IA32_SYSENTER_CS = __KERNEL_CS 0x60 gives CS 0x60 and SS 0x68 in ring 0,
 * SYSEXIT gives CS 0x73 and SS 0x7b in ring 3, EIP = EDX and ESP = ECX. SYSENTER clears IF (and VM)
 * and keeps the other flags; SYSEXIT leaves EFLAGS alone. Then the two #GP(0) cases: SYSEXIT from
 * ring 3, and SYSENTER with IA32_SYSENTER_CS = 0. */
#include "lib.h"

struct seen { u32 cs, ss, esp, eflags, eip; };
struct seen user_seen, kernel_seen;
u32 kernel_edx, kernel_ecx, kernel_stack_top;
static u32 user_stack[1024];
static u32 sysenter_stack[256];
static u32 real_kernel_stack[1024];

extern void user_sysenter(void), user_sysexit(void), user_sysenter_plain(void), sysenter_entry(void);

static void show(const char *side, struct seen *s) {
  printf("%s: cs=%4x ss=%4x esp=%x eflags=%x eip=%x\n", side, s->cs & 0xffff, s->ss & 0xffff, s->esp, s->eflags, s->eip);
}

void report_sysenter(void) {
  show("after sysenter (ring 0)", &kernel_seen);
  printf("  esp == IA32_SYSENTER_ESP: %s\n", kernel_seen.esp == (u32)(sysenter_stack + 256) ? "yes" : "no");
  printf("  edx=%x ecx=%x (passed through)\n", kernel_edx, kernel_ecx);
}

static void exit_call(struct trap_frame *f) {
  (void)f;
  show("after sysexit (ring 3)", &user_seen);
  printf("  esp == ecx given to sysexit: %s\n", user_seen.esp == kernel_ecx - 16 ? "yes" : "no");
  resume(&fault_guard);
}

static void fault(struct trap_frame *f) {
  printf("  -> vector %2x error=%x cs=%4x eip=%x\n", f->vector, f->error_code, f->cs, f->eip);
  resume(&fault_guard);
}

int kmain(void) {
  serial_init();
  printf("sysenter test\n");
  setup_descriptors();
  pic_remap(0);
  for (int v = 0; v < 32; v++) trap_handlers[v] = fault;
  set_gate(0x80, trap_entries[0x80], 0xf, 3);
  trap_handlers[0x80] = exit_call;
  kernel_stack_top = (u32)(real_kernel_stack + 1024);

  wrmsr(0x174, KERNEL_CS, 0);
  wrmsr(0x175, (u32)(sysenter_stack + 256), 0);
  wrmsr(0x176, (u32)sysenter_entry, 0);
  printf("round trip from ring 3, eflags 0x202 before stc/std\n");
  if (guard(&fault_guard) == 0) enter_user(user_sysenter, (u32)(user_stack + 1024), 0x202);

  printf("sysexit in ring 3\n");
  if (guard(&fault_guard) == 0) enter_user(user_sysexit, (u32)(user_stack + 1024), 0x202);

  printf("sysenter with IA32_SYSENTER_CS = 0\n");
  wrmsr(0x174, 0, 0);
  if (guard(&fault_guard) == 0) enter_user(user_sysenter_plain, (u32)(user_stack + 1024), 0x202);

  /* IA32_SYSENTER_CS = 3 must also raise #GP(0) (the SDM tests bits 15:2), but QEMU only tests
   * for 0, so that case lives in test/machine/sysenter.test.ts instead of in this comparison. */
  printf("done\n");
  return 0;
}
