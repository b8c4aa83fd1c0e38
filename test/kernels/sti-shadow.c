/* STI's interrupt shadow (SDM Vol. 2B STI; Vol. 3A 6.8.3): with an interrupt pending, `sti; sysexit`
 * takes the interrupt only after SYSEXIT, in ring 3 — the timer handler's frame shows CS 0x73 and the
 * EIP after sysexit. (`sti; hlt` waking on the next interrupt is the pit kernel's loop.) */
#include "lib.h"

u32 user_esp;
extern void shadow_entry(void), user_shadow(void), user_after(void);
static u32 user_stack[1024];
static u32 entry_stack[256];
static volatile u32 irq_cs, irq_eip, irq_count;

static void timer(struct trap_frame *f) {
  if (irq_count++ == 0) { irq_cs = f->cs; irq_eip = f->eip; }
  outb(0x21, 0xff);   /* one interrupt is enough: mask IRQ 0 again */
  outb(0x20, 0x20);
}

static void back(struct trap_frame *f) { (void)f; resume(&fault_guard); }

static void fault(struct trap_frame *f) {
  printf("  -> vector %2x error=%x\n", f->vector, f->error_code);
  resume(&fault_guard);
}

/* Program the PIT for a short one-shot and wait, interrupts off, until IRQ 0 is requested. */
static void make_irq0_pending(void) {
  outb(0x21, 0xfe);
  outb(0x43, 0x30);   /* channel 0, mode 0 (interrupt on terminal count) */
  outb(0x40, 100); outb(0x40, 0);
  outb(0x20, 0x0a);   /* OCW3: read IRR */
  while ((inb(0x20) & 1) == 0) { }
}

int kmain(void) {
  serial_init();
  printf("sti shadow test\n");
  setup_descriptors();
  for (int v = 0; v < 32; v++) trap_handlers[v] = fault;
  trap_handlers[0x20] = timer;
  set_gate(0x80, trap_entries[0x80], 0xf, 3);
  trap_handlers[0x80] = back;
  pic_remap(0);
  wrmsr(0x174, KERNEL_CS, 0);
  wrmsr(0x175, (u32)(entry_stack + 256), 0);
  wrmsr(0x176, (u32)shadow_entry, 0);

  printf("sti; sysexit with IRQ 0 pending\n");
  if (guard(&fault_guard) == 0) {
    /* from ring 3 with IF = 0 (IOPL 0: ring 3 cannot change it), sysenter; the PIC is primed first */
    make_irq0_pending();
    enter_user(user_shadow, (u32)(user_stack + 1024), 0x2);
  }
  printf("  -> irq taken %d time(s), in cs=%4x at %s\n", irq_count, irq_cs,
         irq_eip == (u32)user_after ? "the first instruction after sysexit" : "somewhere else");

  printf("done\n");
  return 0;
}
