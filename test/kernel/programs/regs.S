/*
 * Registers other than EAX survive a system call through either door. Sets every register to a
 * pattern, calls getuid by `int $0x80` and by __kernel_vsyscall, and compares. Exit status: the
 * number of registers that changed (0 is right). Output: nothing.
 */
#include "common.h"

#define PATTERNS \
	movl	$0x11111111, %ebx; movl $0x22222222, %ecx; movl $0x33333333, %edx; \
	movl	$0x44444444, %esi; movl $0x55555555, %edi; movl $0x66666666, %ebp
#define CHECK(reg, value) \
	cmpl	$value, reg; je 7f; incl bad; 7:
#define CHECK_ALL \
	CHECK(%ebx, 0x11111111) CHECK(%ecx, 0x22222222) CHECK(%edx, 0x33333333) \
	CHECK(%esi, 0x44444444) CHECK(%edi, 0x55555555) CHECK(%ebp, 0x66666666) \
	cmpl	%esp, saved_esp; je 8f; incl bad; 8:

	.text
	.globl	_start
_start:
	FIND_SYSINFO
	movl	%esp, saved_esp
	PATTERNS
	movl	$__NR_getuid, %eax
	int	$0x80
	CHECK_ALL
	PATTERNS
	movl	$__NR_getuid, %eax
	VSYSCALL
	CHECK_ALL
	movl	bad, %ebx
	FLUSH_AND_EXIT

DATA
bad:	.long 0
saved_esp: .long 0
