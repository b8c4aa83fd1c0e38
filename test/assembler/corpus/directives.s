# Every directive the assembler supports, in plain gas syntax (no C preprocessor).
	.file	"directives.s"
	.ident	"gate86 corpus"

	.set	COUNT, 3
	.equ	BASE, 0x1000
	LIMIT = BASE + COUNT * 4 - 1
	SHIFTED = (1 << 4) | 3 & ~1
	PREC = 2 + 3 * 4 | 1		# gas: | binds tighter than +

	.text
	.globl	start
	.type	start, @function
start:
	movl	$COUNT, %ecx
	movl	$LIMIT, %edx
	movl	$SHIFTED, %esi
	movl	$PREC, %edi
	addl	$forward_equ, %eax	# defined below: gas sizes it for 32 bits
	movl	forward_equ(%ebx), %eax
	movl	$(end_of_data - data_start), %eax
	movl	$'A', %eax
	movb	$'\n', %al
1:	decl	%ecx
	jnz	1b
	jmp	1f
	.rept	COUNT
	nop
	.endr
1:	jmp	2f
	.p2align 3
2:	call	helper
	ret
	.size	start, .-start

	.macro	PUSH_ALL regs:vararg
	.irp	r, \regs
	pushl	%\r
	.endr
	.endm

	.macro	LOAD dst, value=0, scale=1
	movl	$(\value * \scale), %\dst
	.endm

	.macro	LABELLED
	jmp	.Lskip\@
	nop
.Lskip\@:
	.endm

	.type	helper, @function
helper:
	PUSH_ALL eax, ebx, ecx
	LOAD	eax
	LOAD	ebx, 5
	LOAD	ecx, scale=4, value=2
	LOAD	edx 7 2
	LABELLED
	LABELLED
	.irpc	c, 0123
	movl	$\c, %eax
	.endr
	.ifdef	COUNT
	movl	$1, %eax
	.else
	movl	$2, %eax
	.endif
	.ifndef	NOT_DEFINED
	movl	$3, %eax
	.endif
	.if	COUNT == 2
	movl	$4, %eax
	.elseif	COUNT == 3
	movl	$5, %eax
	.else
	movl	$6, %eax
	.endif
	.if	COUNT > 1 && BASE >= 0x1000
	nop
	.endif
	.ifc	abc, abc
	cltd
	.endif
	.ifnc	abc, abd
	cwtl
	.endif
	.ifb
	cbtw
	.endif
	.ifnb	x
	cwtd
	.endif
	.ifeq	COUNT - 3
	clc
	.endif
	.ifne	COUNT
	stc
	.endif
	.ifgt	COUNT
	cmc
	.endif
	.iflt	-1
	cld
	.endif
	ret
	.size	helper, .-helper

	.p2align 4,,15
aligned:
	ret
	.p2align 4,,7
	.balign	8
	.align	16
	.balign	8, 0xcc
	.p2align 5
	ret
	.p2align 2,0x90
	nop

	.pushsection .text.cold,"ax",@progbits
cold:	ud2
	.popsection
	nop

	.section .rodata.str1.1,"aMS",@progbits,1
.LC0:	.string	"hello, world\n"
.LC1:	.asciz	"tab\there", "quote\"s"
	.ascii	"no terminator\001\377\x41"
	.previous
	movl	$.LC0, %eax
	movl	$.LC1+4, %eax
	pushl	$.LC0

	.data
	.align	4
data_start:
	.byte	1, 2, 0xff, -1, 'a
	.word	0x1234, -2
	.short	COUNT
	.hword	7
	.value	8
	.long	start, helper + 4, .LC0, 0xdeadbeef
	.int	data_start - .
	.long	. - data_start
	.quad	0x123456789abcdef0
	.space	3
	.skip	2, 0x55
	.zero	2
	.fill	3, 2, 0x1234
	.fill	2, 4
	.org	data_start + 80
	.org	data_start + 86, 0xaa
	.long	external_symbol
	.long	external_symbol + 8
	.long	1b
	.long	weak_symbol
end_of_data:
	.weak	weak_symbol
	.hidden	start_hidden
	.globl	start_hidden
start_hidden:
	.long	0
	.type	table, @object
	.size	table, 8
table:	.long	1, 2

	.bss
	.p2align 5
buffer:	.space	100
	.comm	common_symbol, 64, 32
	.comm	common_default, 12
	.local	local_common
	.comm	local_common, 16, 16
	.lcomm	lcomm_symbol, 8

	.section .data.rel.local,"aw"
	.long	aligned, cold
	.section .init_array,"aw"
	.long	start

	.set	forward_equ, 0x20
	.section .note.GNU-stack,"",@progbits

	.section .rodata.blobs,"a"
	.incbin	"blob.bin"
	.incbin	"blob.bin", 2
	.incbin	"blob.bin", 3, 4
	.uleb128 0, 1, 127, 128, 624485, 0xffffffff
	.sleb128 0, 1, -1, 63, 64, -64, -65, -123456, 0x7fffffff
