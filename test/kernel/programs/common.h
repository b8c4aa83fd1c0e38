/* Shared by the kernel test programs: system call numbers and a way to find AT_SYSINFO. */
#define __NR_exit	1
#define __NR_write	4
#define __NR_getpid	20
#define __NR_getuid	24
#define __NR_uname	122
#define AT_SYSINFO	32

/*
 * FIND_SYSINFO: walk past argv and envp to the auxiliary vector and leave AT_SYSINFO's value in
 * `sysinfo` (0 when there is none, as under qemu-i386). Uses eax, ecx, edx. Call it first in _start.
 */
#define FIND_SYSINFO \
	movl	0(%esp), %eax; \
	leal	8(%esp,%eax,4), %edx; \
1:	cmpl	$0, (%edx); \
	leal	4(%edx), %edx; \
	jne	1b; \
2:	movl	0(%edx), %ecx; \
	testl	%ecx, %ecx; \
	je	4f; \
	cmpl	$AT_SYSINFO, %ecx; \
	jne	3f; \
	movl	4(%edx), %ecx; \
	movl	%ecx, sysinfo; \
3:	addl	$8, %edx; \
	jmp	2b; \
4:

/* VSYSCALL: through __kernel_vsyscall when there is one, else int $0x80. */
#define VSYSCALL \
	cmpl	$0, sysinfo; \
	je	5f; \
	call	*sysinfo; \
	jmp	6f; \
5:	int	$0x80; \
6:

/* Append EAX to the output buffer. */
#define RECORD \
	movl	out_length, %ecx; \
	movl	%eax, out(%ecx); \
	addl	$4, out_length

/* write(1, out, out_length); exit(status in %ebx) */
#define FLUSH_AND_EXIT \
	pushl	%ebx; \
	movl	$__NR_write, %eax; \
	movl	$1, %ebx; \
	movl	$out, %ecx; \
	movl	out_length, %edx; \
	int	$0x80; \
	popl	%ebx; \
	movl	$__NR_exit, %eax; \
	int	$0x80

#define DATA \
	.data; \
	.balign 4; \
sysinfo: .long 0; \
out_length: .long 0; \
out:	.skip 256
