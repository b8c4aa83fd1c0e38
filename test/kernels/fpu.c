/* The x87's system side (SDM Vol. 3A 2.5 and 12.x, Vol. 1 8.1.5 and appendix D):
 *   - #NM (vector 7): CR0.TS or CR0.EM stop every x87 instruction; WAIT/FWAIT obeys CR0.MP with TS
 *     and ignores EM; FXSAVE/FXRSTOR obey both;
 *   - a pending unmasked exception (FSW.ES) is delivered at the NEXT waiting instruction: #MF
 *     (vector 16) with CR0.NE = 1, its EIP that instruction; the non-waiting FNSTSW/FNCLEX go on;
 *   - with CR0.NE = 0, FERR# through the PC's latch as IRQ 13 instead; the handler's write to port
 *     0xF0 asserts IGNNE#, after which the waiting instruction runs although ES is still set, until
 *     FNCLEX clears it;
 *   - FXSAVE/FXRSTOR: #GP(0) on an operand not 16-byte aligned, #GP(0) for reserved MXCSR bits,
 *     the XMM/MXCSR part governed by CR4.OSFXSR; #UD and a reserved CR4.OSFXSR on a chip without
 *     FXSR (the Pentium II here). */
#include "lib.h"

#define CR0_MP 0x02
#define CR0_EM 0x04
#define CR0_TS 0x08
#define CR0_NE 0x20
#define CR4_OSFXSR 0x200

extern void probe_fld1(void), probe_fnstsw(void), probe_fwait(void), probe_fnclex(void);
extern void probe_fxsave(void), probe_fxrstor(void), divide_by_zero(void);
extern void probe_cr4(u32 value);
extern char probe_fld1_at[], probe_fnstsw_at[], probe_fwait_at[], probe_fnclex_at[];
extern char probe_fxsave_at[], probe_fxrstor_at[], probe_cr4_at[];

static volatile u32 fault_vector, fault_error, fault_eip;
u8 *fx_target;
static u8 fx_area[512 + 32] __attribute__((aligned(16)));
static u8 fx_image[512] __attribute__((aligned(16)));

static void fault(struct trap_frame *f) {
  fault_vector = f->vector;
  fault_error = f->error_code;
  fault_eip = f->eip;
  resume(&fault_guard);
}

/* Run `fn` and say whether it faulted, with which vector, and whether EIP was `at`. */
static void try(const char *what, void (*fn)(void), const char *at) {
  fault_vector = 0xff;
  if (!guard(&fault_guard)) fn();
  if (fault_vector == 0xff) printf("  %s: runs\n", what);
  else printf("  %s: vector %d error %d at the instruction: %s\n", what, fault_vector, fault_error,
              fault_eip == (u32)at ? "yes" : "no");
}

static u16 status_word(void) { u16 s; __asm__ volatile("fnstsw %0" : "=a"(s)); return s; }
static u16 control_word(void) { u16 c; __asm__ volatile("fnstcw %0" : "=m"(c)); return c; }
static void set_cr0(u32 clear, u32 set) { write_cr0((read_cr0() & ~clear) | set); }
static u32 read_cr4(void) { u32 v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }

static void device_not_available(void) {
  printf("#NM: CR0.TS and CR0.EM\n");
  set_cr0(CR0_MP | CR0_EM | CR0_TS, CR0_TS);
  try("TS: fld1", probe_fld1, probe_fld1_at);
  try("TS: fnstsw", probe_fnstsw, probe_fnstsw_at);
  try("TS, MP=0: fwait", probe_fwait, probe_fwait_at);
  set_cr0(0, CR0_MP);
  try("TS, MP=1: fwait", probe_fwait, probe_fwait_at);
  __asm__ volatile("clts");
  printf("  clts: TS=%d\n", (read_cr0() & CR0_TS) != 0);
  try("MP: fwait", probe_fwait, probe_fwait_at);
  set_cr0(0, CR0_EM);
  try("EM: fld1", probe_fld1, probe_fld1_at);
  try("EM: fnclex", probe_fnclex, probe_fnclex_at);
  try("EM, MP: fwait", probe_fwait, probe_fwait_at);
  set_cr0(CR0_EM | CR0_TS, 0);
  try("neither: fld1", probe_fld1, probe_fld1_at);
}

