/*
 * entry.S: every way into the kernel and every way out (Linux 2.6.0's arch/i386/kernel/entry.S,
 * rewritten for gate86). The ways in:
 *
 *   system_call     `int $0x80` through the DPL-3 trap gate at IDT vector 0x80 (fidelity 12). The
 *                   CPU switched to tss.ss0:esp0 and pushed the iret frame itself.
 *   sysenter_entry  SYSENTER, from __kernel_vsyscall in the vsyscall page. The CPU loaded CS, SS,
 *                   EIP and ESP from the MSRs and pushed NOTHING: this code finds the real stack and
 *                   builds the frame int $0x80 would have pushed.
 *   syscall_entry   AMD's SYSCALL, from the syscall flavour of __kernel_vsyscall, only when head.S
 *                   opened that door (SYSCALL_DOOR). Like sysenter_entry, but the CPU did not even
 *                   switch ESP: this code starts on the user's stack.
 *   exceptions and IRQs   through the IDT like system_call, into error_code / common_interrupt.
 *
 * All three leave `struct pt_regs` on the kernel stack, below the hardware frame (fidelity 6):
 *
 *     0x00 EBX   0x04 ECX   0x08 EDX   0x0c ESI   0x10 EDI   0x14 EBP   0x18 EAX      <- SAVE_ALL
 *     0x1c DS    0x20 ES                                                            <- SAVE_ALL
 *     0x24 ORIG_EAX   the system call number (or -1 / an IRQ's negative number)       <- pushl %eax
 *     0x28 EIP   0x2c CS   0x30 EFLAGS   0x34 OLDESP   0x38 OLDSS      <- the CPU, or sysenter_entry
 *
 * The registers are pushed in the order of a C call's arguments, so the same frame is the argument
 * list of an asmlinkage service: sys_write(fd, buf, count) reads EBX, ECX, EDX. gate86's services
 * are TypeScript functions behind `vmcall; ret` hypercall stubs (hypercalls.S) and read the frame the same way.
 *
 * Two ways out:
 *   restore_all     RESTORE_ALL + iret: restores every register from pt_regs.
 *   sysexit         only from sysenter_entry, only when no work is pending (fidelity 9): EIP from
 *                   EDX, ESP from ECX; the vsyscall page's pops restore the user's ECX, EDX, EBP.
 *   sysret          only from syscall_entry, the same rule: EIP from ECX, ESP loaded by hand; the
 *                   syscall stub's pops restore the user's EBP and ECX.
 */
#include "asm-offsets.h"
#include "unistd.h"

/* thread_info sits at the bottom of the 8 KiB kernel stack. */
#define GET_THREAD_INFO(reg)	movl $-THREAD_SIZE, reg; andl %esp, reg

/*
 * SAVE_ALL: push the rest of pt_regs (ES .. EBX) and switch DS/ES to the kernel's view. gate86
 * loads __USER_DS, as Linux 2.6 does: it is flat too, and user data is then reachable with the
 * same selectors on every path (fidelity 6). cld because the C ABI (and rep movs) assume DF = 0.
 */
#define SAVE_ALL \
	cld; \
	pushl %es; \
	pushl %ds; \
	pushl %eax; \
	pushl %ebp; \
	pushl %edi; \
	pushl %esi; \
	pushl %edx; \
	pushl %ecx; \
	pushl %ebx; \
	movl $__USER_DS, %edx; \
	movl %edx, %ds; \
	movl %edx, %es

/* RESTORE_REGS: the reverse, leaving ORIG_EAX on top (the caller drops it). */
#define RESTORE_REGS \
	popl %ebx; \
	popl %ecx; \
	popl %edx; \
	popl %esi; \
	popl %edi; \
	popl %ebp; \
	popl %eax; \
	popl %ds; \
	popl %es

	.text

/* ==================================== int $0x80 ============================================== */
/*
 * On entry (the CPU did this through the trap gate): ESP = tss.esp0 - 20, and the stack holds
 * EIP, CS, EFLAGS, ESP, SS of the user. Interrupts stay enabled (a trap gate).
 */
	.globl	system_call
	.type	system_call, @function
