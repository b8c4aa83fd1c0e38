/*
 * EFLAGS.RF as a signal handler sees it in the sigcontext (test/kernel/resume-flag.test.ts): the
 * kernel copies the EFLAGS image the processor pushed. For a fault it has RF set on P6 and later
 * processors (SDM Vol. 3B 17.3.1.1), clear on the 486 and Pentium; a trap (INT3) pushes RF clear.
 * The handler records RF and steps over the 2-byte instruction that faulted. Output: four words —
 * RF for #UD, #DE, #PF, then for an INT3 that is the very instruction the #PF handler's return
 * resumed (IRET reloaded RF set, but a trap comes after its instruction completed, which clears RF).
 */
#include "common.h"
#define SIGILL	4
#define SIGTRAP	5
#define SIGFPE	8
#define SIGSEGV	11
/* ucontext_t: uc_flags, uc_link, uc_stack (12 bytes), then mcontext's gregs: EIP is gregs[14], EFL gregs[16]. */
#define UC_EIP	(20 + 14 * 4)
#define UC_EFL	(20 + 16 * 4)

#define SIGACTION(sig) \
	movl $__NR_rt_sigaction, %eax; movl $sig, %ebx; movl $action, %ecx; xorl %edx, %edx; movl $8, %esi; int $0x80

	.text
	.globl	_start
_start:
	SIGACTION(SIGILL)
	SIGACTION(SIGTRAP)
	SIGACTION(SIGFPE)
	SIGACTION(SIGSEGV)
	ud2					/* #UD */
	xorl	%ecx, %ecx
	divl	%ecx				/* #DE */
	xorl	%eax, %eax
	movl	(%eax), %eax			/* #PF */
	int3					/* #BP: a trap, the first instruction after the #PF handler */
	xorl	%ebx, %ebx
	FLUSH_AND_EXIT

/* handler(signal, info, ucontext) */
handler:
	movl	12(%esp), %edx			/* ucontext */
	movl	UC_EFL(%edx), %eax
	shrl	$16, %eax
	andl	$1, %eax
	RECORD
	cmpl	$SIGTRAP, 4(%esp)
	je	3f
	addl	$2, UC_EIP(%edx)		/* past the faulting instruction */
3:	ret

restorer:
	movl	$173, %eax			/* rt_sigreturn */
	int	$0x80

DATA
action:	.long handler, 0x44000004, restorer, 0, 0	/* SA_SIGINFO | SA_RESTORER | SA_NODEFER */
