/*
 * The system-call fuzzer's runner (test/fuzz/syscalls/): one static i386 ELF, the first process of a
 * booted gate86 kernel. It reads cases from fd 0 and, for each, forks a child that makes the case's
 * calls one after another, waits for it (and for anything it left behind), and writes
 * {case id, wait status, calls started, calls that succeeded, timed out} to fd 1. The layout
 * constants (-D ...) come from layout.ts, the one place they are written.
 *
 * A case is a record: header {id, ncalls, 0, 0}; MAX_CALLS slots {nr, flags, arg1..arg6}; then
 * BUF_INIT_SIZE bytes for the start of the child's buffer at BUF_ADDR. The flags say which
 * arguments are the child's pid (bit i) or its negation (bit 8+i), known only once it runs, and
 * which door the call takes: `int $0x80`, or `call *AT_SYSINFO` (__kernel_vsyscall: sysenter where
 * the CPU has it).
 *
 * What keeps a case from ending the fuzzing uninformatively (the harness tames the arguments of the
 * calls that could reach beyond the child: generate.ts):
 *   - the child closes fds 0, 1 and 2 first (the runner's case stream and results), then opens its
 *     own: a non-blocking pipe (0, 1), /dev/null (2), the root directory (3), /f (4), /dev/zero (5);
 *   - it starts a session of its own (setsid), so kill(0, ...) reaches only its own group;
 *   - an interval timer (ITIMER_REAL, TICK_US) with a handler that just returns, not SA_RESTART: a
 *     call that blocks (read of the empty pipe, futex wait, sigsuspend, a long nanosleep ...) ends
 *     with EINTR and the next call runs;
 *   - fork, vfork and clone take `int $0x80` (a clone child on a new stack could not return through
 *     __kernel_vsyscall), and a child they make calls exit(0) at once, before anything else;
 *   - the runner's own one-shot ITIMER_REAL (CASE_TIMEOUT_US) ends a case that outlives it (the
 *     child may block SIGALRM, disarm its ticker, ...): kill(-1, SIGKILL) ends every process but
 *     the runner, and the result says it timed out.
 * The child shares one page with the runner (MAP_SHARED at COUNTER_ADDR): it counts the calls it
 * started and those that returned a non-error there, so a case killed by its own calls still says
 * how far it got.
 */
#include "unistd.h"

#define AT_SYSINFO	32
#define PROT_RW		3
#define MAP_SHARED_ANON	0x31	/* MAP_SHARED | MAP_FIXED | MAP_ANONYMOUS */
#define MAP_FIXED_ANON	0x32	/* MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS */
#define SIGKILL		9
#define SIGALRM		14
#define ITIMER_REAL	0
#define WALL		0x40000000
#define O_RDONLY	0
#define O_RDWR		2
#define O_NONBLOCK	0x800
#define O_DIRECTORY	0x10000
#define EINTR		4

	.text
	.globl	_start
_start:
	/* AT_SYSINFO from the auxiliary vector (none: every call takes int $0x80). */
	movl	0(%esp), %eax
	leal	8(%esp,%eax,4), %edx		/* envp */
1:	cmpl	$0, (%edx)
	leal	4(%edx), %edx
	jne	1b
2:	movl	0(%edx), %ecx
	testl	%ecx, %ecx
	je	3f
	cmpl	$AT_SYSINFO, %ecx
	je	4f
	addl	$8, %edx
	jmp	2b
4:	movl	4(%edx), %eax
	movl	%eax, sysinfo
3:
	movl	$COUNTER_ADDR, %ebx
	movl	$PAGE_SIZE, %ecx
	movl	$MAP_SHARED_ANON, %esi
	call	map
	movl	$BUF_ADDR, %ebx
	movl	$BUF_SIZE, %ecx
	movl	$MAP_FIXED_ANON, %esi
	call	map

	/* SIGALRM: a handler that returns (the runner's case timeout interrupts its wait4; the child's ticker its calls). */
	movl	$__NR_rt_sigaction, %eax
	movl	$SIGALRM, %ebx
	movl	$alarm_action, %ecx
	xorl	%edx, %edx
	movl	$8, %esi
	int	$0x80
	testl	%eax, %eax
	jne	fail

	movl	$hello, %ecx
	movl	$8, %edx
	call	write_out