system_call:
	pushl	%eax				/* ORIG_EAX: the number survives EAX being overwritten */
	SAVE_ALL
	GET_THREAD_INFO(%ebp)
	testl	$(1 << TIF_SYSCALL_TRACE), TI_FLAGS(%ebp)	/* traced: every call is reported, */
	jnz	syscall_trace_entry		/* a bad number too (as strace sees it) */
	cmpl	$NR_syscalls, %eax		/* unsigned: 0x80000000 and -1 are "too big" (fidelity 8) */
	jae	syscall_badsys
syscall_call:
	call	*sys_call_table(,%eax,4)
	cmpl	$-ESLEEPING, %eax		/* the service put this task to sleep: */
	je	syscall_sleep			/* run others, then call it again */
	movl	%eax, EAX(%esp)			/* the return value goes back to user EAX */
	.globl	syscall_exit
syscall_exit:
	cli					/* no IRQ may set a work flag between the test and iret */
	movl	TI_FLAGS(%ebp), %ecx
	testl	$_TIF_ALLWORK_MASK, %ecx
	jne	syscall_exit_work
	.globl	restore_all
restore_all:
	RESTORE_REGS
	addl	$4, %esp			/* drop ORIG_EAX */
	.globl	iret_to_user
iret_to_user:
	iret

/* ==================================== sysenter ============================================== */
/*
 * On entry (SYSENTER, SDM Vol. 2B): CS = IA32_SYSENTER_CS = __KERNEL_CS, SS = CS + 8, EIP = here,
 * ESP = IA32_SYSENTER_ESP = the end of init_tss, EFLAGS.IF = 0. The user's registers are untouched:
 * EAX = number, EBX ECX EDX ESI EDI = arguments 1-5, EBP = the user ESP (__kernel_vsyscall did
 * `mov %esp,%ebp` after pushing ECX, EDX and EBP, so 0(%ebp) is the caller's EBP = argument 6).
 */
	.globl	sysenter_entry
	.type	sysenter_entry, @function
sysenter_entry:
	/*
	 * ESP is the TSS's end, not a stack (fidelity 3): load this task's kernel stack from tss.esp0,
	 * which sits at a fixed distance below the TSS's end. It must be the very first instruction.
	 */
	movl	TSS_ESP0_OFFSET(%esp), %esp
	.globl	sysenter_past_esp
sysenter_past_esp:
	sti					/* SYSENTER cleared IF; we are on a real stack now */
	/* The iret frame `int $0x80` would have pushed (fidelity 7). */
	pushl	$__USER_DS			/* OLDSS */
	pushl	%ebp				/* OLDESP: the user ESP, passed in EBP */
	pushfl					/* EFLAGS (IF is set again: we just did sti) */
	pushl	$__USER_CS			/* CS */
	pushl	$VSYSCALL_SYSENTER_RETURN	/* EIP = SYSENTER_RETURN in the vsyscall page */

	/*
	 * The sixth argument: user memory at 0(%ebp). EBP is a user value, so check that all four bytes
	 * lie below the kernel (an unsigned compare), and let a page fault on the load itself be
	 * fixed up through __ex_table to syscall_fault (-EFAULT) instead of oopsing (fidelity 7).
	 */
	cmpl	$(__PAGE_OFFSET - 3), %ebp
	jae	syscall_fault
.Lload_arg6:
	movl	0(%ebp), %ebp
	.pushsection .rodata.ex_table, "a"
	.balign	4
	.globl	__start___ex_table