static void pending_as_mf(void) {
  printf("#MF: CR0.NE = 1\n");
  set_cr0(0, CR0_NE);
  divide_by_zero();
  printf("  after 1/0 with ZE unmasked: status %4x\n", status_word());
  try("pending: fnstsw", probe_fnstsw, probe_fnstsw_at);
  try("pending: fld1", probe_fld1, probe_fld1_at);
  try("still pending: fwait", probe_fwait, probe_fwait_at);
  try("pending: fnclex", probe_fnclex, probe_fnclex_at);
  printf("  after fnclex: status %4x\n", status_word());
  try("cleared: fld1", probe_fld1, probe_fld1_at);
}

static volatile u32 irq13_count, irq13_status, irq13_clears;

static void irq13(struct trap_frame *f) {
  (void)f;
  irq13_count++;
  irq13_status = status_word();
  outb(0xf0, 0);                  /* clear the latch, assert IGNNE# */
  if (irq13_clears) __asm__ volatile("fnclex");
  outb(0xa0, 0x20);               /* EOI: slave (IRQ 13 is its line 5), then master */
  outb(0x20, 0x20);
}

static void pending_as_irq13(void) {
  printf("FERR#: CR0.NE = 0, IRQ 13\n");
  set_cr0(CR0_NE, 0);
  trap_handlers[0x2d] = irq13;
  pic_remap((1 << 2) | (1 << 13));
  irq13_clears = 1;
  divide_by_zero();
  __asm__ volatile("sti");
  try("pending: fwait", probe_fwait, probe_fwait_at);
  __asm__ volatile("cli");
  printf("  IRQ 13 taken %d time(s), status in the handler %4x, after it %4x\n", irq13_count, irq13_status, status_word());
  /* IGNNE# alone: the handler does not clear the exception, only acknowledges it at port 0xF0. */
  irq13_clears = 0;
  irq13_count = 0;
  divide_by_zero();
  __asm__ volatile("sti");
  try("pending: fwait", probe_fwait, probe_fwait_at);
  try("IGNNE# held: fld1", probe_fld1, probe_fld1_at);
  __asm__ volatile("cli");
  printf("  IRQ 13 taken %d time(s), status after %4x\n", irq13_count, status_word());
  __asm__ volatile("fnclex");
  irq13_count = 0;
  divide_by_zero();
  __asm__ volatile("sti");
  try("a new error after fnclex: fwait", probe_fwait, probe_fwait_at);
  __asm__ volatile("cli");
  printf("  IRQ 13 taken %d time(s)\n", irq13_count);
  __asm__ volatile("fninit");
  set_cr0(0, CR0_NE);
}

static void fill(u8 *p, u8 v, int n) { for (int i = 0; i < n; i++) p[i] = v; }
static u32 word32(const u8 *p) { return p[0] | (p[1] << 8) | (p[2] << 16) | ((u32)p[3] << 24); }
static u16 word16(const u8 *p) { return (u16)(p[0] | (p[1] << 8)); }

/* The FXSAVE fields both machines store alike: FCW, FSW, the abridged tag byte, MXCSR, XMM0's first
 * dword (FIP/FDP: QEMU keeps no pointers; MXCSR_MASK: the Pentium III stores 0, QEMU 0xffff). */
static void show_fxsave(const char *what, const u8 *p) {
  printf("  %s: fcw %4x fsw %4x ftw %2x mxcsr %x xmm0 %x\n", what, word16(p), word16(p + 2), p[4],
         word32(p + 24), word32(p + 160));
}

