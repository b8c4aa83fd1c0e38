/* The 16550A's registers as a serial driver probes them (Linux's autoconfig, kvm-unit-tests):
 * IIR priorities and how reading IIR / writing THR clears the THR-empty interrupt, LSR, MSR with
 * and without loopback, the loopback data path, the scratch register and the divisor latch.
 * Printed with polled output only, so that printing does not disturb what is measured. */
#include "lib.h"

#define COM1 0x3f8
static u8 r[64];
static int n;

static void note(u8 v) { r[n++] = v; }

int kmain(void) {
  serial_init();
  printf("uart test\n");
  pic_remap(0);
  outb(COM1 + 1, 0x00);
  note(inb(COM1 + 2));                 /* IIR, no interrupts enabled */
  outb(COM1 + 1, 0x02);                /* IER: THR empty */
  note(inb(COM1 + 2));                 /* THRE pending at once */
  note(inb(COM1 + 2));                 /* ... and cleared by that read */
  outb(COM1, '.');                     /* a write re-arms it once the byte is out */
  for (int i = 0; i < 10000 && (inb(COM1 + 5) & 0x40) == 0; i++) { }
  note(inb(COM1 + 2));
  note(inb(COM1 + 5));                 /* LSR */
  outb(COM1 + 1, 0x00);
  note(inb(COM1 + 1));                 /* IER reads back */
  note(inb(COM1 + 3));                 /* LCR */
  note(inb(COM1 + 4));                 /* MCR */
  outb(COM1 + 7, 0xa5);
  note(inb(COM1 + 7));                 /* SCR */
  outb(COM1 + 3, 0x83);
  note(inb(COM1 + 0));                 /* DLL */
  note(inb(COM1 + 1));                 /* DLM */
  outb(COM1 + 0, 0xff);                /* divisor 0xffff, under 2 baud: the FIFO's character timeout */
  outb(COM1 + 1, 0xff);                /* is then over 20 s, far longer than the reads below take */
  outb(COM1 + 3, 0x03);
  outb(COM1 + 4, 0x10);                /* loopback, all modem outputs off */
  note(inb(COM1 + 6) & 0xf0);          /* MSR: nothing asserted */
  outb(COM1 + 4, 0x1f);                /* loopback with DTR RTS OUT1 OUT2 */
  /* MSR: all four lines. Their delta bits (3-0) are not compared: the 16550 data sheet sets them
   * for the internal loopback wiring too, QEMU does not. */
  note(inb(COM1 + 6) & 0xf0);
  note(inb(COM1 + 6));                 /* deltas cleared by the read */
  outb(COM1 + 1, 0x01);                /* IER: received data */
  outb(COM1, 0x42);                    /* looped back */
  note(inb(COM1 + 5) & 0x61);          /* LSR: data ready */
  note(inb(COM1 + 2));                 /* IIR: one byte is below the FIFO's trigger level (14): no
                                          interrupt until the character timeout */
  note(inb(COM1));                     /* the byte */
  note(inb(COM1 + 5) & 0x61);
  note(inb(COM1 + 2));
  outb(COM1 + 2, 0x07);                /* trigger level 1 */
  outb(COM1, 0x43);
  note(inb(COM1 + 2));                 /* IIR: received data at once */
  note(inb(COM1));
  outb(COM1 + 1, 0x00);
  outb(COM1 + 3, 0x83); outb(COM1, 0x01); outb(COM1 + 3, 0x03);
  outb(COM1 + 4, 0x0b);                /* out of loopback */
  note(inb(COM1 + 6) & 0xb0);          /* the other end: CTS DSR DCD */
  outb(COM1 + 2, 0x00);                /* FIFO off */
  note(inb(COM1 + 2));                 /* IIR without FIFO bits */
  outb(COM1 + 2, 0xc7);
  printf("\n");
  for (int i = 0; i < n; i++) printf("%2x%c", r[i], i % 8 == 7 ? '\n' : ' ');
  printf("\ndone\n");
  return 0;
}
