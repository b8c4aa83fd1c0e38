# .cfi_* directives and the .eh_frame gas builds: CIE sharing, instructions before the first advance,
# functions in several sections.
	.text
f:	.cfi_startproc
	.cfi_def_cfa_offset 16
	nop
	.cfi_endproc
	.section .text.b,"ax",@progbits
g:	.cfi_startproc
	.cfi_def_cfa_offset 16
	nop
	.cfi_endproc
	.section .text.c,"ax",@progbits
	.text
	.section .text.c
h:	.cfi_startproc
	.cfi_def_cfa_offset 16
	nop
	.cfi_endproc
	.text
k:	nop
	.cfi_startproc
	.cfi_def_cfa_offset 16
	nop
	.cfi_endproc
f2:	.cfi_startproc
	nop
	.cfi_def_cfa_offset 8
	nop
	.cfi_endproc
g2:	.cfi_startproc
	.cfi_def_cfa_offset 16
	nop
	.cfi_endproc
h2:	.cfi_startproc
	.cfi_def_cfa_offset 16
	.cfi_offset 3, -8
	nop
	.cfi_endproc
	.section .text.x,"ax",@progbits
k2:	.cfi_startproc
	.cfi_def_cfa_offset 16
	.cfi_offset 3, -8
	nop
	.cfi_endproc
	.text
frame:	.cfi_startproc
	pushl	%ebp
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset %ebp, 0
	movl	%esp, %ebp
	.cfi_def_cfa_register %ebp
	.cfi_remember_state
	.skip	70, 0x90
	.cfi_undefined %eax
	.cfi_same_value %esi
	.cfi_register %edi, %ecx
	.skip	300, 0x90
	.cfi_restore_state
	.cfi_def_cfa %esp, 4
	.cfi_escape 0x2e, 0x10
	leave
	.cfi_restore %ebp
	ret
	.cfi_endproc
sig:	.cfi_startproc simple
	.cfi_signal_frame
	.cfi_def_cfa %esp, 8
	nop
	.cfi_endproc
