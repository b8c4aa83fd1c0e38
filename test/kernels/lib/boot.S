/* Multiboot v1 entry shared by every test kernel.
 * The boot loader (QEMU's -kernel, or gate86 machine) finds the header in the first 8 KiB,
 * loads the ELF segments at their physical addresses and jumps to _start in 32-bit protected mode
 * with paging and interrupts off, EAX = 0x2BADB002 and EBX = the Multiboot information. */
        .set MB_MAGIC, 0x1BADB002
        .set MB_FLAGS, 0x00000003          /* page-align modules, give memory info */

        .section .multiboot, "a"
        .align 4
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)

        .text
        .globl _start
_start:
        movl $boot_stack_top, %esp
        pushl %ebx                          /* kmain(magic, info) */
        pushl %eax
        call kmain
        pushl %eax
        call debug_exit
1:      hlt
        jmp 1b

        .bss
        .align 16
        .space 16384
boot_stack_top:
