/*
 * head.S: the first guest instructions of the gate86 kernel, from the Multiboot loader's jump to the
 * first user program. Everything the seeds describe about booting happens here, in instructions a
 * student can single-step (`gate86 boot --trace`):
 *
 *   startup_32       paging off, flat segments from the loader. Build the early page tables (physical
 *                    0..8 MiB mapped both at 0 and at __PAGE_OFFSET), turn paging on, jump high.
 *   startup_high     load our GDT (Linux 2.6's layout: __KERNEL_CS 0x60 .. __USER_DS 0x7b), reload
 *                    every segment register, drop the identity mapping, set up the TSS and the IDT.
 *   identify_cpu     cpuid into boot_cpu_data; Linux 2.6.0's Pentium Pro rule (fidelity point 4).
 *   check_fpu        CR0.MP/NE/TS (lazy FPU), CR4.OSFXSR and OSXMMEXCPT where CPUID has FXSR and SSE.
 *   enable_syscall_cpu  AMD's third door, only when SYSCALL_DOOR is 1 (below): EFER.SCE and STAR.
 *   sysenter_setup   copy the syscall, sysenter or int80 linux-gate.so.1 into the page at 0xffffe000.
 *   enable_sep_cpu   tss.ss1/esp1 and the three wrmsr of seed 000 (fidelity point 3).
 *   start_init       ask the TypeScript half to exec the first program into a pt_regs frame at the
 *                    top of this stack, then leave through the ordinary system call exit (iret).
 *
 * The kernel is linked at __PAGE_OFFSET + 1 MiB and loaded at 1 MiB, so until paging is on every
 * data address must be written `sym - __PAGE_OFFSET` (its physical address). Code before the jump
 * high only uses relative jumps and calls, which work at either address.
 */
#include "asm-offsets.h"

#define PHYS(sym)	((sym) - __PAGE_OFFSET)

/*
 * SYSCALL_DOOR: 1 lets enable_syscall_cpu open AMD's SYSCALL/SYSRET door on a CPU that has it (the
 * Athlon XP), and sysenter_setup then maps the syscall stub (vsyscall-syscall.S) instead of the
 * sysenter one. The shipped kernel says 0: Linux 2.6 on i386 never used SYSCALL — the Athlon has a
 * working SYSENTER, and SYSCALL's legacy mode switches no stack (see docs/labs/syscall-insn.md).
 * The syscall-insn lab turns it on.
 */
#define SYSCALL_DOOR	0

/* IDT gate type words (the high half of the descriptor's second dword, SDM Vol. 3A 6.11). */
#define INTR_GATE	0x8e00		/* present, DPL 0, 32-bit interrupt gate: IF cleared on entry */
#define TRAP_GATE	0x8f00		/* present, DPL 0, 32-bit trap gate: IF kept */
#define SYSTEM_GATE	0xef00		/* present, DPL 3, 32-bit trap gate: `int $n` allowed from ring 3 */

