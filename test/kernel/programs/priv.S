/*
 * What user mode may not do. argv[1]'s first letter picks one instruction:
 *   c cli   h hlt   w wrmsr   (privileged: #GP(0) -> SIGSEGV)
 *   v vmcall                  (#UD at CPL 3 -> SIGILL)
 *   i int $0x81               (a DPL-0 gate from ring 3: #GP(0x81*8+2) -> SIGSEGV, fidelity 12)
 *   d divl by zero            (#DE -> SIGFPE)
 *   b int3                    (#BP, a DPL-3 gate -> SIGTRAP)
 *   p a store to address 0    (#PF -> SIGSEGV)
 *   s int $0x80 with getpid   (the DPL-3 gate works: exits 0)
 */
#include "common.h"

	.text
	.globl	_start
_start:
	movl	8(%esp), %eax			/* argv[1] */
	movzbl	(%eax), %eax
	cmpb	$'c', %al
	je	do_cli
	cmpb	$'h', %al
	je	do_hlt
	cmpb	$'w', %al
	je	do_wrmsr
	cmpb	$'v', %al
	je	do_vmcall
	cmpb	$'i', %al
	je	do_int81
	cmpb	$'d', %al
	je	do_divide
	cmpb	$'b', %al
	je	do_int3
	cmpb	$'p', %al
	je	do_null
	movl	$__NR_getpid, %eax
	int	$0x80
	jmp	done
do_cli:	cli
	jmp	done
do_hlt:	hlt
	jmp	done
do_wrmsr:
	movl	$0x174, %ecx
	xorl	%eax, %eax
	xorl	%edx, %edx
	wrmsr
	jmp	done
do_vmcall:
	vmcall
	jmp	done
do_int81:
	int	$0x81
	jmp	done
do_divide:
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	movl	$1, %eax
	divl	%ecx
	jmp	done
do_int3:
	int3
	jmp	done
do_null:
	movl	$1, 0
done:	movl	$__NR_exit, %eax
	xorl	%ebx, %ebx
	int	$0x80
