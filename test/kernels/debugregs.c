/* The debug registers DR0-DR7 (SDM Vol. 3A 17.2-17.3): an instruction breakpoint is a #DB fault at
 * the instruction (the handler sets RF in the frame to get past it); data breakpoints are #DB traps
 * after the instruction that wrote (R/W = 01) or read or wrote (R/W = 11) the watched bytes; I/O
 * breakpoints (R/W = 10) need CR4.DE, which also makes DR4/DR5 #UD instead of aliases of DR6/DR7; a
 * breakpoint set from ring 0 catches ring 3 too. Each #DB prints where it was taken, DR6, and DR7's
 * GD bit. qemu-system-i386 prints the same.
 *
 * With `sdm` on the command line it goes on with two points where QEMU (7.2, TCG) departs from the
 * SDM, so gate86's test holds the SDM's answer: general detect (DR7.GD turns a MOV DR into a #DB
 * fault with DR6.BD, and GD is cleared; QEMU ignores GD), and a data hit under EFLAGS.TF (one #DB
 * with B1 and BS together, 17.3.1.4; QEMU takes two). */
#include "lib.h"

#define RW_EXEC 0
#define RW_WRITE 1
#define RW_IO 2
#define RW_ACCESS 3
#define LEN1 0
#define LEN2 1
#define LEN4 3
#define DR7_GD 0x2000
#define RF 0x10000
#define TF 0x100

extern void bp_target(void), after_write(void), after_read(void), after_rmw(void), after_out(void),
  at_mov_dr(void), after_step_write(void), user_code(void), user_after_write(void), at_rep_stos(void);
static u32 user_stack[1024];
volatile u32 watched[4] __attribute__((aligned(16)));
static volatile u32 db_count, db_eip, db_cs, db_dr6, db_dr7, set_rf, db_ecx;
static volatile u8 stos_buffer[64];

#define GET_DR(n) ({ u32 v; __asm__ volatile("mov %%dr" #n ", %0" : "=r"(v)); v; })
#define SET_DR(n, v) __asm__ volatile("mov %0, %%dr" #n :: "r"((u32)(v)))

static u32 control(int n, int rw, int len) {
  return (2u << (2 * n)) | ((u32)rw << (16 + 4 * n)) | ((u32)len << (18 + 4 * n));
}

static const char *where(u32 eip) {
  if (eip == (u32)bp_target) return "bp_target";
  if (eip == (u32)after_write) return "after_write";
  if (eip == (u32)after_read) return "after_read";
  if (eip == (u32)after_rmw) return "after_rmw";
  if (eip == (u32)after_out) return "after_out";
  if (eip == (u32)at_mov_dr) return "at_mov_dr";
  if (eip == (u32)after_step_write) return "after_step_write";
  if (eip == (u32)user_after_write) return "user_after_write";
  if (eip == (u32)at_rep_stos) return "at_rep_stos";
  return "elsewhere";
}

static void debug_trap(struct trap_frame *f) {
  db_count++;
  db_eip = f->eip;
  db_cs = f->cs;
  db_ecx = f->ecx;
  db_dr6 = GET_DR(6);
  db_dr7 = GET_DR(7);
  SET_DR(6, 0);
  f->eflags &= ~TF;
  if (set_rf) f->eflags |= RF;   /* resume past an instruction breakpoint */
}

static void fault(struct trap_frame *f) {
  printf("  -> vector %2x error=%x at %s\n", f->vector, f->error_code, where(f->eip));
  resume(&fault_guard);
}

static void back(struct trap_frame *f) { (void)f; resume(&fault_guard); }

static void report(const char *what) {
  if (db_count == 0) printf("  %s: no #DB\n", what);
  else printf("  %s: %d #DB, last at %s cs=%4x dr6=%x gd=%d\n", what, db_count, where(db_eip), db_cs & 0xffff, db_dr6, (db_dr7 & DR7_GD) != 0);
  db_count = 0;
  db_eip = 0;
}

static void disarm(void) {
  SET_DR(7, 0);
  SET_DR(6, 0);
}

/* The accesses, each followed by a label where its trap lands. */
static __attribute__((noinline)) void write_word(u32 *p, u32 v) { __asm__ volatile("movl %1, (%0)\n.globl after_write\nafter_write:" :: "r"(p), "r"(v) : "memory"); }
static __attribute__((noinline)) void write_byte(volatile u8 *p) { __asm__ volatile("movb $1, (%0)\n" :: "r"(p) : "memory"); }
static __attribute__((noinline)) u32 read_word(u32 *p) { u32 v; __asm__ volatile("movl (%1), %0\n.globl after_read\nafter_read:" : "=r"(v) : "r"(p) : "memory"); return v; }
static __attribute__((noinline)) void rmw_word(u32 *p) { __asm__ volatile("incl (%0)\n.globl after_rmw\nafter_rmw:" :: "r"(p) : "memory"); }

__asm__(".text\n.globl bp_target\nbp_target:\n\tincl db_hits_target\n\tret\n");
volatile u32 db_hits_target;