__start___ex_table:
	.long	.Lload_arg6, syscall_fault
	.popsection

	pushl	%eax				/* ORIG_EAX */
	SAVE_ALL
	GET_THREAD_INFO(%ebp)
	testl	$(1 << TIF_SYSCALL_TRACE), TI_FLAGS(%ebp)	/* traced: report it, then leave through iret */
	jnz	syscall_trace_entry
	cmpl	$NR_syscalls, %eax		/* the same unsigned check as system_call */
	jae	syscall_badsys
	call	*sys_call_table(,%eax,4)
	cmpl	$-ESLEEPING, %eax
	je	syscall_sleep			/* (it returns through iret: the fake frame serves) */
	movl	%eax, EAX(%esp)
	cli
	movl	TI_FLAGS(%ebp), %ecx
	testl	$_TIF_ALLWORK_MASK, %ecx	/* signals, reschedule, or a service edited pt_regs */
	jne	syscall_exit_work		/* -> the iret path (fidelity 9) */
	/*
	 * SYSEXIT: EIP = EDX, ESP = ECX, CS = SYSENTER_CS + 16 | 3, SS = + 24 | 3. EAX holds the return
	 * value; EBX, ESI, EDI were never changed (services are callee-saved); EBP still points at
	 * thread_info, so clear it: no kernel value may reach user space (the vsyscall page's pop
	 * restores the user's EBP anyway). `sti` takes effect after the next instruction, so no
	 * interrupt can arrive between it and sysexit (STI's interrupt shadow, fidelity 2).
	 */
	movl	EIP(%esp), %edx
	movl	OLDESP(%esp), %ecx
	xorl	%ebp, %ebp
	sti
	.globl	sysexit_to_user
sysexit_to_user:
	sysexit

/* ==================================== syscall (AMD) ========================================= */
/*
 * On entry (SYSCALL in legacy mode, AMD64 APM Vol. 3): CS = STAR[47:32] = __KERNEL_CS, SS = CS + 8,
 * EIP = STAR[31:0] = here, ECX = the user EIP after the syscall instruction, EFLAGS.IF (and VM, RF)
 * = 0. Nothing else: ESP is still the user's stack pointer, now at CPL 0, and nothing was pushed.
 * __kernel_vsyscall (vsyscall-syscall.S) did `push %ecx; push %ebp; movl %ecx,%ebp`, so:
 *   EAX = number, EBX = argument 1, EBP = argument 2 (ECX's stand-in), EDX ESI EDI = arguments 3-5,
 *   0(user ESP) = the caller's EBP = argument 6, 4(user ESP) = the caller's ECX.
 * This is Linux x86-64's ia32_cstar_target (arch/x86_64/ia32/ia32entry.S) for i386's pt_regs.
 */
	.globl	syscall_entry
	.type	syscall_entry, @function
syscall_entry:
	/*
	 * The user ESP must be kept and a kernel stack found, and ECX is the only free register: the
	 * return EIP in it is not needed, because the frame returns to SYSCALL_RETURN (as sysenter's
	 * returns to SYSENTER_RETURN) so that EIP -= 2 finds the restart jmp. tss.esp0 is this task's
	 * kernel stack top (schedule keeps it current). IF is 0 until the sti: no interrupt can arrive
	 * while ESP is still the user's (an NMI could — gate86 has none; x86-64 gives NMI its own stack).
	 */
	movl	%esp, %ecx
	movl	init_tss + TSS_ESP0, %esp
	.globl	syscall_past_esp
syscall_past_esp:
	sti
	/* The iret frame `int $0x80` would have pushed (fidelity 7). */
	pushl	$__USER_DS			/* OLDSS */
	pushl	%ecx				/* OLDESP: the user ESP */
	pushfl					/* EFLAGS (IF set again; SYSCALL saved none: R11 is 64-bit only) */
	pushl	$__USER_CS			/* CS */
	pushl	$VSYSCALL_SYSCALL_RETURN	/* EIP = SYSCALL_RETURN in the vsyscall page */

	/* The sixth argument: the user's EBP, which the stub pushed at 0(user ESP). As sysenter does. */
	cmpl	$(__PAGE_OFFSET - 3), %ecx
	jae	syscall_fault
