// Every number the guest assembly and the TypeScript half of the kernel must agree on, written ONCE.
//
// Linux keeps these in C headers and generates asm-offsets.h from C structs at build time; gate86
// keeps them here and generates kernel/include/asm-offsets.h from this module (kernel/tools/
// asm-offsets.ts, run by scripts/build-30-kernel.ts). The assembly includes the header; the
// services import this file. Change a value here and both sides follow.

// ---------------------------------------------------------------------------------------------
// Segments: the GDT in Linux 2.6's layout (include/asm-i386/segment.h). SYSENTER and SYSEXIT do not
// read the GDT for SS or the user segments: they derive them from IA32_SYSENTER_CS as CS+8, CS+16,
// CS+24, so the four flat descriptors must sit in exactly this order (fidelity point 1).

export const GDT_ENTRY_TLS_MIN = 6;          // three TLS slots for set_thread_area: 6, 7, 8
export const GDT_ENTRY_TLS_ENTRIES = 3;
export const GDT_ENTRY_KERNEL_CS = 12;
export const GDT_ENTRY_KERNEL_DS = 13;
export const GDT_ENTRY_USER_CS = 14;
export const GDT_ENTRY_USER_DS = 15;
export const GDT_ENTRY_TSS = 16;
export const GDT_ENTRIES = 32;

export const __KERNEL_CS = GDT_ENTRY_KERNEL_CS * 8;          // 0x60
export const __KERNEL_DS = GDT_ENTRY_KERNEL_DS * 8;          // 0x68
export const __USER_CS = GDT_ENTRY_USER_CS * 8 + 3;          // 0x73
export const __USER_DS = GDT_ENTRY_USER_DS * 8 + 3;          // 0x7b
export const __TSS_SEL = GDT_ENTRY_TSS * 8;                  // 0x80

// ---------------------------------------------------------------------------------------------
// struct pt_regs: what SAVE_ALL leaves on the kernel stack (fidelity point 6). The CPU pushed the
// last five (EIP..OLDSS) for int $0x80; sysenter_entry pushes them itself (the "fake iret frame").

export const PT_EBX = 0x00;
export const PT_ECX = 0x04;
export const PT_EDX = 0x08;
export const PT_ESI = 0x0c;
export const PT_EDI = 0x10;
export const PT_EBP = 0x14;
export const PT_EAX = 0x18;
export const PT_DS = 0x1c;
export const PT_ES = 0x20;
export const PT_ORIG_EAX = 0x24;
export const PT_EIP = 0x28;
export const PT_CS = 0x2c;
export const PT_EFLAGS = 0x30;
export const PT_OLDESP = 0x34;
export const PT_OLDSS = 0x38;
export const PT_REGS_SIZE = 0x3c;

// ---------------------------------------------------------------------------------------------
// The per-CPU TSS (Linux 2.6.0's struct tss_struct): the 104-byte hardware TSS, then a small stack.
// IA32_SYSENTER_ESP and tss.esp1 point at the END of this structure (fidelity point 3), so the first
// instruction of sysenter_entry finds esp0 at a fixed negative offset from its ESP.

export const TSS_ESP0 = 0x04;
export const TSS_SS0 = 0x08;
export const TSS_ESP1 = 0x0c;
export const TSS_SS1 = 0x10;
export const TSS_IOMAP_BASE = 0x66;          // a 16-bit field
export const TSS_HW_SIZE = 0x68;             // 104 bytes: the descriptor's limit is TSS_HW_SIZE - 1
export const TSS_STACK_SIZE = 0x100;         // the 256-byte buffer seed 003 describes
export const TSS_SIZE = TSS_HW_SIZE + TSS_STACK_SIZE;
/** Where esp0 is, seen from the sysenter stack top (= the TSS end): movl TSS_ESP0_OFFSET(%esp),%esp */
export const TSS_ESP0_OFFSET = TSS_ESP0 - TSS_SIZE;

