// The life of a process: exit, exit_group, set_tid_address, set_thread_area (a TLS descriptor in
// the GDT, which glibc loads into %gs), the resource limits (getrlimit, setrlimit, prlimit64).

import type { SyscallService, Kernel } from '../kernel.ts';
import type { Task } from '../task.ts';
import { physicalOf } from '../mm/ram.ts';
import { EINVAL, EPERM, ESRCH, GDT_ENTRY_TLS_ENTRIES, GDT_ENTRY_TLS_MIN, TIF_IRET, TIF_NEED_RESCHED, TIF_SIGPENDING } from '../layout.ts';
import { SIGKILL } from '../signal-numbers.ts';

/** siginfo si_code of SIGCHLD for a child that exited. */
const CLD_EXITED = 1;
import { sendProcessSignal } from '../signals.ts';
import { wakeTask } from '../sched/wait.ts';
import { futexWake } from './futex.ts';
import type { ExitStatus } from '../task.ts';
import { Struct, copyFromUser, copyToUser, FAULT } from './user.ts';
import { signalGroup } from '../signals.ts';
import { validSignal } from '../sigset.ts';
import { disassociate } from '../tty/console.ts';
import { SIGCHLD, SIGCONT, SIGHUP } from '../signal-numbers.ts';
import { traceTaskExit } from '../ptrace.ts';
import { RLIM_INFINITY, RLIM_NLIMITS, RLIMIT_CPU, RLIMIT_NOFILE, type Rlimit } from '../rlimit.ts';

/**
 * A task lets go of its address space: it exits, or execs another program (Linux's mm_release).
 * The robust futexes it still holds are marked FUTEX_OWNER_DIED, CLONE_CHILD_CLEARTID's word is
 * zeroed and futex-woken (pthread_join waits on it), and a vfork parent, asleep until this moment,
 * wakes.
 */
export function releaseMm(k: Kernel, task: Task): void {
  exitRobustList(k, task);
  task.robustList = 0;
  if (task.clearChildTid !== 0 && task.space.write32(task.clearChildTid, 0)) futexWake(k, task.space, task.clearChildTid, 1);
  task.clearChildTid = 0;
  const vforkDone = task.vforkDone;
  task.vforkDone = null;
  vforkDone?.wakeAll(k);
}

/**
 * A thread ends (exit, or its share of exit_group / a fatal signal / another thread's execve):
 * releaseMm, then a thread other than the leader reaps itself: it leaves k.tasks now, and its
 * kernel stack is freed after the switch away from it (k.exited). The leader stays as a zombie;
 * when the last thread of the process is gone, the process ends (endProcess). The task never
 * returns to user mode: TIF_NEED_RESCHED makes its way out schedule away from it for good.
 */
export function exitThread(k: Kernel, task: Task, status: ExitStatus): void {
  if (task.state === 'zombie') return;
  traceTaskExit(k, task);                            // --trace syscall: the call it dies in: `= ?`
  releaseMm(k, task);
  if (task.sleep !== null) wakeTask(k, task, 'signal');
  task.sleep = null;
  task.state = 'zombie';
  task.stopped = false;
  // Its descriptors and fs context, unless other threads still share them (CLONE_FILES, CLONE_FS).
  if (--task.files.users === 0) task.files.closeAll(k);
  task.fs.users--;
  const group = task.group;
  group.threads.delete(task);
  group.threadExit.wakeAll(k);                      // an execve waiting for the other threads to end
  if (!task.isLeader) {
    k.tasks.delete(task.pid);
    k.exited.push(task);
  }
  k.setThreadFlag(task, TIF_NEED_RESCHED);
  if (group.threads.size === 0) endProcess(k, task, group.exitStatus ?? status);
}

/**
 * exit_group, or a signal whose default action kills: every thread of the process ends with
 * `status`. The others are told with SIGKILL (which ends any sleep); each leaves through
 * do_notify_resume, which sees group.exitStatus and calls exitThread.
 */
export function exitGroup(k: Kernel, task: Task, status: ExitStatus): void {
  task.group.exitStatus ??= status;
  zapOtherThreads(k, task);
  exitThread(k, task, task.group.exitStatus!);
}

