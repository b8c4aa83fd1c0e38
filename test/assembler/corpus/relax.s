# Branch relaxation at the edges: short when the target is within -128..127 bytes of the end of the
# 2-byte jump, long otherwise; growing one jump can push another out of range (a chain).
	.text
	.globl	edges
edges:
	jmp	1f
	.skip	127, 0x90
1:	jmp	1f
	.skip	128, 0x90
1:	je	1f
	.skip	127, 0x90
1:	jne	1f
	.skip	128, 0x90
1:	.skip	126, 0x90
	jmp	1b
2:	.skip	125, 0x90
	jl	2b
3:	.skip	126, 0x90
	jg	3b
	# A chain: each jump is in range only while the next one stays short.
	jmp	9f
	jmp	8f
	jmp	7f
	.skip	120, 0x90
	jne	9f
	.skip	1, 0x90
7:	nop
8:	nop
9:	nop
	# Jumps to other sections and to undefined symbols are always long.
	jmp	elsewhere
	jz	undefined_function
	jmp	other_section_label
	loop	9b
	jecxz	9b
	jmp	*%eax
	# A global in the same section: gas still relaxes it.
	.globl	global_target
global_target:
	jmp	global_target
	call	global_target
	.weak	weak_target
weak_target:
	jmp	weak_target
	.section .text.other,"ax",@progbits
other_section_label:
	ret
