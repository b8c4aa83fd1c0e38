        .text
/* overflow_at(esp): switch to the given stack and push onto it. */
        .globl overflow_at
overflow_at:
        movl 4(%esp), %eax      /* 4 bytes */
        movl %eax, %esp         /* 2 bytes: the push below is at overflow_at+6 */
        pushl $0x1234
1:      jmp 1b