/** SIGKILL to every other thread of the process, ending any sleep (Linux's zap_other_threads). */
export function zapOtherThreads(k: Kernel, task: Task): void {
  for (const thread of task.group.threads) {
    if (thread === task) continue;
    thread.pending.raise(SIGKILL);
    k.setThreadFlag(thread, TIF_SIGPENDING);
    wakeTask(k, thread, 'signal');
  }
}

/**
 * The last thread of a process is gone. Task 1's end is the machine's end (the host stops it, with
 * its status). Any other process leaves its leader as a zombie for its parent's wait4, wakes the
 * parent and sends it its exit signal (SIGCHLD); its children go to task 1.
 */
function endProcess(k: Kernel, last: Task, status: ExitStatus): void {
  const tgid = last.tgid;
  const leader = k.tasks.get(tgid) ?? last;
  leader.realTimer = null;
  // A session leader's exit hangs up its terminal: SIGHUP and SIGCONT to the foreground group.
  const tty = leader.tty;
  if (leader.pid === leader.sid && tty !== null && tty.session === leader.sid) {
    if (tty.foregroundGroup > 0) { signalGroup(k, tty.foregroundGroup, SIGHUP); signalGroup(k, tty.foregroundGroup, SIGCONT); }
    disassociate(k, tty);
  }
  if (tgid === 1) {
    k.tasks.delete(1);
    if (k.current === last) k.current = null;
    k.host.exit(status);
    return;
  }
  leader.waitStatus = 'code' in status ? (status.code & 0xff) << 8 : status.signal & 0x7f;
  for (const child of k.tasks.values()) if (child.ppid === tgid) reparent(k, child);
  const parent = k.tasks.get(leader.ppid);
  if (parent !== undefined) {
    parent.childExit.wakeAll(k);
    // Linux's do_notify_parent sends it only when it is a valid signal: clone takes any CSIGNAL
    // (0-255) as the exit signal, and one above SIGRTMAX names no signal (the system-call fuzzer's
    // clone(0x78, ...) child made this an oops of its sys_exit).
    if (validSignal(leader.exitSignal)) {
      sendProcessSignal(k, parent, leader.exitSignal, { code: CLD_EXITED, pid: tgid, uid: leader.credentials.uid, addr: 0 });
    }
  }
}

/**
 * Orphans go to task 1, as to init. A process's exit signal becomes SIGCHLD, as in Linux's
 * reparent_leader ("we don't want people slaying init"): a clone child made with, say, SIGTRAP as
 * its exit signal would otherwise kill task 1 when it ends (found by the system-call fuzzer:
 * test/fuzz/corpus/syscalls/).
 */
function reparent(k: Kernel, child: Task): void {
  child.ppid = 1;
  if (child.isLeader) child.exitSignal = SIGCHLD;
  if (child.state === 'zombie') k.tasks.get(1)?.childExit.wakeAll(k);
}

/** exit(status): this thread only (glibc's pthread_exit; a single-threaded program's _exit uses exit_group). */
export const sys_exit: SyscallService = (k, regs) => {
  exitThread(k, k.task(), { code: regs.get('ebx') & 0xff });
  return 0;
};

/** exit_group(status): every thread of the process. */
export const sys_exit_group: SyscallService = (k, regs) => {
  exitGroup(k, k.task(), { code: regs.get('ebx') & 0xff });
  return 0;
};

const ROBUST_LIST_HEAD_SIZE = 12;
const FUTEX_WAITERS = 0x80000000;
const FUTEX_OWNER_DIED = 0x40000000;
const FUTEX_TID_MASK = 0x3fffffff;
/** How many entries exit walks at most: a corrupted (circular) list must not hang the kernel. */
const ROBUST_LIST_LIMIT = 2048;

/** set_robust_list(head, len): glibc registers each thread's list of robust mutexes held. */
export const sys_set_robust_list: SyscallService = (k, regs) => {
  const [head, length] = regs.args();
  if (length !== ROBUST_LIST_HEAD_SIZE) return -EINVAL;
  k.task().robustList = head;
  return 0;
};

