/*
 * A program with no way out of its own: it ignores SIGINT (argument "ignore"), says so on stdout,
 * then spins in user mode (no argument) or sleeps in nanosleep for 1000 s (argument "sleep").
 * Only --timeout or a second Ctrl-C can stop it.
 */
#include "../../kernel/programs/common.h"

	.text
	.globl	_start
_start:
	movl	$__NR_rt_sigaction, %eax	/* SIGINT: SIG_IGN */
	movl	$2, %ebx
	movl	$ignore, %ecx
	xorl	%edx, %edx
	movl	$8, %esi
	int	$0x80
	movl	$__NR_write, %eax
	movl	$1, %ebx
	movl	$ready, %ecx
	movl	$(ready_end - ready), %edx
	int	$0x80
	cmpl	$2, 0(%esp)			/* argc == 2: sleep */
	je	sleep
spin:	jmp	spin
sleep:	movl	$__NR_nanosleep, %eax
	movl	$forever, %ebx
	xorl	%ecx, %ecx
	int	$0x80
	jmp	sleep

	.data
ignore:	.long	1, 0, 0, 0, 0			/* struct sigaction: SIG_IGN */
forever: .long	1000, 0				/* struct timespec: 1000 s */
ready:	.ascii	"ready\n"
ready_end:
