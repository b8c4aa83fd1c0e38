// Time: time, gettimeofday, clock_gettime (32- and 64-bit timespec), nanosleep. The clocks are the
// host's; nanosleep really sleeps (the machine idles, as a lone task's kernel would).

import type { SyscallService } from '../kernel.ts';
import { EINVAL } from '../layout.ts';
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

export const sys_nanosleep_time32: SyscallService = (k, regs) => {
  const [request, remaining] = regs.args();
  const t = readWords(k, request, 2);
  if (t === null) return FAULT;
  const [seconds, nanoseconds] = [t[0]! | 0, t[1]! | 0];
  if (seconds < 0 || nanoseconds < 0 || nanoseconds >= 1e9) return -EINVAL;
  k.host.sleep(BigInt(seconds) * NS + BigInt(nanoseconds));
  if (remaining !== 0 && !copyToUser(k, remaining, new Struct(8).bytes)) return FAULT;
  return 0;
};

const TIMER_ABSTIME = 1;

/** clock_nanosleep's common part: sleep until `deadline` (ns on `clock`) or for `duration` ns. */
function clockNanosleep(k: Parameters<SyscallService>[0], clock: number, flags: number, seconds: bigint, nanoseconds: bigint): number {
  const now = clockNow(k, clock);
  if (now === null || clock === CLOCK_THREAD_CPUTIME_ID) return -EINVAL;
  if (seconds < 0n || nanoseconds < 0n || nanoseconds >= NS) return -EINVAL;
  const requested = seconds * NS + nanoseconds;
  const duration = (flags & TIMER_ABSTIME) !== 0 ? requested - now : requested;
  if (duration > 0n) k.host.sleep(duration);
  return 0;
}

/** clock_nanosleep(clock, flags, const struct old_timespec32 *, struct old_timespec32 *). */
export const sys_clock_nanosleep_time32: SyscallService = (k, regs) => {
  const [clock, flags, request] = regs.args();
  const t = readWords(k, request, 2);
  if (t === null) return FAULT;
  return clockNanosleep(k, clock, flags, BigInt(t[0]! | 0), BigInt(t[1]! | 0));
};

/** clock_nanosleep_time64(clock, flags, const struct __kernel_timespec *, ...): 64-bit fields. */
export const sys_clock_nanosleep: SyscallService = (k, regs) => {
  const [clock, flags, request] = regs.args();
  const t = readWords(k, request, 4);
  if (t === null) return FAULT;
  const seconds = (BigInt(t[1]! | 0) << 32n) | BigInt(t[0]!);
  const nanoseconds = (BigInt(t[3]! | 0) << 32n) | BigInt(t[2]!);
  return clockNanosleep(k, clock, flags, seconds, nanoseconds);
};
