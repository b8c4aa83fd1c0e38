/* One entry stub per vector. The CPU pushes an error code only for vectors 8, 10-14 and 17
 * (SDM Vol. 3A 6.13, table 6-1); the other stubs push a 0 so every frame has the same shape. */
        .altmacro
        .macro stub n
        .align 8
trap_entry_\n:
        .if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17)
        .else
        pushl $0
        .endif
        pushl $\n
        jmp trap_common
        .endm

        .text
        .set i, 0
        .rept 256
        stub %i
        .set i, i + 1
        .endr

trap_common:
        pushl %es
        pushl %ds
        pusha
        movl $0x68, %eax                 /* __KERNEL_DS */
        movl %eax, %ds
        movl %eax, %es
        pushl %esp
        call trap_dispatch
        addl $4, %esp
        popa
        popl %ds
        popl %es
        addl $8, %esp                    /* vector and error code */
        iret

        .section .rodata
        .globl trap_entries
        .align 4
        .macro entry n
        .long trap_entry_\n
        .endm
trap_entries:
        .set i, 0
        .rept 256
        entry %i
        .set i, i + 1
        .endr

        .text
/* enter_user(fn, user_stack_top, eflags): build the frame an iret to ring 3 pops. */
        .globl enter_user
enter_user:
        movl 4(%esp), %eax
        movl 8(%esp), %ecx
        movl 12(%esp), %edx
        pushl $0x7b                      /* SS  = __USER_DS */
        pushl %ecx                       /* ESP */
        pushl %edx                       /* EFLAGS */
        pushl $0x73                      /* CS  = __USER_CS */
        pushl %eax                       /* EIP */
        movl $0x7b, %eax
        movl %eax, %ds
        movl %eax, %es
        iret

/* guard(g): remember the callee-saved registers, the stack and the return address; return 0. */
        .globl guard
guard:
        movl 4(%esp), %eax
        movl %ebx, 0(%eax)
        movl %esi, 4(%eax)
        movl %edi, 8(%eax)
        movl %ebp, 12(%eax)
        leal 4(%esp), %ecx
        movl %ecx, 16(%eax)
        movl (%esp), %ecx
        movl %ecx, 20(%eax)
        xorl %eax, %eax
        ret

/* resume(g): back to where guard(g) returned, now returning 1, with kernel data segments. */
        .globl resume
resume:
        movl 4(%esp), %eax
        movl $0x68, %ecx
        movl %ecx, %ds
        movl %ecx, %es
        movl 0(%eax), %ebx
        movl 4(%eax), %esi
        movl 8(%eax), %edi
        movl 12(%eax), %ebp
        movl 16(%eax), %esp
        movl $1, %ecx
        pushl 20(%eax)
        movl %ecx, %eax
        ret
