/* The 8254 ticking into a HLT loop: channel 0 in mode 2 at 100 Hz raises IRQ 0 through the 8259A
 * (remapped to vector 0x20); each HLT sleeps until the next tick. The handler reads the PIC's ISR
 * and IRR (OCW3) and ends the interrupt with a non-specific EOI. Then the same in mode 3. */
#include "lib.h"

static volatile u32 ticks;
static volatile u32 isr_seen, eflags_seen;

static u8 read_isr(void) { outb(0x20, 0x0b); return inb(0x20); }

static void timer(struct trap_frame *f) {
  (void)f;
  u32 fl;
  __asm__ volatile("pushfl; popl %0" : "=r"(fl));
  isr_seen = read_isr();
  eflags_seen = fl;
  ticks++;
  outb(0x20, 0x20);   /* EOI */
}

static void run(int mode, u32 divisor) {
  ticks = 0;
  outb(0x43, (u8)(0x30 | (mode << 1)));   /* channel 0, lobyte/hibyte, mode */
  outb(0x40, (u8)divisor);
  outb(0x40, (u8)(divisor >> 8));
  printf("mode %d divisor %d\n", mode, divisor);
  __asm__ volatile("sti");
  for (u32 n = 1; n <= 5; n++) {
    u32 before = ticks;
    while (ticks == before) __asm__ volatile("hlt");
    u32 fl;
    __asm__ volatile("pushfl; popl %0" : "=r"(fl));
    printf("  tick %d: isr during handler=%2x, IF in handler=%d, IF after=%d, isr now=%2x\n",
           n, isr_seen, (eflags_seen >> 9) & 1, (fl >> 9) & 1, read_isr());
  }
  __asm__ volatile("cli");
}

int kmain(void) {
  serial_init();
  printf("pit test\n");
  setup_descriptors();
  trap_handlers[0x20] = timer;
  pic_remap(0x0001);   /* IRQ 0 only */
  outb(0x20, 0x0a);
  printf("irr after remap (OCW3 read IRR): %2x masked lines: %2x\n", inb(0x20) & 0xfe, inb(0x21));
  run(2, 11932);
  run(3, 11932);
  /* read-back: latch the status of channel 0 (mode 3, lobyte/hibyte: 0x36 | output) */
  outb(0x43, 0xe2);
  printf("status of channel 0: %2x\n", inb(0x40) & 0x3f);
  printf("done\n");
  return 0;
}
