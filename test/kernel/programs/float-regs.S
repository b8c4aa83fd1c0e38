/*
 * float-regs: puts known values in the x87 stack and in XMM1, stops at `loaded` (a debugger's
 * breakpoint), then exits with what they hold afterwards: 10 * round(ST(0)) + trunc(XMM1's first
 * float). Untouched that is 10 * 2 + 1 = 21; a debugger that changes ST(0) or XMM1 at `loaded`
 * changes the status (test/debug/gdb.test.ts sets them to 7 and 5: 75). No system call but exit.
 */
#include "common.h"

	.text
	.globl	_start
_start:
	fninit
	fld1				/* ST(1) = 1.0 */
	fldl	two_and_a_quarter	/* ST(0) = 2.25 */
	movups	four_floats, %xmm1	/* 1.0 2.0 3.0 4.0 */
	.globl	loaded
loaded:
	nop
	fistpl	rounded			/* round to nearest: 2 */
	cvttss2si %xmm1, %ecx		/* 1 */
	movl	rounded, %eax
	imull	$10, %eax, %ebx
	addl	%ecx, %ebx
	movl	$__NR_exit, %eax
	int	$0x80

	.data
	.balign	16
four_floats:
	.long	0x3f800000, 0x40000000, 0x40400000, 0x40800000	/* 1.0f 2.0f 3.0f 4.0f */
two_and_a_quarter:
	.long	0, 0x40020000		/* 2.25 */
rounded:
	.long	0