/* The Multiboot v1 header: magic, flags (page-align modules, give us the memory sizes), checksum. */
#define MULTIBOOT_MAGIC	0x1badb002
#define MULTIBOOT_FLAGS	0x00000003
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002

	.section .multiboot, "a"
	.balign 4
	.long	MULTIBOOT_MAGIC
	.long	MULTIBOOT_FLAGS
	.long	-(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

	.section .text.head, "ax"
	.globl	_start
	.globl	startup_32
_start:
startup_32:
	cld
	cli
	/* The loader left EAX = 0x2BADB002 and EBX = the Multiboot information (physical). Keep both. */
	movl	%eax, PHYS(multiboot_magic)
	movl	%ebx, PHYS(multiboot_info)

	/* Clear .bss: the page tables, the stacks and boot_cpu_data live there. */
	movl	$PHYS(__bss_start), %edi
	movl	$PHYS(_end), %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep
	stosb

	/*
	 * pg0 is two page tables back to back: 2048 entries mapping physical 0..8 MiB, present and
	 * writable, supervisor only (no PTE_USER: user code can never touch the kernel's half).
	 */
	movl	$PHYS(pg0), %edi
	movl	$(PTE_PRESENT + PTE_RW), %eax
1:	stosl
	addl	$PAGE_SIZE, %eax
	cmpl	$(EARLY_MAPPED_BYTES + PTE_PRESENT + PTE_RW), %eax
	jb	1b

	/*
	 * swapper_pg_dir: the same two tables at directory slots 0-1 (identity: the instruction after
	 * `mov %eax,%cr0` is still fetched at its physical address) and 768-769 (= 0xC0000000 >> 22).
	 */
	movl	$PHYS(swapper_pg_dir), %edi
	movl	$(PHYS(pg0) + PTE_PRESENT + PTE_RW), %eax
	movl	%eax, 0(%edi)
	movl	%eax, (__PAGE_OFFSET >> 20)(%edi)
	addl	$PAGE_SIZE, %eax
	movl	%eax, 4(%edi)
	movl	%eax, ((__PAGE_OFFSET >> 20) + 4)(%edi)

	/* Paging on. CR0.WP too: the kernel honours read-only pages (the vsyscall page) like users do. */
	movl	$PHYS(swapper_pg_dir), %eax
	movl	%eax, %cr3
	movl	%cr0, %eax
	orl	$(CR0_PG + CR0_WP), %eax
	movl	%eax, %cr0
	movl	$startup_high, %eax		/* an absolute address: 0xC01xxxxx */
	jmp	*%eax

	.text
startup_high:
	movl	$(init_thread_union + THREAD_SIZE), %esp
	call	setup_gdt
	call	setup_tss
	call	setup_idt
	call	setup_pic
	call	setup_pit
	pushl	$0
	pushl	$0
	pushl	$BOOT_IDT
	call	boot_log
	addl	$12, %esp

	call	identify_cpu
	call	check_fpu
#if SYSCALL_DOOR
	call	enable_syscall_cpu		/* before sysenter_setup: it decides the stub */
#endif
	call	sysenter_setup
	call	enable_sep_cpu
	jmp	start_init

/*
 * The GDT. Entries 12-15 are the four flat 4 GiB segments in the order SYSENTER and SYSEXIT
 * assume (fidelity point 1): kernel code, kernel data = code + 8, user code = code + 16, user data
 * = code + 24. Entry 16 is the TSS, filled in at run time (its base is a link-time address whose
 * bytes the descriptor scatters over three fields). Entries 6-8 are the TLS slots of
 * set_thread_area.
 */
setup_gdt:
	lgdt	gdt_descr
	ljmp	$__KERNEL_CS, $1f		/* reload CS from the new table */
1:	movl	$__KERNEL_DS, %eax
	movl	%eax, %ss			/* SS first, then the data segments */
	movl	%eax, %ds
	movl	%eax, %es
	xorl	%eax, %eax
	movl	%eax, %fs			/* the null selector: user TLS loads its own %gs */
	movl	%eax, %gs
	/* The identity mapping has done its job; drop it so low addresses are free for users. */
	movl	%eax, swapper_pg_dir
	movl	%eax, swapper_pg_dir + 4
	movl	%cr3, %eax
	movl	%eax, %cr3			/* flush the TLB */
	pushl	$__USER_CS
	pushl	$__KERNEL_CS
	pushl	$BOOT_GDT
	call	boot_log
	addl	$12, %esp
	ret

/*
 * The per-CPU TSS (init_tss). The CPU reads ss0:esp0 on every ring 3 -> 0 transition through a gate
 * (int $0x80, an IRQ, a fault); the scheduler rewrites esp0 at each task switch. The TSS is also
 * where sysenter_entry finds that esp0 (see enable_sep_cpu and entry.S).
 */
setup_tss:
	movl	$init_tss, %eax
	movw	%ax, gdt_table + GDT_ENTRY_TSS * 8 + 2		/* base 15..0 */
	shrl	$16, %eax
	movb	%al, gdt_table + GDT_ENTRY_TSS * 8 + 4		/* base 23..16 */
	movb	%ah, gdt_table + GDT_ENTRY_TSS * 8 + 7		/* base 31..24 */
	movl	$(init_thread_union + THREAD_SIZE), init_tss + TSS_ESP0
	movl	$__KERNEL_DS, init_tss + TSS_SS0
	/* An I/O map base past the limit: no bitmap, so port I/O at CPL 3 needs IOPL 3. */
	movw	$TSS_HW_SIZE, init_tss + TSS_IOMAP_BASE
	movl	$__TSS_SEL, %eax
	ltr	%ax
	ret

/*
 * The IDT: first every vector an interrupt gate to ignore_int (present, DPL 0, so a stray `int $n`
 * from ring 3 raises #GP(n*8+2): fidelity point 12), then the gates listed in idt_gates.
 */
setup_idt:
	xorl	%eax, %eax
1:	movl	$ignore_int, %edx
	movl	$INTR_GATE, %ecx
	call	set_gate
	incl	%eax
	cmpl	$256, %eax
	jb	1b
	movl	$idt_gates, %esi
2:	movl	0(%esi), %eax			/* vector, or -1 at the end */
	cmpl	$-1, %eax
	je	3f
	movl	4(%esi), %edx			/* handler */
	movl	8(%esi), %ecx			/* gate type */
	call	set_gate
	addl	$12, %esi
	jmp	2b
3:	lidt	idt_descr
	ret

/*
 * set_gate: %eax = vector, %edx = handler, %ecx = type word. A gate is
 *   dword 0: selector (31..16) | offset 15..0     dword 1: offset 31..16 | type (P, DPL, 0x0e/0x0f)
 */
set_gate:
	pushl	%ebx
	leal	idt_table(,%eax,8), %edi
	movl	%edx, %ebx
	andl	$0x0000ffff, %ebx
	orl	$(__KERNEL_CS << 16), %ebx
	movl	%ebx, 0(%edi)
	andl	$0xffff0000, %edx
	orl	%ecx, %edx
	movl	%edx, 4(%edi)
	popl	%ebx
	ret

/*
 * The 8259A pair: IRQ 0-7 at vectors 0x20-0x27, IRQ 8-15 at 0x28-0x2f (the BIOS default, 0x08,
 * collides with the CPU's exceptions). Every line starts masked; drivers unmask theirs.
 */
setup_pic:
	movb	$0x11, %al			/* ICW1: edge triggered, cascade, ICW4 follows */
	outb	%al, $0x20
	outb	%al, $0xa0
	movb	$FIRST_EXTERNAL_VECTOR, %al	/* ICW2: vector base */
	outb	%al, $0x21
	movb	$(FIRST_EXTERNAL_VECTOR + 8), %al
	outb	%al, $0xa1
	movb	$0x04, %al			/* ICW3: slave on IRQ 2 */
	outb	%al, $0x21
	movb	$0x02, %al			/* ICW3: slave identity 2 */
	outb	%al, $0xa1
	movb	$0x01, %al			/* ICW4: 8086 mode */
	outb	%al, $0x21
	outb	%al, $0xa1
	movb	$0xfa, %al			/* unmask IRQ 0 (the PIT) and IRQ 2 (the cascade) */
	outb	%al, $0x21
	movb	$0xff, %al
	outb	%al, $0xa1
	ret

/*
 * The 8254 PIT, channel 0, mode 2 (rate generator) at HZ = 100: its IRQ 0 is the scheduler's tick
 * (do_IRQ asks for a reschedule when another task is runnable). 1193182 Hz / 100 = 11932.
 */
#define PIT_LATCH	11932
setup_pit:
	movb	$0x34, %al			/* channel 0, low byte then high byte, mode 2, binary */
	outb	%al, $0x43
	movb	$(PIT_LATCH & 0xff), %al
	outb	%al, $0x40
	movb	$(PIT_LATCH >> 8), %al
	outb	%al, $0x40
	ret

/*
 * check_fpu: what Linux 2.6.0's check_fpu (include/asm-i386/bugs.h) does for the SIMD unit once the
 * CPU is identified. With FXSR, CR4.OSFXSR says the kernel saves FPU state with FXSAVE, which
 * covers the XMM registers and MXCSR: without it every SSE instruction raises #UD (and glibc picks
 * its SSE2 string functions from CPUID alone). With SSE, CR4.OSXMMEXCPT routes an unmasked SIMD
 * floating-point exception to simd_coprocessor_error (#XM, vector 19: SIGFPE) instead of #UD.
 * Models without CR4 (the 486) have neither feature.
 */
check_fpu:
	/* CR0 as Linux runs: MP (WAIT obeys TS), NE (x87 errors are #MF), EM clear (an FPU is there),
	 * and TS set, as cpu_init's stts(): no task owns the FPU yet, so the first FPU instruction of
	 * any task is #NM and loads that task's state (kernel/fpu.ts). AM too (2.6's head.S sets it on
	 * every 486 and later: "set AM, WP, NE and MP"): a user program that sets EFLAGS.AC gets #AC,
	 * SIGBUS, for a misaligned access; the kernel's own, at CPL 0, are never checked. */
	movl	%cr0, %eax
	andl	$~CR0_EM, %eax
	orl	$(CR0_MP + CR0_NE + CR0_TS + CR0_AM), %eax
	movl	%eax, %cr0
	movl	boot_cpu_data + X86_CAPABILITY, %edx
	testl	$((1 << X86_FEATURE_FXSR_BIT) | (1 << X86_FEATURE_XMM_BIT)), %edx
	jz	3f				/* neither: leave CR4 alone (the 486 has none) */
	movl	%cr4, %eax
	testl	$(1 << X86_FEATURE_FXSR_BIT), %edx
	jz	1f
	orl	$X86_CR4_OSFXSR, %eax
1:	testl	$(1 << X86_FEATURE_XMM_BIT), %edx
	jz	2f
	orl	$X86_CR4_OSXMMEXCPT, %eax
2:	movl	%eax, %cr4
3:	ret

/*
 * identify_cpu: fill boot_cpu_data as Linux's identify_cpu/generic_identify does.
 *   - Is there a CPUID instruction? EFLAGS.ID (bit 21) can be toggled only when there is.
 *   - leaf 0: the highest basic leaf and the 12-byte vendor string (EBX, EDX, ECX).
 *   - leaf 1: EAX = family (11..8), model (7..4), stepping (3..0); EDX = capability word 0.
 *   - leaf 0x80000001 EDX (when the extended range exists) = capability word 1.
 * Then init_intel's rule (fidelity point 4), for Intel parts only: the Pentium Pro reports SEP but
 * its SYSENTER does not work, so clear SEP when (family << 8 | model << 4 | stepping) < 0x633.
 */
identify_cpu:
	pushl	%ebx
	movl	$-1, boot_cpu_data + X86_CPUID_LEVEL
	pushfl
	popl	%eax
	movl	%eax, %ecx
	xorl	$0x00200000, %eax
	pushl	%eax
	popfl
	pushfl
	popl	%eax
	pushl	%ecx
	popfl					/* put EFLAGS back */
	xorl	%ecx, %eax
	testl	$0x00200000, %eax
	jz	.Lidentified			/* no CPUID: a 386 or an early 486 */

	xorl	%eax, %eax
	cpuid
	movl	%eax, boot_cpu_data + X86_CPUID_LEVEL
	movl	%ebx, boot_cpu_data + X86_VENDOR_ID
	movl	%edx, boot_cpu_data + X86_VENDOR_ID + 4
	movl	%ecx, boot_cpu_data + X86_VENDOR_ID + 8
	cmpl	$1, %eax
	jb	.Lidentified

	movl	$1, %eax
	cpuid
	movl	%edx, boot_cpu_data + X86_CAPABILITY
	movl	%eax, %ecx
	andb	$0x0f, %cl
	movb	%cl, boot_cpu_data + X86_STEPPING
	movl	%eax, %ecx
	shrl	$4, %ecx
	andb	$0x0f, %cl
	movb	%cl, boot_cpu_data + X86_MODEL
	movl	%eax, %ecx
	shrl	$8, %ecx
	andl	$0x0f, %ecx
	cmpl	$0x0f, %ecx			/* family 15 adds the extended family (bits 27..20) */
	jne	1f
	movl	%eax, %edx
	shrl	$20, %edx
	andl	$0xff, %edx
	addl	%edx, %ecx
1:	movb	%cl, boot_cpu_data + X86_FAMILY

	movl	$0x80000000, %eax
	cpuid
	andl	$0xffff0000, %eax
	cmpl	$0x80000000, %eax		/* an old CPU echoes something else here */
	jne	2f
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	2f
	movl	$0x80000001, %eax
	cpuid
	movl	%edx, boot_cpu_data + X86_CAPABILITY + 4
2:
	/* init_intel: only for "GenuineIntel". */
	cmpl	$0x756e6547, boot_cpu_data + X86_VENDOR_ID	/* "Genu" */
	jne	.Lidentified
	cmpl	$0x49656e69, boot_cpu_data + X86_VENDOR_ID + 4	/* "ineI" */
	jne	.Lidentified
	cmpl	$0x6c65746e, boot_cpu_data + X86_VENDOR_ID + 8	/* "ntel" */
	jne	.Lidentified
	movzbl	boot_cpu_data + X86_FAMILY, %eax
	shll	$4, %eax
	orb	boot_cpu_data + X86_MODEL, %al
	shll	$4, %eax
	orb	boot_cpu_data + X86_STEPPING, %al
	cmpl	$SEP_MIN_SIGNATURE, %eax
	jae	.Lidentified
	/* Older than the Pentium II 6/3/3: whatever CPUID says, SEP is not usable. */
	andl	$~(1 << X86_FEATURE_SEP_BIT), boot_cpu_data + X86_CAPABILITY
.Lidentified:
	pushl	$0
	pushl	$boot_cpu_data
	pushl	$BOOT_CPU
	call	boot_log
	addl	$12, %esp
	popl	%ebx
	ret

/*
 * sysenter_setup (Linux 2.6.0 arch/i386/kernel/sysenter.c): choose the __kernel_vsyscall flavour
 * from the surviving SEP bit, copy that prelinked linux-gate.so.1 into vsyscall_page, and map the
 * page at 0xffffe000 user-readable and executable but not writable. The mapping lives in the
 * kernel's half of the page directory, which every address space shares. When enable_syscall_cpu
 * has opened AMD's door (X86_SEP_VERDICT = VERDICT_SYSCALL), the syscall flavour wins.
 */
sysenter_setup:
	pushl	%esi
	pushl	%edi
	cmpl	$VERDICT_SYSCALL, boot_cpu_data + X86_SEP_VERDICT
	jne	2f
	movl	$vsyscall_syscall_start, %esi
	movl	$vsyscall_syscall_end, %ecx
	jmp	1f
2:	movl	$vsyscall_int80_start, %esi
	movl	$vsyscall_int80_end, %ecx
	movl	$0, boot_cpu_data + X86_SEP_VERDICT
	testl	$(1 << X86_FEATURE_SEP_BIT), boot_cpu_data + X86_CAPABILITY
	jz	1f
	movl	$vsyscall_sysenter_start, %esi
	movl	$vsyscall_sysenter_end, %ecx
	movl	$1, boot_cpu_data + X86_SEP_VERDICT
1:	subl	%esi, %ecx
	movl	$vsyscall_page, %edi
	rep
	movsb
	/* PTE 1022 of the last page table = 0xffffe000. Present + user, no RW: read-only for all. */
	movl	$(PHYS(vsyscall_page) + PTE_PRESENT + PTE_USER), pg_fixmap + ((VSYSCALL_BASE >> 12) & 1023) * 4
	/* PDE 1023 = 0xffc00000..0xffffffff. The PDE allows user access; each PTE decides. */
	movl	$(PHYS(pg_fixmap) + PTE_PRESENT + PTE_RW + PTE_USER), swapper_pg_dir + 1023 * 4
	movl	%cr3, %eax
	movl	%eax, %cr3
	pushl	boot_cpu_data + X86_SEP_VERDICT
	pushl	$VSYSCALL_BASE
	pushl	$BOOT_VSYSCALL
	call	boot_log
	addl	$12, %esp
	popl	%edi
	popl	%esi
	ret

/*
 * enable_sep_cpu (seed 000, Linux 2.6.0): only when SEP survived identify_cpu.
 *   tss.ss1  = __KERNEL_CS    the TSS caches IA32_SYSENTER_CS in the unused ring-1 fields
 *   tss.esp1 = end of the TSS the 256-byte stack area at the TSS's end (seed 003)
 *   wrmsr 0x174 (SYSENTER_CS)  = __KERNEL_CS; SYSENTER derives SS = CS + 8 from it
 *   wrmsr 0x175 (SYSENTER_ESP) = that TSS end: NOT a kernel stack; sysenter_entry's first
 *                                instruction swaps it for tss.esp0 (fidelity point 3)
 *   wrmsr 0x176 (SYSENTER_EIP) = sysenter_entry
 * EDX (the MSR's high half) is always 0.
 */
enable_sep_cpu:
	testl	$(1 << X86_FEATURE_SEP_BIT), boot_cpu_data + X86_CAPABILITY
	jz	1f
	movl	$__KERNEL_CS, init_tss + TSS_SS1
	movl	$(init_tss + TSS_SIZE), init_tss + TSS_ESP1
	movl	$MSR_IA32_SYSENTER_CS, %ecx
	movl	init_tss + TSS_SS1, %eax
	call	wrmsr_logged
	movl	$MSR_IA32_SYSENTER_ESP, %ecx
	movl	init_tss + TSS_ESP1, %eax
	call	wrmsr_logged
	movl	$MSR_IA32_SYSENTER_EIP, %ecx
	movl	$sysenter_entry, %eax
	call	wrmsr_logged
1:	ret

/*
 * enable_syscall_cpu: AMD's SYSCALL/SYSRET, legacy mode (AMD64 APM Vol. 2 6.1.1, Vol. 3 "SYSCALL").
 * Only on an AMD CPU (Linux x86-64's init_amd: Intel parts clear the bit outside 64-bit mode) whose
 * CPUID 0x80000001 EDX has bit 11 (capability word 1):
 *   wrmsr 0xc0000081 (STAR) = EDX:EAX
 *       EAX = STAR[31:0]  = syscall_entry, the entry EIP
 *       EDX = STAR[47:32] = __KERNEL_CS: SYSCALL's CS; SS = CS + 8 = __KERNEL_DS
 *             STAR[63:48] = __USER_CS & ~3 = 0x70: SYSRET's CS = 0x70 | 3 = __USER_CS, SS = 0x78 | 3
 *             = __USER_DS — the GDT's order (kernel code, kernel data, user code, user data) fits.
 *   wrmsr 0xc0000080 (EFER) |= SCE (bit 0): without it SYSCALL and SYSRET are #UD.
 * STAR first, so that SYSCALL is never enabled with a null entry. Then X86_SEP_VERDICT =
 * VERDICT_SYSCALL tells sysenter_setup to map the syscall stub. The SYSENTER MSRs are still written
 * by enable_sep_cpu: the Athlon keeps both doors, the page offers one.
 */
enable_syscall_cpu:
	testl	$(1 << X86_FEATURE_SYSCALL_BIT), boot_cpu_data + X86_CAPABILITY + 4
	jz	9f
	cmpl	$0x68747541, boot_cpu_data + X86_VENDOR_ID	/* "Auth" */
	jne	9f
	cmpl	$0x69746e65, boot_cpu_data + X86_VENDOR_ID + 4	/* "enti" */
	jne	9f
	cmpl	$0x444d4163, boot_cpu_data + X86_VENDOR_ID + 8	/* "cAMD" */
	jne	9f
	movl	$MSR_STAR, %ecx
	movl	$syscall_entry, %eax
	movl	$(((__USER_CS & ~3) << 16) | __KERNEL_CS), %edx
	call	wrmsr64_logged
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_SCE, %eax
	call	wrmsr64_logged
	movl	$VERDICT_SYSCALL, boot_cpu_data + X86_SEP_VERDICT
9:	ret

/* wrmsr with EDX = 0 (or EDX:EAX, wrmsr64_logged), then tell the boot log which MSR got which value. */
wrmsr_logged:
	xorl	%edx, %edx
wrmsr64_logged:
	wrmsr
	pushl	%edx
	pushl	%eax
	pushl	%ecx
	pushl	$BOOT_WRMSR
	call	boot_log
	addl	$16, %esp
	ret

/*
 * start_init: the first user process runs on this stack (init_thread_union), as Linux's init does.
 * Its pt_regs frame sits at the very top, where a ring 3 -> 0 transition would have put it. The
 * TypeScript exec (kernel/exec.ts) loads the program and fills the frame: EIP = the ELF entry, ESP =
 * the new user stack, CS/SS/DS/ES = the user segments, EFLAGS = 0x202, every other register 0 — and
 * sets TIF_IRET, so the ordinary exit path below leaves through `iret` (fidelity points 9, 11).
 */
start_init:
	movl	$(init_thread_union + THREAD_SIZE - PT_REGS_SIZE), %esp
	pushl	%esp				/* the pt_regs to fill */
	call	kernel_init
	addl	$4, %esp
	testl	%eax, %eax
	jnz	1f
	movl	$-THREAD_SIZE, %ebp
	andl	%esp, %ebp			/* GET_THREAD_INFO(%ebp), as the exit path expects */
	jmp	resume_userspace
1:	cli					/* no program to run: stop here */
	hlt
	jmp	1b

/* ---------------------------------------------------------------------------------------------- */

	.data
	.balign	8
	.globl	gdt_table
gdt_table:
	/* Each descriptor is two .longs: low dword (limit 15..0, base 15..0), high dword (base 31..24,
	   G/D/limit 19..16, P/DPL/S/type, base 23..16). Flat: base 0, limit 0xfffff pages, G=1, D=1. */
	.fill	12, 8, 0			/* 0: null; 1-5: unused (Linux: APM, PnP BIOS); 6-8: TLS
						   (set_thread_area writes them); 9-11: unused */
	.long	0x0000ffff, 0x00cf9a00		/* 12 0x60 __KERNEL_CS: DPL 0, code, execute/read */
	.long	0x0000ffff, 0x00cf9200		/* 13 0x68 __KERNEL_DS: DPL 0, data, read/write */
	.long	0x0000ffff, 0x00cffa00		/* 14 0x73 __USER_CS:   DPL 3, code, execute/read */
	.long	0x0000ffff, 0x00cff200		/* 15 0x7b __USER_DS:   DPL 3, data, read/write */
	.long	TSS_HW_SIZE - 1, 0x00008900	/* 16 0x80 TSS: 32-bit available, base set at boot */
	.fill	GDT_ENTRIES - 17, 8, 0
gdt_end:

	.balign	4
	.word	0
gdt_descr:
	.word	GDT_ENTRIES * 8 - 1
	.long	gdt_table

	.word	0
idt_descr:
	.word	256 * 8 - 1
	.long	idt_table

	.globl	multiboot_magic, multiboot_info
multiboot_magic:
	.long	0
multiboot_info:
	.long	0

/* The gates head.S installs: vector, handler, type (Linux 2.6.0's trap_init). */
	.section .rodata
	.balign	4
idt_gates:
	.long	0, divide_error, TRAP_GATE
	.long	1, debug, INTR_GATE
	.long	2, nmi, INTR_GATE
	.long	3, int3, SYSTEM_GATE			/* int3, into and bound may be used from ring 3 */
	.long	4, overflow, SYSTEM_GATE
	.long	5, bounds, SYSTEM_GATE
	.long	6, invalid_op, TRAP_GATE
	.long	7, device_not_available, TRAP_GATE
	.long	8, double_fault, INTR_GATE		/* Linux uses a task gate; see docs/kernel.md */
	.long	9, coprocessor_segment_overrun, TRAP_GATE
	.long	10, invalid_TSS, TRAP_GATE
	.long	11, segment_not_present, TRAP_GATE
	.long	12, stack_segment, TRAP_GATE
	.long	13, general_protection, TRAP_GATE
	.long	14, page_fault, INTR_GATE		/* CR2 must be read before another #PF */
	.long	15, spurious_interrupt_bug, TRAP_GATE
	.long	16, coprocessor_error, TRAP_GATE
	.long	17, alignment_check, TRAP_GATE
	.long	18, machine_check, TRAP_GATE
	.long	19, simd_coprocessor_error, TRAP_GATE
	.long	0x20, irq0, INTR_GATE
	.long	0x21, irq1, INTR_GATE
	.long	0x22, irq2, INTR_GATE
	.long	0x23, irq3, INTR_GATE
	.long	0x24, irq4, INTR_GATE
	.long	0x25, irq5, INTR_GATE
	.long	0x26, irq6, INTR_GATE
	.long	0x27, irq7, INTR_GATE
	.long	0x28, irq8, INTR_GATE
	.long	0x29, irq9, INTR_GATE
	.long	0x2a, irq10, INTR_GATE
	.long	0x2b, irq11, INTR_GATE
	.long	0x2c, irq12, INTR_GATE
	.long	0x2d, irq13, INTR_GATE
	.long	0x2e, irq14, INTR_GATE
	.long	0x2f, irq15, INTR_GATE
	.long	SYSCALL_VECTOR, system_call, SYSTEM_GATE	/* int $0x80: DPL 3 trap gate (fidelity 12) */
	.long	-1

/* ---------------------------------------------------------------------------------------------- */

	.section .bss.page_aligned, "aw", @nobits
	/*
	 * THREAD_SIZE-aligned, as every kernel stack must be: `esp & ~(THREAD_SIZE-1)` finds thread_info.
	 * (Page alignment alone put it on an odd page whenever the sections before it grew by a page.)
	 */
	.balign	THREAD_SIZE
	.globl	swapper_pg_dir, pg0, pg_fixmap, vsyscall_page, init_thread_union
init_thread_union:				/* task 1's thread_info and kernel stack (8 KiB) */
	.skip	THREAD_SIZE
swapper_pg_dir:					/* the kernel's page directory */
	.skip	PAGE_SIZE
pg0:						/* two page tables: physical 0..8 MiB */
	.skip	2 * PAGE_SIZE
pg_fixmap:					/* the last page table: 0xffc00000.. (the vsyscall page) */
	.skip	PAGE_SIZE
vsyscall_page:					/* linux-gate.so.1, mapped at 0xffffe000 */
	.skip	PAGE_SIZE

	.bss
	.balign	8
	.globl	idt_table, init_tss, boot_cpu_data
idt_table:
	.skip	256 * 8
	.balign	32
init_tss:					/* struct tss_struct: hardware TSS + a 256-byte stack */
	.skip	TSS_SIZE
	.balign	4
boot_cpu_data:					/* struct cpuinfo_x86 */
	.skip	CPUINFO_SIZE
