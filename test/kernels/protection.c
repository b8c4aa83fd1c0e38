/* Protection checks with their exact error codes (SDM Vol. 3A chapter 5 and 6; Vol. 2 MOV, LAR,
 * LSL, VERR, VERW, ARPL, CALL, IN/OUT): segment-register loads, limits, LAR/LSL/VERR/VERW from ring 0
 * and ring 3, a call gate from ring 3 to ring 0 with parameters and lret back, IRET nulling data
 * segments the outer ring may not use, port I/O through IOPL and the TSS I/O bitmap, POPF's IOPL
 * rule, and a double fault delivered through a task gate the way Linux i386 handles #DF. */
#include "lib.h"

u32 gate_esp, gate_ss, gate_cs, gate_frame[6];
extern void gate_target(void), user_call_gate(void), user_far_jump(void), user_show_segments(void);
static u32 user_stack[1024];
static u32 df_stack[1024];
static volatile u32 op;
static volatile u32 results[8];

/* A TSS followed by its I/O permission bitmap (one bit per port; 1 = forbidden) and the 0xff end byte. */
static struct { struct tss t; u8 map[8192 / 8 * 8 / 8 + 1]; } __attribute__((packed, aligned(128))) io_tss;
static struct tss df_tss __attribute__((aligned(128)));

static void fault(struct trap_frame *f) {
  printf("  -> vector %2x error=%x\n", f->vector, f->error_code);
  resume(&fault_guard);
}

static void syscall(struct trap_frame *f) {
  switch (f->eax) {
    case 1: printf("  -> ring 3 reports %x %x %x %x\n", f->ebx, f->ecx, f->edx, f->esi); break;
    case 3:
      printf("  -> ring 0 via gate: cs=%4x ss=%4x esp0-offset=%d\n", gate_cs & 0xffff, gate_ss & 0xffff, the_tss.esp0 - gate_esp);
      printf("     frame: cs=%4x p1=%x p2=%x old ss=%4x; back in ring 3 cs=%4x, esp restored: %s\n",
             gate_frame[1], gate_frame[2], gate_frame[3], gate_frame[5], f->ecx & 0xffff,
             f->ebx == gate_frame[4] + 8 ? "yes" : "no");
      break;
    case 4: printf("  -> ring 3 sees ds=%4x es=%4x fs=%4x\n", f->ebx & 0xffff, f->ecx & 0xffff, f->edx & 0xffff); break;
  }
  resume(&fault_guard);
}

static void step(const char *what) { printf("%s\n", what); }

static void load_ds(u16 sel) { __asm__ volatile("movw %0, %%ds; movw %%ss, %%ax; movw %%ax, %%ds" :: "r"(sel) : "eax"); }

/* Each user routine does one thing selected by `op` and reports through int $0x80. */
static void user_main(void) {
  u32 a = 0, b = 0, c = 0, d = 0;
  switch (op) {
    case 0: { /* LAR, LSL, VERR, VERW of kernel and user selectors, from ring 3 */
      u32 z1, z2;
      /* bit 8 (accessed) masked: the CPU sets it when CS is loaded with 0x73, but QEMU does not
       * for a CS loaded by IRET, and the SDM (3.4.5.1) says loads set it — not a point to compare */
      __asm__ volatile("larl %2, %0; setz %b1" : "=r"(a), "=q"(z1) : "r"(0x73u), "0"(0));
      a &= ~0x100u;
      __asm__ volatile("larl %2, %0; setz %b1" : "=r"(b), "=q"(z2) : "r"(0x60u), "0"(0xdead));
      c = (z1 & 1) | ((z2 & 1) << 1);
      __asm__ volatile("verr %1; setz %b0" : "=q"(d) : "r"((u16)0x7b));
      __asm__ volatile("verw %1; setz %%ah" : "+a"(d) : "r"((u16)0x68));
      d &= 0xffff;
      break;
    }
    case 1: __asm__ volatile("inb $0x80, %%al" ::: "eax"); a = 0x80; break;
    case 2: __asm__ volatile("inb $0x81, %%al" ::: "eax"); a = 0x81; break;
    case 3: __asm__ volatile("movw $0x7e, %%dx; inl %%dx, %%eax" ::: "eax", "edx"); a = 0x7e; break;
    case 4: __asm__ volatile("cli"); a = 0xc1; break;
    case 5: { /* POPF in ring 3 cannot change IOPL or IF */
      u32 fl;
      __asm__ volatile("pushl $0x3002; popfl; pushfl; popl %0" : "=r"(fl));
      a = fl;
      break;
    }
    case 7: __asm__ volatile("movw $0x68, %%ax; movw %%ax, %%ds" ::: "eax"); break;
    /* privileged instructions at CPL 3: #GP(0) (SDM Vol. 3A 5.9) */
    case 8: __asm__ volatile("hlt"); break;
    case 9: { u32 v = 0; __asm__ volatile("movl %%cr0, %0" : "=r"(v)); a = v; break; }
    case 10: __asm__ volatile("movl %0, %%cr3" :: "r"(0u)); break;
    case 11: { u8 m[6] = {0}; __asm__ volatile("lgdt %0" :: "m"(m)); break; }
    case 12: __asm__ volatile("wrmsr" :: "c"(0x174), "a"(0), "d"(0)); break;
    case 13: __asm__ volatile("rdmsr" :: "c"(0x174) : "eax", "edx"); break;
    case 14: __asm__ volatile("clts"); break;
    case 15: __asm__ volatile("invlpg (%0)" :: "r"(0u)); break;
    case 16: __asm__ volatile("ltr %%ax" :: "a"(0x80)); break;
    case 17: __asm__ volatile("movl %%dr7, %%eax" ::: "eax"); break;
    case 18: { u32 v; __asm__ volatile("smsw %0" : "=r"(v)); a = v & 0xffff; break; }
    case 19: { u8 m[6]; __asm__ volatile("sgdt %0" : "=m"(m)); a = *(u16 *)m; break; }
  }
  __asm__ volatile("int $0x80" :: "a"(1), "b"(a), "c"(b), "d"(c), "S"(d));
  for (;;) { }
}

