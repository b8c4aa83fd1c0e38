/* Console input through the UART's receive interrupt: IER.ERBFI on, IRQ 4 unmasked at the PIC,
 * then `sti; hlt` until each byte arrives (the interrupt shadow of STI guarantees HLT is reached
 * before the interrupt is taken). Each byte is echoed with the IIR value the handler saw; 'q' ends. */
#include "lib.h"

static volatile u32 received[64];
static volatile u32 iir_seen[64];
static volatile u32 count;

static void uart_irq(struct trap_frame *f) {
  (void)f;
  for (;;) {
    u8 iir = inb(0x3fa);
    if (iir & 1) break;                 /* no interrupt pending */
    while (inb(0x3fd) & 1) {            /* LSR.DR */
      if (count < 64) { iir_seen[count] = iir & 0x0f; received[count] = inb(0x3f8); count++; }
      else (void)inb(0x3f8);
    }
  }
  outb(0x20, 0x20);
}

int kmain(void) {
  serial_init();
  printf("echo test: type, q ends\n");
  setup_descriptors();
  trap_handlers[0x24] = uart_irq;
  pic_remap(1u << 4);
  outb(0x3f9, 0x01);   /* IER: received data available */
  u32 shown = 0;
  for (;;) {
    __asm__ volatile("sti; hlt; cli");
    while (shown < count) {
      u32 c = received[shown];
      printf("got %2x (iir %x)\n", c, iir_seen[shown]);
      shown++;
      if (c == 'q') { printf("done\n"); return 0; }
    }
  }
}
