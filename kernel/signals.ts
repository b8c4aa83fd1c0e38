// Signals on the way back to user mode (Linux 2.6's arch/i386/kernel/signal.c): entry.S's
// work_notifysig calls do_notify_resume, which delivers each pending, unblocked signal — to a
// handler, through a sigframe or rt_sigframe on the user stack that returns through sigreturn, or
// by its default action — and sigreturn puts the interrupted context back.
//
// System call restart (fidelity point 10) lives here too: a call interrupted with -ERESTART* is
// re-executed by backing EIP up 2 bytes and putting the number back in EAX. For `int $0x80` those 2
// bytes are the `cd 80` itself; for sysenter the saved EIP is SYSENTER_RETURN, and 2 bytes before it
// is the `jmp` back to `mov %esp,%ebp; sysenter` in the vsyscall page.

import type { PtRegs } from './pt-regs.ts';
import { Struct } from './services/user.ts';
import { ERESTARTNOHAND, ERESTARTNOINTR, ERESTARTSYS, ERESTART_RESTARTBLOCK, TIF_IRET, TIF_NEED_RESCHED, TIF_NOTIFY_RESUME, TIF_SIGPENDING } from './layout.ts';
import { AC, AF, CF, DF, OF, PF, RF, SF, TF, ZF } from '../vm/cpu/flags.ts';
import { SIGCHLD, SIGCONT, SIGKILL, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGWINCH } from './signal-numbers.ts';
import type { HypercallHandler } from './kernel.ts';
import { exitGroup, exitThread } from './services/process.ts';
import { firstSignal, FULL_SIGSET, SigPending, type SendOutcome, sigismember, sigmask, sigsetHighWord, sigsetLowWord, sigsetWithout, type SignalInfo, type Sigset } from './sigset.ts';

export type { SignalInfo } from './sigset.ts';

/** restart_syscall's number: what EAX gets for a -ERESTART_RESTARTBLOCK restart. */
const NR_RESTART_SYSCALL = 0;

/**
 * Does this pt_regs hold an interrupted system call that must restart (no handler runs)? The call
 * itself runs again, or, after -ERESTART_RESTARTBLOCK, restart_syscall, which continues what the
 * task's restart block says (nanosleep's time left).
 */
export function restartSyscall(regs: PtRegs): boolean {
  const origEax = regs.get('orig_eax') | 0;
  if (origEax < 0) return false;                      // an interrupt or exception, not a call
  const eax = regs.get('eax') | 0;
  if (eax === -ERESTART_RESTARTBLOCK) regs.set('eax', NR_RESTART_SYSCALL);
  else if (eax === -ERESTARTSYS || eax === -ERESTARTNOINTR || eax === -ERESTARTNOHAND) regs.set('eax', origEax);
  else return false;
  regs.set('eip', regs.get('eip') - 2);
  return true;
}

/** The lowest pending signal number (1..64), or 0: Linux's next_signal delivers in this order. */
export const nextSignal = (pending: Sigset): number => firstSignal(pending);

// ---------------------------------------------------------------------------------------------
// Delivery to a handler, and the frames sigreturn reads back (Linux 2.6's arch/i386/kernel/signal.c).

import type { Kernel } from './kernel.ts';
import type { SignalAction, Task, ThreadGroup } from './task.ts';
import { RLIMIT_SIGPENDING } from './rlimit.ts';
import { EAGAIN, EINTR, VSYSCALL_BASE, X86_FEATURE_FXSR_BIT, __USER_CS, __USER_DS } from './layout.ts';
import { wakeTask } from './sched/wait.ts';
import { currentFpuImage, forgetFpu, FPSTATE_BYTES, FPSTATE_FSAVE_BYTES, FPSTATE_FXSAVE, FXSAVE_BYTES, fxsaveFromFnsave, setFpuImage, signalFpstate } from './fpu.ts';