next_case:
	movl	$header, %ecx
	movl	$HEADER_SIZE, %edx
	call	read_fully
	testl	%eax, %eax
	je	done
	movl	$calls, %ecx
	movl	$(MAX_CALLS * CALL_SIZE), %edx
	call	read_fully
	testl	%eax, %eax
	je	fail
	movl	$buf_init, %ecx
	movl	$BUF_INIT_SIZE, %edx
	call	read_fully
	testl	%eax, %eax
	je	fail
	movl	$0, COUNTER_ADDR
	movl	$0, COUNTER_ADDR + 4
	movl	$0, result + 16

	movl	$__NR_fork, %eax
	int	$0x80
	testl	%eax, %eax
	je	child
	js	fail
	movl	%eax, child_pid
	movl	$case_timer, %ecx
	call	set_timer

5:	movl	$__NR_wait4, %eax		/* the child */
	movl	child_pid, %ebx
	movl	$result + 4, %ecx
	movl	$WALL, %edx
	xorl	%esi, %esi
	int	$0x80
	cmpl	$-EINTR, %eax
	jne	6f
	call	kill_all
	jmp	5b
6:	cmpl	child_pid, %eax
	jne	fail
7:	movl	$__NR_wait4, %eax		/* whatever it left behind (orphans are the runner's) */
	movl	$-1, %ebx
	movl	$other_status, %ecx
	movl	$WALL, %edx
	xorl	%esi, %esi
	int	$0x80
	cmpl	$-EINTR, %eax
	jne	8f
	call	kill_all
	jmp	7b
8:	testl	%eax, %eax
	jg	7b
	movl	$no_timer, %ecx
	call	set_timer

	movl	header, %eax
	movl	%eax, result
	movl	COUNTER_ADDR, %eax
	movl	%eax, result + 8
	movl	COUNTER_ADDR + 4, %eax
	movl	%eax, result + 12
	movl	$result, %ecx
	movl	$20, %edx
	call	write_out
	jmp	next_case

done:
	xorl	%ebx, %ebx
	movl	$__NR_exit, %eax
	int	$0x80
fail:
	movl	$__NR_exit, %eax
	movl	$99, %ebx
	int	$0x80

/* kill_all: the case ran out of time: SIGKILL to every process but this one. */
kill_all:
	movl	$1, result + 16
	movl	$__NR_kill, %eax
	movl	$-1, %ebx
	movl	$SIGKILL, %ecx
	int	$0x80
	ret

/* set_timer: setitimer(ITIMER_REAL, %ecx, 0) or fail. */
set_timer:
	movl	$__NR_setitimer, %eax
	movl	$ITIMER_REAL, %ebx
	xorl	%edx, %edx
	int	$0x80
	testl	%eax, %eax
	jne	fail
	ret

/* map: mmap2(%ebx, %ecx, PROT_RW, %esi, -1, 0) or fail. */
map:
	movl	$__NR_mmap2, %eax
	movl	$PROT_RW, %edx
	movl	$-1, %edi
	xorl	%ebp, %ebp
	int	$0x80
	cmpl	%eax, %ebx
	jne	fail
	ret

/* read_fully: read %edx bytes from fd 0 to %ecx. EAX = 1, or 0 at end of input before the first byte. */
read_fully:
	movl	%edx, %esi
	movl	%edx, %edi
1:	movl	$__NR_read, %eax
	xorl	%ebx, %ebx
	movl	%esi, %edx
	int	$0x80
	cmpl	$-EINTR, %eax
	je	1b
	testl	%eax, %eax
	js	fail
	je	2f
	addl	%eax, %ecx
	subl	%eax, %esi
	jne	1b
	movl	$1, %eax
	ret
2:	cmpl	%esi, %edi
	jne	fail
	xorl	%eax, %eax
	ret

/* write_out: write %edx bytes at %ecx to fd 1, all of them, or fail. */
write_out:
	movl	$__NR_write, %eax
	movl	$1, %ebx
	int	$0x80
	cmpl	$-EINTR, %eax
	je	write_out
	cmpl	%eax, %edx
	jne	fail
	ret

on_alarm:
	ret

/* open_fd: open(%ebx, %ecx); the result is ignored (a failed open only shifts the later fds). */
open_fd:
	movl	$__NR_open, %eax
	xorl	%edx, %edx
	int	$0x80
	ret

