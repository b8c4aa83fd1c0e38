/*
 * __kernel_vsyscall, the sysenter flavour: the code every user program calls to enter the kernel on a
 * CPU whose SEP survived the boot checks. The kernel maps it, inside linux-gate.so.1, at 0xffffe400.
 *
 * The layout is Linux 2.6's vsyscall-sysenter.S, byte for byte, because user space and the kernel
 * both depend on it (see docs/kernel.md and fidelity point 5):
 *
 *   0xffffe400  51 52 55   push %ecx ; push %edx ; push %ebp
 *                          SYSEXIT will clobber ECX (user ESP) and EDX (user EIP), so save them; EBP
 *                          is saved because we are about to use it to carry the user stack pointer.
 *   0xffffe403  89 e5      mov %esp,%ebp
 *                          SYSENTER does not save ESP, so the kernel finds the user stack (and the
 *                          sixth system call argument, at 0(%ebp)) through EBP.
 *   0xffffe405  0f 34      sysenter
 *   0xffffe407  90 x 7     nops: the kernel never returns here (SYSEXIT goes to SYSENTER_RETURN);
 *                          they only pad the restart jump to sit just before SYSENTER_RETURN.
 *   0xffffe40e  eb f3      jmp 0xffffe403 — the restart point. To restart an interrupted call the
 *                          kernel sets the saved EIP to SYSENTER_RETURN - 2 (the same "eip -= 2" it
 *                          uses to back up over a 2-byte `int $0x80`), which lands here and re-enters.
 *   0xffffe410  5d 5a 59 c3  SYSENTER_RETURN: pop %ebp ; pop %edx ; pop %ecx ; ret
 */

	.text
	.globl	__kernel_vsyscall
	.type	__kernel_vsyscall, @function
__kernel_vsyscall:
	push	%ecx
	push	%edx
	push	%ebp
.Lenter_kernel:
	movl	%esp, %ebp
	sysenter

	.space	7, 0x90			/* pad so the restart jump ends exactly at SYSENTER_RETURN */

	jmp	.Lenter_kernel		/* SYSENTER_RETURN - 2: where a restarted call resumes */

	.globl	SYSENTER_RETURN
SYSENTER_RETURN:			/* entry.S pushes this as the user EIP of the fake iret frame */
	pop	%ebp
	pop	%edx
	pop	%ecx
	ret
	.size	__kernel_vsyscall, . - __kernel_vsyscall

#include "vsyscall-sigreturn.S"
