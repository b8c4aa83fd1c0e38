/*
 * hello: the smallest program that talks to the kernel. Two system calls through the oldest door,
 * `int $0x80`: write(1, message, length) and exit(0). The numbers are Linux i386's, from the unistd.h
 * the build generates from kernel/syscall_32.tbl.
 */
#include "unistd.h"

	.text
	.globl	_start
_start:
	movl	$__NR_write, %eax
	movl	$1, %ebx			/* fd 1: standard output */
	movl	$message, %ecx
	movl	$(message_end - message), %edx
	int	$0x80
	movl	$__NR_exit, %eax
	xorl	%ebx, %ebx			/* status 0 */
	int	$0x80

	.section .rodata
message:
	.ascii	"Hello from ring 3, by int $0x80\n"
message_end:
