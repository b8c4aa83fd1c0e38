/* What the boot loader hands over (Multiboot 0.6.96, 3.2-3.3): EAX, the flags of the information
 * structure, mem_lower/mem_upper, the command line (-append / --append) and the modules (-initrd /
 * --initrd): their count, size, name, first bytes and alignment; and the machine state at entry. */
#include "lib.h"

struct mb_module { u32 start, end, string, reserved; };
struct mb_info {
  u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
};

extern u32 entry_eflags, entry_cr0;

int kmain(u32 magic, struct mb_info *info) {
  serial_init();
  printf("multiboot test\n");
  printf("eax=%x\n", magic);
  printf("flags: mem=%d cmdline=%d mods=%d\n", info->flags & 1, (info->flags >> 2) & 1, (info->flags >> 3) & 1);
  printf("mem_lower=%d KiB mem_upper=%d KiB\n", info->mem_lower, info->mem_upper);
  printf("cmdline='%s'\n", (info->flags & 4) ? (const char *)info->cmdline : "");
  u32 count = (info->flags & 8) ? info->mods_count : 0;
  printf("modules: %d\n", count);
  struct mb_module *m = (struct mb_module *)info->mods_addr;
  for (u32 i = 0; i < count; i++) {
    const u8 *p = (const u8 *)m[i].start;
    printf("  module %d: size=%d page-aligned=%s string='%s' first bytes=%2x %2x %2x %2x\n", i,
           m[i].end - m[i].start, (m[i].start & 0xfff) ? "no" : "yes", (const char *)m[i].string,
           p[0], p[1], p[2], p[3]);
  }
  u32 cr0 = read_cr0();
  printf("cr0: PE=%d PG=%d\n", cr0 & 1, cr0 >> 31);
  u32 fl;
  __asm__ volatile("pushfl; popl %0" : "=r"(fl));
  printf("eflags: IF=%d VM=%d\n", (fl >> 9) & 1, (fl >> 17) & 1);
  printf("done\n");
  return 0;
}
