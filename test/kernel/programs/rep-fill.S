/*
 * rep-fill: fills a 256-byte buffer with one `rep stosb` (at `fill`) and exits with its last byte
 * (0x5a = 90). A debugger's watchpoint on a byte in the middle must stop the string after the
 * iteration that wrote it, with ECX counting what is left and EIP still at the instruction
 * (test/debug/gdb.test.ts). No system call but exit.
 */
#include "common.h"

	.text
	.globl	_start
_start:
	cld
	movl	$buffer, %edi
	movl	$256, %ecx
	movb	$0x5a, %al
	.globl	fill
fill:
	rep stosb
	movzbl	buffer+255, %ebx
	movl	$__NR_exit, %eax
	int	$0x80

	.bss
	.globl	buffer
buffer:
	.space	256
