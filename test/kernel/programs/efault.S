/*
 * Bad user pointers give -EFAULT (-14), never a crash: write from NULL and from a kernel address,
 * uname into NULL and into the read-only text, each through int $0x80 and __kernel_vsyscall.
 */
#include "common.h"

#define WRITE_FROM(ptr) \
	movl $__NR_write, %eax; movl $1, %ebx; movl $(ptr), %ecx; movl $4, %edx; int $0x80; RECORD; \
	movl $__NR_write, %eax; movl $1, %ebx; movl $(ptr), %ecx; movl $4, %edx; VSYSCALL; RECORD
#define UNAME_INTO(ptr) \
	movl $__NR_uname, %eax; movl $(ptr), %ebx; int $0x80; RECORD; \
	movl $__NR_uname, %eax; movl $(ptr), %ebx; VSYSCALL; RECORD

	.text
	.globl	_start
_start:
	FIND_SYSINFO
	WRITE_FROM(0)
	WRITE_FROM(0xc0000000)
	UNAME_INTO(0)
	UNAME_INTO(_start)
	xorl	%ebx, %ebx
	FLUSH_AND_EXIT

DATA
