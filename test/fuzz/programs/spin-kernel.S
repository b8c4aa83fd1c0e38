/* A Multiboot kernel that never stops: only --timeout or a second Ctrl-C ends `gate86 machine`. */
	.text
	.globl	_start
_start:
	movw	$0x3f8, %dx			/* "ready\n" to COM1 */
	movb	$'r', %al
	outb	%al, %dx
	movb	$'\n', %al
	outb	%al, %dx
1:	jmp	1b

	.data
	.long	0