/** get_robust_list(pid, head **, len *): 0 is the caller. */
export const sys_get_robust_list: SyscallService = (k, regs) => {
  const [pid, headPointer, lengthPointer] = regs.args();
  const task = pid === 0 ? k.task() : k.tasks.get(pid);
  if (task === undefined) return -ESRCH;
  if (!copyToUser(k, headPointer, new Struct(4).u32(0, task.robustList).bytes)) return FAULT;
  return copyToUser(k, lengthPointer, new Struct(4).u32(0, ROBUST_LIST_HEAD_SIZE).bytes) ? 0 : FAULT;
};

/**
 * At exit, each robust futex the thread still holds (struct robust_list_head {next, futex_offset,
 * list_op_pending}) gets FUTEX_OWNER_DIED, and one waiter is woken, so the next locker learns
 * the owner died (EOWNERDEAD) instead of waiting forever.
 */
function exitRobustList(k: Kernel, task: Task): void {
  const head = task.robustList;
  if (head === 0) return;
  const space = task.space;
  const offset = space.read32(head + 4);
  const pending = space.read32(head + 8);
  if (offset === null) return;
  const handle = (entry: number): void => {
    const word = (entry + offset) >>> 0;
    const value = space.read32(word);
    if (value === null || (value & FUTEX_TID_MASK) !== task.pid) return;
    space.write32(word, (value & FUTEX_WAITERS) | FUTEX_OWNER_DIED);
    if ((value & FUTEX_WAITERS) !== 0) futexWake(k, space, word, 1);
  };
  let entry = space.read32(head);
  for (let n = 0; entry !== null && entry !== head && n < ROBUST_LIST_LIMIT; n++) {
    const next = space.read32(entry);
    if (entry !== pending) handle(entry);
    entry = next;
  }
  if (pending !== null && pending !== 0) handle(pending);
}

export const sys_set_tid_address: SyscallService = (k, regs) => {
  const task = k.task();
  task.clearChildTid = regs.get('ebx');
  return task.pid;
};

/** Set TLS slot `entry` of `task` (set_thread_area, or clone's CLONE_SETTLS for the child). */
export function setTls(k: Kernel, task: Task, pointer: number, writeBack: boolean): number {
  const raw = task.space.copyFromUser(pointer, 16);
  if (raw === null) return FAULT;
  const view = new DataView(raw.buffer);
  let entry = view.getInt32(0, true);
  const base = view.getUint32(4, true);
  const limit = view.getUint32(8, true);
  const flags = view.getUint32(12, true);
  if (entry === -1) {
    const free = task.tls.findIndex((d) => d === null);
    if (free < 0) return -ESRCH;
    entry = GDT_ENTRY_TLS_MIN + free;
    if (writeBack && !task.space.copyToUser(pointer, new Struct(4).u32(0, entry).bytes)) return FAULT;
  }
  if (entry < GDT_ENTRY_TLS_MIN || entry >= GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES) return -EINVAL;
  task.tls[entry - GDT_ENTRY_TLS_MIN] = { base, limit, flags };
  if (task === k.current) writeTlsDescriptor(k, entry, base, limit, flags);
  return 0;
}

/**
 * set_thread_area(struct user_desc *): 16 bytes {entry_number, base_addr, limit, flag bits
 * seg_32bit:1 contents:2 read_exec_only:1 limit_in_pages:1 seg_not_present:1 useable:1}.
 * entry_number -1 asks for a free TLS slot (GDT 6..8), written back for the caller.
 */
export const sys_set_thread_area: SyscallService = (k, regs) => setTls(k, k.task(), regs.get('ebx'), true);

