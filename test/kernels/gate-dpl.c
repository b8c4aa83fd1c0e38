/* Software interrupts that the gate forbids: INT n from ring 3 to a DPL-0 gate raises #GP with
 * error code n*8+2 (IDT bit set, SDM Vol. 3A 6.12.1.1); a not-present gate raises #NP(n*8+2);
 * the same INT from ring 0 goes through. INT3 to a DPL-0 gate gives #GP(0x1a). */
#include "lib.h"

static u32 user_stack[1024];
static volatile u32 which;

static void fault(struct trap_frame *f) {
  printf("  -> vector %2x error=%x eip-at=%x cs=%4x esp=%x ss=%4x\n", f->vector, f->error_code,
         f->eip, f->cs, f->user_esp, f->user_ss);
  resume(&fault_guard);
}

static void reached(struct trap_frame *f) {
  printf("  -> reached vector %2x handler from cs=%4x\n", f->vector, f->cs);
  if ((f->cs & 3) == 3) resume(&fault_guard);
}

static void user_main(void) {
  switch (which) {
    case 0: __asm__ volatile("int $0x80"); break;
    case 1: __asm__ volatile("int3"); break;
    case 2: __asm__ volatile("int $0x82"); break;
    case 3: __asm__ volatile("int $0x83"); break;
    case 4: __asm__ volatile("int $0x0d"); break;
  }
  for (;;) { }
}

static void run_user(u32 n, const char *what) {
  which = n;
  printf("%s\n", what);
  static u32 stack_top;
  stack_top = (u32)(user_stack + 1024);
  if (guard(&fault_guard) == 0) enter_user(user_main, stack_top, 0x2);
}

int kmain(void) {
  serial_init();
  printf("gate DPL test\n");
  setup_descriptors();
  pic_remap(0);
  for (int v = 0; v < 32; v++) trap_handlers[v] = fault;
  set_gate(0x80, trap_entries[0x80], 0xe, 0);   /* DPL 0: ring 3 may not INT here */
  set_gate(0x83, trap_entries[0x83], 0xf, 3);   /* DPL 3 trap gate: allowed */
  trap_handlers[0x80] = reached;
  trap_handlers[0x83] = reached;
  set_gate(0x82, trap_entries[0x82], 0xe, 3);
  clear_gate_present(0x82);
  trap_handlers[0x82] = reached;
  run_user(0, "ring 3: int $0x80 through a DPL-0 interrupt gate");
  run_user(1, "ring 3: int3 through a DPL-0 gate");
  run_user(2, "ring 3: int $0x82 through a not-present DPL-3 gate");
  run_user(3, "ring 3: int $0x83 through a DPL-3 trap gate");
  run_user(4, "ring 3: int $0x0d through a DPL-0 gate");
  printf("ring 0: int $0x80 through the DPL-0 gate\n");
  __asm__ volatile("int $0x80");
  printf("done\n");
  return 0;
}