// ---------------------------------------------------------------------------------------------
// Kernel stacks and struct thread_info (Linux 2.6: at the bottom of each task's 8 KiB kernel stack,
// so `esp & ~(THREAD_SIZE-1)` finds it without any global).

export const THREAD_SIZE = 0x2000;
export const TI_TASK = 0x00;                 // the task's id in the TypeScript task table
export const TI_FLAGS = 0x08;
export const TI_CPU = 0x0c;
export const TI_PREEMPT_COUNT = 0x10;
/** The kernel ESP saved by schedule's switch (Linux keeps it in thread.esp). */
export const TI_KERNEL_ESP = 0x14;

// thread_info flags the exit path tests (Linux 2.6.0 numbering).
export const TIF_SYSCALL_TRACE = 0;
export const TIF_NOTIFY_RESUME = 1;
export const TIF_SIGPENDING = 2;
export const TIF_NEED_RESCHED = 3;
/** Return with iret: set by any service that edited pt_regs (execve, sigreturn, iopl): fidelity 9. */
export const TIF_IRET = 5;
/** Work done on the way back to user mode; TIF_IRET is in it so do_notify_resume clears it. */
export const _TIF_WORK_MASK = (1 << TIF_NOTIFY_RESUME) | (1 << TIF_SIGPENDING) | (1 << TIF_NEED_RESCHED) | (1 << TIF_IRET);
/** Anything at all that forbids the SYSEXIT fast path. */
export const _TIF_ALLWORK_MASK = _TIF_WORK_MASK | (1 << TIF_SYSCALL_TRACE);

// ---------------------------------------------------------------------------------------------
// Memory layout.

export const __PAGE_OFFSET = 0xc0000000;     // the kernel's half of every address space
export const PAGE_SIZE = 0x1000;
export const KERNEL_PHYS_START = 0x100000;   // where the Multiboot loader puts the image (1 MiB)
export const EARLY_MAPPED_BYTES = 0x800000;  // head.S maps physical 0..8 MiB at __PAGE_OFFSET
export const VSYSCALL_BASE = 0xffffe000;     // linux-gate.so.1
export const VSYSCALL_ENTRY = 0xffffe400;    // __kernel_vsyscall (AT_SYSINFO)
export const VSYSCALL_SYSENTER_RETURN = 0xffffe410;
/** SYSCALL_RETURN in the syscall flavour (vsyscall-syscall.S): syscall_entry's pt_regs EIP. */
export const VSYSCALL_SYSCALL_RETURN = 0xffffe408;
export const TASK_SIZE = __PAGE_OFFSET;
export const USER_STACK_TOP = __PAGE_OFFSET; // the initial user stack grows down from here

// Page table entry bits.
export const PTE_PRESENT = 0x001;
export const PTE_RW = 0x002;
export const PTE_USER = 0x004;
export const PTE_ACCESSED = 0x020;
export const PTE_DIRTY = 0x040;

// Control registers.
export const CR0_PE = 0x00000001;
export const CR0_MP = 0x00000002;           // WAIT/FWAIT obeys TS too
export const CR0_EM = 0x00000004;           // no FPU: every FPU instruction is #NM
export const CR0_TS = 0x00000008;           // task switched: the next FPU instruction is #NM (lazy FPU)
export const CR0_NE = 0x00000020;           // x87 errors as #MF (vector 16), not FERR#/IRQ 13
export const CR0_WP = 0x00010000;
export const CR0_AM = 0x00040000;           // EFLAGS.AC turns on alignment checking (#AC) at CPL 3
export const CR0_PG = 0x80000000;
export const X86_CR4_OSFXSR = 0x00000200;     // FXSAVE/FXRSTOR save the XMM state: SSE may run
export const X86_CR4_OSXMMEXCPT = 0x00000400; // unmasked SIMD exceptions come as #XM (vector 19)

// ---------------------------------------------------------------------------------------------
// CPU identification: struct cpuinfo_x86 (boot_cpu_data), filled by head.S with cpuid.

