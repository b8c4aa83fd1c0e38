/*
 * crt0.S: where a gate86 libc program starts. The kernel left the System V i386 initial stack:
 *
 *   (%esp)      argc
 *   4(%esp)     argv[0] .. argv[argc-1], NULL
 *               envp[0] .. NULL
 *               auxv: (type, value) pairs .. (AT_NULL, 0)
 *
 * Like glibc's static start-up (_dl_aux_init), walk the auxiliary vector for AT_SYSINFO (32): the
 * address of __kernel_vsyscall in the vsyscall page. Keep it in _dl_sysinfo (glibc's name, the one
 * seed 003's gdb session prints); every system call then does `call *_dl_sysinfo`.
 * No AT_SYSINFO (a kernel or emulator without a vsyscall page): use the int $0x80 fallback.
 */
#define AT_NULL		0
#define AT_SYSINFO	32

	.text
	.globl	_start
_start:
	xorl	%ebp, %ebp			/* the outermost frame */
	movl	0(%esp), %eax			/* argc */
	leal	4(%esp), %ebx			/* argv */
	leal	8(%esp,%eax,4), %ecx		/* envp = argv + argc + 1 */
	movl	%ecx, %edx
1:	cmpl	$0, (%edx)			/* skip envp to its NULL */
	leal	4(%edx), %edx
	jne	1b
	movl	%edx, __auxv			/* the auxiliary vector */
2:	movl	0(%edx), %esi
	cmpl	$AT_NULL, %esi
	je	4f
	cmpl	$AT_SYSINFO, %esi
	jne	3f
	movl	4(%edx), %esi
	movl	%esi, _dl_sysinfo
3:	addl	$8, %edx
	jmp	2b
4:	andl	$-16, %esp			/* the i386 ABI: 16-byte aligned at the call */
	subl	$4, %esp
	pushl	%ecx				/* main(argc, argv, envp) */
	pushl	%ebx
	pushl	%eax
	call	main
	pushl	%eax
	call	exit
	hlt					/* not reached: exit does not return */

/* What __kernel_vsyscall's int80 flavour does, for when there is no vsyscall page. */
	.globl	__int80_syscall
__int80_syscall:
	int	$0x80
	ret

	.data
	.balign	4
	.globl	_dl_sysinfo, __auxv
_dl_sysinfo:
	.long	__int80_syscall
__auxv:
	.long	0
