/* Ring-3 and ring-0 pieces of protection.c that C cannot express. */
        .text
/* The call gate's target: ring 0, entered from ring 3 with two parameters copied to this stack.
 * Record what the CPU built, then return to ring 3 with lret $8 (releasing the parameters). */
        .globl gate_target
gate_target:
        movl %esp, gate_esp
        movl %ss, %eax
        movl %eax, gate_ss
        movl %cs, %eax
        movl %eax, gate_cs
        movl 0(%esp), %eax
        movl %eax, gate_frame+0            /* return EIP */
        movl 4(%esp), %eax
        movl %eax, gate_frame+4            /* return CS */
        movl 8(%esp), %eax
        movl %eax, gate_frame+8            /* parameter 1 (the one pushed last) */
        movl 12(%esp), %eax
        movl %eax, gate_frame+12           /* parameter 2 */
        movl 16(%esp), %eax
        movl %eax, gate_frame+16           /* caller's ESP */
        movl 20(%esp), %eax
        movl %eax, gate_frame+20           /* caller's SS */
        lret $8

/* Ring 3: call through the gate with two arguments, then report through int $0x80 (eax = 3). */
        .globl user_call_gate
user_call_gate:
        pushl $0x22222222
        pushl $0x11111111
        lcall $0xa3, $0
        movl %esp, %ebx
        movl %cs, %ecx
        movl $3, %eax
        int $0x80
1:      jmp 1b

/* Ring 3: a far jump straight at the ring-0 code segment: #GP(0x60). */
        .globl user_far_jump
user_far_jump:
        ljmp $0x60, $user_far_jump

/* Ring 3 after an IRET that nulled DS and ES: report them without touching memory through them. */
        .globl user_show_segments
user_show_segments:
        movw %ds, %bx
        movw %es, %cx
        movw %fs, %dx
        movl $4, %eax
        int $0x80
1:      jmp 1b
