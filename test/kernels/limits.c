/* Segment limits, types and null selectors on memory accesses (SDM Vol. 3A 5.3 "Limit checking",
 * 5.4 "Type checking", 3.4.2 null selectors), and the EXT bit of error codes. QEMU's TCG checks none
 * of these, so the expected output lives in test/machine/limits.test.ts, from the SDM. */
#include "lib.h"

static u32 user_stack[1024];
static u8 small[4096] __attribute__((aligned(4096)));
static volatile u32 which;

static void fault(struct trap_frame *f) {
  printf("  -> vector %2x error=%x\n", f->vector, f->error_code);
  resume(&fault_guard);
}

static void done_call(struct trap_frame *f) { (void)f; printf("  -> ok\n"); resume(&fault_guard); }

static void step(const char *what) { printf("%s\n", what); }

/* Ring 3 with SS = a 4 KiB stack segment (base `small`, limit 0xfff): ESP below the limit is fine,
 * a push that would go under offset 0 wraps to 0xfffffffc, beyond the limit: #SS(0). */
static void user_stack_test(void) {
  if (which == 0) __asm__ volatile("movw $0xdb, %%ax; movw %%ax, %%ss; movl $0x800, %%esp; pushl $1; popl %%eax" ::: "eax", "memory");
  else __asm__ volatile("movw $0xdb, %%ax; movw %%ax, %%ss; movl $0x2, %%esp; pushl $1" ::: "eax", "memory");
  __asm__ volatile("movw $0x7b, %%ax; movw %%ax, %%ss; int $0x80" ::: "eax");
  for (;;) { }
}

static u32 base_word(u32 base) { return base << 16; }
static u32 base_high(u32 base) { return (base & 0xff000000) | ((base >> 16) & 0xff); }

int kmain(void) {
  serial_init();
  printf("limits test\n");
  setup_descriptors();
  pic_remap(0);
  for (int v = 0; v < 32; v++) trap_handlers[v] = fault;
  set_gate(0x80, trap_entries[0x80], 0xf, 3);
  trap_handlers[0x80] = done_call;
  u32 b = (u32)small;
  set_descriptor(24, base_word(b) | 0x0000, base_high(b) | 0x00409200);   /* byte-granular limit 0, writable */
  set_descriptor(25, 0x0000ffff, 0x00cf9000);                            /* read-only data, flat */
  set_descriptor(26, 0x00000fff, 0x00409600);                            /* expand-down writable, limit 0xfff, B=1 */
  set_descriptor(27, base_word(b) | 0x0fff, base_high(b) | 0x0040f200);  /* ring-3 stack: limit 0xfff, B=1 */

  step("read through a null fs");
  if (guard(&fault_guard) == 0) { u32 v; __asm__ volatile("xorl %%eax, %%eax; movw %%ax, %%fs; movl %%fs:0, %0" : "=r"(v) :: "eax"); printf("  -> read\n"); }
  step("fs limit 0: byte at 0");
  if (guard(&fault_guard) == 0) { u32 v; __asm__ volatile("movw $0xc0, %%ax; movw %%ax, %%fs; movzbl %%fs:0, %0" : "=r"(v) :: "eax"); printf("  -> read\n"); }
  step("fs limit 0: dword at 0");
  if (guard(&fault_guard) == 0) { u32 v; __asm__ volatile("movl %%fs:0, %0" : "=r"(v)); printf("  -> read\n"); }
  step("fs limit 0: byte at 1");
  if (guard(&fault_guard) == 0) { u32 v; __asm__ volatile("movzbl %%fs:1, %0" : "=r"(v)); printf("  -> read\n"); }
  step("write through a read-only gs");
  if (guard(&fault_guard) == 0) { __asm__ volatile("movw $0xc8, %%ax; movw %%ax, %%gs; movl $1, %%gs:(%0)" :: "r"((u32)small) : "eax", "memory"); printf("  -> written\n"); }
  step("write through cs");
  if (guard(&fault_guard) == 0) { __asm__ volatile("movl $1, %%cs:(%0)" :: "r"((u32)small) : "memory"); printf("  -> written\n"); }
  step("expand-down fs (limit 0xfff): read at 0x800");
  if (guard(&fault_guard) == 0) { u32 v; __asm__ volatile("movw $0xd0, %%ax; movw %%ax, %%fs; movl %%fs:0x800, %0" : "=r"(v) :: "eax"); printf("  -> read\n"); }
  step("expand-down fs (limit 0xfff): read at 0x100000");
  if (guard(&fault_guard) == 0) { u32 v; __asm__ volatile("movl %%fs:0x100000, %0" : "=r"(v)); printf("  -> read\n"); }
  step("ring 3 stack segment, limit 0xfff: push at esp 0x800");
  which = 0;
  if (guard(&fault_guard) == 0) enter_user(user_stack_test, (u32)(user_stack + 1024), 0x2);
  step("ring 3 stack segment, limit 0xfff: push at esp 2");
  which = 1;
  if (guard(&fault_guard) == 0) enter_user(user_stack_test, (u32)(user_stack + 1024), 0x2);
  /* EXT (error code bit 0, SDM Vol. 3A 6.13) is set when a fault happens while delivering an earlier
   * exception or an external interrupt (QEMU never sets it). #UD is benign, so a not-present #UD
   * gate gives #NP(6*8+2+1) = 0x33 rather than a double fault (table 6-5). */
  clear_gate_present(6);
  step("ud2 with the #UD gate not present");
  if (guard(&fault_guard) == 0) __asm__ volatile("ud2");
  printf("done\n");
  return 0;
}
