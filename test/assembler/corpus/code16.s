# .code16 and .code32 in one file: 16-bit addressing in 32-bit code (0x67) and back, jcxz/jecxz,
# rel16 branches, the operand-size prefix on pushl/lretl in 16-bit code.
	.text
	movl (%bx,%si), %eax
	movw 0x10(%bp), %ax
	leal -4(%bp,%di), %ecx
	movl %fs:(%bx), %eax
	movl 0x1234, %eax
	jcxz 1f
	jecxz 1f
1:	nop
	.code16
	movl (%eax), %eax
	movw (%eax,%ebx,2), %cx
	movw (%bx), %cx
	movl %cr0, %eax
	ljmp $0x10, $2f
2:	lgdt gdt
	jmp 3f
	call far
	.skip 200
3:	jmp 2b
	jcxz 3b
	jecxz 3b
	pushw $1
	pushl $1
	push $1
	lretl
	.code32
	jmp 3b
	movl (%eax), %eax
far:	ret
gdt:	.word 0
