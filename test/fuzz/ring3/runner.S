/*
 * The ring-3 fuzzer's runner: one static i386 ELF that runs on gate86, natively on the host CPU and
 * under qemu-i386, so that all three execute exactly the same instructions for each case.
 *
 * It reads cases from fd 0 and, for each one, forks a child that runs the case's code as a user
 * process, waits for it, and writes {case id, wait status} to fd 1. The layout constants (-D ...)
 * come from layout.ts, the one place they are written.
 *
 * A case is a record of RECORD_SIZE bytes:
 *      +0  u32 id
 *      +4  u32 edx, esi, edi, ebp, esp, eflags     (the registers the trampoline loads)
 *     +28  CODE_SIZE bytes: the code page (the harness writes "mov $x,%eax/%ebx/%ecx", the random
 *          code, a jump to the exit page, and HLT filler)
 *          DATA_SIZE bytes: the data page (random, registers point into it)
 * The header lands at the start of the header page, the pages where they belong: no copying.
 *
 * The child leaves the world as bare as it can before the random code runs, so that nothing but
 * the case's own bytes can execute, and no system call instruction can be reached (the harness
 * strips `int $0x80`, `sysenter` and `syscall` from both pages):
 *   1. setitimer(ITIMER_VIRTUAL, or else ITIMER_REAL, TIMEOUT_US): a case that loops ends by
 *      SIGVTALRM or SIGALRM;
 *   2. mprotect(CODE, PROT_READ|PROT_EXEC): the code cannot write itself a system call;
 *   3. on the host: no_new_privs and a seccomp filter that kills the process on any call but munmap
 *      and exit (gate86 answers -ENOSYS, qemu-i386 -EINVAL: both ignored);
 *   4. jump to the trampoline at the end of the trampoline page, which unmaps the stack, then this
 *      program (text, data, bss), loads EDX ESI EDI EBP, EFLAGS, ESP from the header, unmaps the
 *      header page, and finally unmaps its own page with an `int $0x80` that is the page's last
 *      instruction: the CPU returns from it into the first byte of the code page.
 * What is left: the code page (R-X), the data page (RWX, as any readable page is on an i386 without
 * NX), the exit page (R-X) and, on gate86, the vsyscall page.
 *
 * The trampoline page is written once, here at the start, and is read-only from then on: every
 * child runs the very frame the runner filled (fork shares it, nobody writes it), so a machine that
 * keeps translated code by physical address (gate86's code cache, qemu's TBs) translates the
 * trampoline once per run, not once per case. What a case changes — its header, its popf stack —
 * lives on the header page.
 *
 * The exit page folds the eight general registers into a byte and exits with it, so a case that
 * reaches its end reports what it computed as well as that it got there.
 */
#include "unistd.h"

#define PROT_RWX	7
#define PROT_RW		3
#define PROT_RX		5
#define MAP_FIXED_ANON	0x32	/* MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS */
#define AT_EXECFN	31
#define PR_SET_NO_NEW_PRIVS	38
#define PR_SET_SECCOMP	22
#define SECCOMP_MODE_FILTER	2
#define ITIMER_REAL	0
#define ITIMER_VIRTUAL	1
#define STACK_UNMAP	0x100000	/* how far below the top of the stack the child unmaps */

	.text
	.globl	_start
_start:
	/* The top of the stack: the page holding the end of the AT_EXECFN string, which exec puts highest. */
	movl	0(%esp), %eax
	leal	8(%esp,%eax,4), %edx		/* envp */
1:	cmpl	$0, (%edx)
	leal	4(%edx), %edx
	jne	1b
2:	movl	0(%edx), %ecx			/* auxv: type, value */
	testl	%ecx, %ecx
	je	no_execfn
	cmpl	$AT_EXECFN, %ecx
	je	3f
	addl	$8, %edx
	jmp	2b
