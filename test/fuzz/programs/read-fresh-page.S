/* read(2) into an anonymous page never touched before (demand paging must fault it in for the copy). */
#include "../../kernel/programs/common.h"

	.text
	.globl	_start
_start:
	movl	$__NR_mmap2, %eax		/* mmap2(0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) */
	xorl	%ebx, %ebx
	movl	$4096, %ecx
	movl	$3, %edx
	movl	$0x22, %esi
	movl	$-1, %edi
	xorl	%ebp, %ebp
	int	$0x80
	movl	%eax, %ecx			/* read(0, page, 64) */
	movl	$__NR_read, %eax
	xorl	%ebx, %ebx
	movl	$64, %edx
	int	$0x80
	movl	%eax, %edx			/* write(1, page, what read returned) */
	movl	$__NR_write, %eax
	movl	$1, %ebx
	int	$0x80
	movl	$__NR_exit, %eax
	xorl	%ebx, %ebx
	int	$0x80
