// File locks (Linux's fs/locks.c): POSIX record locks (fcntl's F_GETLK, F_SETLK, F_SETLKW) and,
// at the end, BSD whole-file locks (flock), which are a separate kind that never conflicts with them.
//
// A lock is a byte range of one file, shared (F_RDLCK) or exclusive (F_WRLCK), held by an *owner*:
// as on Linux, the owner is the descriptor table (task.files), so threads sharing their table share
// locks, and a forked child (its own table) does not inherit them. The process id that F_GETLK
// reports is the one that set the lock.
//
// Rules, each as Linux has them:
//   - two locks conflict when their owners differ, their ranges overlap and one is F_WRLCK;
//   - setting a lock first takes the owner's own locks off the range (so a lock changes type or
//     splits in place), then adds the new one and merges it with touching locks of the same type;
//   - F_SETLK on a conflict: -EAGAIN. F_SETLKW sleeps, interruptibly, on the file's queue and tries
//     again when any lock of the file goes away; -EDEADLK when the owner of the blocking lock is
//     itself waiting (directly or down a chain) for a lock the caller owns;
//   - every close() of a descriptor of the file drops all the owner's locks on it (even if another
//     descriptor stays open), and so does exit, which closes everything.

import type { Kernel } from '../kernel.ts';
import type { FileTable } from './fdtable.ts';
import type { OpenFile } from './file.ts';
import type { Inode, SuperBlock } from './inode.ts';
import { WaitQueue, sleepOn } from '../sched/wait.ts';
import { EAGAIN, EDEADLK, EINVAL, ESLEEPING } from '../layout.ts';

export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

export interface PosixLock {
  owner: FileTable;
  /** The process (tgid) that set it, for F_GETLK's l_pid. */
  pid: number;
  type: typeof F_RDLCK | typeof F_WRLCK;
  /** First and last byte, inclusive; `end` is Infinity for "to the end of the file, however long". */
  start: number;
  end: number;
}

/** One file's locks and the queue where F_SETLKW callers wait for them to change. */
interface FileLocks { locks: PosixLock[]; queue: WaitQueue; flocks: { owner: OpenFile; exclusive: boolean }[] }

interface LockTable {
  files: Map<SuperBlock, Map<number, FileLocks>>;
  /** F_SETLKW sleepers: owner -> the owner of the lock it waits for (the deadlock check follows it). */
  waitingFor: Map<FileTable, FileTable>;
}

const tables = new WeakMap<Kernel, LockTable>();

function table(k: Kernel): LockTable {
  let t = tables.get(k);
  if (t === undefined) { t = { files: new Map(), waitingFor: new Map() }; tables.set(k, t); }
  return t;
}

/** The file's lock list, by super block and inode number (a host fs may give fresh Inode objects). */
function fileLocks(k: Kernel, inode: Inode, create: boolean): FileLocks | null {
  const bySb = table(k).files;
  let byIno = bySb.get(inode.sb);
  if (byIno === undefined) {
    if (!create) return null;
    byIno = new Map();
    bySb.set(inode.sb, byIno);
  }
  let locks = byIno.get(inode.ino) ?? null;
  if (locks === null && create) { locks = { locks: [], queue: new WaitQueue(), flocks: [] }; byIno.set(inode.ino, locks); }
  return locks;
}

function conflicts(a: PosixLock, b: { owner: FileTable; type: number; start: number; end: number }): boolean {
  return a.owner !== b.owner && a.start <= b.end && b.start <= a.end && (a.type === F_WRLCK || b.type === F_WRLCK);
}

/** F_GETLK: the first lock that would block `wanted`, or null. */
export function testLock(k: Kernel, inode: Inode, wanted: { owner: FileTable; type: number; start: number; end: number }): PosixLock | null {
  return fileLocks(k, inode, false)?.locks.find((l) => conflicts(l, wanted)) ?? null;
}

/** Take the owner's locks off [start, end], splitting those that stick out. */
function carve(list: PosixLock[], owner: FileTable, start: number, end: number): PosixLock[] {
  const out: PosixLock[] = [];
  for (const l of list) {
    if (l.owner !== owner || l.end < start || l.start > end) { out.push(l); continue; }
    if (l.start < start) out.push({ ...l, end: start - 1 });
    if (l.end > end) out.push({ ...l, start: end + 1 });
  }
  return out;
}

/** Does `from` wait, directly or down a chain of waiters, for a lock that `target` owns? */
function waitsFor(k: Kernel, from: FileTable, target: FileTable): boolean {
  const waiting = table(k).waitingFor;
  const seen = new Set<FileTable>();
  for (let owner: FileTable | undefined = from; owner !== undefined && !seen.has(owner); owner = waiting.get(owner)) {
    if (owner === target) return true;
    seen.add(owner);
  }
  return false;
}