static void in_ring3(u32 which, const char *what, u32 eflags) {
  op = which;
  step(what);
  if (guard(&fault_guard) == 0) enter_user(user_main, (u32)(user_stack + 1024), eflags);
}

static void double_fault_task(void) {
  /* Running in the double-fault task: its own registers and stack; the old task's state is in io_tss. */
  u32 err;
  __asm__ volatile("popl %0" : "=r"(err));
  u16 tr;
  __asm__ volatile("str %0" : "=r"(tr));
  printf("  -> double fault task: error=%x tr=%4x back-link=%4x old task's eip saved in its TSS: %s\n", err, tr,
         df_tss.link, io_tss.t.eip != 0 ? "yes" : "no");
  u32 fl;
  __asm__ volatile("pushfl; popl %0" : "=r"(fl));
  printf("     NT=%d; cr0.TS=%d\n", (fl >> 14) & 1, (read_cr0() >> 3) & 1);
  printf("done\n");
  debug_exit(0);
}

int kmain(void) {
  serial_init();
  printf("protection test\n");
  setup_descriptors();
  pic_remap(0);
  for (int v = 0; v < 32; v++) trap_handlers[v] = fault;
  set_gate(0x80, trap_entries[0x80], 0xf, 3);
  trap_handlers[0x80] = syscall;

  set_descriptor(17, 0x0000ffff, 0x00cf1200);   /* data, DPL 0, NOT present */
  set_descriptor(18, 0x0000ffff, 0x00cf9800);   /* code, execute-only, DPL 0 */
  set_descriptor(19, 0x00000000, 0x00409200);   /* data, limit 0 (one byte), byte granular, DPL 0 */
  u32 gate = (u32)gate_target;
  set_descriptor(20, (KERNEL_CS << 16) | (gate & 0xffff), (gate & 0xffff0000) | 0xec00 | 2);   /* call gate, DPL 3, 2 params */
  set_descriptor(21, 0x0000ffff, 0x00cf8200);   /* an LDT descriptor (system type 2), DPL 0 */

  step("mov ds, 0x100 (beyond the GDT limit)");
  if (guard(&fault_guard) == 0) load_ds(0x100);
  step("mov ds, 0x88 (data not present)");
  if (guard(&fault_guard) == 0) load_ds(0x88);
  step("mov ds, 0x90 (execute-only code)");
  if (guard(&fault_guard) == 0) load_ds(0x90);
  step("mov ds, 0xa8 (an LDT descriptor)");
  if (guard(&fault_guard) == 0) load_ds(0xa8);
  step("mov ss, 0x7b (DPL 3 at CPL 0)");
  if (guard(&fault_guard) == 0) __asm__ volatile("movw $0x7b, %%ax; movw %%ax, %%ss" ::: "eax");
  step("mov ss, 0x88 (not present)");
  if (guard(&fault_guard) == 0) __asm__ volatile("movw $0x88, %%ax; movw %%ax, %%ss" ::: "eax");
  step("mov ss, 0");
  if (guard(&fault_guard) == 0) __asm__ volatile("xorl %%eax, %%eax; movw %%ax, %%ss" ::: "eax");
  /* Null-selector accesses and segment limits are not compared here: QEMU's TCG checks neither
   * (a memory access through a null DS works there, and limits are ignored); gate86 follows the SDM
   * (#GP(0) / #SS(0)), and test/machine/limits.test.ts checks it against hand-written expectations. */
  step("lar/lsl in ring 0");
  {
    u32 a = 0, l = 0, z = 0;
    __asm__ volatile("larl %1, %0" : "=r"(a) : "r"(0x80u));
    __asm__ volatile("lsll %1, %0" : "=r"(l) : "r"(0x80u));
    __asm__ volatile("lsll %2, %0; setz %b1" : "=r"(l), "=q"(z) : "r"(0xa0u), "0"(0x55));
    printf("  -> lar tss=%x lsl tss=%x, lsl of a call gate: zf=%d value kept=%x\n", a, (u32)sizeof the_tss - 1, z & 1, l);
    u16 sel = 0x63;   /* arpl raises RPL 0 of 0x60 to 3 */
    __asm__ volatile("arpl %1, %0; setz %b2" : "+r"(sel) : "r"((u16)0x7b), "q"(z));
    printf("  -> arpl 0x60, 0x7b = %4x\n", sel);
  }
  in_ring3(0, "lar/verr/verw in ring 3", 0x2);
  in_ring3(7, "ring 3: mov ds, 0x68", 0x2);
  {
    static const char *const names[] = { "hlt", "read cr0", "write cr3", "lgdt", "wrmsr", "rdmsr", "clts", "invlpg",
                                         "ltr", "read dr7", "smsw (allowed)", "sgdt (allowed)" };
    for (u32 i = 0; i < 12; i++) {
      printf("ring 3: %s", names[i]);
      in_ring3(8 + i, "", 0x2);
    }
  }
  step("ring 3: call gate 0xa3 with two parameters");
  if (guard(&fault_guard) == 0) enter_user(user_call_gate, (u32)(user_stack + 1024), 0x2);
  step("ring 3: ljmp to the ring-0 code segment");
  if (guard(&fault_guard) == 0) enter_user(user_far_jump, (u32)(user_stack + 1024), 0x2);
  step("iret to ring 3 with ds=es=0x68, fs=0x7b");
  if (guard(&fault_guard) == 0) {
    __asm__ volatile("movw $0x7b, %%ax; movw %%ax, %%fs" ::: "eax");
    __asm__ volatile(
        "pushl $0x7b; pushl %0; pushl $2; pushl $0x73; pushl %1; iret"
        :: "r"((u32)(user_stack + 1024)), "r"((u32)user_show_segments) : "memory");
  }

  /* Port I/O from ring 3: a TSS with a bitmap that allows only port 0x80. */
  for (u32 i = 0; i < sizeof io_tss.map; i++) io_tss.map[i] = 0xff;
  io_tss.map[0x80 / 8] = 0xfe;
  io_tss.t = the_tss;
  io_tss.t.iomap_base = sizeof io_tss.t;
  u32 base = (u32)&io_tss, limit = sizeof io_tss - 1;
  set_descriptor(22, (base << 16) | (limit & 0xffff), (base & 0xff000000) | (limit & 0xf0000) | 0x8900 | ((base >> 16) & 0xff));
  __asm__ volatile("ltr %%ax" :: "a"(0xb0));
  in_ring3(1, "ring 3, IOPL 0: inb 0x80 (allowed by the bitmap)", 0x2);
  in_ring3(2, "ring 3, IOPL 0: inb 0x81 (forbidden)", 0x2);
  in_ring3(3, "ring 3, IOPL 0: inl 0x7e (0x7e-0x81: partly forbidden)", 0x2);
  in_ring3(4, "ring 3, IOPL 0: cli", 0x2);
  in_ring3(2, "ring 3, IOPL 3: inb 0x81", 0x3002);
  in_ring3(4, "ring 3, IOPL 3: cli", 0x3002);
  in_ring3(5, "ring 3, IOPL 0: popf of IOPL 3 | IF", 0x2);

  /* Double fault: #GP's gate is not present, so a #GP becomes #NP, and two contributory
   * exceptions make #DF, whose gate is a task gate to df_tss (Linux i386's doublefault_fn). */
  df_tss.esp = (u32)(df_stack + 1024);
  df_tss.ss = KERNEL_DS; df_tss.cs = KERNEL_CS; df_tss.ds = KERNEL_DS; df_tss.es = KERNEL_DS;
  df_tss.eip = (u32)double_fault_task;
  df_tss.eflags = 0x2;
  __asm__ volatile("movl %%cr3, %0" : "=r"(df_tss.cr3));
  df_tss.iomap_base = sizeof df_tss;
  base = (u32)&df_tss; limit = sizeof df_tss - 1;
  set_descriptor(23, (base << 16) | (limit & 0xffff), (base & 0xff000000) | (limit & 0xf0000) | 0x8900 | ((base >> 16) & 0xff));
  set_task_gate(8, 0xb8);
  clear_gate_present(13);
  step("#GP with a not-present #GP gate");
  load_ds(0x100);
  printf("not reached\n");
  return 1;
}
