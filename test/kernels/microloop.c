/* The benchmark kernel: a tight integer loop whose instruction count is known, run between two
 * lines on COM1 so that MIPS can be measured from outside the machine (the time between the bytes of
 * "start" and "end"). The command line (--append / -append) may say `iterations=N`. */
#include "lib.h"

struct multiboot_info { u32 flags, mem_lower, mem_upper, boot_device, cmdline; };

static u32 parse_iterations(const char *s, u32 fallback) {
  const char *key = "iterations=";
  for (; *s; s++) {
    int i = 0;
    while (key[i] && s[i] == key[i]) i++;
    if (key[i]) continue;
    u32 n = 0;
    for (s += i; *s >= '0' && *s <= '9'; s++) n = n * 10 + (u32)(*s - '0');
    return n ? n : fallback;
  }
  return fallback;
}

int kmain(u32 magic, struct multiboot_info *info) {
  serial_init();
  u32 iterations = 10000000;
  if (magic == 0x2badb002u && (info->flags & 4)) iterations = parse_iterations((const char *)info->cmdline, iterations);
  /* add, xor, rol, lea, dec, jnz: 6 instructions per iteration */
  printf("microloop: %d iterations x 6 instructions = %d instructions\n", iterations, iterations * 6);
  printf("start\n");
  u32 acc = 0;
  __asm__ volatile(
      "1:\n\t"
      "addl %%ecx, %%eax\n\t"
      "xorl $0x5a5a, %%eax\n\t"
      "roll $3, %%eax\n\t"
      "leal 1(%%eax,%%ecx,2), %%edx\n\t"
      "decl %%ecx\n\t"
      "jnz 1b"
      : "+a"(acc), "+c"(iterations) :: "edx", "cc");
  printf("end\n");
  printf("checksum %x\n", acc);
  return 0;
}
