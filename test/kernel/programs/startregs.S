/*
 * fidelity 11: at exec every general register but ESP is zero and EFLAGS is 0x202. Exit status:
 * 0 when so; otherwise bit 0 = some register was not zero, bit 1 = EFLAGS was not 0x202.
 */
#include "common.h"

	.text
	.globl	_start
_start:
	orl	%ebx, %eax			/* eax |= every other register */
	orl	%ecx, %eax
	orl	%edx, %eax
	orl	%esi, %eax
	orl	%edi, %eax
	orl	%ebp, %eax
	pushfl					/* EFLAGS before the orl changed it: the orl only */
	popl	%edx				/* touches arithmetic flags, so look at IF and bit 1 */
	xorl	%ebx, %ebx
	testl	%eax, %eax
	je	1f
	orl	$1, %ebx
1:	andl	$0xfffff72a, %edx		/* drop CF PF AF ZF SF OF, which orl set */
	cmpl	$0x202, %edx
	je	2f
	orl	$2, %ebx
2:	movl	$__NR_exit, %eax
	int	$0x80
