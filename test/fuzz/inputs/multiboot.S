/*
 * The inputs fuzzer's Multiboot kernel: the smallest thing `gate86 machine` boots that shows it ran.
 * It writes "ok\n" to COM1 and leaves through the isa-debug-exit port (status (0x10 << 1) | 1 = 33).
 * Linked as a multiboot-kernel image (with or without the a.out kludge), then mutated.
 */
	.text
	.globl	_start
_start:
	movl	$0x9000, %esp		/* Multiboot gives no stack: one in low memory */
	cld
	call	0f			/* linked at 0xC0100000, loaded at 1 MiB, no paging: find the text */
0:	popl	%esi
	addl	$(message - 0b), %esi
	movw	$0x3f8, %dx
1:	lodsb
	testb	%al, %al
	je	2f
	outb	%al, %dx
	jmp	1b
2:	movb	$0x10, %al
	outb	%al, $0xf4
	hlt
	jmp	2b

message:	.asciz	"ok\n"

	/* Some data, so the a.out kludge's load_end_addr (_edata) ends inside the file. */
	.data
	.long	0x600dda7a