.Lload_syscall_arg6:
	movl	(%ecx), %ecx
	.pushsection .rodata.ex_table, "a"
	.balign	4
	.long	.Lload_syscall_arg6, syscall_fault
	.popsection
	xchgl	%ecx, %ebp			/* ECX = argument 2, EBP = argument 6: pt_regs' order */

	pushl	%eax				/* ORIG_EAX */
	SAVE_ALL
	GET_THREAD_INFO(%ebp)
	testl	$(1 << TIF_SYSCALL_TRACE), TI_FLAGS(%ebp)	/* traced: report it, then leave through iret */
	jnz	syscall_trace_entry
	cmpl	$NR_syscalls, %eax
	jae	syscall_badsys
	call	*sys_call_table(,%eax,4)
	cmpl	$-ESLEEPING, %eax
	je	syscall_sleep			/* (it returns through iret: the fake frame serves) */
	movl	%eax, EAX(%esp)
	cli
	movl	TI_FLAGS(%ebp), %ecx
	testl	$_TIF_ALLWORK_MASK, %ecx	/* signals, reschedule, or a service edited pt_regs */
	jne	syscall_exit_work		/* -> the iret path: it restores every register */
	/*
	 * SYSRET (legacy mode): CS = STAR[63:48] | 3 = __USER_CS, SS = + 8 = __USER_DS, EIP = ECX,
	 * EFLAGS.IF = 1. It does not load ESP, so we do, as the last thing before it: from there on
	 * ESP is the user's again while CPL is still 0, and IF is still 0 (the cli above), which SYSRET
	 * itself sets again — no sti, no interrupt window. EDX: SAVE_ALL used it for __USER_DS, give
	 * the user's back. EBX, ESI, EDI were never changed; EAX is the result. EBP points at
	 * thread_info: clear it (the stub pops the caller's EBP and ECX anyway).
	 */
	movl	EDX(%esp), %edx
	movl	EIP(%esp), %ecx
	xorl	%ebp, %ebp
	movl	OLDESP(%esp), %esp
	.globl	sysret_to_user
sysret_to_user:
	sysret

/* ==================================== the slow exits ========================================= */

/*
 * System call tracing (Linux's syscall_trace_entry / syscall_exit_work, arch/i386/kernel/entry.S).
 * TIF_SYSCALL_TRACE is set on every task while `--trace syscall` is on (kernel/ptrace.ts), as ptrace
 * sets it on the task strace watches. It sits in _TIF_ALLWORK_MASK, so a traced call never leaves
 * through SYSEXIT: the exit goes through syscall_exit_work, which reports it, then resume_userspace.
 *
 * On entry, do_syscall_trace(regs, 0) sees the number and the arguments before anything runs: the
 * calls that end in sys_ni_syscall (glibc's set_robust_list, rseq) and the numbers past the table
 * are reported like any other. EAX(%esp) is -ENOSYS meanwhile, which a number past the table keeps.
 */
syscall_trace_entry:
	movl	$-ENOSYS, EAX(%esp)
	movl	%esp, %eax
	pushl	$0				/* do_syscall_trace(regs, 0): on the way in */
	pushl	%eax
	call	do_syscall_trace
	addl	$8, %esp
	movl	ORIG_EAX(%esp), %eax		/* the number again (the gate returned in EAX) */
	cmpl	$NR_syscalls, %eax
	jb	syscall_call
	jmp	syscall_exit			/* -ENOSYS, reported on the way out */

/* syscall_exit_work: a flag of _TIF_ALLWORK_MASK is set: trace the exit, or the work of work_pending. */
syscall_exit_work:
	testl	$(1 << TIF_SYSCALL_TRACE), %ecx
	jz	work_pending
	sti
	movl	%esp, %eax
	pushl	$1				/* do_syscall_trace(regs, 1): on the way out, with the result */
	pushl	%eax
	call	do_syscall_trace
	addl	$8, %esp
	jmp	resume_userspace		/* signals and rescheduling as usual, then iret */

work_pending:
	testl	$(1 << TIF_NEED_RESCHED), %ecx
	jz	work_notifysig
work_resched:
	call	schedule
	cli
	movl	TI_FLAGS(%ebp), %ecx
	andl	$_TIF_WORK_MASK, %ecx
	jz	restore_all
	testl	$(1 << TIF_NEED_RESCHED), %ecx
	jnz	work_resched
work_notifysig:
	/*
	 * do_notify_resume(regs, flags): deliver signals (kill the task, or build a signal frame and
	 * point EIP at the handler), restart interrupted calls (fidelity 10: EAX = ORIG_EAX, EIP -= 2),
	 * and clear TIF_IRET. It edits pt_regs, which is why we always leave through iret from here.
	 */
	movl	%esp, %eax
	pushl	%ecx
	pushl	%eax
	call	do_notify_resume
	addl	$8, %esp
	testl	%eax, %eax			/* 1: the task has just exec'd a new program */
	jz	1f
	xorl	%eax, %eax
	movl	%eax, %fs			/* which starts with null %fs and %gs (start_thread) */
	movl	%eax, %gs
