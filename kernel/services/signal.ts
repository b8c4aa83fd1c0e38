// Signals: rt_sigaction, rt_sigprocmask, kill (to a process), tkill/tgkill (to one thread),
// rt_sigqueueinfo (sigqueue: a signal with a value), gettid, and the two ways back from a handler,
// sigreturn and rt_sigreturn. Signals are 1..64: the real-time ones (32..64) queue (kernel/sigset.ts).
//
// Delivery happens on the way back to user mode (kernel/signals.ts deliverSignal, called from
// do_notify_resume): the kernel pushes a frame on the user stack — the interrupted registers in a
// struct sigcontext — points EIP at the handler and the return address at a trampoline:
// the program's SA_RESTORER, else __kernel_sigreturn / __kernel_rt_sigreturn in the vsyscall page
// (fidelity point 5). The trampoline's `int $0x80` comes back here; sigreturn reloads every register
// from the frame and sets TIF_IRET, since only iret can restore them all (fidelity point 9).

import type { SyscallService } from '../kernel.ts';
import { EAGAIN, EINTR, EINVAL, EPERM, ESLEEPING, ETIMEDOUT, ERESTARTNOHAND, ERESTARTSYS, ESRCH, TIF_SIGPENDING } from '../layout.ts';
import { queueSignal } from '../signals.ts';
import { sleepOn, wokenBy } from '../sched/wait.ts';
import { dequeueSignal } from '../signals.ts';
import type { Kernel } from '../kernel.ts';
import type { SignalAction } from '../task.ts';
import { Struct, copyFromUser, copyToUser, FAULT } from './user.ts';
import { sendSignal, recalcSignalPending, setSignalAction, restoreSigcontext, siginfoBytes, SIGFRAME_SC, SIGFRAME_EXTRAMASK, SIGCONTEXT_OLDMASK, RT_SIGFRAME_UC_MCONTEXT, RT_SIGFRAME_UC_SIGMASK } from '../signals.ts';
import { SIGCONT, SIGKILL, SIGSEGV, SIGSTOP } from '../signal-numbers.ts';
import type { Task } from '../task.ts';
import { FULL_SIGSET, NSIG, sigmask, sigsetFromUser, sigsetFromWords, sigsetLowWord, sigsetWithout, type SignalInfo, type Sigset } from '../sigset.ts';

const SI_USER = 0;
const SI_TKILL = -6;
const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIG_SETMASK = 2;
/** SIGKILL and SIGSTOP can be neither caught nor blocked. */
const UNBLOCKABLE = sigmask(SIGKILL) | sigmask(SIGSTOP);

/** A mask a task may block with: 64 bits, never SIGKILL or SIGSTOP (Linux's sigdelsetmask). */
const blockable = (set: Sigset): Sigset => sigsetWithout(set, UNBLOCKABLE);

/** Read a user sigset_t (8 bytes) as a blockable mask, or null on a fault. */
function userSigset(k: Kernel, pointer: number): Sigset | null {
  const raw = copyFromUser(k, pointer, 8);
  return raw === null ? null : blockable(sigsetFromUser(raw));
}

/** An 8-byte sigset_t for user memory. */
const sigsetBytes = (set: Sigset): Uint8Array => new Struct(8).u64(0, set).bytes;

/** rt_sigaction(sig, const struct sigaction *act, struct sigaction *oact, sigsetsize): {handler, flags, restorer, mask[2]}. */
export const sys_rt_sigaction: SyscallService = (k, regs) => {
  const [signal, act, oact, size] = regs.args();
  if (size !== 8 || signal < 1 || signal > NSIG) return -EINVAL;
  const task = k.task();
  const old = task.actions[signal]!;
  if (act !== 0) {
    if (signal === SIGKILL || signal === SIGSTOP) return -EINVAL;
    const raw = copyFromUser(k, act, 20);
    if (raw === null) return FAULT;
    const v = new DataView(raw.buffer);
    setSignalAction(task, signal, { handler: v.getUint32(0, true), flags: v.getUint32(4, true), restorer: v.getUint32(8, true), mask: blockable(sigsetFromUser(raw.subarray(12))) });
  }
  // The old action goes out after the new one is in: a bad oact is -EFAULT with the action changed, as in Linux.
  if (oact === 0) return 0;
  const s = new Struct(20).u32(0, old.handler).u32(4, old.flags).u32(8, old.restorer).u64(12, old.mask);
  return copyToUser(k, oact, s.bytes) ? 0 : FAULT;
};

