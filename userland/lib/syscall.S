/*
 * syscall.S: long __syscall(long number, a1, a2, a3, a4, a5, a6)
 *
 * The glibc I386_USE_SYSENTER way (seed 003): load the number into EAX and the arguments into EBX,
 * ECX, EDX, ESI, EDI, EBP, then `call *_dl_sysinfo` — __kernel_vsyscall decides between sysenter and
 * int $0x80. EBX, ESI, EDI and EBP are callee-saved in the C ABI, so save them around the call.
 * Returns what the kernel left in EAX: a value, or -errno (the C wrappers turn that into errno).
 */
	.text
	.globl	__syscall
	.type	__syscall, @function
__syscall:
	pushl	%ebp
	pushl	%edi
	pushl	%esi
	pushl	%ebx
	movl	20(%esp), %eax			/* number (after 4 saved registers + return address) */
	movl	24(%esp), %ebx
	movl	28(%esp), %ecx
	movl	32(%esp), %edx
	movl	36(%esp), %esi
	movl	40(%esp), %edi
	movl	44(%esp), %ebp
	call	*_dl_sysinfo
	popl	%ebx
	popl	%esi
	popl	%edi
	popl	%ebp
	ret
	.size	__syscall, . - __syscall

/* long __syscall_int80(long number, a1, a2, a3): the same through `int $0x80` directly. */
	.globl	__syscall_int80
	.type	__syscall_int80, @function
__syscall_int80:
	pushl	%ebx
	movl	8(%esp), %eax
	movl	12(%esp), %ebx
	movl	16(%esp), %ecx
	movl	20(%esp), %edx
	int	$0x80
	popl	%ebx
	ret
	.size	__syscall_int80, . - __syscall_int80
