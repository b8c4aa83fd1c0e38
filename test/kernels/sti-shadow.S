/* The ring-0 half of sti-shadow.c: SYSENTER lands here with IF = 0 while IRQ 0 is already pending
 * at the PIC. `sti; sysexit` must reach ring 3 before the interrupt is taken (STI's shadow covers
 * exactly one instruction), so the IRQ handler sees a ring-3 frame. */
        .text
        .globl shadow_entry, user_shadow
shadow_entry:
        movl $user_after, %edx
        movl user_esp, %ecx
        sti
        sysexit

user_shadow:
        movl %esp, user_esp
        sysenter
user_after:
        nop
        nop
        movl $1, %eax
        int $0x80
1:      jmp 1b
        .globl user_after