int kmain(u32 magic, const void *info) {
  int sdm = cmdline_has(magic, info, "sdm");
  serial_init();
  printf("debug registers test\n");
  setup_descriptors();
  for (int v = 0; v < 32; v++) trap_handlers[v] = fault;
  trap_handlers[1] = debug_trap;
  set_gate(0x80, trap_entries[0x80], 0xf, 3);
  trap_handlers[0x80] = back;

  printf("dr6 and dr7 after reset: %x %x\n", GET_DR(6), GET_DR(7));

  printf("instruction breakpoint (DR0, R/W 00) on a function, handler sets RF\n");
  set_rf = 1;
  SET_DR(0, bp_target);
  SET_DR(7, control(0, RW_EXEC, LEN1));
  ((void (*)(void))bp_target)();
  ((void (*)(void))bp_target)();
  report("two calls");
  printf("  the function ran %d times\n", db_hits_target);
  set_rf = 0;
  disarm();

  printf("data write breakpoint (DR1, R/W 01, 4 bytes)\n");
  SET_DR(1, &watched[1]);
  SET_DR(7, control(1, RW_WRITE, LEN4));
  (void)read_word((u32 *)&watched[1]);
  report("read");
  write_word((u32 *)&watched[1], 7);
  report("write");
  write_word((u32 *)&watched[2], 7);
  report("write of the next word");
  rmw_word((u32 *)&watched[1]);
  report("incl");
  disarm();

  printf("data read/write breakpoint (DR2, R/W 11, 2 bytes)\n");
  SET_DR(2, (u8 *)&watched[0] + 2);
  SET_DR(7, control(2, RW_ACCESS, LEN2));
  (void)read_word((u32 *)&watched[0]);
  report("read of the word");
  write_byte((u8 *)&watched[0] + 1);
  report("byte before the range");
  write_byte((u8 *)&watched[0] + 3);
  report("byte inside");
  disarm();

  printf("I/O breakpoint (DR3, R/W 10) needs CR4.DE\n");
  u32 cr4;
  __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
  __asm__ volatile("mov %0, %%cr4" :: "r"(cr4 | 8));
  SET_DR(3, 0x80);
  SET_DR(7, control(3, RW_IO, LEN1));
  __asm__ volatile("outb %%al, $0x80\n.globl after_out\nafter_out:" ::: "memory");
  report("outb to port 0x80");
  __asm__ volatile("outb %%al, $0x81" ::: "memory");
  report("outb to port 0x81");
  disarm();
  printf("  mov from dr4 with CR4.DE:\n");
  if (guard(&fault_guard) == 0) { u32 v; __asm__ volatile("mov %%dr4, %0" : "=r"(v)); printf("  read %x\n", v); }
  __asm__ volatile("mov %0, %%cr4" :: "r"(cr4));
  SET_DR(6, 0x1);
  printf("  mov from dr4 without CR4.DE reads dr6: %x\n", GET_DR(4));
  disarm();

  /* A REP string instruction reports a data hit after the iteration that made it, not at its end:
   * EIP still at the instruction (it resumes), ECX as that iteration left it (17.3.1.2). */
  printf("data write breakpoint on byte 40 of a 64-byte rep stosb\n");
  SET_DR(0, &stos_buffer[40]);
  SET_DR(7, control(0, RW_WRITE, LEN1));
  __asm__ volatile("cld\n.globl at_rep_stos\nat_rep_stos: rep stosb" :: "D"(stos_buffer), "c"(64), "a"(0x5a) : "memory");
  report("rep stosb");
  printf("  at the #DB: ecx=%d (41 of 64 bytes done); after it: byte 63 = %x\n", db_ecx, stos_buffer[63]);
  disarm();

  printf("a global breakpoint set in ring 0 sees ring 3\n");
  SET_DR(0, &watched[0]);
  SET_DR(7, control(0, RW_WRITE, LEN4));
  if (guard(&fault_guard) == 0) enter_user(user_code, (u32)(user_stack + 1024), 0x2);
  report("ring 3 write");
  disarm();

  if (sdm) {
    printf("general detect (DR7.GD)\n");
    SET_DR(7, DR7_GD);
    __asm__ volatile(".globl at_mov_dr\nat_mov_dr: mov %%dr0, %%eax" ::: "eax");
    report("mov from dr0");
    printf("  dr7 now %x\n", GET_DR(7));
    disarm();

    printf("a data hit under TF: one #DB with BS and B1\n");
    SET_DR(1, &watched[3]);
    SET_DR(7, control(1, RW_WRITE, LEN4));
    __asm__ volatile("pushfl; orl $0x100, (%%esp); popfl\n\tmovl $5, watched+12\n.globl after_step_write\nafter_step_write: nop" ::: "memory");
    report("pushf/popf TF, then the write");
    disarm();
  }

  printf("done\n");
  return 0;
}

__asm__(".text\n.globl user_code\nuser_code:\n"
        "\tmovl $9, watched\n"
        ".globl user_after_write\nuser_after_write:\n"
        "\tint $0x80\n");
