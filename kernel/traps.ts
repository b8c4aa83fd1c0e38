// The exception handlers (Linux's arch/i386/kernel/traps.c): entry.S's error_code path calls
// do_<name>(regs, error_code) for each exception vector. A fault in user mode becomes a signal for
// the process (force_sig: it cannot be blocked or ignored); in the kernel it is either an expected
// fault on a user address with a fixup in the exception table, or a kernel bug (an oops).
// The page fault's handler is in mm/fault.ts.

import type { HypercallHandler, Kernel } from './kernel.ts';
import type { PtRegs } from './pt-regs.ts';
import { searchExceptionTable } from './extable.ts';
import { TF } from '../vm/cpu/flags.ts';
import { SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTRAP } from './signal-numbers.ts';
import { initialFpuImage } from './fpu.ts';
import { sigismember, sigmask, sigsetWithout } from './sigset.ts';
import { CR0_EM, CR0_TS, TIF_SIGPENDING } from './layout.ts';

const hex = (v: number): string => '0x' + (v >>> 0).toString(16);
/** siginfo si_code for a signal the kernel itself sends. */
const SI_KERNEL = 0x80;

/**
 * force_sig(signal) for the task that faulted: a fault's signal cannot be blocked or ignored (the
 * instruction would fault again forever), so those are reset first, as Linux's force_sig_info does.
 * A fault whose action is then SIG_DFL ends even task 1: its process loses SIGNAL_UNKILLABLE, as in
 * Linux's force_sig_info_to_task (init that faults with no handler dies, and the machine with it).
 */
export function forceSignal(k: Kernel, signal: number, addr: number, code = SI_KERNEL): void {
  const task = k.task();
  if (sigismember(task.blockedSignals, signal) || task.actions[signal]!.handler === 1) {
    task.blockedSignals = sigsetWithout(task.blockedSignals, sigmask(signal));
    task.actions[signal] = { handler: 0, flags: 0, restorer: 0, mask: 0n };
  }
  if (task.actions[signal]!.handler === 0) task.group.unkillable = false;
  task.pending.add(signal, { code, pid: 0, uid: 0, addr }, task.credentials.uid);   // a kernel si_code: queued over RLIMIT_SIGPENDING
  k.setThreadFlag(task, TIF_SIGPENDING);
}

/**
 * What every handler does once it has decided a fault is the process's: signal it (from user mode),
 * or apply the exception table's fixup (from the kernel), or oops. `faultAddress` is CR2 for #PF,
 * `code` the signal's si_code (a page fault says why: SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR), `signalAddress`
 * its si_addr (by default CR2, else the faulting instruction).
 */
export function handleFault(k: Kernel, regs: PtRegs, name: string, error: number, signal: number, faultAddress: number | null, code = SI_KERNEL, signalAddress?: number): void {
  if (regs.fromUser()) {
    forceSignal(k, signal, signalAddress ?? faultAddress ?? regs.get('eip'), code);
    if (k.host.trace !== null) {
      k.host.trace(`fault ${name} at ${hex(regs.get('eip'))} error ${hex(error)}${faultAddress !== null ? ` cr2 ${hex(faultAddress)}` : ''} eax ${hex(regs.get('eax'))} -> signal ${signal}`);
    }
    return;
  }
  const fixup = searchExceptionTable(k, regs.get('eip'));
  if (fixup !== null) {
    regs.set('eip', fixup);
    return;
  }
  throw new Error(`kernel oops: ${name} at ${hex(regs.get('eip'))} error ${hex(error)}${faultAddress !== null ? ` cr2 ${hex(faultAddress)}` : ''}`);
}

/** si_code for a divide error, an invalid opcode (asm-generic/siginfo.h). */
const FPE_INTDIV = 1;
const ILL_ILLOPN = 2;

/**
 * do_<name>(regs, error_code) for an exception whose only answer is `signal`. As Linux's traps.c:
 * most are a bare force_sig (si_code SI_KERNEL, si_addr 0: DO_ERROR); a divide error and an
 * invalid opcode say what and where (DO_ERROR_INFO: FPE_INTDIV / ILL_ILLOPN at the faulting EIP).
 */
