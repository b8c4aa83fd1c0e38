/*
 * fidelity 5 and 9: handlers installed without SA_RESTORER return through the vsyscall page's
 * trampolines — __kernel_rt_sigreturn (0xffffe440) for SA_SIGINFO, __kernel_sigreturn (0xffffe420)
 * otherwise — and sigreturn restores every register of the interrupted context, even though the
 * kill() that raised the signal entered by sysenter. Exit status: the number of mismatches.
 */
#include "common.h"
#define SIGUSR1	10
#define SIGUSR2	12

#define SIGACTION(sig, act) \
	movl $__NR_rt_sigaction, %eax; movl $sig, %ebx; movl $act, %ecx; xorl %edx, %edx; movl $8, %esi; int $0x80; \
	testl %eax, %eax; je 7f; incl bad; 7:
#define CHECK(reg, value) \
	cmpl	$value, reg; je 8f; incl bad; 8:
#define KILL_SELF(sig) \
	movl $0x44444444, %esi; movl $0x55555555, %edi; movl $0x66666666, %ebp; \
	movl $__NR_kill, %eax; movl $1, %ebx; movl $sig, %ecx; movl $0x33333333, %edx; VSYSCALL; \
	CHECK(%eax, 0) CHECK(%ebx, 1) CHECK(%ecx, sig) CHECK(%esi, 0x44444444) CHECK(%edi, 0x55555555) CHECK(%ebp, 0x66666666)

	.text
	.globl	_start
_start:
	FIND_SYSINFO
	SIGACTION(SIGUSR1, act_rt)
	SIGACTION(SIGUSR2, act_plain)
	KILL_SELF(SIGUSR1)
	KILL_SELF(SIGUSR2)
	CHECK(handled, 2)
	cmpl	$0xffffe440, return_rt		/* where the rt handler's `ret` went */
	je	1f
	incl	bad
1:	cmpl	$0xffffe420, return_plain
	je	2f
	incl	bad
2:	movl	bad, %ebx
	movl	$__NR_exit, %eax
	int	$0x80

handler_rt:
	movl	(%esp), %eax			/* the return address the kernel put there */
	movl	%eax, return_rt
	incl	handled
	xorl	%edx, %edx			/* clobber what sigreturn must restore */
	xorl	%esi, %esi
	ret
handler_plain:
	movl	(%esp), %eax
	movl	%eax, return_plain
	incl	handled
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	ret

DATA
bad:		.long 0
handled:	.long 0
return_rt:	.long 0
return_plain:	.long 0
act_rt:		.long handler_rt, 4, 0, 0, 0	/* SA_SIGINFO, no SA_RESTORER */
act_plain:	.long handler_plain, 0, 0, 0, 0
