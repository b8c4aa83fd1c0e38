/*
 * which: print which __kernel_vsyscall the kernel mapped, in the words of userland/which-stub.c
 * (an assembly twin, so this test needs no C compiler).
 */
#include "common.h"

	.text
	.globl	_start
_start:
	FIND_SYSINFO
	movl	sysinfo, %esi
	movl	$none, %ecx
	movl	$(none_end - none), %edx
	testl	%esi, %esi
	je	print
	movl	$int80, %ecx
	movl	$(int80_end - int80), %edx
	cmpw	$0x80cd, (%esi)			/* cd 80: int $0x80 */
	je	print
	movl	$sysenter, %ecx
	movl	$(sysenter_end - sysenter), %edx
	cmpl	$0x0fe58955, 2(%esi)		/* 55 89 e5 0f: push %ebp; mov %esp,%ebp; sysenter... */
	je	print
	movl	$unknown, %ecx
	movl	$(unknown_end - unknown), %edx
print:	movl	$__NR_write, %eax
	movl	$1, %ebx
	int	$0x80
	movl	$__NR_exit, %eax
	xorl	%ebx, %ebx
	int	$0x80

	.section .rodata
none:	.ascii	"no AT_SYSINFO: system calls use int $0x80 directly\n"
none_end:
int80:	.ascii	"__kernel_vsyscall at 0xffffe400: the int $0x80 stub\n"
int80_end:
sysenter: .ascii "__kernel_vsyscall at 0xffffe400: the sysenter stub\n"
sysenter_end:
unknown: .ascii	"__kernel_vsyscall: an unknown stub\n"
unknown_end:

DATA
