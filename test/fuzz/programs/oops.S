/*
 * The oops path: a child makes a system call whose service has a bug (the test replaces getpid with
 * one that throws when EBX is 0x1234); the kernel must kill the child alone and go on.
 * Output (raw 32-bit words): the child's wait status, then getpid() of the parent, which still runs.
 */
#include "../../kernel/programs/common.h"

	.text
	.globl	_start
_start:
	movl	$__NR_fork, %eax
	int	$0x80
	testl	%eax, %eax
	jne	parent
	movl	$__NR_getpid, %eax		/* the buggy call: the child must die here */
	movl	$0x1234, %ebx
	int	$0x80
	movl	$__NR_exit, %eax		/* not reached */
	movl	$3, %ebx
	int	$0x80
parent:
	movl	$__NR_wait4, %eax
	movl	$-1, %ebx
	movl	$status, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	int	$0x80
	movl	status, %eax
	RECORD
	movl	$__NR_getpid, %eax
	xorl	%ebx, %ebx
	int	$0x80
	RECORD
	xorl	%ebx, %ebx
	FLUSH_AND_EXIT

	DATA
status:	.long	0
