# .balignw/.balignl/.p2alignw/.p2alignl patterns, and .purgem.
	.data
	.short 1
	.balignw 8, 0x1234
	.long 1
	.balignl 16, 0xdeadbeef
	.short 1
	.p2alignw 3, 0xabcd
	.long 1,2,3
	.p2alignl 4, 0x11223344
	.macro m a
	.byte \a
	.endm
	m 5
	.purgem m
	.macro m a
	.byte \a+1
	.endm
	m 5
	.text
	nop
	nop
	.balignw 8, 0x9090
	ret