1:	jmp	resume_userspace		/* again: a signal may have ended the task (reschedule) */

/*
 * schedule: let pick_next_task (TypeScript) choose the next task; it also switches CR3, tss.esp0
 * and the TLS descriptors, and returns the next task's thread_info (0: keep running this one).
 * Then switch kernel stacks as Linux's switch_to does: push the callee-saved registers, save ESP in
 * this thread_info, load the other task's saved ESP, pop its registers, and `ret` — into wherever
 * that task called schedule from, or into ret_from_fork for a new child.
 */
	.globl	schedule
schedule:
	call	pick_next_task
	testl	%eax, %eax
	jz	3f
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	pushl	%fs				/* the user's TLS selectors live in no pt_regs slot: */
	pushl	%gs				/* switch them with the stack, as switch_to does */
	movl	$-THREAD_SIZE, %ecx
	andl	%esp, %ecx			/* this task's thread_info */
	movl	%esp, TI_KERNEL_ESP(%ecx)
	movl	TI_KERNEL_ESP(%eax), %esp	/* now on the next task's kernel stack */
.Lpop_gs:
	popl	%gs				/* reloads the descriptor pick_next_task wrote */
.Lpop_fs:
	popl	%fs
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
3:	ret
	/* A selector whose TLS slot this task has since cleared faults: load the null selector instead. */
	.pushsection .rodata.ex_table, "a"
	.long	.Lpop_gs, .Lfix_gs
	.long	.Lpop_fs, .Lfix_fs
	.popsection
.Lfix_gs:
	movl	$0, (%esp)
	jmp	.Lpop_gs
.Lfix_fs:
	movl	$0, (%esp)
	jmp	.Lpop_fs

/*
 * syscall_sleep: the service queued this task on wait queues or a timer and returned -ESLEEPING
 * (kernel/sched/wait.ts): it cannot finish yet. This is the `schedule()` in the middle of Linux's
 * wait_event loop: other tasks (or the idle task) run until this one is woken and picked again; then
 * the same service is called again with the same pt_regs and re-checks what it waits for. It
 * returns a result at last (EAX, and out through syscall_exit), or sleeps again. A signal ends the
 * sleep with -ERESTARTSYS, which do_notify_resume turns into -EINTR or a restart (fidelity 10).
 * EBP (thread_info) and the frame survive schedule; ORIG_EAX still holds the number.
 */
syscall_sleep:
	call	schedule
	movl	ORIG_EAX(%esp), %eax
	jmp	syscall_call

/*
 * cpu_idle: the idle task (pid 0, kernel/sched/schedule.ts), which schedule picks when no task can
 * run; Linux 2.6's cpu_idle/default_idle. It never enters user mode. With interrupts off it looks
 * for work; with none, `sti; hlt`: STI's one-instruction shadow keeps interrupts off until HLT has
 * begun, so a tick that wakes a sleeper cannot slip in between the test and the halt and be lost
 * until the tick after. HLT waits — the machine sleeps in Atomics.wait — for the next interrupt: the
 * PIT's tick, whose do_IRQ runs the timers and sets TIF_NEED_RESCHED when a task can run again.
 */
	.globl	cpu_idle
cpu_idle:
	GET_THREAD_INFO(%ebp)
1:	cli
	testl	$(1 << TIF_NEED_RESCHED), TI_FLAGS(%ebp)
	jnz	2f
	sti
	hlt
	jmp	1b
2:	sti
	call	schedule
	jmp	1b

/*
 * ret_from_fork: a child's first `ret` out of schedule lands here. Its kernel stack holds a copy of
 * the parent's pt_regs with EAX = 0; leave through the ordinary exit.
 */
	.globl	ret_from_fork
ret_from_fork:
	GET_THREAD_INFO(%ebp)
	jmp	syscall_exit

/* A number >= NR_syscalls: -ENOSYS, ORIG_EAX keeps the number (fidelity 8). */
syscall_badsys:
	movl	$-ENOSYS, EAX(%esp)
	jmp	resume_userspace

