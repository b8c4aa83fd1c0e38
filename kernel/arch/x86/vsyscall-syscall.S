/*
 * __kernel_vsyscall, the syscall flavour: AMD's third door (SYSCALL/SYSRET, legacy mode), mapped at
 * 0xffffe400 only when head.S's enable_syscall_cpu opened it (an AMD CPU with CPUID 0x80000001 EDX
 * bit 11, and SYSCALL_DOOR set in head.S; the shipped kernel leaves it 0 and keeps sysenter, as
 * Linux 2.6 on i386 did). The syscall-insn lab (docs/labs/syscall-insn.md) is about this file.
 *
 * What SYSCALL does in legacy mode (AMD64 APM Vol. 3, "SYSCALL"): ECX := the EIP after it, CS :=
 * STAR[47:32], SS := CS + 8, EIP := STAR[31:0], EFLAGS.IF/VM/RF := 0. Nothing else: ESP is NOT
 * switched, nothing is pushed, and the caller's ECX — system call argument 2 — is destroyed. SYSRET:
 * CS := STAR[63:48] | 3, SS := + 8, EIP := ECX, EFLAGS.IF := 1; ESP is not loaded either.
 *
 * So the stub must carry argument 2 somewhere else, and give both ECX and the register it used
 * back to the caller. It is Linux x86-64's 32-bit vDSO stub (arch/x86_64/ia32/vsyscall-syscall.S:
 * push %ebp; movl %ecx,%ebp; syscall; ...), reshaped for i386's pt_regs and the restart rule:
 *
 *   0xffffe400  51      push %ecx     the caller's ECX (argument 2), for SYSCALL_RETURN's pop: the
 *                                     kernel may come back by sysret (ECX = return EIP) or by iret
 *                                     (ECX = whatever pt_regs says), and either way the caller
 *                                     gets its own ECX back from here
 *   0xffffe401  55      push %ebp     the caller's EBP = argument 6: syscall_entry reads it at
 *                                     0(user ESP), as sysenter_entry reads it at 0(%ebp)
 *   0xffffe402  89 cd   mov %ecx,%ebp argument 2 travels in EBP (SYSCALL is about to overwrite ECX);
 *                                     syscall_entry moves it into pt_regs' ECX slot
 *   0xffffe404  0f 05   syscall
 *   0xffffe406  eb fa   jmp 0xffffe402  SYSCALL_RETURN - 2, the restart point. The kernel restarts
 *                                     an interrupted call with EIP -= 2 (for int $0x80, the 2-byte
 *                                     instruction itself); here that lands on this jmp, with the
 *                                     registers the iret restored: ECX = argument 2 (pt_regs), EBP
 *                                     = argument 6 (pt_regs) — so re-enter at the `mov %ecx,%ebp`,
 *                                     not at the syscall, or argument 2 would be argument 6.
 *   0xffffe408  5d 59 c3  SYSCALL_RETURN: pop %ebp ; pop %ecx ; ret
 *                                     syscall_entry puts this (VSYSCALL_SYSCALL_RETURN) in pt_regs'
 *                                     EIP, whatever ECX said, and sysret returns here with it.
 *
 * EDX, EBX, ESI, EDI and EAX (the result) come back in the registers: SYSCALL and SYSRET do not
 * touch them, and the kernel restores EDX before sysret (SAVE_ALL borrowed it).
 */

	.text
	.globl	__kernel_vsyscall
	.type	__kernel_vsyscall, @function
__kernel_vsyscall:
	push	%ecx
	push	%ebp
.Lenter_kernel:
	movl	%ecx, %ebp
	syscall
	jmp	.Lenter_kernel		/* SYSCALL_RETURN - 2: where a restarted call resumes */

	.globl	SYSCALL_RETURN
SYSCALL_RETURN:				/* entry.S's syscall_entry pushes this as the user EIP */
	pop	%ebp
	pop	%ecx
	ret
	.size	__kernel_vsyscall, . - __kernel_vsyscall

#include "vsyscall-sigreturn.S"
