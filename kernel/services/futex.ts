// futex(2): the kernel half of every glibc lock, condition variable, barrier and pthread_join.
// User space does the fast path with atomic instructions on a 32-bit word; only when it must wait
// (or wake a waiter) does it call the kernel, which keeps one wait queue per futex word.
//
//   FUTEX_WAIT(uaddr, val, rel timeout)        sleep if *uaddr == val (else -EAGAIN), until woken
//   FUTEX_WAIT_BITSET(..., abs timeout, bits)  the same with an absolute deadline and a wake mask
//   FUTEX_WAKE(uaddr, n) / _BITSET(..., bits)   wake up to n waiters (whose mask meets bits)
//   FUTEX_REQUEUE(uaddr, n, m, uaddr2)          wake n, move up to m of the rest to uaddr2's queue
//   FUTEX_CMP_REQUEUE(..., val3)                the same, only if *uaddr is still val3
//   FUTEX_WAKE_OP(uaddr, n, n2, uaddr2, op)     *uaddr2 = op(*uaddr2); wake n on uaddr, and n2 on
//                                               uaddr2 if the old value passes op's comparison
//
// A waiter's key is its address space and the word's address (a private futex, as Linux keys
// private mappings); FUTEX_PRIVATE_FLAG changes nothing here. The check of *uaddr and the sleep are
// one uninterrupted step (the service is one VMCALL), which is what makes futexes race-free: a
// waker that changed the word after the check finds the waiter already queued.

import type { Kernel, SyscallService } from '../kernel.ts';
import type { AddressSpace } from '../mm/address-space.ts';
import type { PtRegs } from '../pt-regs.ts';
import { EAGAIN, EFAULT, EINVAL, ENOSYS, ERESTARTSYS, ERESTART_RESTARTBLOCK, ESLEEPING, ETIMEDOUT } from '../layout.ts';
import { WaitQueue, sleepOn, wokenBy } from '../sched/wait.ts';
import { readWords } from './user.ts';

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const FUTEX_REQUEUE = 3;
const FUTEX_CMP_REQUEUE = 4;
const FUTEX_WAKE_OP = 5;
const FUTEX_WAIT_BITSET = 9;
const FUTEX_WAKE_BITSET = 10;
const FUTEX_PRIVATE_FLAG = 128;
const FUTEX_CLOCK_REALTIME = 256;
const FUTEX_CMD_MASK = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
const FUTEX_BITSET_MATCH_ANY = 0xffffffff;
const NS = 1_000_000_000n;

function key(space: AddressSpace, uaddr: number): string {
  return `${space.directory}:${uaddr >>> 0}`;
}

/**
 * The word's queue. It leaves the table when its last waiter leaves it, however that happens (a
 * wake-up, a timeout, a signal, a requeue to another word): the table would otherwise keep a queue
 * for every word ever waited on.
 */
function queueOf(k: Kernel, space: AddressSpace, uaddr: number): WaitQueue {
  const name = key(space, uaddr);
  let queue = k.futexes.get(name);
  if (queue === undefined) {
    const created: WaitQueue = new WaitQueue(() => { if (k.futexes.get(name) === created) k.futexes.delete(name); });
    k.futexes.set(name, created);
    queue = created;
  }
  return queue;
}

/** Forget a queue nobody came to sleep on (a wait that did not sleep, a requeue that moved nobody). */
function tidy(k: Kernel, space: AddressSpace, uaddr: number): void {
  const name = key(space, uaddr);
  if (k.futexes.get(name)?.size === 0) k.futexes.delete(name);
}

/** Wake up to `count` waiters of the word (whose bitset meets `bitset`); returns how many. */
export function futexWake(k: Kernel, space: AddressSpace, uaddr: number, count: number, bitset = FUTEX_BITSET_MATCH_ANY): number {
  const queue = k.futexes.get(key(space, uaddr));
  if (queue === undefined) return 0;
  const woken = queue.wake(k, count, (task) => (task.futexBitset & bitset) !== 0);
  tidy(k, space, uaddr);
  return woken;
}

/**
 * FUTEX_WAIT and FUTEX_WAIT_BITSET. First run: compare the word, then sleep. A re-run after the
 * sleep answers from why it ended: woken 0, timed out -ETIMEDOUT, a signal -ERESTARTSYS (no
 * timeout) or, with a timeout, -ERESTART_RESTARTBLOCK and a restart block that waits again until
 * the same deadline (Linux's futex_wait_restart).
 */
function futexWait(k: Kernel, uaddr: number, expected: number, deadline: bigint | null, bitset: number): number {
  const task = k.task();
  const interrupted = (): number => {
    if (deadline === null) return -ERESTARTSYS;
    task.restartBlock = (kk) => futexWait(kk, uaddr, expected, deadline, bitset);
    return -ERESTART_RESTARTBLOCK;
  };
  switch (wokenBy(task)) {
    case 'woken': return 0;
    case 'timeout': return -ETIMEDOUT;
    case 'signal': return interrupted();
    default: break;
  }
  if ((uaddr & 3) !== 0 || bitset === 0) return -EINVAL;
  const value = task.space.read32(uaddr);
  if (value === null) return -EFAULT;
  if (value !== expected >>> 0) return -EAGAIN;
  task.futexBitset = bitset;
  const result = sleepOn(k, queueOf(k, task.space, uaddr), { deadline });
  if (result !== -ESLEEPING) tidy(k, task.space, uaddr);         // it did not sleep after all
  if (result === -ERESTARTSYS) return interrupted();
  return result;                                    // -ESLEEPING, or -ETIMEDOUT (already past)
}

/** FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wake `wake`, move up to `move` of the others to uaddr2. */
function futexRequeue(k: Kernel, uaddr: number, uaddr2: number, wake: number, move: number, compare: number | null): number {
  const space = k.task().space;
  if ((wake | 0) < 0 || (move | 0) < 0) return -EINVAL;
  if (compare !== null) {
    const value = space.read32(uaddr);
    if (value === null) return -EFAULT;
    if (value !== compare >>> 0) return -EAGAIN;
  }
  const woken = futexWake(k, space, uaddr, wake);
  const from = k.futexes.get(key(space, uaddr));
  if (from === undefined || key(space, uaddr) === key(space, uaddr2)) return woken;
  const to = queueOf(k, space, uaddr2);
  let moved = 0;
  for (const task of from.tasks()) {
    if (moved >= move) break;
    from.remove(task);
    to.add(task);
    if (task.sleep !== null) task.sleep.queues = task.sleep.queues.map((q) => (q === from ? to : q));
    moved++;
  }
  tidy(k, space, uaddr);
  tidy(k, space, uaddr2);
  return woken + moved;
}

const signExtend12 = (v: number): number => (v << 20) >> 20;

/** FUTEX_WAKE_OP: the encoded op is {op:4 (bit 3: oparg is a shift), cmp:4, oparg:12, cmparg:12}. */
function futexWakeOp(k: Kernel, uaddr: number, uaddr2: number, wake: number, wake2: number, encoded: number): number {
  const space = k.task().space;
  let op = (encoded >>> 28) & 0xf;
  const cmp = (encoded >>> 24) & 0xf;
  let oparg = signExtend12(encoded >>> 12);
  const cmparg = signExtend12(encoded);
  if ((op & 8) !== 0) {
    op &= 7;
    oparg = oparg < 0 || oparg > 31 ? 0 : 1 << oparg;
  }
  if ((uaddr2 & 3) !== 0) return -EINVAL;
  const old = space.read32(uaddr2);
  if (old === null) return -EFAULT;
  let next: number;
  switch (op) {
    case 0: next = oparg; break;                    // FUTEX_OP_SET
    case 1: next = old + oparg; break;              // FUTEX_OP_ADD
    case 2: next = old | oparg; break;              // FUTEX_OP_OR
    case 3: next = old & ~oparg; break;             // FUTEX_OP_ANDN
    case 4: next = old ^ oparg; break;              // FUTEX_OP_XOR
    default: return -ENOSYS;
  }
  if (!space.write32(uaddr2, next >>> 0)) return -EFAULT;
  const was = old | 0;
  let pass: boolean;
  switch (cmp) {
    case 0: pass = was === cmparg; break;
    case 1: pass = was !== cmparg; break;
    case 2: pass = was < cmparg; break;
    case 3: pass = was <= cmparg; break;
    case 4: pass = was > cmparg; break;
    case 5: pass = was >= cmparg; break;
    default: return -ENOSYS;
  }
  let woken = futexWake(k, space, uaddr, wake);
  if (pass) woken += futexWake(k, space, uaddr2, wake2);
  return woken;
}

/** A timeout argument as host monotonic nanoseconds, null for none, or an errno. */
function deadlineOf(k: Kernel, pointer: number, wide: boolean, absolute: boolean, realtime: boolean): bigint | null | number {
  if (pointer === 0) return null;
  const words = readWords(k, pointer, wide ? 4 : 2);
  if (words === null) return -EFAULT;
  const seconds = wide ? (BigInt(words[1]! | 0) << 32n) | BigInt(words[0]!) : BigInt(words[0]! | 0);
  const nanoseconds = wide ? (BigInt(words[3]! | 0) << 32n) | BigInt(words[2]!) : BigInt(words[1]! | 0);
  if (seconds < 0n || nanoseconds < 0n || nanoseconds >= NS) return -EINVAL;
  const time = seconds * NS + nanoseconds;
  const monotonic = k.host.monotonic();
  if (!absolute) return monotonic + time;
  return monotonic + time - (realtime ? k.host.now() : monotonic);
}

function futex(k: Kernel, regs: PtRegs, wide: boolean): number {
  const [uaddr, op, val, timeout, uaddr2, val3] = regs.args();
  const command = op & FUTEX_CMD_MASK;
  const task = k.task();
  switch (command) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      const bitset = command === FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3;
      // The deadline is fixed by the call's first run; its re-runs after a wake-up keep it.
      let deadline = task.sleep?.deadline ?? null;
      if (task.sleep === null) {
        const d = deadlineOf(k, timeout, wide, command === FUTEX_WAIT_BITSET, (op & FUTEX_CLOCK_REALTIME) !== 0);
        if (typeof d === 'number') return d;
        deadline = d;
      }
      return futexWait(k, uaddr, val, deadline, bitset);
    }
    case FUTEX_WAKE: return futexWake(k, task.space, uaddr, val);
    case FUTEX_WAKE_BITSET: return val3 === 0 ? -EINVAL : futexWake(k, task.space, uaddr, val, val3);
    case FUTEX_REQUEUE: return futexRequeue(k, uaddr, uaddr2, val, timeout, null);
    case FUTEX_CMP_REQUEUE: return futexRequeue(k, uaddr, uaddr2, val, timeout, val3);
    case FUTEX_WAKE_OP: return futexWakeOp(k, uaddr, uaddr2, val, timeout, val3);
    default: return -ENOSYS;                           // the PI futexes, FUTEX_WAIT_REQUEUE_PI ...
  }
}

/** futex(uaddr, op, val, const struct old_timespec32 *timeout or val2, uaddr2, val3). */
export const sys_futex_time32: SyscallService = (k, regs) => futex(k, regs, false);
/** futex_time64: the same with struct __kernel_timespec (64-bit seconds and nanoseconds). */
export const sys_futex: SyscallService = (k, regs) => futex(k, regs, true);
