/* CPUID as a kernel sees it: the vendor, family/model/stepping and feature bits of leaf 1, the
 * extended leaves where the CPU has them, and what Linux 2.6.0's SEP rule concludes. (QEMU runs
 * SYSENTER on every model, SEP or not, so whether it raises #UD is tested in test/machine instead.) */
#include "lib.h"

static void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d) {
  __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static void print_chars(u32 v) { for (int i = 0; i < 4; i++) putc((char)(v >> (8 * i))); }

int kmain(void) {
  u32 a, b, c, d;
  serial_init();
  printf("cpuid test\n");
  setup_descriptors();
  pic_remap(0);
  cpuid(0, &a, &b, &c, &d);
  printf("leaf 0: vendor=");
  print_chars(b); print_chars(d); print_chars(c);
  printf("\n");
  u32 vendor_ebx = b;
  cpuid(1, &a, &b, &c, &d);
  u32 family = (a >> 8) & 15, model = (a >> 4) & 15, stepping = a & 15;
  /* Model and stepping are printed on their own line: they are the one thing gate86's models and
   * QEMU's may disagree on (test/machine masks that line). The feature bits printed are the ones
   * gate86 implements; QEMU's other bits (FPU, MMX, SSE, ...) are not compared. */
  printf("leaf 1: family=%d\n", family);
  printf("leaf 1: model=%d stepping=%d\n", model, stepping);
  printf("  SEP (edx bit 11)=%d TSC=%d MSR=%d PSE=%d CX8=%d CMOV=%d\n", (d >> 11) & 1, (d >> 4) & 1,
         (d >> 5) & 1, (d >> 3) & 1, (d >> 8) & 1, (d >> 15) & 1);
  int sep = (d >> 11) & 1;
  /* init_intel() in Linux 2.6.0: a Pentium Pro reports SEP but lacks it */
  if (vendor_ebx == 0x756e6547u && ((family << 8) | (model << 4) | stepping) < 0x633) sep = 0;
  printf("  Linux 2.6.0 uses sysenter: %s\n", sep ? "yes" : "no");
  cpuid(0x80000000u, &a, &b, &c, &d);
  printf("extended leaves: %s\n", a >= 0x80000001u && a < 0x8000ffffu ? "yes" : "no");
  printf("done\n");
  return 0;
}
