/*
 * The signal trampolines, shared by both vsyscall flavours. A signal handler returns into one of
 * these (the kernel puts its address on the signal frame), and it asks the kernel to restore the
 * interrupted context.
 *
 * They use `int $0x80` even on a sysenter CPU, on purpose: sigreturn rewrites every register of the
 * interrupted context, and only the iret path restores them all (SYSEXIT would clobber ECX and EDX).
 *
 *   0xffffe420  __kernel_sigreturn:     popl %eax (drop the signal number) ; movl $119,%eax ; int $0x80
 *   0xffffe440  __kernel_rt_sigreturn:  movl $173,%eax ; int $0x80
 */
#include "unistd.h"

	.text
	.org	__kernel_vsyscall + 0x20	/* 0xffffe420, whichever flavour precedes it */
	.globl	__kernel_sigreturn
	.type	__kernel_sigreturn, @function
__kernel_sigreturn:
	popl	%eax
	movl	$__NR_sigreturn, %eax
	int	$0x80
	.size	__kernel_sigreturn, . - __kernel_sigreturn

	.balign	32
	.globl	__kernel_rt_sigreturn
	.type	__kernel_rt_sigreturn, @function
__kernel_rt_sigreturn:			/* 0xffffe440 */
	movl	$__NR_rt_sigreturn, %eax
	int	$0x80
	.size	__kernel_rt_sigreturn, . - __kernel_rt_sigreturn