/**
 * F_SETLK / F_SETLKW (type F_UNLCK unlocks): 0, -EAGAIN, -EDEADLK, or from F_SETLKW -ESLEEPING /
 * -ERESTARTSYS (sleepOn's answers: the service returns them and runs again when woken).
 */
export function setLock(k: Kernel, inode: Inode, lock: Omit<PosixLock, 'type'> & { type: number }, wait: boolean): number {
  const t = table(k);
  t.waitingFor.delete(lock.owner);                       // a re-run after a wake-up starts afresh
  const file = fileLocks(k, inode, true) as FileLocks;
  if (lock.type !== F_UNLCK) {
    const blocker = file.locks.find((l) => conflicts(l, lock));
    if (blocker !== undefined) {
      if (!wait) return -EAGAIN;
      if (waitsFor(k, blocker.owner, lock.owner)) return -EDEADLK;
      const slept = sleepOn(k, file.queue);
      if (slept === -ESLEEPING) t.waitingFor.set(lock.owner, blocker.owner);
      return slept;
    }
  }
  let list = carve(file.locks, lock.owner, lock.start, lock.end);
  if (lock.type !== F_UNLCK) list = merged(list, { ...lock, type: lock.type as PosixLock['type'] });
  file.locks = list;
  file.queue.wakeAll(k);            // a waiter's conflict may be gone (a downgrade, an unlock): it re-checks
  return 0;
}

/** Add `lock` to the list, merged with the owner's locks of the same type that overlap or touch it. */
function merged(list: PosixLock[], lock: PosixLock): PosixLock[] {
  let { start, end } = lock;
  const out: PosixLock[] = [];
  for (const l of list) {
    if (l.owner === lock.owner && l.type === lock.type && l.start <= end + 1 && start <= l.end + 1) {
      start = Math.min(start, l.start);
      end = Math.max(end, l.end);
    } else {
      out.push(l);
    }
  }
  out.push({ ...lock, start, end });
  return out;
}

/** close() or exit: the owner's locks on this file go, and whoever waited for them tries again. */
export function releasePosixLocks(k: Kernel, owner: FileTable, inode: Inode): void {
  const file = fileLocks(k, inode, false);
  if (file === null) return;
  const kept = file.locks.filter((l) => l.owner !== owner);
  if (kept.length === file.locks.length) return;
  file.locks = kept;
  file.queue.wakeAll(k);
}

/** exit (the table's last user): an F_SETLKW sleeper killed in its sleep waits for nothing any more. */
export function forgetLockWaiter(k: Kernel, owner: FileTable): void {
  table(k).waitingFor.delete(owner);
}

// flock(2): one lock per open file description (dup'ed and inherited descriptors share it), shared
// (LOCK_SH) or exclusive (LOCK_EX) on the whole file; it goes when the description's last
// descriptor closes. A conversion drops the old lock first, then waits for the new one (as Linux).
export const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

/** flock(fd, operation): 0, -EINVAL, -EWOULDBLOCK (LOCK_NB), or sleepOn's -ESLEEPING / -ERESTARTSYS. */
export function flockFile(k: Kernel, file: OpenFile, operation: number): number {
  const kind = operation & ~LOCK_NB;
  if (kind !== LOCK_SH && kind !== LOCK_EX && kind !== LOCK_UN) return -EINVAL;
  const locks = fileLocks(k, file.inode, true) as FileLocks;
  const mine = locks.flocks.find((l) => l.owner === file);
  if (mine !== undefined && (kind === LOCK_UN || mine.exclusive !== (kind === LOCK_EX))) {
    locks.flocks = locks.flocks.filter((l) => l !== mine);
    locks.queue.wakeAll(k);
  } else if (mine !== undefined) {
    return 0;                                           // already held in that mode
  }
  if (kind === LOCK_UN) return 0;
  const exclusive = kind === LOCK_EX;
  if (locks.flocks.some((l) => l.exclusive || exclusive)) {
    return (operation & LOCK_NB) !== 0 ? -EAGAIN : sleepOn(k, locks.queue);
  }
  locks.flocks.push({ owner: file, exclusive });
  return 0;
}

/** The description's last close: its flock lock goes. */
export function releaseFlock(k: Kernel, file: OpenFile): void {
  const locks = fileLocks(k, file.inode, false);
  if (locks === null || !locks.flocks.some((l) => l.owner === file)) return;
  locks.flocks = locks.flocks.filter((l) => l.owner !== file);
  locks.queue.wakeAll(k);
}
