/* #PF error codes and CR2 (SDM Vol. 3A 4.7) for every combination of present, U/S and R/W in the
 * page-table entry, read and write, from ring 0 and ring 3, with CR0.WP clear and set; and the
 * accessed/dirty bits an access that succeeds leaves in the PTE (4.8). */
#include "lib.h"

#define PG_P 1u
#define PG_W 2u
#define PG_U 4u
#define PG_A 0x20u
#define PG_D 0x40u
#define TEST_VA 0x00400000u   /* the second 4 MiB: page table `test_pt` */

static u32 page_dir[1024] __attribute__((aligned(4096)));
static u32 low_pt[1024] __attribute__((aligned(4096)));
static u32 test_pt[1024] __attribute__((aligned(4096)));
static u8 frames[5][4096] __attribute__((aligned(4096)));
static u32 user_stack[1024];

static const u32 kinds[5] = { 0, PG_P, PG_P | PG_W, PG_P | PG_U, PG_P | PG_U | PG_W };
static const char *const kind_names[5] = { "not-present", "P", "P|W", "P|U", "P|U|W" };

volatile u32 target, is_write;

static void fault(struct trap_frame *f) {
  printf("#PF err=%x cr2=%x", f->error_code, read_cr2());
  if (f->vector != 14) printf(" (vector %2x!)", f->vector);
  printf("\n");
  resume(&fault_guard);
}

static void done_call(struct trap_frame *f) { (void)f; resume(&fault_guard); }

/* Runs in ring 0 or ring 3: one access, then back to the kernel through int $0x80. */
static void access(void) {
  if (is_write) *(volatile u32 *)target = 0x5a5a5a5a;
  else (void)*(volatile u32 *)target;
  __asm__ volatile("int $0x80");
}

int kmain(void) {
  serial_init();
  printf("paging test\n");
  setup_descriptors();
  pic_remap(0);
  for (int v = 0; v < 32; v++) trap_handlers[v] = fault;
  set_gate(0x80, trap_entries[0x80], 0xf, 3);
  trap_handlers[0x80] = done_call;

  /* 0-4 MiB identity-mapped, user and writable (so ring 3 can run the test code); the test page
   * table decides everything for the five pages at TEST_VA. */
  for (u32 i = 0; i < 1024; i++) low_pt[i] = (i << 12) | PG_P | PG_W | PG_U;
  page_dir[0] = (u32)low_pt | PG_P | PG_W | PG_U;
  page_dir[1] = (u32)test_pt | PG_P | PG_W | PG_U;
  write_cr3((u32)page_dir);
  write_cr0(read_cr0() | 0x80000000u);

  for (int wp = 0; wp < 2; wp++) {
    write_cr0(wp ? read_cr0() | 0x10000u : read_cr0() & ~0x10000u);
    printf("CR0.WP=%d\n", wp);
    for (int k = 0; k < 5; k++) {
      for (int ring = 0; ring < 2; ring++) {
        for (int w = 0; w < 2; w++) {
          test_pt[k] = (u32)frames[k] | kinds[k];
          write_cr3((u32)page_dir);   /* flush the TLB */
          target = TEST_VA + k * 4096 + 0x10 + (u32)(ring * 8 + w * 4);
          is_write = (u32)w;
          printf("  %s ring %d %s: ", kind_names[k], ring ? 3 : 0, w ? "write" : "read ");
          if (guard(&fault_guard) == 0) {
            if (ring) enter_user(access, (u32)(user_stack + 1024), 0x2);
            else access();
          }
          /* a successful access returns through int $0x80 too; tell them apart by the PTE */
          if (kinds[k] & PG_P) {
            u32 ad = test_pt[k] & (PG_A | PG_D);
            printf("    pte A=%d D=%d\n", (ad & PG_A) ? 1 : 0, (ad & PG_D) ? 1 : 0);
          } else {
            printf("    pte %x\n", test_pt[k]);
          }
        }
      }
    }
  }
  printf("invlpg: a stale TLB entry survives a PTE change until invlpg\n");
  test_pt[0] = (u32)frames[0] | PG_P | PG_W;
  write_cr3((u32)page_dir);
  frames[0][0] = 0x11; frames[1][0] = 0x22;
  u32 before = *(volatile u8 *)TEST_VA;
  test_pt[0] = (u32)frames[1] | PG_P | PG_W;
  u32 stale = *(volatile u8 *)TEST_VA;
  __asm__ volatile("invlpg (%0)" :: "r"(TEST_VA) : "memory");
  u32 fresh = *(volatile u8 *)TEST_VA;
  printf("  before=%2x stale=%2x after invlpg=%2x\n", before, stale, fresh);
  printf("4 MiB pages (CR4.PSE): PDE 2 maps 8-12 MiB to physical 0-4 MiB\n");
  __asm__ volatile("movl %%cr4, %%eax; orl $0x10, %%eax; movl %%eax, %%cr4" ::: "eax");
  page_dir[2] = 0x00000000u | 0x80u | PG_P | PG_W;   /* PS, supervisor, writable */
  write_cr3((u32)page_dir);
  frames[2][0x123] = 0x5c;
  u32 via_big = *(volatile u8 *)(0x800000u + (u32)frames[2] + 0x123);
  printf("  read through the big page: %2x, PDE A=%d D=%d\n", via_big, (page_dir[2] >> 5) & 1, (page_dir[2] >> 6) & 1);
  *(volatile u8 *)(0x800000u + (u32)frames[2] + 0x124) = 1;
  printf("  after a write: PDE D=%d\n", (page_dir[2] >> 6) & 1);
  target = 0x800000u + (u32)frames[2];
  is_write = 0;
  printf("  ring 3 read of the supervisor big page: ");
  if (guard(&fault_guard) == 0) enter_user(access, (u32)(user_stack + 1024), 0x2);
  printf("\n");
  printf("done\n");
  return 0;
}
