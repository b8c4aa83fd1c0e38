# Label differences: gas knows them while parsing only within one frag (no relaxable jump or
# alignment in between); otherwise it sizes the operand for 32 bits, and so must gate86.
a:	nop
	jmp c
b:	nop
	addl $(b-a), %eax
	addl $(c-b), %eax
	movl (b-a)(%ebx), %eax
	.p2align 2
c:	addl $(c-b), %eax
	addl $(b-a), %eax
	.byte c-a
d:	nop
e:	addl $(e-d), %eax
	.set f, e
	addl $(f-d), %eax