child:
	movl	$__NR_close, %eax
	xorl	%ebx, %ebx
	int	$0x80
	movl	$__NR_close, %eax
	movl	$1, %ebx
	int	$0x80
	movl	$__NR_close, %eax
	movl	$2, %ebx
	int	$0x80
	movl	$__NR_pipe2, %eax
	movl	$pipe_fds, %ebx
	movl	$O_NONBLOCK, %ecx
	int	$0x80
	movl	$path_null, %ebx
	movl	$O_RDWR, %ecx
	call	open_fd
	movl	$path_root, %ebx
	movl	$(O_RDONLY | O_DIRECTORY), %ecx
	call	open_fd
	movl	$path_f, %ebx
	movl	$O_RDONLY, %ecx
	call	open_fd
	movl	$path_zero, %ebx
	movl	$O_RDONLY, %ecx
	call	open_fd
	movl	$__NR_setsid, %eax
	int	$0x80
	movl	$__NR_getpid, %eax
	int	$0x80
	movl	%eax, own_pid
	negl	%eax
	movl	%eax, neg_pid
	movl	$buf_init, %esi			/* the buffer's first bytes */
	movl	$BUF_ADDR, %edi
	movl	$(BUF_INIT_SIZE / 4), %ecx
	cld
	rep movsl
	movl	$tick_timer, %ecx
	call	set_timer
	movl	$0, current

call_loop:
	movl	current, %eax
	cmpl	header + 4, %eax
	jae	child_end
	leal	1(%eax), %ecx
	movl	%ecx, COUNTER_ADDR		/* calls started */
	shll	$5, %eax			/* CALL_SIZE == 32 */
	leal	calls(%eax), %esi
	movl	%esi, entry
	/* The arguments, with the child's pid where the flags say so. */
	xorl	%ecx, %ecx
1:	movl	8(%esi,%ecx,4), %eax
	btl	%ecx, 4(%esi)
	jnc	2f
	movl	own_pid, %eax
2:	leal	8(%ecx), %edx
	btl	%edx, 4(%esi)
	jnc	3f
	movl	neg_pid, %eax
3:	movl	%eax, args(,%ecx,4)
	incl	%ecx
	cmpl	$6, %ecx
	jne	1b
	movl	0(%esi), %eax
	movl	args, %ebx
	movl	args + 4, %ecx
	movl	args + 8, %edx
	movl	args + 16, %edi
	movl	args + 20, %ebp
	testl	$FLAG_VSYSCALL, 4(%esi)
	movl	args + 12, %esi			/* flags unchanged by mov */
	je	4f
	cmpl	$0, sysinfo
	je	4f
	call	*sysinfo
	jmp	5f
4:	int	$0x80
5:	/* A child of fork, vfork or clone: out at once (on whatever stack it was given). */
	testl	%eax, %eax
	jne	6f
	movl	entry, %ecx
	movl	0(%ecx), %ecx
	cmpl	$__NR_fork, %ecx
	je	forked
	cmpl	$__NR_vfork, %ecx
	je	forked
	cmpl	$__NR_clone, %ecx
	je	forked
6:	cmpl	$-4095, %eax
	jae	7f
	incl	COUNTER_ADDR + 4		/* calls that succeeded */
7:	incl	current
	jmp	call_loop

forked:
	movl	$__NR_exit, %eax
	xorl	%ebx, %ebx
	int	$0x80

child_end:
	movl	$__NR_exit_group, %eax
	xorl	%ebx, %ebx
	int	$0x80

	.data
	.balign	4
hello:	.long	HELLO_MAGIC, 0
result:	.long	0, 0, 0, 0, 0
other_status:	.long	0
child_pid:	.long	0
sysinfo:	.long	0
own_pid:	.long	0
neg_pid:	.long	0
current:	.long	0
entry:	.long	0
args:	.long	0, 0, 0, 0, 0, 0
pipe_fds:	.long	0, 0
case_timer:	.long	0, 0, 0, CASE_TIMEOUT_US	/* it_interval {0, 0}, it_value {0, CASE_TIMEOUT_US} */
tick_timer:	.long	0, TICK_US, 0, TICK_US
no_timer:	.long	0, 0, 0, 0
alarm_action:	.long	on_alarm, 0, 0, 0, 0	/* struct sigaction: handler, flags (no SA_RESTART), restorer, mask */
path_null:	.asciz	"/dev/null"
path_root:	.asciz	"/"
path_f:	.asciz	"/f"
path_zero:	.asciz	"/dev/zero"

	.bss
	.balign	4
header:	.space	HEADER_SIZE
calls:	.space	MAX_CALLS * CALL_SIZE
buf_init:	.space	BUF_INIT_SIZE