/*
 * The sixth argument faulted. We arrive here from the page fault handler's fixup (or the range
 * check), with only the fake iret frame on the stack: finish the frame and return -EFAULT.
 */
	.globl	syscall_fault
syscall_fault:
	pushl	%eax
	SAVE_ALL
	GET_THREAD_INFO(%ebp)
	movl	$-EFAULT, EAX(%esp)
	jmp	resume_userspace

/*
 * ret_from_exception / ret_from_intr: back to whoever was interrupted. To the kernel: straight
 * to restore_all (gate86 does not preempt the kernel). To user mode: handle pending work first.
 */
	.globl	ret_from_exception
ret_from_exception:
ret_from_intr:
	GET_THREAD_INFO(%ebp)
	movl	CS(%esp), %eax
	testl	$3, %eax
	jz	restore_all
	.globl	resume_userspace
resume_userspace:
	cli
	movl	TI_FLAGS(%ebp), %ecx
	andl	$_TIF_WORK_MASK, %ecx
	jne	work_pending
	jmp	restore_all

/* sys_ni_syscall: every slot of sys_call_table without a service. */
	.globl	sys_ni_syscall
	.type	sys_ni_syscall, @function
sys_ni_syscall:
	movl	$-ENOSYS, %eax
	ret

/* ==================================== exceptions ============================================ */
/*
 * Each entry pushes an error code if the CPU did not (0), then the address of its TypeScript
 * handler, and joins error_code. error_code completes a pt_regs whose ORIG_EAX slot holds the
 * error code and whose ES slot holds the handler, then calls handler(regs, error_code) with
 * ORIG_EAX = -1 ("not a system call": never restarted).
 */
error_code:
	pushl	%ds
	pushl	%eax
	pushl	%ebp
	pushl	%edi
	pushl	%esi
	pushl	%edx
	pushl	%ecx
	pushl	%ebx
	cld
	movl	%es, %ecx
	movl	ORIG_EAX(%esp), %esi		/* the error code */
	movl	ES(%esp), %edi			/* the handler */
	movl	$-1, ORIG_EAX(%esp)
	movl	%ecx, ES(%esp)			/* the ES slot now holds ES, as SAVE_ALL would have */
	movl	%esp, %edx
	pushl	%esi				/* handler(regs, error_code) */
	pushl	%edx
	movl	$__USER_DS, %edx
	movl	%edx, %ds
	movl	%edx, %es
	call	*%edi
	addl	$8, %esp
	jmp	ret_from_exception

#define TRAP_NO_ERROR(name, handler) \
	.globl name; name: pushl $0; pushl $handler; jmp error_code
#define TRAP_WITH_ERROR(name, handler) \
	.globl name; name: pushl $handler; jmp error_code

TRAP_NO_ERROR(divide_error, do_divide_error)
TRAP_NO_ERROR(nmi, do_nmi)
TRAP_NO_ERROR(int3, do_int3)
TRAP_NO_ERROR(overflow, do_overflow)
TRAP_NO_ERROR(bounds, do_bounds)
TRAP_NO_ERROR(invalid_op, do_invalid_op)
TRAP_NO_ERROR(device_not_available, do_device_not_available)
TRAP_WITH_ERROR(double_fault, do_double_fault)
TRAP_NO_ERROR(coprocessor_segment_overrun, do_coprocessor_segment_overrun)
TRAP_WITH_ERROR(invalid_TSS, do_invalid_TSS)
TRAP_WITH_ERROR(segment_not_present, do_segment_not_present)
TRAP_WITH_ERROR(stack_segment, do_stack_segment)
TRAP_WITH_ERROR(general_protection, do_general_protection)
TRAP_WITH_ERROR(page_fault, do_page_fault)
TRAP_NO_ERROR(spurious_interrupt_bug, do_spurious_interrupt_bug)
TRAP_NO_ERROR(coprocessor_error, do_coprocessor_error)
TRAP_WITH_ERROR(alignment_check, do_alignment_check)
TRAP_NO_ERROR(machine_check, do_machine_check)
TRAP_NO_ERROR(simd_coprocessor_error, do_simd_coprocessor_error)