/**
 * sigaction(sig, const struct old_sigaction *act, struct old_sigaction *oact), the call before
 * rt_sigaction: {handler, mask, flags, restorer} with a one-word old_sigset_t mask, signals 1..32.
 * The new action's mask is that word alone (siginitset: 33..64 not blocked); the old one's is its
 * low word. The act is read before the signal is checked (-EFAULT first), as in Linux 2.6.
 */
export const sys_sigaction: SyscallService = (k, regs) => {
  const [signal, act, oact] = regs.args();
  const task = k.task();
  let next: SignalAction | null = null;
  if (act !== 0) {
    const raw = copyFromUser(k, act, 16);
    if (raw === null) return FAULT;
    const v = new DataView(raw.buffer, raw.byteOffset, 16);
    next = { handler: v.getUint32(0, true), mask: blockable(sigsetFromWords(v.getUint32(4, true), 0)), flags: v.getUint32(8, true), restorer: v.getUint32(12, true) };
  }
  if (signal < 1 || signal > NSIG || (next !== null && (signal === SIGKILL || signal === SIGSTOP))) return -EINVAL;
  const old = task.actions[signal]!;
  if (next !== null) setSignalAction(task, signal, next);
  if (oact === 0) return 0;
  const s = new Struct(16).u32(0, old.handler).u32(4, sigsetLowWord(old.mask)).u32(8, old.flags).u32(12, old.restorer);
  return copyToUser(k, oact, s.bytes) ? 0 : FAULT;
};

/** rt_sigprocmask(how, const sigset_t *set, sigset_t *oset, sigsetsize): signals 1..64. */
export const sys_rt_sigprocmask: SyscallService = (k, regs) => {
  const [how, set, oset, size] = regs.args();
  if (size !== 8) return -EINVAL;
  const task = k.task();
  const old = task.blockedSignals;
  if (set !== 0) {
    const bits = userSigset(k, set);
    if (bits === null) return FAULT;
    if (how === SIG_BLOCK) task.blockedSignals |= bits;
    else if (how === SIG_UNBLOCK) task.blockedSignals = sigsetWithout(task.blockedSignals, bits);
    else if (how === SIG_SETMASK) task.blockedSignals = bits;
    else return -EINVAL;
  }
  if (oset !== 0 && !copyToUser(k, oset, sigsetBytes(old))) return FAULT;
  recalcSignalPending(k, task);
  return 0;
};

export const sys_gettid: SyscallService = (k) => k.task().pid;

/** A signal number kill and friends take: 0 (only check the target exists) .. 64. */
function checkSignal(signal: number): boolean { return signal >= 0 && signal <= NSIG; }

/**
 * kill(pid, sig): a process-directed signal (any of its threads that does not block it takes it) to
 * the process that has thread `pid`; pid 0: every process of the caller's process group; -1: every
 * process but init and the caller (Linux's kill_something_info: task_pid_vnr(p) > 1 and not the
 * caller's thread group), -ESRCH when there is none; < -1: the group -pid. Signal 0 only checks the
 * target exists. Task 1 drops a signal from another process while its action is the default
 * (kernel/signals.ts initIgnores), and kill still returns 0.
 */
/**
 * Whether `sender` may signal `target` (kernel/signal.c check_kill_permission, kill_ok_by_cred):
 * its own process; or the sender's real or effective uid is the target's real or saved uid (gate86
 * keeps no saved set-user-ID: a task's is its effective uid, identity.ts); or the sender is root
 * (CAP_KILL); or SIGCONT within one session. Otherwise -EPERM — signal 0 too: kill(pid, 0) asks.
 */
function mayKill(sender: Task, target: Task, signal: number): boolean {
  if (sender.group === target.group) return true;
  const s = sender.credentials, t = target.credentials;
  if (s.euid === 0) return true;
  if (s.euid === t.uid || s.euid === t.euid || s.uid === t.uid || s.uid === t.euid) return true;
  return signal === SIGCONT && sender.sid === target.sid;
}

/** Send a kill(2) signal to one process after the permission check: 0, -EPERM, or -EAGAIN (sigqueue's limit). */
function killOne(k: Kernel, sender: Task, target: Task, signal: number, info: SignalInfo): number {
  if (!mayKill(sender, target, signal)) return -EPERM;
  return signal === 0 ? 0 : queueSignal(k, target, signal, info);
}

