// Resource limits (Linux's signal->rlim): one {soft, hard} pair per resource, held by the process
// (every thread of a group sees the same table), copied by fork, kept by exec. The soft limit is what
// the kernel enforces; the hard limit is the ceiling an unprivileged process may raise the soft one to.
// Values are 32-bit on i386 (RLIM_INFINITY = ~0); prlimit64 speaks 64-bit values, ~0ULL meaning the same.

import { NR_OPEN_DEFAULT } from './fs/fdtable.ts';
import type { Task } from './task.ts';

export const RLIM_INFINITY = 0xffffffff;
export const RLIMIT_CPU = 0;
export const RLIMIT_FSIZE = 1;
export const RLIMIT_DATA = 2;
export const RLIMIT_STACK = 3;
export const RLIMIT_CORE = 4;
export const RLIMIT_RSS = 5;
export const RLIMIT_NPROC = 6;
export const RLIMIT_NOFILE = 7;
export const RLIMIT_MEMLOCK = 8;
export const RLIMIT_AS = 9;
export const RLIMIT_LOCKS = 10;
export const RLIMIT_SIGPENDING = 11;
export const RLIMIT_MSGQUEUE = 12;
export const RLIMIT_NICE = 13;
export const RLIMIT_RTPRIO = 14;
export const RLIMIT_RTTIME = 15;
export const RLIM_NLIMITS = 16;

/** RLIMIT_STACK's default soft limit, 8 MiB (Linux's _STK_LIM): how far below its top the stack may grow. */
export const STACK_LIMIT = 8 * 1024 * 1024;

/** RLIMIT_NOFILE's default hard limit (Linux's INR_OPEN_MAX). */
const NOFILE_HARD_DEFAULT = 4096;

export interface Rlimit { cur: number; max: number }

/** init's table (Linux's INIT_RLIMITS); NPROC and SIGPENDING follow the task count the machine allows. */
export function initialLimits(maxThreads: number): Rlimit[] {
  const limits = Array.from({ length: RLIM_NLIMITS }, () => ({ cur: RLIM_INFINITY, max: RLIM_INFINITY }));
  limits[RLIMIT_STACK] = { cur: STACK_LIMIT, max: RLIM_INFINITY };
  limits[RLIMIT_CORE] = { cur: 0, max: RLIM_INFINITY };
  limits[RLIMIT_NOFILE] = { cur: NR_OPEN_DEFAULT, max: NOFILE_HARD_DEFAULT };
  limits[RLIMIT_MEMLOCK] = { cur: 64 * 1024, max: 64 * 1024 };
  limits[RLIMIT_MSGQUEUE] = { cur: 819200, max: 819200 };
  limits[RLIMIT_NICE] = { cur: 0, max: 0 };
  limits[RLIMIT_RTPRIO] = { cur: 0, max: 0 };
  // fork_init: max_threads / 2 for both, so one user cannot take every task slot.
  const half = Math.max(1, Math.floor(maxThreads / 2));
  limits[RLIMIT_NPROC] = { cur: half, max: half };
  limits[RLIMIT_SIGPENDING] = { cur: half, max: half };
  return limits;
}

export function copyLimits(limits: readonly Rlimit[]): Rlimit[] {
  return limits.map((l) => ({ ...l }));
}

/** How many descriptors `task` may hold: fds 0 .. RLIMIT_NOFILE's soft limit - 1 (open's -EMFILE, dup2's -EBADF). */
export function fileLimit(task: Task): number { return task.group.limits[RLIMIT_NOFILE]!.cur; }