/** struct sigcontext: the interrupted registers, 88 bytes. */
const SC = { gs: 0, fs: 4, es: 8, ds: 12, edi: 16, esi: 20, ebp: 24, esp: 28, ebx: 32, edx: 36, ecx: 40, eax: 44, trapno: 48, err: 52, eip: 56, cs: 60, eflags: 64, espAtSignal: 68, ss: 72, fpstate: 76, oldmask: 80, cr2: 84 } as const;
const SIGCONTEXT_SIZE = 88;
export const SIGCONTEXT_OLDMASK = SC.oldmask;
/** struct sigframe {pretcode, sig, sigcontext, extramask, retcode}; the FPU state (_fpstate, kernel/fpu.ts) lies above the frame. */
export const SIGFRAME_SC = 8;
export const SIGFRAME_EXTRAMASK = SIGFRAME_SC + SIGCONTEXT_SIZE;
const SIGFRAME_SIZE = SIGFRAME_EXTRAMASK + 4 + 8;
/** struct rt_sigframe {pretcode, sig, pinfo, puc, siginfo (128), ucontext {flags, link, stack (12), mcontext, sigmask (8)}, retcode}. */
const RT_SIGFRAME_INFO = 16;
const RT_SIGFRAME_UC = RT_SIGFRAME_INFO + 128;
export const RT_SIGFRAME_UC_MCONTEXT = RT_SIGFRAME_UC + 20;
export const RT_SIGFRAME_UC_SIGMASK = RT_SIGFRAME_UC_MCONTEXT + SIGCONTEXT_SIZE;
const RT_SIGFRAME_SIZE = RT_SIGFRAME_UC_SIGMASK + 8 + 8;

/** The vsyscall page's trampolines (fidelity point 5). */
export const KERNEL_SIGRETURN = VSYSCALL_BASE + 0x420;
export const KERNEL_RT_SIGRETURN = VSYSCALL_BASE + 0x440;

const SA_SIGINFO = 0x4;
const SA_RESTORER = 0x04000000;
const SA_RESTART = 0x10000000;
const SA_NODEFER = 0x40000000;
const SA_RESETHAND = 0x80000000;
const SIG_IGN = 1;
/** EFLAGS bits sigreturn may take from the frame (Linux's FIX_EFLAGS): arithmetic flags, DF, TF, AC, RF. */
const FIX_EFLAGS = CF | PF | AF | ZF | SF | TF | DF | OF | RF | AC;

/** Signals whose default action is to do nothing. */
const DEFAULT_IGNORE = new Set([SIGCHLD, SIGCONT, SIGURG, SIGWINCH]);
/** Signals whose default action is to stop the process until SIGCONT (job control). */
export const STOP_SIGNALS = new Set([SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]);

export type DeliveryOutcome = 'handled' | 'ignored' | 'stop' | { kill: number };

/** The sigcontext's oldmask is one word: signals 1..32 (a sigframe keeps 33..64 in its extramask). */
function sigcontext(regs: PtRegs, oldmask: number, cr2: number): Struct {
  const s = new Struct(SIGCONTEXT_SIZE);
  s.u32(SC.es, regs.get('es')).u32(SC.ds, regs.get('ds')).u32(SC.edi, regs.get('edi')).u32(SC.esi, regs.get('esi'))
    .u32(SC.ebp, regs.get('ebp')).u32(SC.esp, regs.get('esp')).u32(SC.ebx, regs.get('ebx')).u32(SC.edx, regs.get('edx'))
    .u32(SC.ecx, regs.get('ecx')).u32(SC.eax, regs.get('eax')).u32(SC.eip, regs.get('eip')).u32(SC.cs, regs.get('cs'))
    .u32(SC.eflags, regs.get('eflags')).u32(SC.espAtSignal, regs.get('esp')).u32(SC.ss, regs.get('ss'))
    .u32(SC.oldmask, oldmask).u32(SC.cr2, cr2);
  return s;
}

/** Linux's handle_signal restart rules, when a handler will run. */
function restartForHandler(regs: PtRegs, flags: number): void {
  if ((regs.get('orig_eax') | 0) < 0) return;
  const eax = regs.get('eax') | 0;
  if (eax === -ERESTARTNOHAND || eax === -ERESTART_RESTARTBLOCK || (eax === -ERESTARTSYS && (flags & SA_RESTART) === 0)) regs.set('eax', -EINTR);
  else if (eax === -ERESTARTSYS || eax === -ERESTARTNOINTR) restartSyscall(regs);
}

/**
 * siginfo_t as the receiver gets it (128 bytes; Linux's copy_siginfo_to_user): a process-supplied one
 * (rt_sigqueueinfo) whole; else signo, errno 0, code, then the sender's pid and uid (code <= 0: from
 * a process) or the faulting address (from the kernel).
 */
