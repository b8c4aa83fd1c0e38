/*
 * fidelity 8: numbers >= NR_syscalls get -ENOSYS, compared unsigned, on both paths.
 * Output: for each number below, EAX after `int $0x80`, then EAX after __kernel_vsyscall (raw
 * 32-bit words). The test assembles it with -D NR_TEST=NR_syscalls and -D NR_EMPTY=the highest
 * number below it without a service, both read from kernel/syscall_32.tbl.
 */
#include "common.h"

#define TRY(n) \
	movl	$(n), %eax; int $0x80; RECORD; \
	movl	$(n), %eax; VSYSCALL; RECORD

	.text
	.globl	_start
_start:
	FIND_SYSINFO
	TRY(NR_TEST)
	TRY(0x80000000)
	TRY(0xffffffff)
	TRY(NR_EMPTY)
	xorl	%ebx, %ebx
	FLUSH_AND_EXIT

DATA
