// Waiting for any of several files: poll, ppoll, select (_newselect), pselect6 (fs/select.c).
//
// Each asks every file for its state (FileOps.poll). If something is ready, or the timeout is zero or
// has passed, the call returns at once; otherwise the task sleeps on the wait queues of all the files
// with the timeout as its deadline, and the call runs again when any of them changes. The deadline is
// absolute and kept across that re-run (task.sleep, kernel/sched/wait.ts), so a wake-up that finds nothing ready
// does not restart the clock. A signal ends the wait with -EINTR when a handler runs (Linux's
// -ERESTARTNOHAND), and restarts it otherwise. ppoll and pselect6 install their signal mask for the
// duration of the call; a handler that runs meanwhile returns to the mask the caller had.

import type { Kernel, SyscallService } from '../kernel.ts';
import { EBADF, EINVAL, ERESTARTNOHAND, ERESTARTSYS, ESLEEPING, ETIMEDOUT } from '../layout.ts';
import {
  POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM, type OpenFile,
} from '../fs/file.ts';
import { sleepOn, type WaitQueue } from '../sched/wait.ts';
import { recalcSignalPending } from '../signals.ts';
import { sigmask, sigsetFromUser, sigsetWithout } from '../sigset.ts';
import { SIGKILL, SIGSTOP } from '../signal-numbers.ts';
import { Struct, copyFromUser, copyToUser, readWords, FAULT } from './user.ts';

const NS = 1_000_000_000n;
const DEFAULT_MASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
const MAX_FDS = 1024;

function pollFile(k: Kernel, file: OpenFile): number {
  return file.ops.poll === undefined ? DEFAULT_MASK : file.ops.poll(k, file);
}

/** This call's deadline: fixed by its first sleep (task.sleep keeps it across re-runs), else now + timeout. */
function deadlineOf(k: Kernel, timeout: bigint | null): bigint | null {
  const sleep = k.task().sleep;
  if (sleep !== null) return sleep.deadline;
  return timeout === null ? null : k.host.monotonic() + timeout;
}

/**
 * Nothing ready yet: sleep on the files' queues until a change or the deadline. Returns -ESLEEPING
 * (the call runs again when woken), 0 on a sleep that timed out, or -ERESTARTNOHAND for a signal.
 */
function sleepFor(k: Kernel, queues: WaitQueue[], deadline: bigint | null): number {
  const r = sleepOn(k, queues, { deadline });
  if (r === -ETIMEDOUT) return 0;
  return r === -ERESTARTSYS ? -ERESTARTNOHAND : r;
}

/** Install ppoll/pselect6's temporary signal mask; the caller's comes back when the call ends. */
function withMask(k: Kernel, maskPointer: number, size: number, run: () => number): number {
  const task = k.task();
  if (maskPointer !== 0) {
    if (size !== 8) return -EINVAL;
    const raw = copyFromUser(k, maskPointer, 8);
    if (raw === null) return FAULT;
    if (task.savedMask === null) task.savedMask = task.blockedSignals;
    task.blockedSignals = sigsetWithout(sigsetFromUser(raw), sigmask(SIGKILL) | sigmask(SIGSTOP));
    recalcSignalPending(k, task);
  }
  const r = run();
  if (maskPointer !== 0 && r !== -ERESTARTNOHAND && r !== -ESLEEPING && task.savedMask !== null) {
    task.blockedSignals = task.savedMask;
    task.savedMask = null;
  }
  return r;
}

// ---- poll ----

function doPoll(k: Kernel, pointer: number, count: number, timeout: bigint | null): number {
  if (count > MAX_FDS) return -EINVAL;
  const raw = count === 0 ? new Uint8Array(0) : copyFromUser(k, pointer, count * 8);
  if (raw === null) return FAULT;
  const deadline = deadlineOf(k, timeout);
  const view = new DataView(raw.buffer);
  const queues: WaitQueue[] = [];
  let ready = 0;
  for (let i = 0; i < count; i++) {
    const fd = view.getInt32(i * 8, true);
    const events = view.getUint16(i * 8 + 4, true);
    let revents = 0;
    if (fd >= 0) {
      const file = k.task().files.get(fd);
      if (file === null) revents = POLLNVAL;
      else {
        revents = pollFile(k, file) & (events | POLLERR | POLLHUP);
        const queue = file.ops.queue?.(file);
        if (queue !== undefined) queues.push(queue);
      }
    }
    view.setUint16(i * 8 + 6, revents, true);
    if (revents !== 0) ready++;
  }
  const expired = deadline !== null && k.host.monotonic() >= deadline;
  if (ready === 0 && !expired) {
    const r = sleepFor(k, queues, deadline);
    if (r !== 0) return r;
  }
  return count === 0 || copyToUser(k, pointer, raw) ? ready : FAULT;
}

/** poll(fds, nfds, timeout ms; negative: forever). */
export const sys_poll: SyscallService = (k, regs) => {
  const [fds, count, timeout] = regs.args();
  return doPoll(k, fds, count, (timeout | 0) < 0 ? null : BigInt(timeout | 0) * 1_000_000n);
};

/** A struct timespec (32- or 64-bit fields) as nanoseconds; null for a NULL pointer; -errno. */
function timespec(k: Kernel, pointer: number, wide: boolean): bigint | null | number {
  if (pointer === 0) return null;
  const w = readWords(k, pointer, wide ? 4 : 2);
  if (w === null) return FAULT;
  const seconds = wide ? (BigInt(w[1]! | 0) << 32n) | BigInt(w[0]!) : BigInt(w[0]! | 0);
  const nanoseconds = BigInt(wide ? w[2]! : w[1]!);
  if (seconds < 0n || nanoseconds >= NS) return -EINVAL;
  return seconds * NS + nanoseconds;
}