function trap(name: string, signal: number, code?: number): HypercallHandler {
  return (k, sp) => {
    const regs = k.ptRegsAt(k.stackArg(sp, 0));
    handleFault(k, regs, name, k.stackArg(sp, 1), signal, null, code ?? SI_KERNEL, code === undefined ? 0 : regs.get('eip'));
    return 0;
  };
}

/** siginfo si_code BUS_ADRALN: "invalid address alignment". */
const BUS_ADRALN = 1;

/**
 * do_alignment_check (#AC, only at CPL 3 with CR0.AM, which head.S sets, and the program's own
 * EFLAGS.AC): SIGBUS. Linux 2.6.0 sent it as a bare force_sig (si_code SI_KERNEL); today's Linux,
 * whose answer a program on the host gets, says BUS_ADRALN with a null si_addr (the CPU reports no
 * address for #AC), and so does gate86.
 */
const doAlignmentCheck: HypercallHandler = (k, sp) => {
  const regs = k.ptRegsAt(k.stackArg(sp, 0));
  handleFault(k, regs, 'alignment_check', k.stackArg(sp, 1), SIGBUS, null, BUS_ADRALN, 0);
  return 0;
};

/**
 * do_debug: a single-step trap in the kernel is the user's TF leaking in through SYSENTER (which keeps
 * TF): the trap hits sysenter_entry's first instruction, and entry.S's `debug` has already moved the
 * frame to the real kernel stack as if it hit sysenter_past_esp (fidelity 3). As Linux 2.6.0's
 * clear_TF_reenable does, clear TF in the kernel context and carry on with the system call.
 */
const doDebug: HypercallHandler = (k, sp) => {
  const regs = k.ptRegsAt(k.stackArg(sp, 0));
  if (regs.fromUser()) return trap('debug', SIGTRAP)(k, sp);
  regs.set('eflags', regs.get('eflags') & ~TF);
  if (k.host.trace !== null) {
    k.host.trace(`fault debug in the kernel at ${hex(regs.get('eip'))}, pt_regs at ${hex(k.stackArg(sp, 0))}: TF cleared`);
  }
  return 0;
};

/**
 * do_device_not_available (#NM): with CR0.EM there is no FPU to give (Linux without math emulation:
 * SIGFPE); otherwise math_state_restore.
 */
const doDeviceNotAvailable: HypercallHandler = (k, sp) => {
  const regs = k.ptRegsAt(k.stackArg(sp, 0));
  if ((k.cpu.readCr0() & CR0_EM) !== 0) {
    handleFault(k, regs, 'device_not_available', 0, SIGFPE, null);
    return 0;
  }
  const task = k.task();
  k.cpu.writeCr0(k.cpu.readCr0() & ~CR0_TS); // clts: the restore itself is an FPU access
  task.fpu ??= initialFpuImage();
  k.cpu.restoreFpu(task.fpu);
  task.fpuLive = true;
  return 0;
};

/** Every exception entry of entry.S but the page fault's, by the name it calls. */
export const TRAP_HANDLERS: Record<string, HypercallHandler> = {
  do_divide_error: trap('divide_error', SIGFPE, FPE_INTDIV),
  do_debug: doDebug,
  do_nmi: trap('nmi', SIGSEGV),
  do_int3: trap('int3', SIGTRAP),
  do_overflow: trap('overflow', SIGSEGV),
  do_bounds: trap('bounds', SIGSEGV),
  do_invalid_op: trap('invalid_op', SIGILL, ILL_ILLOPN),
  do_device_not_available: doDeviceNotAvailable,
  do_double_fault: trap('double_fault', SIGSEGV),
  do_coprocessor_segment_overrun: trap('coprocessor_segment_overrun', SIGFPE),
  do_invalid_TSS: trap('invalid_TSS', SIGSEGV),
  do_segment_not_present: trap('segment_not_present', SIGBUS),
  do_stack_segment: trap('stack_segment', SIGBUS),
  do_general_protection: trap('general_protection', SIGSEGV),
  do_spurious_interrupt_bug: trap('spurious_interrupt_bug', SIGSEGV),
  do_coprocessor_error: trap('coprocessor_error', SIGFPE),
  do_alignment_check: doAlignmentCheck,
  do_machine_check: trap('machine_check', SIGBUS),
  do_simd_coprocessor_error: trap('simd_coprocessor_error', SIGFPE),
};