3:	movl	4(%edx), %edi
	movl	$-1, %ecx
	xorl	%eax, %eax
	cld
	repne scasb				/* edi: one past the NUL */
	addl	$(PAGE_SIZE - 1), %edi
	andl	$-PAGE_SIZE, %edi
	movl	%edi, %eax
	subl	$STACK_UNMAP, %eax
	movl	%eax, stack_low

	/* The pages every case uses. */
	movl	$H_ADDR, %ebx
	movl	$PROT_RW, %edx
	call	map_page
	movl	$P_ADDR, %ebx
	movl	$PROT_RW, %edx
	call	map_page
	movl	$CODE_ADDR, %ebx
	movl	$PROT_RW, %edx
	call	map_page
	movl	$DATA_ADDR, %ebx
	movl	$PROT_RWX, %edx
	call	map_page
	movl	$EXIT_ADDR, %ebx
	movl	$PROT_RWX, %edx
	call	map_page

	/* The trampoline goes to the very end of its page; the exit code to the start of its page. */
	movl	$trampoline, %esi
	movl	$(P_ADDR + PAGE_SIZE - (trampoline_end - trampoline)), %edi
	movl	$(trampoline_end - trampoline), %ecx
	rep movsb
	movl	$exit_code, %esi
	movl	$EXIT_ADDR, %edi
	movl	$(exit_code_end - exit_code), %ecx
	rep movsb
	movl	$__NR_mprotect, %eax
	movl	$P_ADDR, %ebx
	movl	$PAGE_SIZE, %ecx
	movl	$PROT_RX, %edx
	int	$0x80
	testl	%eax, %eax
	jne	fail
	movl	$__NR_mprotect, %eax
	movl	$EXIT_ADDR, %ebx
	movl	$PAGE_SIZE, %ecx
	movl	$PROT_RX, %edx
	int	$0x80
	testl	%eax, %eax
	jne	fail

	/* SIGINT is how gate86's fuzz harness stops a case that runs too long where there are no timers
	 * (it sends the terminal's Ctrl-C): the runner ignores it, each child takes the default again. */
	movl	$ignore_action, %ecx
	call	set_sigint

	/*
	 * Which timer stops a case that runs too long: ITIMER_VIRTUAL (user CPU time, which a loaded host
	 * cannot steal from the case) where the kernel has it, else ITIMER_REAL. The hello record says
	 * which: a magic word, then ITIMER_VIRTUAL (1), ITIMER_REAL (0), or what setitimer answered.
	 */
	movl	$ITIMER_VIRTUAL, %ebx
	call	probe_timer
	testl	%eax, %eax
	je	7f
	movl	$ITIMER_REAL, %ebx
	call	probe_timer
	testl	%eax, %eax
	jne	8f
7:	movl	%ebx, %eax
	movl	%ebx, timer_kind
8:	movl	%eax, hello + 4
	movl	$hello, %ecx
	call	write_record

next_case:
	movl	$H_ADDR, %ecx
	movl	$HEADER_SIZE, %edx
	call	read_fully
	testl	%eax, %eax
	je	done
	movl	$CODE_ADDR, %ecx
	movl	$CODE_SIZE, %edx
	call	read_fully
	testl	%eax, %eax
	je	fail
	movl	$DATA_ADDR, %ecx
	movl	$DATA_SIZE, %edx
	call	read_fully
	testl	%eax, %eax
	je	fail

	movl	$__NR_fork, %eax
	int	$0x80
	testl	%eax, %eax
	je	child
	js	fail
	movl	%eax, child_pid
4:	movl	$__NR_wait4, %eax
	movl	child_pid, %ebx
	movl	$result + 4, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	int	$0x80
	cmpl	$-4, %eax			/* EINTR: wait again */
	je	4b
	cmpl	child_pid, %eax
	jne	fail
	movl	H_ADDR, %eax			/* the case id */
	movl	%eax, result
	movl	$result, %ecx
	call	write_record
	jmp	next_case

done:
	xorl	%ebx, %ebx
	movl	$__NR_exit, %eax
	int	$0x80
no_execfn:
fail:
	movl	$__NR_exit, %eax
	movl	$99, %ebx
	int	$0x80

child:
	movl	$default_action, %ecx
	call	set_sigint
	movl	$__NR_setitimer, %eax
	movl	timer_kind, %ebx
	movl	$timer, %ecx
	xorl	%edx, %edx
	int	$0x80
	movl	$__NR_mprotect, %eax
	movl	$CODE_ADDR, %ebx
	movl	$PAGE_SIZE, %ecx
	movl	$PROT_RX, %edx
	int	$0x80
	movl	$__NR_prctl, %eax
	movl	$PR_SET_NO_NEW_PRIVS, %ebx
	movl	$1, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%edi, %edi
	int	$0x80
	movl	$__NR_prctl, %eax
	movl	$PR_SET_SECCOMP, %ebx
	movl	$SECCOMP_MODE_FILTER, %ecx
	movl	$filter_program, %edx
	int	$0x80
	movl	$(P_ADDR + PAGE_SIZE - (trampoline_end - trampoline)), %eax
	jmp	*%eax

/* map_page: mmap2(%ebx, 4096, %edx, MAP_FIXED_ANON, -1, 0) or fail. */
map_page:
	movl	$__NR_mmap2, %eax
	movl	$PAGE_SIZE, %ecx
	movl	$MAP_FIXED_ANON, %esi
	movl	$-1, %edi
	pushl	%ebp
	xorl	%ebp, %ebp
	int	$0x80
	popl	%ebp
	cmpl	%eax, %ebx
	jne	fail
	ret

/* read_fully: read %edx bytes from fd 0 to %ecx. EAX = 1, or 0 at end of input before the first byte. */
read_fully:
	movl	%edx, %esi			/* bytes still wanted */
	movl	%edx, %edi
5:	movl	$__NR_read, %eax
	xorl	%ebx, %ebx
	movl	%esi, %edx
	int	$0x80
	cmpl	$-4, %eax
	je	5b
	testl	%eax, %eax
	js	fail
	je	6f
	addl	%eax, %ecx
	subl	%eax, %esi
	jne	5b
	movl	$1, %eax
	ret