export const sys_kill: SyscallService = (k, regs) => {
  const pid = regs.get('ebx') | 0;
  const signal = regs.get('ecx');
  const sender = k.task();
  if (!checkSignal(signal)) return -EINVAL;
  const info = { code: SI_USER, pid: sender.tgid, uid: sender.credentials.uid, addr: 0, sentBy: sender.tgid };
  if (pid > 0) {
    const target = k.tasks.get(pid);
    if (target === undefined) return -ESRCH;
    // A zombie not yet reaped still has its pid: the signal is allowed or not, and has no effect.
    if (target.group.threads.size === 0) return mayKill(sender, target, signal) ? 0 : -EPERM;
    return killOne(k, sender, target, signal, info);
  }
  const processes = [...k.tasks.values()].filter((t) => t.isLeader && t.group.threads.size > 0
    && (pid === 0 ? t.pgid === sender.pgid : pid === -1 ? t.tgid !== 1 && t.tgid !== sender.tgid : t.pgid === -pid));
  if (processes.length === 0) return -ESRCH;
  const results = processes.map((target) => killOne(k, sender, target, signal, info));
  // kill(-1): every process but init and the caller, EPERM ones skipped (kill_something_info);
  // a process group: 0 if any took it, else the last error (__kill_pgrp_info).
  if (pid === -1) return results.filter((r) => r !== -EPERM).at(-1) ?? 0;
  return results.some((r) => r === 0) ? 0 : results.at(-1)!;
};

/**
 * pause(): sleep until a signal runs a handler (then -EINTR) or ends the process. 2.6's sys_pause:
 * TASK_INTERRUPTIBLE, schedule(), -ERESTARTNOHAND; gate86 answered -ENOSYS, so pause() returned at once.
 */
export const sys_pause: SyscallService = (k) => {
  const r = sleepOn(k, []);
  return r === -ERESTARTSYS ? -ERESTARTNOHAND : r;
};

/** rt_sigsuspend(const sigset_t *mask, size): wait with `mask` until a signal runs a handler or kills. */
export const sys_rt_sigsuspend: SyscallService = (k, regs) => {
  const [pointer, size] = regs.args();
  if (size !== 8) return -EINVAL;
  const mask = userSigset(k, pointer);
  return mask === null ? FAULT : suspendWith(k, mask);
};

/**
 * sigsuspend(unused, unused, old_sigset_t mask), the call before rt_sigsuspend: the mask is one word
 * in EDX, signals 1..32, and 33..64 are not blocked while it waits (siginitset).
 */
export const sys_sigsuspend: SyscallService = (k, regs) => suspendWith(k, blockable(sigsetFromWords(regs.get('edx'), 0)));

/** Wait with `mask` until a signal runs a handler or kills; the caller's mask comes back with the handler's sigreturn. */
function suspendWith(k: Kernel, mask: Sigset): number {
  const task = k.task();
  if (task.savedMask === null) task.savedMask = task.blockedSignals;
  task.blockedSignals = mask;
  recalcSignalPending(k, task);
  // Linux returns -ERESTARTNOHAND: -EINTR once a handler has run, the call again otherwise.
  const r = sleepOn(k, []);
  return r === -ERESTARTSYS ? -ERESTARTNOHAND : r;
}

/** The signals waiting for the current task (its own and its process's) that it blocks: sigpending's answer. */
function pendingBlocked(k: Kernel): Sigset {
  const task = k.task();
  return (task.pending.signal | task.group.sharedPending.signal) & task.blockedSignals;
}

/** sigpending(old_sigset_t *set): rt_sigpending's answer for signals 1..32, one word. */
export const sys_sigpending: SyscallService = (k, regs) =>
  copyToUser(k, regs.get('ebx'), new Struct(4).u32(0, sigsetLowWord(pendingBlocked(k))).bytes) ? 0 : FAULT;

/**
 * sigprocmask(how, const old_sigset_t *set, old_sigset_t *oset), the call before rt_sigprocmask: one
 * word, signals 1..32. SIG_BLOCK and SIG_UNBLOCK change those; SIG_SETMASK replaces the low word and
 * leaves 33..64 as they are; oset gets the low word. A bad `how` is -EINVAL after the set was read.
 */
