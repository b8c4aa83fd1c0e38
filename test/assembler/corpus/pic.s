# Position-independent code: @PLT, @GOT (GOT32/GOT32X), @GOTOFF (section symbol or not), $_GLOBAL_OFFSET_TABLE_.
	.text
f:	call	__x86.get_pc_thunk.bx
	addl	$_GLOBAL_OFFSET_TABLE_, %ebx
	addl	$_GLOBAL_OFFSET_TABLE_, %eax
	movl	stdout@GOT(%ebx), %eax
	pushl	stdout@GOT(%ebx)
	call	*fp@GOT(%ebx)
	leal	x@GOTOFF(%ebx), %eax
	movl	x@GOTOFF+4(%ebx), %eax
	call	puts@PLT
	call	f@PLT
	jmp	f@PLT
	movl	$y@GOTOFF, %eax
	.long	puts@PLT
	.data
x:	.long	0
	.long	x@GOTOFF
	.text
.L6:	nop
y2:	nop
	.long	y2@GOTOFF
	.section .rodata
	.long	.L6@GOTOFF
	.long	y2@GOTOFF
	.data
x2:	.long	0
	.long	x2@GOTOFF
	.long	x2+4
	.long	x2
	.long	x2@GOTOFF+8
