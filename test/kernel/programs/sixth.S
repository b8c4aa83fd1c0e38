/*
 * fidelity 7: sysenter_entry reads the sixth argument from 0(%ebp), a user pointer. Enter with
 * SYSENTER directly and a bad EBP: argv[1] 'k' = 0xbffffffd (fails the range check: 4 bytes would
 * reach the kernel), 'u' = 0x1000 (unmapped: the load faults and __ex_table fixes it up).
 * Either way the kernel returns -EFAULT to SYSENTER_RETURN, whose `pop %ebp` from ESP = that same
 * bad address then kills the process with SIGSEGV — in user mode, with EAX = -14.
 */
#include "common.h"

	.text
	.globl	_start
_start:
	movl	8(%esp), %eax
	movl	$0x1000, %ebp
	cmpb	$'k', (%eax)
	jne	1f
	movl	$0xbffffffd, %ebp
1:	movl	$__NR_getpid, %eax
	sysenter