export const X86_FAMILY = 0x00;              // bytes
export const X86_MODEL = 0x01;
export const X86_STEPPING = 0x02;
export const X86_CPUID_LEVEL = 0x04;         // highest basic leaf, or -1 when there is no cpuid
export const X86_CAPABILITY = 0x08;          // word 0: leaf 1 EDX; word 1: leaf 0x80000001 EDX
export const X86_VENDOR_ID = 0x10;           // 12 chars + NUL
export const X86_SEP_VERDICT = 0x20;         // the stub chosen: 0 int $0x80, 1 sysenter, 2 syscall
/** The value of X86_SEP_VERDICT when enable_syscall_cpu opened the syscall door (AMD). */
export const VERDICT_SYSCALL = 2;
export const CPUINFO_SIZE = 0x24;
export const X86_FEATURE_SEP_BIT = 11;       // CPUID leaf 1 EDX bit 11
export const X86_FEATURE_SYSCALL_BIT = 11;   // CPUID 0x80000001 EDX bit 11 (capability word 1): SYSCALL/SYSRET
export const X86_FEATURE_FXSR_BIT = 24;      // FXSAVE/FXRSTOR
export const X86_FEATURE_XMM_BIT = 25;       // SSE
/** Linux 2.6.0 init_intel: SEP is unusable below family 6, model 3, stepping 3 (fidelity 4). */
export const SEP_MIN_SIGNATURE = 0x633;

// ---------------------------------------------------------------------------------------------
// Boot log events: head.S calls the boot_log gate with (event, a, b) as it reaches each step.

export const BOOT_GDT = 1;                   // a = __KERNEL_CS, b = __USER_CS
export const BOOT_IDT = 2;
export const BOOT_CPU = 3;                   // a = &boot_cpu_data
export const BOOT_VSYSCALL = 4;              // a = VSYSCALL_BASE, b = the stub (X86_SEP_VERDICT)
export const BOOT_WRMSR = 5;                 // a = MSR number, b = value (low half), c = high half

// ---------------------------------------------------------------------------------------------
// MSRs (seed 000/003).

export const MSR_IA32_SYSENTER_CS = 0x174;
export const MSR_IA32_SYSENTER_ESP = 0x175;
export const MSR_IA32_SYSENTER_EIP = 0x176;
// AMD's SYSCALL/SYSRET (AMD64 APM Vol. 2, 6.1.1): EFER.SCE enables them, STAR holds the selectors and the entry EIP.
export const MSR_EFER = 0xc0000080;
export const MSR_STAR = 0xc0000081;
export const EFER_SCE = 0x1;

// ---------------------------------------------------------------------------------------------
// Interrupt vectors.

export const SYSCALL_VECTOR = 0x80;
export const FIRST_EXTERNAL_VECTOR = 0x20;   // the PIC is programmed to deliver IRQ n at 0x20 + n
export const NR_IRQS = 16;

// ---------------------------------------------------------------------------------------------
// errno values (Linux i386, include/asm-generic/errno-base.h and errno.h).

export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EIO = 5;
export const EBADF = 9;
export const ECHILD = 10;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EEXIST = 17;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const ENOTTY = 25;
export const ESPIPE = 29;
export const ERANGE = 34;
export const EDEADLK = 35;
export const ENAMETOOLONG = 36;
export const ENOSYS = 38;
export const ENXIO = 6;
export const E2BIG = 7;
export const ENOEXEC = 8;
export const ENOTBLK = 15;
export const EBUSY = 16;
export const EXDEV = 18;
export const ENODEV = 19;
export const ENFILE = 23;
export const EMFILE = 24;
export const ETXTBSY = 26;
export const EFBIG = 27;
export const ENOSPC = 28;
export const EROFS = 30;
export const EMLINK = 31;
export const EPIPE = 32;
export const ENOTEMPTY = 39;
export const ELOOP = 40;
export const EOVERFLOW = 75;
export const ENOTSOCK = 88;
export const EOPNOTSUPP = 95;
export const ETIMEDOUT = 110;
export const ERESTARTSYS = 512;
export const ERESTARTNOINTR = 513;
export const ERESTARTNOHAND = 514;
/** Restart through restart_syscall (number 0) and the task's restart block: a sleep's time left. */
export const ERESTART_RESTARTBLOCK = 516;
/**
 * Not an errno any program sees: a service returns -ESLEEPING after sleepOn() (kernel/sched/wait.ts)
 * queued the task; entry.S then calls schedule and, once the task is woken, the service again.
 */
