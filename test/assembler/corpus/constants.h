/* Constants shared by the corpus files: what a generated kernel header looks like. */
#ifndef CONSTANTS_H
#define CONSTANTS_H

#define __KERNEL_CS 0x60
#define __KERNEL_DS 0x68
#define __USER_CS   0x73
#define __USER_DS   0x7b
#define NR_syscalls 4
#define PAGE_SHIFT  12
#define PAGE_SIZE   (1 << PAGE_SHIFT)
#define ALIGN_CODE  .p2align 4,,15
#define ENTRY(name) \
	.globl name; \
	.type name, @function; \
	ALIGN_CODE; \
	name:
#define END(name) .size name, .-name
#define OFFSET(reg, n) ((n) * 4)(reg)

#endif
