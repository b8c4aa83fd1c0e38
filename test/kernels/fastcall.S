/* Ring-3 and ring-0 stubs for fastcall.c. Each entry point records CS and SS, then
 * returns to the kernel's guard through resume() on the kernel stack. */
        .text
        .globl user_sysenter_only, user_vmcall, user_syscall, fast_entry, user_after_sysret
user_sysenter_only:
        sysenter
1:      jmp 1b
user_vmcall:
        vmcall
1:      jmp 1b
user_syscall:
        syscall
user_after_sysret:
        movl %cs, %eax
        movl %eax, seen_cs
        movl %ss, %eax
        movl %eax, seen_ss
        movl $2, %eax
        int $0x80
1:      jmp 1b

/* IA32_SYSENTER_EIP and STAR[31:0] point here: ring 0 with the fixed flat caches. */
fast_entry:
        movl %cs, %eax
        movl %eax, seen_cs
        movl %ss, %eax
        movl %eax, seen_ss
        movl %ecx, seen_ecx
        movl $0x68, %eax
        movl %eax, %ds
        movl %eax, %es
        movl kernel_stack_top, %esp
        call fast_entered
1:      jmp 1b
