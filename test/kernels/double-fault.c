/* A kernel stack overflow, the way Linux i386 survives it: ring-0 code runs with ESP on a page
 * that is not present, touches it, and the #PF cannot be delivered because pushing its frame faults
 * again (#PF while delivering #PF: a double fault, SDM Vol. 3A 6.15 table 6-5). #DF's IDT entry is a
 * task gate, so the CPU switches to a fresh task with its own stack (7.3) — the only way a handler can
 * run at all. The handler reports CR2, the error code, and the old task's EIP/ESP from its TSS. */
#include "lib.h"

#define PG_P 1u
#define PG_W 2u

static u32 page_dir[1024] __attribute__((aligned(4096)));
static u32 low_pt[1024] __attribute__((aligned(4096)));
static u32 df_stack[1024];
static struct tss df_tss __attribute__((aligned(128)));
static u32 hole_page;
extern void overflow_at(u32 esp);

static void double_fault_task(void) {
  u32 err;
  __asm__ volatile("popl %0" : "=r"(err));
  printf("double fault: error=%x cr2=%x\n", err, read_cr2());
  printf("  old task: eip=%s esp=%x\n", the_tss.eip == (u32)overflow_at + 6 ? "the push (overflow_at+6)" : "elsewhere", the_tss.esp);
  printf("  old task's ESP is just above the hole: %s\n", the_tss.esp == hole_page + 4096 ? "yes" : "no");
  printf("done\n");
  debug_exit(0);
}

static u32 base_word(u32 base, u32 limit) { return (base << 16) | (limit & 0xffff); }
static u32 base_high(u32 base, u32 limit) { return (base & 0xff000000) | (limit & 0xf0000) | 0x8900 | ((base >> 16) & 0xff); }

int kmain(void) {
  serial_init();
  printf("double fault test\n");
  setup_descriptors();
  pic_remap(0);
  /* identity-map 0-4 MiB, minus one page: the hole the stack will run into */
  for (u32 i = 0; i < 1024; i++) low_pt[i] = (i << 12) | PG_P | PG_W;
  hole_page = ((u32)df_stack + 16 * 4096) & ~0xfffu;
  low_pt[hole_page >> 12] = 0;
  page_dir[0] = (u32)low_pt | PG_P | PG_W;
  write_cr3((u32)page_dir);
  write_cr0(read_cr0() | 0x80000000u);

  df_tss.esp = (u32)(df_stack + 1024);
  df_tss.ss = KERNEL_DS; df_tss.cs = KERNEL_CS; df_tss.ds = KERNEL_DS; df_tss.es = KERNEL_DS;
  df_tss.eip = (u32)double_fault_task;
  df_tss.eflags = 0x2;
  df_tss.cr3 = (u32)page_dir;
  df_tss.iomap_base = sizeof df_tss;
  set_descriptor(17, base_word((u32)&df_tss, sizeof df_tss - 1), base_high((u32)&df_tss, sizeof df_tss - 1));
  set_task_gate(8, 0x88);
  printf("ring 0 with esp at the top of a not-present page\n");
  overflow_at(hole_page + 4096);
  printf("not reached\n");
  return 1;
}
