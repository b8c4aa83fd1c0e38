/*
 * A kernel entry path in the style of Linux 2.6 entry.S: the int $0x80 and sysenter entries,
 * a system call table, macros from an .include file and constants from a C header.
 */
#include "constants.h"

	.include "macros.inc"

#define EBX 0x00
#define EAX 0x18
#define EIP 0x28
#define OLDESP 0x34

	.text
ENTRY(system_call)
	pushl %eax			# save orig_eax
	SAVE_ALL
	cmpl $(NR_syscalls), %eax
	jae syscall_badsys
syscall_call:
	call *sys_call_table(,%eax,4)
	movl %eax, EAX(%esp)		# store the return value
syscall_exit:
	cli
	RESTORE_REGS 4
	iret
syscall_badsys:
	movl $-38, EAX(%esp)		/* -ENOSYS */
	jmp syscall_exit
END(system_call)

ENTRY(sysenter_entry)
	movl %ss:-4(%esp), %esp		// C++ comment survives cpp
	sti
	pushl $(__USER_DS)
	pushl %ebp
	pushfl
	pushl $(__USER_CS)
	pushl $SYSENTER_RETURN
	pushl %eax
	SAVE_ALL
	cmpl $(NR_syscalls), %eax
	jae syscall_badsys
	call *sys_call_table(,%eax,4)
	movl %eax, EAX(%esp)
	cli
	movl EIP(%esp), %edx
	movl OLDESP(%esp), %ecx
	movl OFFSET(%esp, 2), %esi
	xorl %ebp, %ebp
	sti
	sysexit
END(sysenter_entry)

ENTRY(far_jumps)
	ljmp $__KERNEL_CS, $1f
1:	lcall $__KERNEL_CS, $far_jumps
	ljmp *(%eax)
	lcall *jump_vector
	movl %fs:0x10, %eax
	movw %gs:(%ebx), %cx
	movl %eax, %es:4(%edi)
	movl %cr0, %eax
	orl $0x80000000, %eax
	movl %eax, %cr0
	movl %cr3, %ebx
	mov %ebx, %cr3
	lgdt gdt_descr
	lidt idt_descr
	ltr %ax
	wrmsr
	rdmsr
	cpuid
	invlpg (%eax)
	lock; incl counter
	rep; movsl
	rep stosb
	repne scasb
	outb %al, $0x80
	inb $0x60, %al
	outb %al, %dx
	inl %dx, %eax
	ret
END(far_jumps)

	.section .rodata,"a"
	.align 4
ENTRY_TABLE:
sys_call_table:
	.long sys_restart_syscall
	.long sys_exit
	.long sys_fork, sys_read
	.previous
	.data
jump_vector:
	.long far_jumps
	.word __KERNEL_CS
gdt_descr:
	.word 8 * 32 - 1
	.long gdt_table
idt_descr:
	.word 256 * 8 - 1
	.long 0
	.bss
	.p2align PAGE_SHIFT
gdt_table:
	.space PAGE_SIZE
counter:
	.skip 4
	.section .note.GNU-stack,"",@progbits