export const sys_sigprocmask: SyscallService = (k, regs) => {
  const [how, set, oset] = regs.args();
  const task = k.task();
  const old = task.blockedSignals;
  if (set !== 0) {
    const raw = copyFromUser(k, set, 4);
    if (raw === null) return FAULT;
    const word = blockable(sigsetFromWords(new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0, true), 0));
    if (how === SIG_BLOCK) task.blockedSignals |= word;
    else if (how === SIG_UNBLOCK) task.blockedSignals = sigsetWithout(task.blockedSignals, word);
    else if (how === SIG_SETMASK) task.blockedSignals = sigsetWithout(task.blockedSignals, 0xffffffffn) | word;
    else return -EINVAL;
    recalcSignalPending(k, task);
  }
  if (oset !== 0 && !copyToUser(k, oset, new Struct(4).u32(0, sigsetLowWord(old)).bytes)) return FAULT;
  return 0;
};

/** rt_sigpending(sigset_t *set, size): pending (the thread's and the process's) and blocked. */
export const sys_rt_sigpending: SyscallService = (k, regs) => {
  const [pointer, size] = regs.args();
  if (size > 8) return -EINVAL;
  return copyToUser(k, pointer, sigsetBytes(pendingBlocked(k)).subarray(0, size)) ? 0 : FAULT;
};

/** A thread-directed signal to thread `tid` (of process `tgid`, when given: tgkill). */
function sendToThread(k: Kernel, tgid: number | null, tid: number, signal: number, supplied?: SignalInfo): number {
  const sender = k.task();
  if (!checkSignal(signal) || (tid | 0) <= 0 || (tgid !== null && (tgid | 0) <= 0)) return -EINVAL;
  const target = k.tasks.get(tid);
  if (target === undefined || target.state === 'zombie' || (tgid !== null && target.tgid !== tgid)) return -ESRCH;
  const info = supplied ?? { code: SI_TKILL, pid: sender.tgid, uid: sender.credentials.uid, addr: 0, sentBy: sender.tgid };
  if (!mayKill(sender, target, signal)) return -EPERM;
  return signal === 0 ? 0 : sendSignal(k, target, signal, info);
}

export const sys_tkill: SyscallService = (k, regs) => sendToThread(k, null, regs.get('ebx'), regs.get('ecx'));
/** tgkill(tgid, tid, sig): pthread_kill, raise() — only thread `tid`, if it is in process `tgid`. */
export const sys_tgkill: SyscallService = (k, regs) => {
  const [tgid, tid, signal] = regs.args();
  return sendToThread(k, tgid, tid, signal);
};

/**
 * sigreturn: __kernel_sigreturn popped the signal number, so ESP points 8 bytes into the frame
 * (past pretcode and sig). Reload the registers and the blocked mask saved at delivery: signals
 * 1..32 from the sigcontext's oldmask, 33..64 from the frame's extramask.
 */
export const sys_sigreturn: SyscallService = (k, regs) => {
  const frame = regs.get('esp') - 8;
  const low = copyFromUser(k, frame + SIGFRAME_SC + SIGCONTEXT_OLDMASK, 4);
  const high = copyFromUser(k, frame + SIGFRAME_EXTRAMASK, 4);
  if (low === null || high === null || !restoreSigcontext(k, regs, frame + SIGFRAME_SC)) return sigreturnFault(k);
  const word = (bytes: Uint8Array): number => new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  k.task().blockedSignals = blockable(sigsetFromWords(word(low), word(high)));
  return regs.get('eax');
};

/** rt_sigreturn: the handler's `ret` popped pretcode, so the frame starts at ESP - 4. */
export const sys_rt_sigreturn: SyscallService = (k, regs) => {
  const frame = regs.get('esp') - 4;
  const mask = userSigset(k, frame + RT_SIGFRAME_UC_SIGMASK);
  if (mask === null || !restoreSigcontext(k, regs, frame + RT_SIGFRAME_UC_MCONTEXT)) return sigreturnFault(k);
  k.task().blockedSignals = mask;
  return regs.get('eax');
};

/** A frame that cannot be read (or holds bad segments) is fatal, as in Linux (force_sigsegv): SIGSEGV, even for task 1. */
function sigreturnFault(k: Parameters<SyscallService>[0]): number {
  const task = k.task();
  task.pending.raise(SIGSEGV);
  task.actions[SIGSEGV] = { handler: 0, flags: 0, restorer: 0, mask: 0n };
  task.group.unkillable = false;
  k.setThreadFlag(task, TIF_SIGPENDING);
  return 0;
}

/** Take the lowest pending signal of `wanted` (blocked or not), as dequeue_signal with mask ~wanted. */
function takeSignal(k: Kernel, wanted: Sigset): { signal: number; info: SignalInfo } | null {
  return dequeueSignal(k.task(), sigsetWithout(FULL_SIGSET, wanted));
}

