# COMDAT groups (flag G): .group sections, symbols kept in relocations against group members.
	.text
a:	movl $.LC0, %eax
	movl $.LC1+1, %eax
	movl $.LC0+2, %eax
	movl $loc, %eax
	.section .text.g,"axG",@progbits,gsym,comdat
	.globl gsym
gsym:	nop
loc:	nop
	.section .rodata.str1.1,"aMS",@progbits,1
.LC0:	.string "ab"
.LC1:	.string "cd"
	.section .text.h,"axG",@progbits,hsym,comdat
hsym:	ret
	.data
b:	.long 0
