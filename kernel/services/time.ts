// Time: time, gettimeofday, clock_gettime (32- and 64-bit timespec), nanosleep, clock_nanosleep and
// restart_syscall. The clocks are the host's; a sleep puts only the caller to sleep (kernel/sched/):
// other tasks run meanwhile, and when none can, the idle task halts the machine until the next tick.

import type { Kernel, SyscallService } from '../kernel.ts';
import { EINTR, EINVAL, ERESTARTNOHAND, ERESTARTSYS, ERESTART_RESTARTBLOCK, ESLEEPING, ETIMEDOUT } from '../layout.ts';
import { sleepOn } from '../sched/wait.ts';
import { Struct, copyToUser, readWords, FAULT } from './user.ts';

const NS = 1_000_000_000n;
const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const CLOCK_PROCESS_CPUTIME_ID = 2;
const CLOCK_THREAD_CPUTIME_ID = 3;
const CLOCK_MONOTONIC_RAW = 4;
const CLOCK_REALTIME_COARSE = 5;
const CLOCK_MONOTONIC_COARSE = 6;
const CLOCK_BOOTTIME = 7;

export const sys_time: SyscallService = (k, regs) => {
  const seconds = Number(k.host.now() / NS);
  const pointer = regs.get('ebx');
  if (pointer !== 0 && !copyToUser(k, pointer, new Struct(4).u32(0, seconds).bytes)) return FAULT;
  return seconds;
};

export const sys_gettimeofday: SyscallService = (k, regs) => {
  const [tv, tz] = regs.args();
  const now = k.host.now();
  if (tv !== 0 && !copyToUser(k, tv, new Struct(8).u32(0, Number(now / NS)).u32(4, Number((now % NS) / 1000n)).bytes)) return FAULT;
  if (tz !== 0 && !copyToUser(k, tz, new Struct(8).bytes)) return FAULT;
  return 0;
};

function clockNow(k: Parameters<SyscallService>[0], clock: number): bigint | null {
  switch (clock) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: return k.host.now();
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
      return k.host.monotonic();
    default: return null;
  }
}

export const sys_clock_gettime32: SyscallService = (k, regs) => {
  const [clock, ts] = regs.args();
  const now = clockNow(k, clock);
  if (now === null) return -EINVAL;
  return copyToUser(k, ts, new Struct(8).u32(0, Number(now / NS)).u32(4, Number(now % NS)).bytes) ? 0 : FAULT;
};

/** clock_gettime64: struct __kernel_timespec {s64 tv_sec; s64 tv_nsec}. */
export const sys_clock_gettime: SyscallService = (k, regs) => {
  const [clock, ts] = regs.args();
  const now = clockNow(k, clock);
  if (now === null) return -EINVAL;
  return copyToUser(k, ts, new Struct(16).u64(0, now / NS).u64(8, now % NS).bytes) ? 0 : FAULT;
};

/**
 * Sleep the current task until `deadline` (host monotonic ns) on no wait queue: only the timer or a
 * signal ends it (kernel/sched/wait.ts). Interrupted, a relative sleep writes the time left to
 * `remaining` (when non-zero) and returns -ERESTART_RESTARTBLOCK: a handler turns that into -EINTR,
 * no handler restarts the sleep through restart_syscall for the time left (Linux's hrtimer_nanosleep
 * and its restart block). An absolute sleep just restarts with its arguments (-ERESTARTNOHAND).
 */
function sleepUntil(k: Kernel, deadline: bigint, remaining: { pointer: number; wide: boolean } | null): number {
  const result = sleepOn(k, [], { deadline });
  if (result === -ETIMEDOUT) return 0;
  if (result !== -ERESTARTSYS) return result;                            // -ESLEEPING
  if (remaining === null) return -ERESTARTNOHAND;
  if (remaining.pointer !== 0) {
    const left = deadline - k.host.monotonic();
    const ns = left > 0n ? left : 0n;
    const bytes = remaining.wide ? new Struct(16).u64(0, ns / NS).u64(8, ns % NS).bytes : new Struct(8).u32(0, Number(ns / NS)).u32(4, Number(ns % NS)).bytes;
    if (!copyToUser(k, remaining.pointer, bytes)) return FAULT;
  }
  k.task().restartBlock = (kk) => sleepUntil(kk, deadline, remaining);
  return -ERESTART_RESTARTBLOCK;
}