/*
 * #DB on the first instruction of sysenter_entry (fidelity 3), or of syscall_entry (below). A user
 * who set EFLAGS.TF and then executed SYSENTER gets a single-step trap after SYSENTER itself: at
 * CPL 0, so without a stack switch, on the 256-byte "stack" at the TSS's end, before
 * `movl TSS_ESP0_OFFSET(%esp),%esp` ran. Do what that instruction would have done, then pretend
 * the trap hit the next one:
 *   (%esp) = EIP = sysenter_entry, 4(%esp) = CS = __KERNEL_CS, 8(%esp) = EFLAGS   (12 bytes)
 * so the TSS end is at %esp + 12 and tss.esp0 at TSS_ESP0_OFFSET + 12(%esp).
 */
	.globl	debug
debug:
	cmpl	$sysenter_entry, 0(%esp)
	jne	.Ldebug_syscall
	cmpl	$__KERNEL_CS, 4(%esp)
	jne	.Ldebug_stack_ok
	movl	(TSS_ESP0_OFFSET + 12)(%esp), %esp
	pushfl					/* a frame as if the trap had hit sysenter_past_esp */
	pushl	$__KERNEL_CS
	pushl	$sysenter_past_esp
	jmp	.Ldebug_stack_ok
/*
 * The same corner for AMD's door: legacy-mode SYSCALL keeps TF too, and switches no stack at all, so
 * the trap frame (12 bytes) went onto the USER's stack, below the stub's pushes. Do what
 * syscall_entry's first two instructions would have done — ECX = the user ESP (the frame's top),
 * ESP = tss.esp0 — and pretend the trap hit syscall_past_esp. (ECX held only the return EIP, which
 * syscall_entry does not use.) A user ESP the CPU cannot push to is beyond repair here: that #PF
 * pushes onto the same stack and the machine double-faults, one reason i386 Linux left SYSCALL alone.
 */
.Ldebug_syscall:
	cmpl	$syscall_entry, 0(%esp)
	jne	.Ldebug_stack_ok
	cmpl	$__KERNEL_CS, 4(%esp)
	jne	.Ldebug_stack_ok
	leal	12(%esp), %ecx
	movl	init_tss + TSS_ESP0, %esp
	pushfl					/* a frame as if the trap had hit syscall_past_esp */
	pushl	$__KERNEL_CS
	pushl	$syscall_past_esp
.Ldebug_stack_ok:
	pushl	$0
	pushl	$do_debug
	jmp	error_code

/* ==================================== interrupts ============================================ */
/*
 * IRQ n pushes n - 256 into ORIG_EAX (negative: not a system call) and saves the rest. do_IRQ
 * acknowledges the PIC and runs the device's handler (the PIT tick may set TIF_NEED_RESCHED).
 */
#define IRQ_ENTRY(n) \
	.globl irq##n; irq##n: pushl $((n) - 256); jmp common_interrupt

IRQ_ENTRY(0)
IRQ_ENTRY(1)
IRQ_ENTRY(2)
IRQ_ENTRY(3)
IRQ_ENTRY(4)
IRQ_ENTRY(5)
IRQ_ENTRY(6)
IRQ_ENTRY(7)
IRQ_ENTRY(8)
IRQ_ENTRY(9)
IRQ_ENTRY(10)
IRQ_ENTRY(11)
IRQ_ENTRY(12)
IRQ_ENTRY(13)
IRQ_ENTRY(14)
IRQ_ENTRY(15)

common_interrupt:
	SAVE_ALL
	pushl	%esp				/* do_IRQ(regs) */
	call	do_IRQ
	addl	$4, %esp
	/* End of interrupt: the slave PIC too for IRQ 8-15 (ORIG_EAX = irq - 256). */
	movb	$0x20, %al
	cmpl	$(8 - 256), ORIG_EAX(%esp)
	jl	1f
	outb	%al, $0xa0
1:	outb	%al, $0x20
	jmp	ret_from_intr

/* A vector nobody installed (a spurious IRQ from the PIC): return at once. */
	.globl	ignore_int
ignore_int:
	iret

/* The end of the exception table: entry.S is the only file with fixups, so one input section. */
	.pushsection .rodata.ex_table, "a"
	.globl	__stop___ex_table
__stop___ex_table:
	.popsection