export function siginfoBytes(signal: number, info: SignalInfo): Uint8Array {
  const bytes = new Struct(128);
  if (info.user !== undefined) bytes.bytes.set(info.user.subarray(0, 128));
  bytes.u32(0, signal).u32(8, info.code);
  if (info.user !== undefined) return bytes.bytes;
  if (info.code <= 0) bytes.u32(12, info.pid).u32(16, info.uid);
  else bytes.u32(12, info.addr);
  return bytes.bytes;
}

/**
 * Signals waiting for `task` and not blocked by it — its own (thread-directed) or its process's
 * (process-directed): a sleep in a system call ends for them.
 */
export function signalPending(task: Task): boolean {
  return sigsetWithout(task.pending.signal | task.group.sharedPending.signal, task.blockedSignals) !== 0n;
}

/**
 * After the mask changed (sigprocmask, or the mask ppoll, pselect6 and sigsuspend wait with): Linux's
 * recalc_sigpending. A signal the new mask lets through must be taken on the way out, so the task
 * gets TIF_SIGPENDING now; without it a call that saw the signal pending and gave up with
 * -ERESTARTNOHAND would return that number to user space, since nothing sent a signal meanwhile.
 */
export function recalcSignalPending(k: Kernel, task: Task): void {
  if (signalPending(task)) k.setThreadFlag(task, TIF_SIGPENDING);
}

/**
 * Would delivering `signal` do nothing? Linux's sig_ignored, checked when the signal is sent, so
 * an ignored signal neither stays pending nor interrupts a sleep. A blocked signal is kept: the
 * handler or the mask may change before it is unblocked. So is one a sigtimedwait is waiting for,
 * blocked until the call unblocked it for the wait (Linux's real_blocked): the call takes it.
 */
function ignoredAtSend(task: Task, signal: number, info: SignalInfo): boolean {
  if (sigismember(task.blockedSignals, signal) || (task.realBlocked !== null && sigismember(task.realBlocked, signal))) return false;
  return handlerIgnores(signal, task.actions[signal]!.handler) || initIgnores(task, signal, info);
}

/**
 * Does task 1 drop this signal? Linux protects the init of a pid namespace (SIGNAL_UNKILLABLE,
 * sig_task_ignored and get_signal in kernel/signal.c): a signal another process of its namespace
 * sends it while its action is SIG_DFL is dropped — SIGKILL and SIGSTOP too, which are always
 * SIG_DFL — and the sender's kill still returns 0. With a handler installed the handler runs; one
 * that init blocks stays pending, and is dropped when it is taken if the action is still SIG_DFL
 * then. Without this, any process could end task 1, and with it the machine.
 *
 * gate86 drops only what another process sent (info.sentBy). Linux also drops task 1's own
 * signals to itself (raise, kill(getpid()), SIGPIPE) and the kernel's (a terminal's ^C), all but a
 * fault's; gate86 does not: the program `gate86 run` starts is task 1, and it must end as it does
 * on a host that runs it as an ordinary process (glibc's raise(SIGTERM), abort, the host's Ctrl-C).
 */
function initIgnores(task: Task, signal: number, info: SignalInfo): boolean {
  return task.group.unkillable && info.sentBy !== undefined && info.sentBy !== task.tgid && task.actions[signal]!.handler === 0;
}

/** Does `handler` for `signal` do nothing: SIG_IGN, or SIG_DFL of a signal ignored by default (sig_handler_ignored)? */
const handlerIgnores = (signal: number, handler: number): boolean => handler === SIG_IGN || (handler === 0 && DEFAULT_IGNORE.has(signal));

/**
 * Install `next` as the action for `signal` (Linux's do_sigaction). An action that ignores the
 * signal also discards what is pending of it in the whole process, blocked or not — every queued
 * instance (POSIX: "setting a signal action to SIG_IGN for a signal that is pending shall cause the
 * pending signal to be discarded, whether or not it is blocked").
 */
export function setSignalAction(task: Task, signal: number, next: SignalAction): void {
  task.actions[signal] = next;
  if (!handlerIgnores(signal, next.handler)) return;
  task.group.sharedPending.discard(sigmask(signal));
  for (const thread of task.group.threads) thread.pending.discard(sigmask(signal));
}

