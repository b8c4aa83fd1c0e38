/* Shared runtime of the test kernels: a polled COM1 console, isa-debug-exit, Linux 2.6's GDT layout,
 * an IDT whose every vector reaches trap_dispatch, and a TSS whose esp0 is the ring-0 stack. */
#include "lib.h"
#include <stdarg.h>

#define COM1 0x3f8

void serial_init(void) {
  outb(COM1 + 1, 0x00);   /* no interrupts */
  outb(COM1 + 3, 0x80);   /* DLAB */
  outb(COM1 + 0, 0x01);   /* 115200 baud */
  outb(COM1 + 1, 0x00);
  outb(COM1 + 3, 0x03);   /* 8N1 */
  outb(COM1 + 2, 0xc7);   /* FIFO on, cleared */
  outb(COM1 + 4, 0x0b);   /* DTR, RTS, OUT2 */
}

void putc(char c) {
  while ((inb(COM1 + 5) & 0x20) == 0) { }
  outb(COM1, (u8)c);
}

void puts(const char *s) { while (*s) putc(*s++); }

void puthex(u32 v, int digits) {
  for (int i = digits - 1; i >= 0; i--) putc("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

static void putdec(u32 v) {
  char buf[12];
  int n = 0;
  do { buf[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) putc(buf[--n]);
}

void printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  for (; *fmt; fmt++) {
    if (*fmt != '%') { putc(*fmt); continue; }
    int width = 0;
    while (fmt[1] >= '0' && fmt[1] <= '9') width = width * 10 + (*++fmt - '0');
    switch (*++fmt) {
      case 'x': puthex(va_arg(ap, u32), width ? width : 8); break;
      case 'd': putdec(va_arg(ap, u32)); break;
      case 's': puts(va_arg(ap, const char *)); break;
      case 'c': putc((char)va_arg(ap, int)); break;
      default: putc('%'); putc(*fmt);
    }
  }
  va_end(ap);
}

void debug_exit(u32 code) {
  outb(0xf4, (u8)code);
  for (;;) __asm__ volatile("cli; hlt");
}

/* --- descriptors ---------------------------------------------------------------------------- */

static u32 gdt[2 * 32] __attribute__((aligned(8)));
static u32 idt[2 * 256] __attribute__((aligned(8)));
struct tss the_tss __attribute__((aligned(128)));
static u8 kernel_stack[8192] __attribute__((aligned(16)));
trap_handler_t trap_handlers[256];

/* A flat 4 GiB segment: base 0, limit 0xfffff pages, G=1, D=1, with access byte `access`. */
static void set_flat(int index, u32 access) {
  gdt[2 * index] = 0x0000ffff;
  gdt[2 * index + 1] = 0x00cf0000 | (access << 8);
}

static void set_system(int index, u32 base, u32 limit, u32 access) {
  gdt[2 * index] = (base << 16) | (limit & 0xffff);
  gdt[2 * index + 1] = (base & 0xff000000) | (limit & 0x000f0000) | (access << 8) | ((base >> 16) & 0xff);
}

void set_gate(int vector, void (*handler)(void), int type, int dpl) {
  u32 offset = (u32)handler;
  idt[2 * vector] = (KERNEL_CS << 16) | (offset & 0xffff);
  idt[2 * vector + 1] = (offset & 0xffff0000) | 0x8000 | ((u32)dpl << 13) | ((u32)type << 8);
}

void default_trap(struct trap_frame *f) {
  printf("unexpected trap %2x err=%x eip=%x cs=%4x\n", f->vector, f->error_code, f->eip, f->cs);
  debug_exit(0x7f);
}

void trap_dispatch(struct trap_frame *f) {
  trap_handler_t h = trap_handlers[f->vector];
  (h ? h : default_trap)(f);
}

struct guard_buf fault_guard;

void setup_descriptors(void) {
  set_flat(12, 0x9a);   /* __KERNEL_CS: present, DPL 0, code, readable */
  set_flat(13, 0x92);   /* __KERNEL_DS: present, DPL 0, data, writable */
  set_flat(14, 0xfa);   /* __USER_CS:   present, DPL 3, code, readable */
  set_flat(15, 0xf2);   /* __USER_DS:   present, DPL 3, data, writable */
  the_tss.ss0 = KERNEL_DS;
  the_tss.esp0 = (u32)(kernel_stack + sizeof kernel_stack);
  the_tss.iomap_base = sizeof the_tss;   /* no I/O bitmap: ring 3 has no port access */
  set_system(16, (u32)&the_tss, sizeof the_tss - 1, 0x89);   /* available 32-bit TSS */
  for (int v = 0; v < 256; v++) set_gate(v, trap_entries[v], 0xe, 0);

  struct { u16 limit; u32 base; } __attribute__((packed)) gdtr = { sizeof gdt - 1, (u32)gdt },
                                                            idtr = { sizeof idt - 1, (u32)idt };
  __asm__ volatile(
      "lgdt %0\n\t"
      "lidt %1\n\t"
      "ljmp $0x60, $1f\n"
      "1:\n\t"
      "movl $0x68, %%eax\n\t"
      "movl %%eax, %%ds\n\t movl %%eax, %%es\n\t movl %%eax, %%ss\n\t"
      "xorl %%eax, %%eax\n\t movl %%eax, %%fs\n\t movl %%eax, %%gs\n\t"
      "movw $0x80, %%ax\n\t ltr %%ax"
      :: "m"(gdtr), "m"(idtr) : "eax", "memory");
}

void pic_remap(u16 unmasked) {
  outb(0x20, 0x11); outb(0xa0, 0x11);   /* ICW1: edge, cascade, ICW4 follows */
  outb(0x21, 0x20); outb(0xa1, 0x28);   /* ICW2: vector bases */
  outb(0x21, 0x04); outb(0xa1, 0x02);   /* ICW3: slave on IRQ 2 */
  outb(0x21, 0x01); outb(0xa1, 0x01);   /* ICW4: 8086 mode */
  outb(0x21, (u8)~unmasked); outb(0xa1, (u8)(~unmasked >> 8));
}

void clear_gate_present(int vector) { idt[2 * vector + 1] &= ~0x8000u; }

void set_descriptor(int index, u32 low, u32 high) { gdt[2 * index] = low; gdt[2 * index + 1] = high; }

void set_task_gate(int vector, u16 tss_selector) {
  idt[2 * vector] = (u32)tss_selector << 16;
  idt[2 * vector + 1] = 0x8500;   /* present, DPL 0, type 5 */
}

int cmdline_has(u32 magic, const void *info, const char *word) {
  const u32 *mb = info;                       /* flags, mem_lower, mem_upper, boot_device, cmdline */
  if (magic != 0x2badb002u || (mb[0] & 4) == 0) return 0;
  for (const char *s = (const char *)mb[4]; *s; s++) {
    const char *a = s, *b = word;
    while (*b && *a == *b) { a++; b++; }
    if (*b == 0) return 1;
  }
  return 0;
}