/**
 * rt_sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout, size): take a
 * signal of `set` without running its handler — one already pending at once, else sleep for one with
 * those signals unblocked (Linux's real_blocked) until it comes (its number, siginfo written), the
 * timeout passes (-EAGAIN; a zero timeout only polls) or another signal arrives (-EINTR, its handler
 * runs). SIGKILL and SIGSTOP cannot be waited for.
 */
export const sys_rt_sigtimedwait: SyscallService = (k, regs) => {
  const [setAt, infoAt, timeoutAt, size] = regs.args();
  const task = k.task();
  if (task.realBlocked !== null) { task.blockedSignals = task.realBlocked; task.realBlocked = null; }
  if (size !== 8) return -EINVAL;
  const wanted = userSigset(k, setAt);
  if (wanted === null) return FAULT;
  let timeout: bigint | null = null;
  if (timeoutAt !== 0) {
    const t = copyFromUser(k, timeoutAt, 8);
    if (t === null) return FAULT;
    const view = new DataView(t.buffer, t.byteOffset, 8);
    const [seconds, nanoseconds] = [view.getInt32(0, true), view.getInt32(4, true)];
    if (seconds < 0 || nanoseconds < 0 || nanoseconds >= 1e9) return -EINVAL;
    timeout = BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);
  }
  const got = takeSignal(k, wanted);
  if (got !== null) {
    if (infoAt !== 0 && !copyToUser(k, infoAt, siginfoBytes(got.signal, got.info))) return FAULT;
    return got.signal;
  }
  const woken = wokenBy(task);
  if (woken === 'timeout' || timeout === 0n) return -EAGAIN;
  if (woken !== null) return -EINTR;
  const deadline = timeout === null ? null : k.host.monotonic() + timeout;
  task.realBlocked = task.blockedSignals;
  task.blockedSignals = sigsetWithout(task.blockedSignals, wanted);
  const r = sleepOn(k, [], { deadline });
  if (r === -ESLEEPING) return r;
  task.blockedSignals = task.realBlocked;
  task.realBlocked = null;
  return r === -ETIMEDOUT ? -EAGAIN : -EINTR;
};

/**
 * The siginfo_t a process hands rt_sigqueueinfo (128 bytes) for process `tgid`, or a negative errno:
 * -EFAULT, or -EPERM when it claims the kernel or kill(2) sent it (si_code >= 0) or tkill (SI_TKILL)
 * and goes to another process — a process may say anything only to itself (Linux's
 * do_rt_sigqueueinfo since 2.6.39; 2.6.0 refused those codes even to itself). sigqueue() passes
 * SI_QUEUE with its si_value.
 */
function suppliedInfo(k: Kernel, pointer: number, tgid: number): SignalInfo | number {
  const raw = copyFromUser(k, pointer, 128);
  if (raw === null) return FAULT;
  const v = new DataView(raw.buffer, raw.byteOffset, 128);
  const code = v.getInt32(8, true);
  if ((code >= 0 || code === SI_TKILL) && tgid !== k.task().tgid) return -EPERM;
  return { code, pid: v.getUint32(12, true), uid: v.getUint32(16, true), addr: 0, user: raw, sentBy: k.task().tgid };
}

/** rt_sigqueueinfo(tgid, sig, siginfo_t *uinfo): sigqueue — a process-directed signal with the caller's siginfo. */
export const sys_rt_sigqueueinfo: SyscallService = (k, regs) => {
  const [tgid, signal, infoAt] = regs.args();
  const info = suppliedInfo(k, infoAt, tgid);
  if (typeof info === 'number') return info;
  if (!checkSignal(signal)) return -EINVAL;
  const target = (tgid | 0) > 0 ? k.tasks.get(tgid) : undefined;
  if (target === undefined || target.group.threads.size === 0) return -ESRCH;
  return killOne(k, k.task(), target, signal, info);
};

/** rt_tgsigqueueinfo(tgid, tid, sig, siginfo_t *uinfo): the same to one thread (Linux 2.6.31's). */
export const sys_rt_tgsigqueueinfo: SyscallService = (k, regs) => {
  const [tgid, tid, signal, infoAt] = regs.args();
  if ((tgid | 0) <= 0 || (tid | 0) <= 0) return -EINVAL;
  const info = suppliedInfo(k, infoAt, tgid);
  if (typeof info === 'number') return info;
  return sendToThread(k, tgid, tid, signal, info);
};