/**
 * May `receiver`'s user have one more siginfo queued? Linux's __sigqueue_alloc: every queued siginfo
 * is charged to its receiver's real uid, up to the receiver's RLIMIT_SIGPENDING, so sigqueue in a
 * loop ends with EAGAIN instead of filling memory. Counted over the live queues, as userTasks counts
 * RLIMIT_NPROC, so nothing has to be uncharged when a queue goes away.
 */
function queueRoom(k: Kernel, receiver: Task): boolean {
  return userQueuedSignals(k, receiver.credentials.uid) < receiver.group.limits[RLIMIT_SIGPENDING]!.cur;
}

/** The siginfos queued for user `uid`'s tasks and processes (/proc's SigQ, RLIMIT_SIGPENDING's count). */
export function userQueuedSignals(k: Kernel, uid: number): number {
  const groups = new Set<ThreadGroup>();
  let charged = 0;
  for (const task of k.tasks.values()) {
    charged += task.pending.chargedTo(uid);
    if (!groups.has(task.group)) { groups.add(task.group); charged += task.group.sharedPending.chargedTo(uid); }
  }
  return charged;
}

/** Queue one instance of `signal` on `pending` (a `receiver`'s), charged to the receiver's user. */
function enqueue(k: Kernel, receiver: Task, pending: SigPending, signal: number, info: SignalInfo): SendOutcome {
  return pending.add(signal, info, receiver.credentials.uid, () => queueRoom(k, receiver));
}

/** Tell `task` it has a signal to take: flag it for do_notify_resume, end an interruptible sleep. */
function signalWake(k: Kernel, task: Task): void {
  k.setThreadFlag(task, TIF_SIGPENDING);
  wakeTask(k, task, 'signal');
}

/**
 * A thread-directed signal (tgkill, tkill, a fault's): only `task` takes it. Make it pending and
 * end an interruptible sleep it is in — the call then returns -ERESTARTSYS or -EINTR and the signal
 * is delivered on the way out. Standard signals do not queue: a second one while the first is
 * pending is merged; each real-time one (32..64) queues with its own siginfo (SigPending.add).
 * Returns -EAGAIN when the queue is full and the signal cannot be sent (sigqueue's EAGAIN), else 0.
 */
export function sendSignal(k: Kernel, task: Task, signal: number, info: SignalInfo): number {
  if (task.state === 'zombie' || ignoredAtSend(task, signal, info)) return 0;
  const outcome = enqueue(k, task, task.pending, signal, info);
  if (outcome === 'overflow') return -EAGAIN;
  if (outcome !== 'merged' && !sigismember(task.blockedSignals, signal)) signalWake(k, task);
  return 0;
}

/**
 * A process-directed signal (kill, the terminal's Ctrl-C, a child's SIGCHLD): pending for the whole
 * thread group, taken by whichever thread does not block it — the first such thread (the leader
 * if it can) is woken to take it (Linux's complete_signal). When every thread blocks it, it waits
 * until one unblocks it (rt_sigprocmask looks at the group's pending set too).
 */
export function sendProcessSignal(k: Kernel, task: Task, signal: number, info: SignalInfo): number {
  const group = task.group;
  const threads = [...group.threads];
  if (threads.length === 0 || group.exitStatus !== null) return 0;
  if (threads.every((t) => ignoredAtSend(t, signal, info))) return 0;
  const outcome = enqueue(k, task, group.sharedPending, signal, info);
  if (outcome === 'overflow') return -EAGAIN;
  if (outcome === 'merged') return 0;
  const taker = threads.find((t) => !sigismember(t.blockedSignals, signal));
  if (taker !== undefined) signalWake(k, taker);
  return 0;
}

/**
 * The next signal `task` should take, not in `blocked`: its own first, then its process's, lowest
 * number first in each (Linux's dequeue_signal); the oldest instance of a queued real-time signal.
 */
export function dequeueSignal(task: Task, blocked: Sigset = task.blockedSignals): { signal: number; info: SignalInfo } | null {
  for (const pending of [task.pending, task.group.sharedPending]) {
    const signal = nextSignal(sigsetWithout(pending.signal, blocked));
    if (signal !== 0) return { signal, info: takeFrom(pending, signal) };
  }
  return null;
}

/**
 * An instance of `signal` from `pending`. One pending without its siginfo (raised by the kernel, or
 * its siginfo lost to a full queue) reads as SI_USER from pid 0, as Linux's collect_signal zeroes it.
 */
