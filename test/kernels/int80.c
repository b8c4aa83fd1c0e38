/* int $0x80 from ring 3 through a DPL-3 trap gate, and back with iret (SDM Vol. 3A 6.12.1):
 * the CPU takes SS0:ESP0 from the TSS, pushes SS, ESP, EFLAGS, CS, EIP of ring 3, and a trap gate
 * leaves IF alone. A DPL-3 interrupt gate (0x81) clears IF on the way in. */
#include "lib.h"

static u32 user_stack[1024];
static u32 kernel_cs_seen, kernel_ss_seen, kernel_eflags_seen;

static void syscall(struct trap_frame *f) {
  u32 cs, ss, eflags;
  __asm__ volatile("mov %%cs, %0; mov %%ss, %1; pushfl; popl %2" : "=r"(cs), "=r"(ss), "=r"(eflags));
  kernel_cs_seen = cs; kernel_ss_seen = ss; kernel_eflags_seen = eflags;
  printf("vector %2x: in ring 0 cs=%4x ss=%4x eflags=%x\n", f->vector, cs & 0xffff, ss & 0xffff, eflags);
  printf("  frame: eip=%x cs=%4x eflags=%x esp=%x ss=%4x\n", f->eip, f->cs, f->eflags, f->user_esp, f->user_ss);
  printf("  frame ends at esp0: %s\n", (u32)(&f->user_ss + 1) == the_tss.esp0 ? "yes" : "no");
  printf("  eax=%x ebx=%x ecx=%x edx=%x\n", f->eax, f->ebx, f->ecx, f->edx);
  if (f->eax == 1) { printf("exit(%x) from ring 3\n", f->ebx); resume(&fault_guard); }
  f->eax = f->eax + 0x1000;   /* the "return value" */
}

static void user_main(void) {
  u32 r1, r2, cs, ss, fl;
  __asm__ volatile("int $0x80" : "=a"(r1) : "a"(20), "b"(0x11), "c"(0x22), "d"(0x33));
  __asm__ volatile("int $0x81" : "=a"(r2) : "a"(21), "b"(0x44), "c"(0x55), "d"(0x66));
  __asm__ volatile("mov %%cs, %0; mov %%ss, %1; pushfl; popl %2" : "=r"(cs), "=r"(ss), "=r"(fl));
  /* report what ring 3 saw after the irets: exit with ebx = r1, then ... */
  __asm__ volatile("int $0x80" :: "a"(2), "b"(r1), "c"(r2), "d"(cs & 0xffff));
  __asm__ volatile("int $0x80" :: "a"(3), "b"(ss & 0xffff), "c"(fl), "d"(0));
  __asm__ volatile("int $0x80" :: "a"(1), "b"(0x99));
  for (;;) { }
}

int kmain(u32 magic) {
  serial_init();
  printf("int80 test, multiboot magic %x\n", magic);
  setup_descriptors();
  pic_remap(0);
  set_gate(0x80, trap_entries[0x80], 0xf, 3);   /* trap gate, DPL 3: Linux's system-call gate */
  set_gate(0x81, trap_entries[0x81], 0xe, 3);   /* interrupt gate, DPL 3 */
  trap_handlers[0x80] = syscall;
  trap_handlers[0x81] = syscall;
  if (guard(&fault_guard) == 0) enter_user(user_main, (u32)(user_stack + 1024), 0x202);
  printf("back in ring 0\n");
  return 0;
}
