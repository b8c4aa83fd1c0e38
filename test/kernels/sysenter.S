/* The ring-3 and ring-0 halves of the SYSENTER/SYSEXIT round trip (see sysenter.c).
 * Each side records what it observes right after the transition into a `struct seen`:
 * cs, ss, esp, eflags, and the eip it arrived at. */
        .text
/* user_sysenter: ring 3. EDX/ECX name where SYSEXIT should return, then SYSENTER. */
        .globl user_sysenter
user_sysenter:
        movl $after_sysexit, %edx
        movl %esp, %ecx
        stc                                 /* CF and DF set: SYSENTER must keep them */
        std
        sysenter
        .globl sysexit_target
after_sysexit:
        /* now back in ring 3: record what SYSEXIT loaded */
        movl %cs, %eax
        movl %eax, user_seen+0
        movl %ss, %eax
        movl %eax, user_seen+4
        movl %esp, user_seen+8
        pushfl
        popl user_seen+12
        movl $after_sysexit, user_seen+16
        cld
        movl $1, %eax                        /* exit through int $0x80 */
        int $0x80
1:      jmp 1b

/* sysenter_entry: ring 0, IA32_SYSENTER_EIP points here. */
        .globl sysenter_entry
sysenter_entry:
        movl %esp, kernel_seen+8
        pushfl
        popl kernel_seen+12
        movl %cs, %eax
        movl %eax, kernel_seen+0
        movl %ss, %eax
        movl %eax, kernel_seen+4
        movl $sysenter_entry, kernel_seen+16
        movl %edx, kernel_edx
        movl %ecx, kernel_ecx
        cld
        movl $0x68, %eax
        movl %eax, %ds
        movl %eax, %es
        movl kernel_stack_top, %esp          /* like sysenter_entry: the real stack comes from the TSS */
        call report_sysenter
        movl kernel_edx, %edx
        movl kernel_ecx, %ecx
        subl $16, %ecx                       /* return on a different user stack, to see ESP = ECX */
        movl $0x7b, %eax
        movl %eax, %ds
        movl %eax, %es
        sti                                  /* the interrupt shadow covers the sysexit */
        sysexit

/* user_sysexit: ring 3 tries SYSEXIT: #GP(0). */
        .globl user_sysexit
user_sysexit:
        sysexit
1:      jmp 1b

/* user_sysenter_plain: ring 3 SYSENTER with whatever the MSRs hold (for the CS=0 case). */
        .globl user_sysenter_plain
user_sysenter_plain:
        sysenter
1:      jmp 1b