function takeFrom(pending: SigPending, signal: number): SignalInfo {
  return pending.take(signal, { code: SI_USER, pid: 0, uid: 0, addr: 0 });
}

/**
 * Deliver one pending signal: its default action, or a frame on the user stack and EIP = handler.
 * Runs from do_notify_resume, which always returns through iret.
 */
export function deliverSignal(k: Kernel, task: Task, regs: PtRegs, signal: number, info: SignalInfo): DeliveryOutcome {
  const action = task.actions[signal]!;
  if (action.handler === SIG_IGN) return 'ignored';
  if (action.handler === 0) {
    // Another process's signal that task 1 blocked when it came, still SIG_DFL now: dropped (get_signal's SIGNAL_UNKILLABLE check).
    if (DEFAULT_IGNORE.has(signal) || initIgnores(task, signal, info)) return 'ignored';
    return STOP_SIGNALS.has(signal) ? 'stop' : { kill: signal };
  }
  restartForHandler(regs, action.flags);
  const rt = (action.flags & SA_SIGINFO) !== 0;
  const size = rt ? RT_SIGFRAME_SIZE : SIGFRAME_SIZE;
  // The FPU state first, just below the interrupted ESP (64-byte aligned, as Linux's math frame),
  // if the task has used the FPU; then the frame below it.
  const usedMath = task.fpu !== null || task.fpuLive;
  const fpstate = usedMath ? ((regs.get('esp') - FPSTATE_BYTES) & ~63) >>> 0 : 0;
  const below = usedMath ? fpstate : regs.get('esp');
  // Aligned so that the handler sees (ESP + 4) 16-byte aligned.
  const frame = ((((below - size) >>> 0) + 4) & ~15) - 4 >>> 0;
  const restorer = (action.flags & SA_RESTORER) !== 0 ? action.restorer : rt ? KERNEL_RT_SIGRETURN : KERNEL_SIGRETURN;
  const bytes = new Struct(size);
  bytes.u32(0, restorer).u32(4, signal);
  // The mask the handler's sigreturn restores: the caller's own, if ppoll/pselect6/sigsuspend had
  // replaced it for the length of the call (Linux's saved_sigmask).
  const restoredMask = task.savedMask ?? task.blockedSignals;
  task.savedMask = null;
  const context = sigcontext(regs, sigsetLowWord(restoredMask), info.addr).u32(SC.fpstate, fpstate).bytes;
  if (usedMath) {
    const image = signalFpstate(currentFpuImage(k, task), (k.hwcap() & (1 << X86_FEATURE_FXSR_BIT)) !== 0);
    if (!task.space.copyToUser(fpstate, image)) return { kill: 11 };
  }
  if (rt) {
    bytes.u32(8, frame + RT_SIGFRAME_INFO).u32(12, frame + RT_SIGFRAME_UC);
    bytes.bytes.set(siginfoBytes(signal, info), RT_SIGFRAME_INFO);
    bytes.bytes.set(context, RT_SIGFRAME_UC_MCONTEXT);
    bytes.u64(RT_SIGFRAME_UC_SIGMASK, restoredMask);              // uc_sigmask: the whole 8-byte set
  } else {
    bytes.bytes.set(context, SIGFRAME_SC);
    bytes.u32(SIGFRAME_EXTRAMASK, sigsetHighWord(restoredMask));  // signals 33..64 beside oldmask
  }
  if (!task.space.copyToUser(frame, bytes.bytes)) return { kill: 11 };      // no room for a frame: SIGSEGV
  regs.set('esp', frame);
  forgetFpu(k, task); // the handler starts from init_fpu's state at its first FPU instruction
  regs.set('eip', action.handler);
  regs.set('eax', signal);
  regs.set('edx', rt ? frame + RT_SIGFRAME_INFO : 0);
  regs.set('ecx', rt ? frame + RT_SIGFRAME_UC : 0);
  regs.set('cs', __USER_CS);
  regs.set('ss', __USER_DS);
  regs.set('ds', __USER_DS);
  regs.set('es', __USER_DS);
  regs.set('eflags', regs.get('eflags') & ~(TF | DF));
  task.blockedSignals = (task.blockedSignals | action.mask | ((action.flags & SA_NODEFER) !== 0 ? 0n : sigmask(signal))) & FULL_SIGSET;
  if ((action.flags & SA_RESETHAND) !== 0) task.actions[signal] = { handler: 0, flags: 0, restorer: 0, mask: 0n };
  return 'handled';
}

