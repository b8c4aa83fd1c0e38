/*
 * fidelity 9: iopl(3) through __kernel_vsyscall (sysenter) edits EFLAGS in pt_regs, so the kernel
 * must leave through iret — SYSEXIT would keep the kernel's EFLAGS, IOPL 0, and the `cli` below
 * would raise #GP (SIGSEGV). argv[1] = "0": call iopl(0) instead, so `cli` must fault.
 * Exit status 0 when `cli; sti` ran; EAX of iopl otherwise appears in the trace.
 */
#include "common.h"

	.text
	.globl	_start
_start:
	movl	8(%esp), %esi			/* argv[1] (may be NULL) */
	FIND_SYSINFO
	movl	$3, %ebx
	testl	%esi, %esi
	je	1f
	cmpb	$'0', (%esi)
	jne	1f
	xorl	%ebx, %ebx
1:	movl	$__NR_iopl, %eax
	VSYSCALL
	testl	%eax, %eax
	jne	2f
	cli
	sti
2:	movl	%eax, %ebx			/* exit(iopl's result): 0 on success */
	movl	$__NR_exit, %eax
	int	$0x80

DATA
