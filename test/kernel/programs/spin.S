/*
 * spin: loop in ring 3 until the word `release` is nonzero, then exit with status 7. No system
 * call and no output until then: only a debugger that writes `release` (gdb's M packet, `set var`)
 * lets it end — the gdb stub's interrupt test (test/debug/gdb-protocol.test.ts) uses it.
 */
#include "common.h"

	.text
	.globl	_start
_start:
1:	cmpl	$0, release
	je	1b
	movl	$__NR_exit, %eax
	movl	$7, %ebx
	int	$0x80

	.data
	.balign	4
	.globl	release
release:
	.long	0