/** A selector sigreturn may put in DS/ES/SS: null, or a GDT user data segment with RPL 3. */
function userDataSelector(selector: number): boolean {
  return selector === 0 || selector === __USER_DS || ((selector & 3) === 3 && (selector >> 3) >= 6 && (selector >> 3) <= 8);
}

/** Reload pt_regs from a struct sigcontext in user memory; false if unreadable or forged. */
export function restoreSigcontext(k: Kernel, regs: PtRegs, address: number): boolean {
  const raw = k.task().space.copyFromUser(address, SIGCONTEXT_SIZE);
  if (raw === null) return false;
  const v = new DataView(raw.buffer);
  const get = (offset: number): number => v.getUint32(offset, true);
  if ((get(SC.cs) & 0xffff) !== __USER_CS || !userDataSelector(get(SC.ss) & 0xffff)) return false;
  if (!userDataSelector(get(SC.ds) & 0xffff) || !userDataSelector(get(SC.es) & 0xffff)) return false;
  for (const [field, offset] of [['edi', SC.edi], ['esi', SC.esi], ['ebp', SC.ebp], ['esp', SC.esp], ['ebx', SC.ebx], ['edx', SC.edx], ['ecx', SC.ecx], ['eax', SC.eax], ['eip', SC.eip], ['ds', SC.ds], ['es', SC.es], ['ss', SC.ss]] as const) {
    regs.set(field, field === 'ds' || field === 'es' || field === 'ss' ? get(offset) & 0xffff : get(offset));
  }
  // The FPU state the frame carries, or none: the task had not used the FPU. With FXSR, its FXSAVE
  // part (Linux 2.6's restore_i387_fxsave); without, its FNSAVE part, all such a frame has
  // (restore_i387_fsave).
  const fpstate = get(SC.fpstate);
  if (fpstate === 0) forgetFpu(k, k.task());
  else {
    const fxsr = (k.hwcap() & (1 << X86_FEATURE_FXSR_BIT)) !== 0;
    const part = fxsr ? k.task().space.copyFromUser(fpstate + FPSTATE_FXSAVE, FXSAVE_BYTES) : k.task().space.copyFromUser(fpstate, FPSTATE_FSAVE_BYTES);
    if (part === null) return false;
    const image = fxsr ? part : fxsaveFromFnsave(part);
    const maskField = new DataView(k.cpu.saveFpu().buffer).getUint32(28, true);
    setFpuImage(k, k.task(), image, maskField === 0 ? 0xffbf : maskField);
  }
  regs.set('cs', __USER_CS);
  regs.set('eflags', (regs.get('eflags') & ~FIX_EFLAGS) | (get(SC.eflags) & FIX_EFLAGS));
  regs.set('orig_eax', 0xffffffff);                      // a sigreturn is never restarted
  k.setThreadFlag(k.task(), TIF_IRET);
  return true;
}

/**
 * do_notify_resume(regs, flags): deliver pending, unblocked signals — to a handler (a frame on the
 * user stack) or by their default action — then, if no handler ran, restart an interrupted call
 * (fidelity 10); and clear TIF_IRET, since entry.S leaves through iret from here in any case.
 * Returns 1 when the task just exec'd (entry.S then loads null %fs/%gs for the new program).
 */
export const doNotifyResume: HypercallHandler = (k, sp) => {
  const regs = k.ptRegsAt(k.stackArg(sp, 0));
  const task = k.task();
  let handled = false;
  for (;;) {
    // exit_group or a fatal signal in another thread: this thread leaves with the process's status.
    const groupExit = task.group.exitStatus;
    if (groupExit !== null) {
      exitThread(k, task, groupExit);
      return 0;
    }
    // Another thread execs (de_thread's SIGKILL): this one just ends, and the process lives on.
    const exec = task.group.execTask;
    if (exec !== null && exec !== task) {
      exitThread(k, task, { code: 0 });
      return 0;
    }
    const next = dequeueSignal(task);
    if (next === null) break;
    const outcome = deliverSignal(k, task, regs, next.signal, next.info);
    if (typeof outcome === 'object') {
      exitGroup(k, task, { signal: outcome.kill });   // a signal's default action ends the whole process
      return 0;
    }
    if (outcome === 'stop') {
      stopTask(k, task, next.signal);                // it runs again (and restarts its call) after SIGCONT
      break;
    }
    if (outcome === 'handled') {
      handled = true;
      break;                                         // one frame at a time, as Linux does
    }
  }
  if (!signalPending(task)) k.clearThreadFlag(task, TIF_SIGPENDING);
  if (!handled) restartSyscall(regs);
  k.clearThreadFlag(task, TIF_IRET);
  k.clearThreadFlag(task, TIF_NOTIFY_RESUME);
  const execed = task.justExeced;
  task.justExeced = false;
  return execed ? 1 : 0;
};