function ppoll(k: Kernel, wide: boolean): SyscallService {
  return (_k, regs) => {
    const [fds, count, ts, mask, size] = regs.args();
    const timeout = timespec(k, ts, wide);
    if (typeof timeout === 'number') return timeout;
    return withMask(k, mask, size, () => doPoll(k, fds, count, timeout));
  };
}
export const sys_ppoll_time32: SyscallService = (k, regs) => ppoll(k, false)(k, regs);
export const sys_ppoll: SyscallService = (k, regs) => ppoll(k, true)(k, regs);

// ---- select ----

const READ_SET = POLLIN | POLLRDNORM | POLLHUP | POLLERR;
const WRITE_SET = POLLOUT | POLLWRNORM | POLLERR;
const EXCEPT_SET = POLLPRI;

/** select's core: three fd_set bitmaps of `count` bits; the sets are rewritten with what is ready. */
function doSelect(k: Kernel, count: number, sets: [number, number, number], timeout: bigint | null, written: (left: bigint | null) => boolean): number {
  if ((count | 0) < 0) return -EINVAL;
  const n = Math.min(count, MAX_FDS);
  const bytes = Math.ceil(n / 32) * 4;
  const input = sets.map((p) => (p === 0 || bytes === 0 ? null : copyFromUser(k, p, bytes)));
  if (input.some((b, i) => b === null && sets[i] !== 0 && bytes !== 0)) return FAULT;
  const deadline = deadlineOf(k, timeout);
  const output = input.map((b) => (b === null ? null : new Uint8Array(b.length)));
  const queues: WaitQueue[] = [];
  let ready = 0;
  const masks = [READ_SET, WRITE_SET, EXCEPT_SET];
  for (let fd = 0; fd < n; fd++) {
    const wanted = input.map((b) => b !== null && (b[fd >> 3]! & (1 << (fd & 7))) !== 0);
    if (!wanted.some(Boolean)) continue;
    const file = k.task().files.get(fd);
    if (file === null) return -EBADF;
    const state = pollFile(k, file);
    const queue = file.ops.queue?.(file);
    if (queue !== undefined) queues.push(queue);
    wanted.forEach((w, i) => {
      if (w && (state & masks[i]!) !== 0) { output[i]![fd >> 3]! |= 1 << (fd & 7); ready++; }
    });
  }
  const now = k.host.monotonic();
  const expired = deadline !== null && now >= deadline;
  if (ready === 0 && !expired) {
    const r = sleepFor(k, queues, deadline);
    if (r !== 0) return r;
  }
  for (let i = 0; i < 3; i++) if (output[i] !== null && !copyToUser(k, sets[i]!, output[i]!)) return FAULT;
  if (!written(deadline === null ? null : deadline > now ? deadline - now : 0n)) return FAULT;
  return ready;
}

/** _newselect(n, readfds, writefds, exceptfds, struct timeval *): the timeval gets the time left. */
export const sys_select: SyscallService = (k, regs) => {
  const [count, r, w, e, tv] = regs.args();
  return selectWithTimeval(k, count, r, w, e, tv);
};

function selectWithTimeval(k: Kernel, count: number, r: number, w: number, e: number, tv: number): number {
  let timeout: bigint | null = null;
  if (tv !== 0) {
    const t = readWords(k, tv, 2);
    if (t === null) return FAULT;
    if ((t[0]! | 0) < 0 || (t[1]! | 0) < 0) return -EINVAL;
    timeout = BigInt(t[0]! | 0) * NS + BigInt(t[1]! | 0) * 1000n;
  }
  return doSelect(k, count, [r, w, e], timeout, (left) => left === null || tv === 0
    || copyToUser(k, tv, new Struct(8).u32(0, Number(left / NS)).u32(4, Number((left % NS) / 1000n)).bytes));
}

/**
 * The old select(82): one pointer to {n, inp, outp, exp, tvp}. The five are read from memory, not
 * put into pt_regs: the frame's registers go back to the program, whose EBX must still be its own.
 */
export const sys_old_select: SyscallService = (k, regs) => {
  const w = readWords(k, regs.get('ebx'), 5);
  if (w === null) return FAULT;
  const [count, r, wr, e, tv] = w as [number, number, number, number, number];
  return selectWithTimeval(k, count, r, wr, e, tv);
};

function pselect(k: Kernel, wide: boolean): SyscallService {
  return (_k, regs) => {
    const [count, r, w, e, ts, sig] = regs.args();
    const timeout = timespec(k, ts, wide);
    if (typeof timeout === 'number') return timeout;
    // The sixth argument points at {const sigset_t *ss; size_t ss_len}.
    let mask = 0;
    let size = 0;
    if (sig !== 0) {
      const words = readWords(k, sig, 2);
      if (words === null) return FAULT;
      [mask, size] = words as [number, number];
    }
    return withMask(k, mask, size, () => doSelect(k, count, [r, w, e], timeout, (left) => {
      if (left === null || ts === 0) return true;
      const s = wide ? new Struct(16).u64(0, left / NS).u64(8, left % NS) : new Struct(8).u32(0, Number(left / NS)).u32(4, Number(left % NS));
      return copyToUser(k, ts, s.bytes);
    }));
  };
}
export const sys_pselect6_time32: SyscallService = (k, regs) => pselect(k, false)(k, regs);
export const sys_pselect6: SyscallService = (k, regs) => pselect(k, true)(k, regs);