export const ESLEEPING = 600;

// ---------------------------------------------------------------------------------------------
// What goes into the generated header, in order. Names are emitted exactly as written here.

export const ASM_CONSTANTS: Record<string, number> = {
  GDT_ENTRY_TLS_MIN, GDT_ENTRY_TLS_ENTRIES, GDT_ENTRY_KERNEL_CS, GDT_ENTRY_KERNEL_DS,
  GDT_ENTRY_USER_CS, GDT_ENTRY_USER_DS, GDT_ENTRY_TSS, GDT_ENTRIES,
  __KERNEL_CS, __KERNEL_DS, __USER_CS, __USER_DS, __TSS_SEL,
  EBX: PT_EBX, ECX: PT_ECX, EDX: PT_EDX, ESI: PT_ESI, EDI: PT_EDI, EBP: PT_EBP, EAX: PT_EAX,
  DS: PT_DS, ES: PT_ES, ORIG_EAX: PT_ORIG_EAX, EIP: PT_EIP, CS: PT_CS, EFLAGS: PT_EFLAGS,
  OLDESP: PT_OLDESP, OLDSS: PT_OLDSS, PT_REGS_SIZE,
  TSS_ESP0, TSS_SS0, TSS_ESP1, TSS_SS1, TSS_IOMAP_BASE, TSS_HW_SIZE, TSS_STACK_SIZE, TSS_SIZE,
  TSS_ESP0_OFFSET,
  THREAD_SIZE, TI_TASK, TI_FLAGS, TI_CPU, TI_PREEMPT_COUNT, TI_KERNEL_ESP,
  TIF_SYSCALL_TRACE, TIF_NOTIFY_RESUME, TIF_SIGPENDING, TIF_NEED_RESCHED, TIF_IRET,
  _TIF_WORK_MASK, _TIF_ALLWORK_MASK,
  __PAGE_OFFSET, PAGE_SIZE, KERNEL_PHYS_START, EARLY_MAPPED_BYTES, VSYSCALL_BASE, VSYSCALL_ENTRY,
  VSYSCALL_SYSENTER_RETURN, VSYSCALL_SYSCALL_RETURN,
  PTE_PRESENT, PTE_RW, PTE_USER, CR0_PE, CR0_MP, CR0_EM, CR0_TS, CR0_NE, CR0_WP, CR0_AM, CR0_PG, X86_CR4_OSFXSR, X86_CR4_OSXMMEXCPT,
  X86_FAMILY, X86_MODEL, X86_STEPPING, X86_CPUID_LEVEL, X86_CAPABILITY, X86_VENDOR_ID,
  X86_SEP_VERDICT, VERDICT_SYSCALL, CPUINFO_SIZE, X86_FEATURE_SEP_BIT, X86_FEATURE_SYSCALL_BIT, X86_FEATURE_FXSR_BIT, X86_FEATURE_XMM_BIT, SEP_MIN_SIGNATURE,
  MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_EFER, MSR_STAR, EFER_SCE,
  BOOT_GDT, BOOT_IDT, BOOT_CPU, BOOT_VSYSCALL, BOOT_WRMSR,
  SYSCALL_VECTOR, FIRST_EXTERNAL_VECTOR, NR_IRQS,
  EFAULT, ENOSYS, ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ESLEEPING,
};