// ---------------------------------------------------------------------------------------------
// Job control: signals to process groups (kill(-pgid), a terminal's ^C), stop and continue
// (Linux's kill_pgrp, do_signal_stop, and the SIGCONT side of prepare_signal).

/** siginfo si_code of kill(2)'s signal. */
const SI_USER = 0;
/** siginfo si_code for a signal the kernel itself sends (a terminal's, SIGPIPE's). */
export const SI_KERNEL = 0x80;
const SA_NOCLDSTOP = 1;

/**
 * A process-directed signal with job control's rules: SIGCONT continues a stopped process (even when
 * it blocks or handles SIGCONT) and cancels pending stop signals; a stop signal cancels a pending
 * SIGCONT; SIGKILL ends a stop too. Then the ordinary sending (sendProcessSignal): 0, or -EAGAIN
 * when the signal's queue is full.
 */
export function queueSignal(k: Kernel, task: Task, signal: number, info: SignalInfo): number {
  if (task.state === 'zombie' || signal === 0) return 0;
  const leader = [...task.group.threads][0] ?? task;
  if (signal === SIGCONT) {
    const stops = [...STOP_SIGNALS].reduce((set, stop) => set | sigmask(stop), 0n);
    task.group.sharedPending.discard(stops);
    for (const t of task.group.threads) t.pending.discard(stops);
    for (const t of task.group.threads) if (t.stopped) continueTask(k, t, leader === t);
  } else if (STOP_SIGNALS.has(signal)) {
    task.group.sharedPending.discard(sigmask(SIGCONT));
  } else if (signal === SIGKILL && !initIgnores(task, signal, info)) {
    for (const t of task.group.threads) if (t.stopped) { t.stopped = false; t.state = 'running'; }
  }
  return sendProcessSignal(k, task, signal, info);
}

/** Send `signal` to every process of group `pgid`; -ESRCH (-3) when the group has none. */
export function signalGroup(k: Kernel, pgid: number, signal: number, info: SignalInfo = { code: SI_KERNEL, pid: 0, uid: 0, addr: 0 }): number {
  let found = false;
  for (const task of [...k.tasks.values()]) {
    if (task.pgid !== pgid || task.state === 'zombie' || !task.isLeader) continue;
    found = true;
    queueSignal(k, task, signal, info);
  }
  return found ? 0 : -3;
}

/** Tell the parent about a stop or a continue: SIGCHLD (unless SA_NOCLDSTOP) and a wait4 wake-up. */
function notifyParent(k: Kernel, task: Task): void {
  const parent = k.tasks.get(task.ppid);
  if (parent === undefined) return;
  if ((parent.actions[SIGCHLD]!.flags & SA_NOCLDSTOP) === 0) sendProcessSignal(k, parent, SIGCHLD, { code: SI_KERNEL, pid: task.tgid, uid: task.credentials.uid, addr: 0 });
  parent.childExit.wakeAll(k);
}

/** A stop signal's default action: the task stops (sleeps with no wait queue) until SIGCONT. */
export function stopTask(k: Kernel, task: Task, signal: number): void {
  task.stopped = true;
  task.stopReport = signal;
  task.continuedReport = false;
  task.state = 'sleeping';
  task.sleep = null;
  k.setThreadFlag(task, TIF_NEED_RESCHED);
  notifyParent(k, task);
}

function continueTask(k: Kernel, task: Task, report: boolean): void {
  task.stopped = false;
  task.stopReport = 0;
  if (task.state === 'sleeping' && task.sleep === null) task.state = 'running';
  if (report) {
    task.continuedReport = true;
    notifyParent(k, task);
  }
}