/** Encode a user_desc as a GDT descriptor (Linux's LDT_entry_a/b) and store it in gdt_table. */
export function tlsDescriptor(base: number, limit: number, flags: number): [number, number] {
  const seg32 = flags & 1;
  const contents = (flags >> 1) & 3;
  const readExecOnly = (flags >> 3) & 1;
  const limitInPages = (flags >> 4) & 1;
  const notPresent = (flags >> 5) & 1;
  const useable = (flags >> 6) & 1;
  if (base === 0 && limit === 0 && readExecOnly === 1 && notPresent === 1) return [0, 0];   // "clear this slot"
  const low = (((base & 0xffff) << 16) | (limit & 0xffff)) >>> 0;
  const high = ((base & 0xff000000) | ((base >>> 16) & 0xff) | (limit & 0xf0000) | ((readExecOnly ^ 1) << 9)
    | (contents << 10) | ((notPresent ^ 1) << 15) | (seg32 << 22) | (limitInPages << 23) | (useable << 20)
    | 0x7000) >>> 0;                                  // S = 1 (code/data), DPL = 3
  return [low, high];
}

function writeTlsDescriptor(k: Kernel, entry: number, base: number, limit: number, flags: number): void {
  const [low, high] = tlsDescriptor(base, limit, flags);
  const at = physicalOf(k.image.addressOf('gdt_table')) + entry * 8;
  k.ram.write32(at, low);
  k.ram.write32(at + 4, high);
}

/** The table getrlimit and friends read: the calling process's (rlimit.ts). */
function limitsOf(k: Kernel): Rlimit[] { return k.task().group.limits; }

function rlimitBytes(cur: number, max: number): Uint8Array { return new Struct(8).u32(0, cur).u32(4, max).bytes; }

/** ugetrlimit(resource, struct rlimit *) (191): {cur, max}, RLIM_INFINITY as ~0. */
export const sys_getrlimit: SyscallService = (k, regs) => {
  const resource = regs.get('ebx');
  if (resource >= RLIM_NLIMITS) return -EINVAL;
  const { cur, max } = limitsOf(k)[resource]!;
  return copyToUser(k, regs.get('ecx'), rlimitBytes(cur, max)) ? 0 : FAULT;
};

/** getrlimit (76), the call before ugetrlimit: its RLIM_INFINITY was 0x7fffffff, so values are clipped. */
export const sys_old_getrlimit: SyscallService = (k, regs) => {
  const resource = regs.get('ebx');
  if (resource >= RLIM_NLIMITS) return -EINVAL;
  const { cur, max } = limitsOf(k)[resource]!;
  return copyToUser(k, regs.get('ecx'), rlimitBytes(Math.min(cur, 0x7fffffff), Math.min(max, 0x7fffffff))) ? 0 : FAULT;
};

/** NR_OPEN: RLIMIT_NOFILE's hard limit cannot go above it, even for root (fs.nr_open's default). */
const NR_OPEN = 1024 * 1024;

/**
 * do_prlimit's checks and store: the soft limit never above the hard one (-EINVAL), a hard limit
 * raised only with privilege (-EPERM), RLIMIT_NOFILE at most NR_OPEN (-EPERM).
 */
function setLimit(target: Task, resource: number, wanted: Rlimit, privileged: boolean): number {
  if (resource >= RLIM_NLIMITS) return -EINVAL;
  if ((wanted.cur >>> 0) > (wanted.max >>> 0)) return -EINVAL;
  const old = target.group.limits[resource]!;
  if (resource === RLIMIT_NOFILE && wanted.max > NR_OPEN) return -EPERM;
  if (wanted.max > old.max && !privileged) return -EPERM;
  // 2.6's sys_setrlimit: a soft RLIMIT_CPU of 0 becomes 1 second, since 0 meant "never set" to its
  // CPU-timer code (today's Linux keeps the 0, and the limit fires at once).
  const cur = resource === RLIMIT_CPU && wanted.cur === 0 ? 1 : wanted.cur >>> 0;
  target.group.limits[resource] = { cur, max: wanted.max >>> 0 };
  return 0;
}

/** setrlimit(resource, const struct rlimit *) (75). */
export const sys_setrlimit: SyscallService = (k, regs) => {
  const bytes = copyFromUser(k, regs.get('ecx'), 8);
  if (bytes === null) return FAULT;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const task = k.task();
  return setLimit(task, regs.get('ebx'), { cur: view.getUint32(0, true), max: view.getUint32(4, true) }, task.credentials.euid === 0);
};

