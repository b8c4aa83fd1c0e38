/* What every test kernel shares: COM1 output, isa-debug-exit, and a GDT/IDT/TSS laid out the way
 * Linux 2.6 lays them out (entries 12-15: __KERNEL_CS 0x60, __KERNEL_DS 0x68, __USER_CS 0x73,
 * __USER_DS 0x7b; the TSS at entry 16, 0x80). */
#ifndef TEST_KERNEL_LIB_H
#define TEST_KERNEL_LIB_H

typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

#define KERNEL_CS 0x60
#define KERNEL_DS 0x68
#define USER_CS 0x73
#define USER_DS 0x7b
#define TSS_SEL 0x80

/* The frame the common trap entry builds (see traps.S): pushed registers, then vector and error
 * code, then what the CPU pushed. user_esp/user_ss exist only when the trap came from ring 3. */
struct trap_frame {
  u32 edi, esi, ebp, esp_dummy, ebx, edx, ecx, eax;
  u32 ds, es;
  u32 vector, error_code;
  u32 eip, cs, eflags;
  u32 user_esp, user_ss;
};

struct tss {
  u32 link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
  u32 eax, ecx, edx, ebx, esp, ebp, esi, edi;
  u32 es, cs, ss, ds, fs, gs, ldt;
  u16 trap, iomap_base;
};

extern struct tss the_tss;

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void wrmsr(u32 msr, u32 lo, u32 hi) { __asm__ volatile("wrmsr" :: "c"(msr), "a"(lo), "d"(hi)); }
static inline u32 read_cr0(void) { u32 v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline u32 read_cr2(void) { u32 v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline void write_cr0(u32 v) { __asm__ volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline void write_cr3(u32 v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }

void serial_init(void);
void putc(char c);
void puts(const char *s);
void puthex(u32 v, int digits);
/* printf-lite: %x (8 digits), %4x style width, %s, %d, %c. */
void printf(const char *fmt, ...);
void debug_exit(u32 code) __attribute__((noreturn));

/* The GDT, IDT (vectors 0-31 to the common handler) and TSS (esp0 = the kernel stack). */
void setup_descriptors(void);
/* Point IDT entry `vector` at `handler` with gate `type` (0xE interrupt, 0xF trap) and `dpl`. */
void set_gate(int vector, void (*handler)(void), int type, int dpl);
/* The entry stub for a vector, as traps.S defines them (trap_entry_0 ... and trap_entry_128). */
extern void (*const trap_entries[256])(void);

/* Called by the common entry with the frame; returns to the frame (which it may edit). */
typedef void (*trap_handler_t)(struct trap_frame *);
extern trap_handler_t trap_handlers[256];
/* The default handler prints the trap and exits the test with code 0x7f. */
void default_trap(struct trap_frame *f);

/* Run `fn` in ring 3 on `user_stack_top` (iret to __USER_CS:fn). The user code ends by calling
 * back into the kernel; see the tests. */
void enter_user(void (*fn)(void), u32 user_stack_top, u32 eflags);

/* Catching an expected fault: guard() returns 0 first; when a fault handler calls resume(),
 * guard() returns again with 1, back in ring 0 on the kernel stack. */
struct guard_buf { u32 ebx, esi, edi, ebp, esp, eip; };
extern struct guard_buf fault_guard;
int guard(struct guard_buf *g) __attribute__((returns_twice));
void resume(struct guard_buf *g) __attribute__((noreturn));

/* GDT entry `index` (0-31) as two raw words; entries 12-16 are taken. */
void set_descriptor(int index, u32 low, u32 high);
/* IDT entry `vector` as a task gate to the TSS `tss_selector`. */
void set_task_gate(int vector, u16 tss_selector);

/* Whether the Multiboot loader passed a command line (`magic`, `info` as kmain gets them) with
 * `word` in it: the switches of a test kernel (`gate86 machine --append`, `qemu -append`). */
int cmdline_has(u32 magic, const void *info, const char *word);

#endif

/* Move the PIC vectors to 0x20-0x2f and mask every line except those in `unmasked` (bit n = IRQ n).
 * QEMU's BIOS leaves the PICs at 0x08/0x70 with its own mask; gate86 starts with no BIOS; after this
 * both machines are in the same state. */
void pic_remap(u16 unmasked);
/* Clear the P bit of IDT entry `vector` (an INT through it raises #NP(vector*8+2)). */
void clear_gate_present(int vector);
