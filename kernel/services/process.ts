// The life of a process: exit, exit_group, set_tid_address, set_thread_area (a TLS descriptor in
// the GDT, which glibc loads into %gs), ugetrlimit.

import type { SyscallService, Kernel } from '../kernel.ts';
import type { Task } from '../task.ts';
import { physicalOf } from '../mm/ram.ts';
import { EINVAL, EPERM, ESRCH, GDT_ENTRY_TLS_ENTRIES, GDT_ENTRY_TLS_MIN, TIF_IRET, TIF_NEED_RESCHED, TIF_SIGPENDING } from '../layout.ts';
import { SIGCHLD } from '../signal-numbers.ts';
import { Struct, copyFromUser, copyToUser, FAULT } from './user.ts';
import { traceTaskExit } from '../ptrace.ts';

/**
 * A task ends. Task 1's end is the machine's end (the host stops it, with its status). Any other task
 * becomes a zombie for its parent's wait4, wakes the parent, and gets SIGCHLD sent; it never returns
 * to user mode: TIF_NEED_RESCHED makes the exit path schedule away from it for good.
 */
export function exitTask(k: Kernel, task: Task, status: { code: number } | { signal: number }): void {
  traceTaskExit(k, task);
  if (task.clearChildTid !== 0) task.space.write32(task.clearChildTid, 0);
  if (task.pid === 1) {
    k.tasks.delete(task.pid);
    if (k.current === task) k.current = null;
    k.host.exit(status);
    return;
  }
  task.state = 'zombie';
  task.waitStatus = 'code' in status ? (status.code & 0xff) << 8 : status.signal & 0x7f;
  for (const child of k.tasks.values()) if (child.ppid === task.pid) reparent(k, child);
  const parent = k.tasks.get(task.ppid);
  if (parent !== undefined) {
    if (parent.state === 'waiting') parent.state = 'running';
    parent.pendingSignals |= 1 << SIGCHLD;
    k.setThreadFlag(parent, TIF_SIGPENDING);
  }
  k.setThreadFlag(task, TIF_NEED_RESCHED);
}

/** Orphans go to task 1, as to init. */
function reparent(k: Kernel, child: Task): void {
  child.ppid = 1;
  if (child.state === 'zombie') {
    const init = k.tasks.get(1);
    if (init?.state === 'waiting') init.state = 'running';
  }
}

export const sys_exit: SyscallService = (k, regs) => {
  exitTask(k, k.task(), { code: regs.get('ebx') & 0xff });
  return 0;
};
export const sys_exit_group = sys_exit;

export const sys_set_tid_address: SyscallService = (k, regs) => {
  const task = k.task();
  task.clearChildTid = regs.get('ebx');
  return task.pid;
};

/**
 * set_thread_area(struct user_desc *): 16 bytes {entry_number, base_addr, limit, flag bits
 * seg_32bit:1 contents:2 read_exec_only:1 limit_in_pages:1 seg_not_present:1 useable:1}.
 * entry_number -1 asks for a free TLS slot (GDT 6..8), written back for the caller.
 */
export const sys_set_thread_area: SyscallService = (k, regs) => {
  const pointer = regs.get('ebx');
  const raw = copyFromUser(k, pointer, 16);
  if (raw === null) return FAULT;
  const view = new DataView(raw.buffer);
  let entry = view.getInt32(0, true);
  const base = view.getUint32(4, true);
  const limit = view.getUint32(8, true);
  const flags = view.getUint32(12, true);
  const task = k.task();
  if (entry === -1) {
    const free = task.tls.findIndex((d) => d === null);
    if (free < 0) return -ESRCH;
    entry = GDT_ENTRY_TLS_MIN + free;
    if (!copyToUser(k, pointer, new Struct(4).u32(0, entry).bytes)) return FAULT;
  }
  if (entry < GDT_ENTRY_TLS_MIN || entry >= GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES) return -EINVAL;
  task.tls[entry - GDT_ENTRY_TLS_MIN] = { base, limit, flags };
  writeTlsDescriptor(k, entry, base, limit, flags);
  return 0;
};

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

const RLIM_INFINITY = 0xffffffff;
const RLIMIT_STACK = 3;
const RLIMIT_NOFILE = 7;
const RLIM_NLIMITS = 16;

/** ugetrlimit(resource, struct rlimit *): {cur, max}. */
export const sys_getrlimit: SyscallService = (k, regs) => {
  const resource = regs.get('ebx');
  if (resource >= RLIM_NLIMITS) return -EINVAL;
  let limits: [number, number] = [RLIM_INFINITY, RLIM_INFINITY];
  if (resource === RLIMIT_STACK) limits = [8 * 1024 * 1024, RLIM_INFINITY];
  if (resource === RLIMIT_NOFILE) limits = [1024, 4096];
  return copyToUser(k, regs.get('ecx'), new Struct(8).u32(0, limits[0]).u32(4, limits[1]).bytes) ? 0 : FAULT;
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
