/*
 * __kernel_vsyscall, the int $0x80 flavour: what the kernel maps at 0xffffe400 when the CPU has no
 * usable SEP (486, Pentium, Pentium Pro). A program that calls __kernel_vsyscall through AT_SYSINFO
 * (glibc's `call *%gs:0x10`) works unchanged on either flavour; only the cost differs.
 *
 *   0xffffe400  cd 80   int $0x80   the trap gate at IDT vector 0x80 (DPL 3) switches to the kernel
 *                                   stack from the TSS and pushes the whole iret frame itself
 *   0xffffe402  c3      ret
 */

	.text
	.globl	__kernel_vsyscall
	.type	__kernel_vsyscall, @function
__kernel_vsyscall:
	int	$0x80
	ret
	.size	__kernel_vsyscall, . - __kernel_vsyscall

#include "vsyscall-sigreturn.S"