static void fxsr(void) {
  u32 a, b, c, d;
  __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
  printf("FXSAVE/FXRSTOR (CPUID FXSR=%d)\n", (d >> 24) & 1);
  trap_handlers[6] = fault;
  fx_target = fx_area;
  if (!((d >> 24) & 1)) {
    try("fxsave", probe_fxsave, probe_fxsave_at);
    fault_vector = 0xff;
    if (!guard(&fault_guard)) probe_cr4(read_cr4() | CR4_OSFXSR);
    printf("  mov cr4 with OSFXSR: vector %d at the instruction: %s\n", fault_vector, fault_eip == (u32)probe_cr4_at ? "yes" : "no");
    return;
  }
  __asm__ volatile("fninit; fld1; fldpi");
  fill(fx_area, 0xaa, sizeof fx_area);
  try("fxsave, OSFXSR=0", probe_fxsave, probe_fxsave_at);
  show_fxsave("stored", fx_area);
  fx_target = fx_area + 8;
  try("fxsave, misaligned", probe_fxsave, probe_fxsave_at);
  try("fxrstor, misaligned", probe_fxrstor, probe_fxrstor_at);
  set_cr0(0, CR0_TS);
  fx_target = fx_area;
  try("fxsave, TS", probe_fxsave, probe_fxsave_at);
  set_cr0(CR0_TS, CR0_EM);
  try("fxsave, EM", probe_fxsave, probe_fxsave_at);
  set_cr0(CR0_EM, 0);

  probe_cr4(read_cr4() | CR4_OSFXSR);
  printf("  cr4.OSFXSR set: %d\n", (read_cr4() & CR4_OSFXSR) != 0);
  /* An image with XMM0 and MXCSR of our choosing, restored with OSFXSR = 1. */
  for (int i = 0; i < 512; i++) fx_image[i] = fx_area[i];
  fx_image[24] = 0x80; fx_image[25] = 0x3f; fx_image[26] = 0; fx_image[27] = 0;   /* MXCSR 0x3f80 */
  for (int i = 0; i < 16; i++) fx_image[160 + i] = (u8)(0x11 * (i + 1));
  fx_target = fx_image;
  try("fxrstor, OSFXSR=1", probe_fxrstor, probe_fxrstor_at);
  fill(fx_area, 0xaa, sizeof fx_area);
  fx_target = fx_area;
  try("fxsave, OSFXSR=1", probe_fxsave, probe_fxsave_at);
  show_fxsave("stored", fx_area);
  fx_image[26] = 1;                /* a reserved MXCSR bit */
  fx_target = fx_image;
  try("fxrstor of MXCSR bit 16", probe_fxrstor, probe_fxrstor_at);
  fx_image[26] = 0;
  probe_cr4(read_cr4() & ~CR4_OSFXSR);
}

int kmain(u32 magic, const void *info) {
  /* `ferr` on the command line: the CR0.NE = 0 part too, which qemu-system-i386 (7.2) cannot run
   * (it aborts in tcg_handle_interrupt when FERR# should freeze the CPU). */
  int ferr = cmdline_has(magic, info, "ferr");
  serial_init();
  printf("fpu test\n");
  setup_descriptors();
  trap_handlers[7] = fault;
  trap_handlers[16] = fault;
  trap_handlers[13] = fault;
  printf("cr0 after boot: MP=%d EM=%d TS=%d\n", (read_cr0() >> 1) & 1, (read_cr0() >> 2) & 1, (read_cr0() >> 3) & 1);
  __asm__ volatile("fninit");
  u16 env[14];
  __asm__ volatile("fnstenv %0" : "=m"(env));
  printf("fninit: control %4x status %4x tag %4x\n", control_word(), status_word(), env[4]);
  device_not_available();
  pending_as_mf();
  if (ferr) pending_as_irq13();
  fxsr();
  printf("done\n");
  return 0;
}