6:	cmpl	%esi, %edi			/* end of input: clean only between records */
	jne	fail
	xorl	%eax, %eax
	ret

/* probe_timer: setitimer(%ebx, disarmed, 0); EAX = its answer. */
probe_timer:
	movl	$__NR_setitimer, %eax
	movl	$no_timer, %ecx
	xorl	%edx, %edx
	int	$0x80
	ret

/* set_sigint: rt_sigaction(SIGINT, %ecx, 0, 8). */
set_sigint:
	movl	$__NR_rt_sigaction, %eax
	movl	$2, %ebx
	xorl	%edx, %edx
	movl	$8, %esi
	int	$0x80
	testl	%eax, %eax
	jne	fail
	ret

/* write_record: write the 8 bytes at %ecx to fd 1. */
write_record:
	movl	$__NR_write, %eax
	movl	$1, %ebx
	movl	$8, %edx
	int	$0x80
	cmpl	$8, %eax
	jne	fail
	ret

/*
 * Copied to the end of P_ADDR's page; runs there with everything else still mapped until it unmaps
 * it. It writes nothing on its own page (the popf stack is the header page's), and reads the
 * stack's bottom from this program's data while that is still mapped.
 */
trampoline:
	movl	$__NR_munmap, %eax		/* the stack */
	movl	stack_low, %ebx
	movl	$STACK_UNMAP, %ecx
	int	$0x80
	movl	$__NR_munmap, %eax		/* this program: headers, text, data, bss */
	movl	$RUNNER_BASE, %ebx
	movl	$(_end - RUNNER_BASE), %ecx
	int	$0x80
	movl	H_ADDR + 4, %edx
	movl	H_ADDR + 8, %esi
	movl	H_ADDR + 12, %edi
	movl	H_ADDR + 16, %ebp
	movl	$(H_ADDR + H_STACK_TOP), %esp
	pushl	H_ADDR + 24
	popfl
	movl	H_ADDR + 20, %esp
	movl	$__NR_munmap, %eax		/* the header page (MOV leaves the flags POPF set) */
	movl	$H_ADDR, %ebx
	movl	$PAGE_SIZE, %ecx
	int	$0x80
	movl	$__NR_munmap, %eax		/* this page; the next instruction is the code page's first */
	movl	$P_ADDR, %ebx
	movl	$PAGE_SIZE, %ecx
	int	$0x80
trampoline_end:

/* Copied to EXIT_ADDR: fold EAX..EDI into one byte and exit with it. */
exit_code:
	xorl	%eax, %ebx
	roll	$5, %ebx
	xorl	%ecx, %ebx
	roll	$5, %ebx
	xorl	%edx, %ebx
	roll	$5, %ebx
	xorl	%esp, %ebx
	roll	$5, %ebx
	xorl	%ebp, %ebx
	roll	$5, %ebx
	xorl	%esi, %ebx
	roll	$5, %ebx
	xorl	%edi, %ebx
	movl	%ebx, %eax
	shrl	$16, %eax
	xorl	%eax, %ebx
	movl	%ebx, %eax
	shrl	$8, %eax
	xorl	%eax, %ebx
	movzbl	%bl, %ebx
	movl	$__NR_exit, %eax
	int	$0x80
exit_code_end:

	.data
	.balign	4
hello:	.long	0x5a463352			/* "R3FZ" */
	.long	0
result:	.long	0, 0
child_pid:	.long	0
timer_kind:	.long	ITIMER_REAL
stack_low:	.long	0
timer:	.long	0, 0, 0, TIMEOUT_US		/* it_interval {0, 0}, it_value {0, TIMEOUT_US} */
no_timer:	.long	0, 0, 0, 0
ignore_action:	.long	1, 0, 0, 0, 0		/* struct sigaction: SIG_IGN, flags, restorer, mask */
default_action:	.long	0, 0, 0, 0, 0		/* SIG_DFL */
/* struct sock_fprog {len, filter}; sock_filter {u16 code, u8 jt, u8 jf, u32 k} */
filter_program:
	.short	7, 0
	.long	filter
filter:
	.short	0x20
	.byte	0, 0
	.long	4				/* ld [arch] */
	.short	0x15
	.byte	0, 3
	.long	0x40000003			/* jeq AUDIT_ARCH_I386, else kill */
	.short	0x20
	.byte	0, 0
	.long	0				/* ld [nr] */
	.short	0x15
	.byte	2, 0
	.long	__NR_munmap			/* jeq munmap -> allow */
	.short	0x15
	.byte	1, 0
	.long	__NR_exit			/* jeq exit -> allow */
	.short	6
	.byte	0, 0
	.long	0x80000000			/* ret SECCOMP_RET_KILL_PROCESS */
	.short	6
	.byte	0, 0
	.long	0x7fff0000			/* ret SECCOMP_RET_ALLOW */