/** 64-bit limits to the kernel's 32-bit ones: anything from ~0 up is RLIM_INFINITY (rlim64_to_rlim). */
function fromRlim64(value: bigint): number { return value >= BigInt(RLIM_INFINITY) ? RLIM_INFINITY : Number(value); }
function toRlim64(value: number): bigint { return value === RLIM_INFINITY ? 0xffffffffffffffffn : BigInt(value); }

/**
 * prlimit64(pid, resource, const struct rlimit64 *new, struct rlimit64 *old) (340): another process's
 * limits (pid 0: the caller's), read and/or set at once; the old values are copied out after the set.
 */
export const sys_prlimit64: SyscallService = (k, regs) => {
  const [pid, resource, newAt, oldAt] = regs.args();
  if (resource! >= RLIM_NLIMITS) return -EINVAL;
  const caller = k.task();
  const target = pid === 0 ? caller : k.tasks.get(pid!);
  if (target === undefined || target.state === 'zombie') return -ESRCH;
  const privileged = caller.credentials.euid === 0;
  if (!privileged && target !== caller && target.credentials.uid !== caller.credentials.uid) return -EPERM;
  let wanted: Rlimit | null = null;
  if (newAt !== 0) {
    const bytes = copyFromUser(k, newAt!, 16);
    if (bytes === null) return FAULT;
    const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
    wanted = { cur: fromRlim64(view.getBigUint64(0, true)), max: fromRlim64(view.getBigUint64(8, true)) };
  }
  const old = { ...target.group.limits[resource!]! };
  if (wanted !== null) {
    const result = setLimit(target, resource!, wanted, privileged);
    if (result < 0) return result;
  }
  if (oldAt !== 0) {
    const out = new Uint8Array(16);
    const view = new DataView(out.buffer);
    view.setBigUint64(0, toRlim64(old.cur), true);
    view.setBigUint64(8, toRlim64(old.max), true);
    if (!copyToUser(k, oldAt!, out)) return FAULT;
  }
  return 0;
};

const EFLAGS_IOPL = 0x3000;

/**
 * iopl(level): set EFLAGS.IOPL of the caller (Linux 2.6.0 sys_iopl). It edits pt_regs, so it sets
 * TIF_IRET: a sysexit would return the kernel's EFLAGS, not the edited ones (fidelity 9).
 */
export const sys_iopl: SyscallService = (k, regs) => {
  const level = regs.get('ebx');
  if (level > 3) return -EINVAL;
  const current = (regs.get('eflags') & EFLAGS_IOPL) >>> 12;
  if (level > current && k.task().credentials.euid !== 0) return -EPERM;
  regs.set('eflags', (regs.get('eflags') & ~EFLAGS_IOPL) | (level << 12));
  k.setThreadFlag(k.task(), TIF_IRET);
  return 0;
};

/** Linux's __set_task_comm at exec: the last component of the path given, 15 bytes at most. */
export function commandName(path: string): string {
  return (path.split('/').pop() ?? '').slice(0, 15);
}

const PR_SET_NAME = 15;
const PR_GET_NAME = 16;

/** prctl(option, ...): PR_SET_NAME / PR_GET_NAME (the command name); other options are -EINVAL. */
export const sys_prctl: SyscallService = (k, regs) => {
  const [option, argument] = regs.args();
  const task = k.task();
  if (option === PR_SET_NAME) {
    const raw = copyFromUser(k, argument, 16);
    if (raw === null) {
      const name = task.space.readString(argument, 16);
      if (name === null) return FAULT;
      task.comm = name.slice(0, 15);
      return 0;
    }
    const end = raw.indexOf(0);
    task.comm = Buffer.from(raw.subarray(0, end < 0 ? 15 : Math.min(end, 15))).toString('latin1');
    return 0;
  }
  if (option === PR_GET_NAME) {
    const bytes = new Uint8Array(16);
    bytes.set(Buffer.from(task.comm, 'latin1').subarray(0, 15));
    return copyToUser(k, argument, bytes) ? 0 : FAULT;
  }
  return -EINVAL;
};