/** The deadline of a call's first run; its re-runs after a wake-up keep the first one. */
function deadlineAfter(k: Kernel, nanoseconds: bigint): bigint {
  return k.task().sleep?.deadline ?? k.host.monotonic() + nanoseconds;
}

/** nanosleep(const struct old_timespec32 *req, struct old_timespec32 *rem). */
export const sys_nanosleep_time32: SyscallService = (k, regs) => {
  const [request, remaining] = regs.args();
  const t = readWords(k, request, 2);
  if (t === null) return FAULT;
  const [seconds, nanoseconds] = [t[0]! | 0, t[1]! | 0];
  if (seconds < 0 || nanoseconds < 0 || nanoseconds >= 1e9) return -EINVAL;
  return sleepUntil(k, deadlineAfter(k, BigInt(seconds) * NS + BigInt(nanoseconds)), { pointer: remaining, wide: false });
};

const TIMER_ABSTIME = 1;

/** clock_nanosleep's common part: sleep until `deadline` (ns on `clock`) or for `duration` ns. */
function clockNanosleep(k: Kernel, clock: number, flags: number, seconds: bigint, nanoseconds: bigint, remaining: { pointer: number; wide: boolean }): number {
  const now = clockNow(k, clock);
  if (now === null || clock === CLOCK_THREAD_CPUTIME_ID) return -EINVAL;
  if (seconds < 0n || nanoseconds < 0n || nanoseconds >= NS) return -EINVAL;
  const requested = seconds * NS + nanoseconds;
  if ((flags & TIMER_ABSTIME) === 0) return sleepUntil(k, deadlineAfter(k, requested), remaining);
  // An absolute time on `clock`, as a deadline on the monotonic clock the timers use.
  return sleepUntil(k, deadlineAfter(k, requested - now), null);
}

/** clock_nanosleep(clock, flags, const struct old_timespec32 *, struct old_timespec32 *). */
export const sys_clock_nanosleep_time32: SyscallService = (k, regs) => {
  const [clock, flags, request, remaining] = regs.args();
  const t = readWords(k, request, 2);
  if (t === null) return FAULT;
  return clockNanosleep(k, clock, flags, BigInt(t[0]! | 0), BigInt(t[1]! | 0), { pointer: remaining, wide: false });
};

/** clock_nanosleep_time64(clock, flags, const struct __kernel_timespec *, ...): 64-bit fields. */
export const sys_clock_nanosleep: SyscallService = (k, regs) => {
  const [clock, flags, request, remaining] = regs.args();
  const t = readWords(k, request, 4);
  if (t === null) return FAULT;
  const seconds = (BigInt(t[1]! | 0) << 32n) | BigInt(t[0]!);
  const nanoseconds = (BigInt(t[3]! | 0) << 32n) | BigInt(t[2]!);
  return clockNanosleep(k, clock, flags, seconds, nanoseconds, { pointer: remaining, wide: true });
};

/**
 * restart_syscall(): what a signal without a handler interrupted continues — the task's restart
 * block (a sleep's time left), or -EINTR when there is none (Linux's do_no_restart_syscall).
 */
export const sys_restart_syscall: SyscallService = (k, regs) => {
  const task = k.task();
  const block = task.restartBlock;
  if (block === null) return -EINTR;
  const result = block(k, regs);
  if (result !== -ESLEEPING && result !== -ERESTART_RESTARTBLOCK) task.restartBlock = null;
  return result;
};
