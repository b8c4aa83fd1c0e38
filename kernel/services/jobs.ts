// Sessions and process groups (setsid, setpgid, getpgid, getpgrp, getsid) — what a shell's job
// control is made of — and the process clocks: alarm, setitimer/getitimer (ITIMER_REAL), times,
// getrusage, sysinfo.
//
// A session is a login's processes; its leader's controlling terminal (kernel/tty/) has one
// foreground process group, which gets the terminal's ^C, ^Z and ^\. A shell puts each job in a group
// of its own (setpgid) and hands the terminal to it (TIOCSPGRP).

import type { Kernel, SyscallService } from '../kernel.ts';
import type { Task } from '../task.ts';
import { EACCES, EINVAL, EPERM, ESRCH } from '../layout.ts';
import { queueSignal, SI_KERNEL } from '../signals.ts';
import { Struct, copyToUser, readWords, FAULT } from './user.ts';
import { RLIM_INFINITY, RLIMIT_CPU } from '../rlimit.ts';
import { SIGKILL, SIGXCPU } from '../signal-numbers.ts';

const HZ = 100;
const NS = 1_000_000_000n;
const TICK_NS = NS / BigInt(HZ);


/**
 * setsid(): a new session and group led by the calling process (the pid, whichever thread asks),
 * with no controlling terminal. Refused to a process that already leads a group: a group named by
 * its pid still has members (an unreaped zombie counts, as in Linux).
 */
export const sys_setsid: SyscallService = (k) => {
  const task = k.task();
  if ([...k.tasks.values()].some((t) => t.pgid === task.tgid)) return -EPERM;
  task.sid = task.tgid;
  task.pgid = task.tgid;
  task.tty = null;
  return task.sid;
};

/**
 * setpgid(pid, pgid): move the calling process or one of its children into a group of the same
 * session. Groups belong to processes: the target must be named by its pid (another thread's tid
 * is EINVAL), and moving it moves all its threads.
 */
export const sys_setpgid: SyscallService = (k, regs) => {
  const caller = k.task();
  const pid = (regs.get('ebx') | 0) || caller.tgid;
  // As Linux: a zero group means the target's own pid, and the check for a negative group comes
  // after that, so setpgid(-1, 0) is EINVAL, not ESRCH.
  const pgid = (regs.get('ecx') | 0) || pid;
  if (pgid < 0) return -EINVAL;
  const target = k.tasks.get(pid);
  if (target === undefined || target.state === 'zombie') return -ESRCH;
  if (!target.isLeader) return -EINVAL;
  if (target.ppid === caller.tgid) {
    if (target.sid !== caller.sid) return -EPERM;
    if (target.execed) return -EACCES;                                // a child that has exec'd is its own
  } else if (target.group !== caller.group) return -ESRCH;
  if (target.tgid === target.sid) return -EPERM;                     // a session leader stays where it is
  // The group must exist in the caller's session (a zombie not yet reaped still holds it).
  if (pgid !== target.tgid && ![...k.tasks.values()].some((t) => t.pgid === pgid && t.sid === caller.sid)) return -EPERM;
  target.pgid = pgid;
  return 0;
};

function lookup(k: Kernel, pid: number): Task | null {
  const task = pid === 0 ? k.task() : k.tasks.get(pid);
  return task === undefined || task.state === 'zombie' ? null : task;
}

export const sys_getpgid: SyscallService = (k, regs) => lookup(k, regs.get('ebx') | 0)?.pgid ?? -ESRCH;
export const sys_getpgrp: SyscallService = (k) => k.task().pgid;
export const sys_getsid: SyscallService = (k, regs) => lookup(k, regs.get('ebx') | 0)?.sid ?? -ESRCH;

// ---- ITIMER_REAL: alarm and setitimer ----

const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
const SIGALRM = 14;

/** The timer's time left and interval (ns). */
function currentTimer(k: Kernel, task: Task): [bigint, bigint] {
  const t = task.realTimer;
  if (t === null) return [0n, 0n];
  const left = t.at - k.host.monotonic();
  return [left > 0n ? left : 1000n, t.interval];
}

function arm(k: Kernel, task: Task, value: bigint, interval: bigint): void {
  task.realTimer = value === 0n ? null : { at: k.host.monotonic() + value, interval };
}

/** At each timer tick: fire the expired ITIMER_REALs (SIGALRM), re-arming the periodic ones. */
export function runRealTimers(k: Kernel): void {
  const now = k.host.monotonic();
  for (const task of k.tasks.values()) {
    const t = task.realTimer;
    if (t === null || task.state === 'zombie' || now < t.at) continue;
    task.realTimer = t.interval > 0n ? { at: t.at + t.interval * (1n + (now - t.at) / t.interval), interval: t.interval } : null;
    queueSignal(k, task, SIGALRM, { code: SI_KERNEL, pid: 0, uid: 0, addr: 0 });
  }
}

/** alarm(seconds): the seconds the previous alarm had left (rounded as Linux does). */
export const sys_alarm: SyscallService = (k, regs) => {
  const task = k.task();
  const [left] = currentTimer(k, task);
  arm(k, task, BigInt(regs.get('ebx')) * NS, 0n);
  if (left === 0n) return 0;
  return Number((left + NS / 2n) / NS) || 1;
};

const timeval = (ns: bigint): [number, number] => [Number(ns / NS), Number((ns % NS) / 1000n)];

