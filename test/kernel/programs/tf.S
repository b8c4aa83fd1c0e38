/*
 * fidelity 3: a single-step trap on sysenter_entry's first instruction. Set TF with popf right
 * before SYSENTER (TF takes effect after the next instruction, so the trap comes after SYSENTER:
 * at CPL 0, on the TSS's tiny stack). The kernel must move to the real stack, clear TF and finish
 * the call: getpid returns 1 and the program exits 0.
 */
#include "common.h"

	.text
	.globl	_start
_start:
	call	enter				/* like a call to __kernel_vsyscall */
	xorl	%ebx, %ebx
	cmpl	$1, %eax			/* getpid() of the first process */
	je	1f
	movl	$1, %ebx
1:	movl	$__NR_exit, %eax
	int	$0x80

enter:	pushl	%ecx				/* __kernel_vsyscall's prologue ... */
	pushl	%edx
	pushl	%ebp
	movl	%esp, %ebp
	movl	$__NR_getpid, %eax
	pushfl
	orl	$0x100, (%esp)			/* EFLAGS.TF */
	popfl
	sysenter				/* ... returns to SYSENTER_RETURN: pop, pop, pop, ret */