/** struct itimerval {timeval interval; timeval value}. */
function itimerval(k: Kernel, task: Task): Uint8Array {
  const [left, interval] = currentTimer(k, task);
  const [is, iu] = timeval(interval);
  const [vs, vu] = timeval(left);
  return new Struct(16).u32(0, is).u32(4, iu).u32(8, vs).u32(12, vu).bytes;
}

export const sys_getitimer: SyscallService = (k, regs) => {
  const [which, pointer] = regs.args();
  if (which === ITIMER_VIRTUAL || which === ITIMER_PROF) return copyToUser(k, pointer, new Struct(16).bytes) ? 0 : FAULT;
  if (which !== ITIMER_REAL) return -EINVAL;
  return copyToUser(k, pointer, itimerval(k, k.task())) ? 0 : FAULT;
};

/** setitimer(which, new, old): ITIMER_REAL only (the CPU-time timers are -EINVAL: not kept). */
export const sys_setitimer: SyscallService = (k, regs) => {
  const [which, next, old] = regs.args();
  if (which !== ITIMER_REAL) return -EINVAL;
  const task = k.task();
  let value = 0n;
  let interval = 0n;
  if (next !== 0) {
    const w = readWords(k, next, 4);
    if (w === null) return FAULT;
    if (w[1]! >= 1_000_000 || w[3]! >= 1_000_000 || (w[0]! | 0) < 0 || (w[2]! | 0) < 0) return -EINVAL;
    interval = BigInt(w[0]!) * NS + BigInt(w[1]!) * 1000n;
    value = BigInt(w[2]!) * NS + BigInt(w[3]!) * 1000n;
  }
  if (old !== 0 && !copyToUser(k, old, itimerval(k, task))) return FAULT;
  arm(k, task, value, interval);
  return 0;
};

// ---- RLIMIT_CPU ----

/**
 * At each tick, for the task it landed on (2.6's run_posix_cpu_timers, check_process_timers): the
 * process's CPU time — user and system ticks of all its threads, in whole seconds — against
 * RLIMIT_CPU. At the hard limit SIGKILL; at the soft limit SIGXCPU, and the soft limit goes up by a
 * second (while below the hard one), so a process that catches it gets another every second. Both
 * are SEND_SIG_PRIV (SI_KERNEL) to the whole process; an unlimited soft limit checks nothing, not
 * even the hard one. (Today's Linux arms a CPU timer instead of looking at each tick, to the same
 * effect; it counts the ticks of threads that have exited, which gate86 does not keep.)
 */
export function checkCpuLimit(k: Kernel, task: Task): void {
  const limit = task.group.limits[RLIMIT_CPU]!;
  if (limit.cur === RLIM_INFINITY) return;
  let ticks = 0;
  for (const thread of task.group.threads) ticks += thread.userTicks + thread.systemTicks;
  const seconds = Math.floor(ticks / HZ);
  const info = { code: SI_KERNEL, pid: 0, uid: 0, addr: 0 };
  if (seconds >= limit.max) {
    queueSignal(k, task, SIGKILL, info);
    return;
  }
  if (seconds >= limit.cur) {
    queueSignal(k, task, SIGXCPU, info);
    if (limit.cur < limit.max) task.group.limits[RLIMIT_CPU] = { cur: limit.cur + 1, max: limit.max };
  }
}

// ---- process times ----

/** times(struct tms *): user/system ticks of the caller and its reaped children; returns jiffies. */
export const sys_times: SyscallService = (k, regs) => {
  const task = k.task();
  const pointer = regs.get('ebx');
  const s = new Struct(16).u32(0, task.userTicks).u32(4, task.systemTicks).u32(8, task.childUserTicks).u32(12, task.childSystemTicks);
  if (pointer !== 0 && !copyToUser(k, pointer, s.bytes)) return FAULT;
  return k.jiffies;
};

const RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;

/** struct rusage (72 bytes on i386): utime, stime as timevals, then counters. */
export function rusageBytes(userTicks: number, systemTicks: number, maxRssKb: number): Uint8Array {
  const [us, uu] = timeval(BigInt(userTicks) * TICK_NS);
  const [ss, su] = timeval(BigInt(systemTicks) * TICK_NS);
  return new Struct(72).u32(0, us).u32(4, uu).u32(8, ss).u32(12, su).u32(16, maxRssKb).bytes;
}

export const sys_getrusage: SyscallService = (k, regs) => {
  const [who, pointer] = regs.args();
  const task = k.task();
  let bytes: Uint8Array;
  if ((who | 0) === RUSAGE_SELF || (who | 0) === RUSAGE_THREAD) bytes = rusageBytes(task.userTicks, task.systemTicks, task.space.countPages() * 4);
  else if ((who | 0) === RUSAGE_CHILDREN) bytes = rusageBytes(task.childUserTicks, task.childSystemTicks, 0);
  else return -EINVAL;
  return copyToUser(k, pointer, bytes) ? 0 : FAULT;
};

/** sysinfo(struct sysinfo *): uptime, loads, memory (in units of mem_unit = 4096), processes. */
export const sys_sysinfo: SyscallService = (k, regs) => {
  const s = new Struct(64)
    .u32(0, Math.floor(k.jiffies / HZ)).u32(16, k.frames.total).u32(20, k.frames.available)
    .u16(40, k.tasks.size).u32(52, 4096);
  return copyToUser(k, regs.get('ebx'), s.bytes) ? 0 : FAULT;
};
