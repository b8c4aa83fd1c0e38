// File descriptors and the bytes behind them: open, openat, creat, close, dup, dup2, dup3, fcntl,
// pipe, pipe2, read, write, readv, writev, pread64, pwrite64, lseek, _llseek, sendfile, ioctl,
// getdents, getdents64, fsync, fdatasync, sync, flock.
//
// Each service is the Linux i386 call: the same arguments in EBX, ECX, EDX, ESI, EDI, EBP, the same
// errno values. A call that cannot go on now (an empty pipe, a terminal with no line yet) returns
// -EAGAIN for O_NONBLOCK, or sleeps on the file's wait queue and is run again when woken
// (kernel/wait-queue.ts).
//
// read() copies only what the file really has: `read(0, NULL, n)` at end of file returns 0, as on
// Linux, which faults only when it copies a byte.

import { fileLimit, RLIM_INFINITY, RLIMIT_FSIZE } from '../rlimit.ts';
import { sendSignal } from '../signals.ts';
import { SIGXFSZ } from '../signal-numbers.ts';
import { regularOps } from '../fs/vfs.ts';
import type { Kernel, SyscallService } from '../kernel.ts';
import { EAGAIN, EBADF, EFAULT, EFBIG, EINVAL, EISDIR, ENOTDIR, ENOTTY, ENXIO, EOVERFLOW, ESPIPE } from '../layout.ts';
import {
  O_APPEND, O_CLOEXEC, O_CREAT, O_LARGEFILE, O_NONBLOCK, O_PATH, O_TRUNC, O_WRONLY, SETFL_MASK, type OpenFile,
} from '../fs/file.ts';
import { isDir, direntType } from '../fs/inode.ts';
import { makePipe } from '../fs/pipe.ts';
import { AT_FDCWD, openAt } from '../fs/vfs.ts';
import { sleepOn } from '../sched/wait.ts';
import { F_RDLCK, F_UNLCK, F_WRLCK, flockFile, setLock, testLock } from '../fs/locks.ts';
import { Struct, copyFromUser, copyToUser, readWords, userPath, writableSpan, FAULT } from './user.ts';

const MAX_RW = 0x7ffff000;                 // Linux's MAX_RW_COUNT
const CHUNK = 1 << 20;                     // one read or write moves at most this much per step
const IOV_MAX = 1024;

export function fileOf(k: Kernel, fd: number): OpenFile | null {
  return k.task().files.get(fd | 0);
}

// ---- open and close ----

function doOpen(k: Kernel, dirfd: number, pathPointer: number, flags: number, mode: number): number {
  const path = userPath(k, pathPointer);
  if (typeof path === 'number') return path;
  const task = k.task();
  const file = openAt(k, task, dirfd, path, flags | O_LARGEFILE, mode);
  if (typeof file === 'number') return file;
  const fd = task.files.install(file, (flags & O_CLOEXEC) !== 0, fileLimit(task));
  if (fd < 0) file.put(k);
  return fd;
}

export const sys_open: SyscallService = (k, regs) => doOpen(k, AT_FDCWD, regs.get('ebx'), regs.get('ecx'), regs.get('edx'));
export const sys_openat: SyscallService = (k, regs) => doOpen(k, regs.get('ebx'), regs.get('ecx'), regs.get('edx'), regs.get('esi'));
export const sys_creat: SyscallService = (k, regs) => doOpen(k, AT_FDCWD, regs.get('ebx'), O_CREAT | O_WRONLY | O_TRUNC, regs.get('ecx'));

export const sys_close: SyscallService = (k, regs) => k.task().files.close(k, regs.get('ebx') | 0);

export const sys_dup: SyscallService = (k, regs) => {
  const file = fileOf(k, regs.get('ebx'));
  if (file === null) return -EBADF;
  const fd = k.task().files.install(file.get(), false, fileLimit(k.task()));
  if (fd < 0) file.put(k);
  return fd;
};

function dup3(k: Kernel, oldfd: number, newfd: number, flags: number): number {
  const file = fileOf(k, oldfd);
  if (file === null) return -EBADF;
  return k.task().files.installAt(k, newfd | 0, file.get(), (flags & O_CLOEXEC) !== 0, fileLimit(k.task()));
}

export const sys_dup2: SyscallService = (k, regs) => {
  const [oldfd, newfd] = regs.args();
  if ((oldfd | 0) === (newfd | 0)) return fileOf(k, oldfd) === null ? -EBADF : newfd;
  return dup3(k, oldfd, newfd, 0);
};

export const sys_dup3: SyscallService = (k, regs) => {
  const [oldfd, newfd, flags] = regs.args();
  if ((flags & ~O_CLOEXEC) !== 0 || (oldfd | 0) === (newfd | 0)) return -EINVAL;
  return dup3(k, oldfd, newfd, flags);
};

const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7,
  F_SETOWN = 8, F_GETOWN = 9, F_GETLK64 = 12, F_SETLK64 = 13, F_SETLKW64 = 14, F_DUPFD_CLOEXEC = 1030;
const FD_CLOEXEC = 1;

/**
 * struct flock (F_GETLK/F_SETLK/F_SETLKW: 32-bit offsets, 16 bytes) and struct flock64 (the *64
 * commands: 64-bit offsets at offset 4, i386 packs them, 24 bytes):
 *   short l_type; short l_whence; off_t l_start; off_t l_len; pid_t l_pid;
 */
function flockLayout(wide: boolean): { size: number; len: number; pid: number } {
  return wide ? { size: 24, len: 12, pid: 20 } : { size: 16, len: 8, pid: 12 };
}

/** Read a struct flock and turn it into a byte range: the lock, or -errno. */
function readFlock(k: Kernel, file: OpenFile, pointer: number, wide: boolean): { type: number; start: number; end: number } | number {
  const layout = flockLayout(wide);
  const raw = copyFromUser(k, pointer, layout.size);
  if (raw === null) return FAULT;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const type = view.getInt16(0, true);
  const whence = view.getInt16(2, true);
  const offset = wide ? Number(view.getBigInt64(4, true)) : view.getInt32(4, true);
  const length = wide ? Number(view.getBigInt64(layout.len, true)) : view.getInt32(layout.len, true);
  if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) return -EINVAL;
  const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? file.offset : whence === SEEK_END ? file.inode.size() : NaN;
  if (Number.isNaN(base)) return -EINVAL;
  // Linux's flock_to_posix_lock: a negative length covers the bytes before l_start.
  let start = base + offset;
  let end = length > 0 ? start + length - 1 : length === 0 ? Infinity : start - 1;
  if (length < 0) start += length;
  if (start < 0 || end < start - 1) return -EINVAL;
  if (end < start) end = start;
  return { type, start, end };
}

/** fcntl's record-lock commands (kernel/fs/locks.ts keeps the locks). */
function recordLock(k: Kernel, file: OpenFile, command: number, pointer: number): number {
  const wide = command === F_GETLK64 || command === F_SETLK64 || command === F_SETLKW64;
  const range = readFlock(k, file, pointer, wide);
  if (typeof range === 'number') return range;
  const task = k.task();
  const lock = { owner: task.files, pid: task.tgid, ...range };
  if (command === F_GETLK || command === F_GETLK64) {
    if (range.type === F_UNLCK) return -EINVAL;
    const held = testLock(k, file.inode, lock);
    const layout = flockLayout(wide);
    const out = new Uint8Array(layout.size);
    const view = new DataView(out.buffer);
    if (held === null) {
      const raw = copyFromUser(k, pointer, layout.size);
      if (raw === null) return FAULT;
      out.set(raw);
      view.setInt16(0, F_UNLCK, true);                  // only l_type changes
    } else {
      const length = held.end === Infinity ? 0 : held.end - held.start + 1;
      if (!wide && (held.start > 0x7fffffff || length > 0x7fffffff)) return -EOVERFLOW;
      view.setInt16(0, held.type, true);
      view.setInt16(2, SEEK_SET, true);
      if (wide) { view.setBigInt64(4, BigInt(held.start), true); view.setBigInt64(layout.len, BigInt(length), true); }
      else { view.setInt32(4, held.start, true); view.setInt32(layout.len, length, true); }
      view.setInt32(layout.pid, held.pid, true);
    }
    return copyToUser(k, pointer, out) ? 0 : FAULT;
  }
  // A shared lock needs a descriptor open for reading, an exclusive one for writing.
  if (range.type === F_RDLCK && !file.readable()) return -EBADF;
  if (range.type === F_WRLCK && !file.writable()) return -EBADF;
  return setLock(k, file.inode, lock, command === F_SETLKW || command === F_SETLKW64);
}

/** fcntl/fcntl64. */
export const sys_fcntl64: SyscallService = (k, regs) => {
  const [fd, command, argument] = regs.args();
  const task = k.task();
  const file = fileOf(k, fd);
  if (file === null) return -EBADF;
  switch (command) {
    case F_DUPFD: case F_DUPFD_CLOEXEC: {
      if ((argument | 0) < 0 || argument >= fileLimit(task)) return -EINVAL;
      const n = task.files.install(file.get(), command === F_DUPFD_CLOEXEC, fileLimit(task), argument | 0);
      if (n < 0) file.put(k);
      return n;
    }
    case F_GETFD: return task.files.closeOnExec(fd) ? FD_CLOEXEC : 0;
    case F_SETFD: task.files.setCloseOnExec(fd, (argument & FD_CLOEXEC) !== 0); return 0;
    case F_GETFL: return file.flags;
    case F_SETFL: file.flags = (file.flags & ~SETFL_MASK) | (argument & SETFL_MASK); return 0;
    case F_GETLK: case F_GETLK64: case F_SETLK: case F_SETLKW: case F_SETLK64: case F_SETLKW64:
      return recordLock(k, file, command, argument);
    case F_GETOWN: return 0;
    case F_SETOWN: return 0;
    default: return -EINVAL;
  }
};

/** flock(fd, operation): BSD whole-file locks (kernel/fs/locks.ts). */
export const sys_flock: SyscallService = (k, regs) => {
  const file = fileOf(k, regs.get('ebx'));
  if (file === null || (file.flags & O_PATH) !== 0) return -EBADF;
  return flockFile(k, file, regs.get('ecx'));
};

function pipe2(k: Kernel, pointer: number, flags: number): number {
  if ((flags & ~(O_CLOEXEC | O_NONBLOCK)) !== 0) return -EINVAL;
  const task = k.task();
  const [reader, writer] = makePipe(flags);
  const r = task.files.install(reader, (flags & O_CLOEXEC) !== 0, fileLimit(task));
  if (r < 0) { reader.put(k); writer.put(k); return r; }
  const w = task.files.install(writer, (flags & O_CLOEXEC) !== 0, fileLimit(task));
  if (w < 0) { task.files.close(k, r); writer.put(k); return w; }
  if (!copyToUser(k, pointer, new Struct(8).u32(0, r).u32(4, w).bytes)) {
    task.files.close(k, r);
    task.files.close(k, w);
    return FAULT;
  }
  return 0;
}

export const sys_pipe: SyscallService = (k, regs) => pipe2(k, regs.get('ebx'), 0);
export const sys_pipe2: SyscallService = (k, regs) => pipe2(k, regs.get('ebx'), regs.get('ecx'));

// ---- read and write ----

/** Sleep for a file that would block, or give -EAGAIN to an O_NONBLOCK caller. */
function wouldBlock(k: Kernel, file: OpenFile): number {
  if (file.nonBlocking() || file.ops.queue === undefined) return -EAGAIN;
  return sleepOn(k, [file.ops.queue(file)]);
}

/** read `count` bytes into user memory at `buffer`: the count copied, or -errno. */
export function readInto(k: Kernel, file: OpenFile, buffer: number, count: number): number {
  if (!file.readable()) return -EBADF;
  const read = file.ops.read;
  if (read === undefined) return isDir(file.inode.mode) ? -EISDIR : -EINVAL;
  const want = Math.min(count >>> 0, MAX_RW);
  const room = writableSpan(k, buffer, Math.min(want, CHUNK));
  const data = read(k, file, Math.min(want, CHUNK), room);
  if (data === -EAGAIN) return wouldBlock(k, file);
  if (typeof data === 'number') return data;
  if (data.length > 0 && !copyToUser(k, buffer, data)) return -EFAULT;
  return data.length;
}

/**
 * RLIMIT_FSIZE, as 2.6's generic_write_checks and vmtruncate apply it to a regular file: how many
 * of `count` bytes may go at `position` (cut to end at the limit), or — nothing fits, the position
 * is at or past the limit — SIGXFSZ to the calling thread (send_sig: SI_USER from itself) and -EFBIG.
 */
export function fileSizeRoom(k: Kernel, position: number, count: number): number {
  const task = k.task();
  const limit = task.group.limits[RLIMIT_FSIZE]!.cur;
  if (limit === RLIM_INFINITY) return count;
  if (position >= limit) {
    sendSignal(k, task, SIGXFSZ, { code: 0, pid: task.tgid, uid: task.credentials.uid, addr: 0 });
    return -EFBIG;
  }
  return Math.min(count, limit - position);
}

/**
 * How many of `count` bytes one write call may put in `file`: all of them, but for a regular file
 * what RLIMIT_FSIZE leaves from where the write starts (the end, for O_APPEND). Checked once per
 * call, as generic_write_checks is: a writev whose first buffer reaches the limit exactly writes it
 * and stops, with no SIGXFSZ. As in 2.6, even 0 bytes at the limit are -EFBIG (today's Linux returns 0 first).
 */
function writeRoom(k: Kernel, file: OpenFile, count: number): number {
  if (file.ops !== regularOps) return count;
  return fileSizeRoom(k, (file.flags & O_APPEND) !== 0 ? file.inode.size() : file.offset, count);
}

/** write `count` bytes from user memory: the count written, or -errno (`sizeChecked`: writev checked the file size for all its buffers). */
export function writeFrom(k: Kernel, file: OpenFile, buffer: number, count: number, sizeChecked = false): number {
  if (!file.writable()) return -EBADF;
  const write = file.ops.write;
  if (write === undefined) return -EINVAL;
  let total = 0;
  const want = sizeChecked ? Math.min(count >>> 0, MAX_RW) : writeRoom(k, file, Math.min(count >>> 0, MAX_RW));
  if (want < 0) return want;
  while (total < want) {
    const n = Math.min(CHUNK, want - total);
    const bytes = copyFromUser(k, buffer + total, n);
    if (bytes === null) return total > 0 ? total : -EFAULT;
    const r = write(k, file, bytes);
    if (r === -EAGAIN) return total > 0 ? total : wouldBlock(k, file);
    if (r < 0) return total > 0 ? total : r;
    total += r;
    if (r < n) break;
  }
  return total;
}

export const sys_read: SyscallService = (k, regs) => {
  const [fd, buffer, count] = regs.args();
  const file = fileOf(k, fd);
  if (file === null) return -EBADF;
  return readInto(k, file, buffer, count);
};

export const sys_write: SyscallService = (k, regs) => {
  const [fd, buffer, count] = regs.args();
  const file = fileOf(k, fd);
  if (file === null) return -EBADF;
  return writeFrom(k, file, buffer, count);
};

/** struct iovec arrays: [base, length] pairs, checked like Linux's rw_copy_check_uvector. */
function iovecs(k: Kernel, pointer: number, count: number): [number, number][] | number {
  if (count > IOV_MAX) return -EINVAL;
  if (count === 0) return [];
  const words = readWords(k, pointer, count * 2);
  if (words === null) return FAULT;
  const out: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const length = words[2 * i + 1]!;
    if ((length | 0) < 0) return -EINVAL;
    total += length;
    if (total > 0x7fffffff) return -EINVAL;
    out.push([words[2 * i]!, length]);
  }
  return out;
}

/** readv/writev: one buffer after another; `room` may cut the whole transfer first (writev's RLIMIT_FSIZE). */
function vectored(
  k: Kernel, fd: number, iov: number, count: number, one: (file: OpenFile, base: number, length: number) => number,
  room: (file: OpenFile, total: number) => number = (_file, total) => total,
): number {
  const file = fileOf(k, fd);
  if (file === null) return -EBADF;
  const list = iovecs(k, iov, count);
  if (typeof list === 'number') return list;
  const allowed = room(file, list.reduce((sum, [, length]) => sum + length, 0));
  if (allowed < 0) return allowed;
  let total = 0;
  for (const [base, length] of list) {
    if (length === 0) continue;
    const piece = Math.min(length, allowed - total);
    if (piece === 0) break;
    const n = one(file, base, piece);
    if (n < 0) return total > 0 ? total : n;
    total += n;
    if (n < length) break;
  }
  return total;
}

export const sys_readv: SyscallService = (k, regs) => {
  const [fd, iov, count] = regs.args();
  return vectored(k, fd, iov, count, (file, base, length) => readInto(k, file, base, length));
};

export const sys_writev: SyscallService = (k, regs) => {
  const [fd, iov, count] = regs.args();
  return vectored(k, fd, iov, count, (file, base, length) => writeFrom(k, file, base, length, true), (file, total) => (file.writable() ? writeRoom(k, file, total) : total));
};

/** A 64-bit offset passed as two registers (low, high). */
const offset64 = (low: number, high: number): number => (high | 0) * 0x100000000 + (low >>> 0);

/** pread/pwrite: at an offset, leaving the file position alone. */
function atOffset(k: Kernel, fd: number, offset: number, io: (file: OpenFile) => number): number {
  const file = fileOf(k, fd);
  if (file === null) return -EBADF;
  if (!file.ops.seekable || !file.inode || (file.inode.mode & 0o170000) === 0o010000) return -ESPIPE;
  if (offset < 0) return -EINVAL;
  // (Linux's pwrite on an O_APPEND file appends anyway — a documented bug; so does this one.)
  const saved = file.offset;
  file.offset = offset;
  const r = io(file);
  file.offset = saved;
  return r;
}

export const sys_pread64: SyscallService = (k, regs) => {
  const [fd, buffer, count, low, high] = regs.args();
  return atOffset(k, fd, offset64(low, high), (file) => readInto(k, file, buffer, count));
};

export const sys_pwrite64: SyscallService = (k, regs) => {
  const [fd, buffer, count, low, high] = regs.args();
  return atOffset(k, fd, offset64(low, high), (file) => writeFrom(k, file, buffer, count));
};

const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;

/** The new position for lseek, or -errno. */
function seek(file: OpenFile, offset: number, whence: number): number {
  if (!file.ops.seekable) return -ESPIPE;
  let base: number;
  switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = file.offset; break;
    case SEEK_END: base = file.inode.size(); break;
    case SEEK_DATA: if (offset >= file.inode.size()) return -ENXIO; base = 0; break;
    case SEEK_HOLE: if (offset >= file.inode.size()) return -ENXIO; base = 0; offset = file.inode.size(); break;
    default: return -EINVAL;
  }
  const position = base + offset;
  if (position < 0) return -EINVAL;
  if (isDir(file.inode.mode) && position !== file.offset) file.directory = null;
  file.offset = position;
  return position;
}

export const sys_lseek: SyscallService = (k, regs) => {
  const [fd, offset, whence] = regs.args();
  const file = fileOf(k, fd);
  if (file === null) return -EBADF;
  const r = seek(file, offset | 0, whence);
  if (r > 0x7fffffff) return -EOVERFLOW;
  return r;
};

/** _llseek(fd, offset_high, offset_low, loff_t *result, whence). */
export const sys_llseek: SyscallService = (k, regs) => {
  const [fd, high, low, result, whence] = regs.args();
  const file = fileOf(k, fd);
  if (file === null) return -EBADF;
  const r = seek(file, offset64(low, high), whence);
  if (r < 0) return r;
  return copyToUser(k, result, new Struct(8).u64(0, BigInt(r)).bytes) ? 0 : FAULT;
};

/** sendfile(out, in, off_t *offset, count): copy between two files in the kernel (cat, cp use it). */
function sendfile(k: Kernel, outFd: number, inFd: number, offsetPointer: number, count: number, wide: boolean): number {
  const input = fileOf(k, inFd);
  const output = fileOf(k, outFd);
  if (input === null || output === null || !input.readable() || !output.writable()) return -EBADF;
  if (input.ops.read === undefined || output.ops.write === undefined) return -EINVAL;
  let saved: number | null = null;
  if (offsetPointer !== 0) {
    const words = readWords(k, offsetPointer, wide ? 2 : 1);
    if (words === null) return FAULT;
    if (!input.ops.seekable) return -ESPIPE;
    saved = input.offset;
    input.offset = wide ? offset64(words[0]!, words[1]!) : words[0]! | 0;
  }
  const want = Math.min(count >>> 0, CHUNK);
  const data = input.ops.read(k, input, want, want);
  let result: number;
  if (data === -EAGAIN) result = wouldBlock(k, input);
  else if (typeof data === 'number') result = data;
  else if (data.length === 0) result = 0;
  else {
    const n = output.ops.write(k, output, data);
    result = n;
    if (n >= 0 && n < data.length) input.offset -= data.length - n;
    if (n === -EAGAIN) { input.offset -= data.length; result = wouldBlock(k, output); }
  }
  if (saved !== null) {
    const reached = input.offset;
    input.offset = saved;
    const s = wide ? new Struct(8).u64(0, BigInt(reached)) : new Struct(4).u32(0, reached);
    if (!copyToUser(k, offsetPointer, s.bytes)) return FAULT;
  }
  return result;
}

export const sys_sendfile: SyscallService = (k, regs) => {
  const [outFd, inFd, offset, count] = regs.args();
  return sendfile(k, outFd, inFd, offset, count, false);
};
export const sys_sendfile64: SyscallService = (k, regs) => {
  const [outFd, inFd, offset, count] = regs.args();
  return sendfile(k, outFd, inFd, offset, count, true);
};

const FIOCLEX = 0x5451, FIONCLEX = 0x5450, FIONBIO = 0x5421, FIONREAD = 0x541b;

/** ioctl: the generic commands, then the file's own (a terminal's); -ENOTTY for anything else. */
export const sys_ioctl: SyscallService = (k, regs) => {
  const [fd, command, argument] = regs.args();
  const file = fileOf(k, fd);
  if (file === null) return -EBADF;
  const task = k.task();
  switch (command) {
    case FIOCLEX: task.files.setCloseOnExec(fd, true); return 0;
    case FIONCLEX: task.files.setCloseOnExec(fd, false); return 0;
  }
  if (file.ops.ioctl !== undefined) return file.ops.ioctl(k, file, command, argument);
  if (command === FIONBIO) {
    const raw = copyFromUser(k, argument, 4);
    if (raw === null) return FAULT;
    file.flags = new DataView(raw.buffer).getInt32(0, true) !== 0 ? file.flags | O_NONBLOCK : file.flags & ~O_NONBLOCK;
    return 0;
  }
  if (command === FIONREAD && (file.inode.mode & 0o170000) === 0o100000) {
    return copyToUser(k, argument, new Struct(4).u32(0, Math.max(0, file.inode.size() - file.offset)).bytes) ? 0 : FAULT;
  }
  return -ENOTTY;
};

// ---- directories ----

/** The entries of a directory for getdents: ".", "..", then its names (a snapshot per scan). */
function directoryEntries(k: Kernel, file: OpenFile): { name: string; ino: number; type: number }[] | number {
  if (file.directory !== null) return file.directory;
  const list = file.inode.list();
  if (typeof list === 'number') return list;
  const parentIno = file.path?.dentry.parent?.inode.ino ?? file.inode.ino;
  file.directory = [
    { name: '.', ino: file.inode.ino, type: 4 }, { name: '..', ino: parentIno, type: 4 },
    ...list.map((e) => ({ name: e.name, ino: e.ino, type: direntType(e.mode) })),
  ];
  void k;
  return file.directory;
}

/** getdents64(fd, struct linux_dirent64 *, count): {u64 ino, s64 off, u16 reclen, u8 type, name}. */
function getdents(k: Kernel, fd: number, buffer: number, count: number, wide: boolean): number {
  const file = fileOf(k, fd);
  if (file === null) return -EBADF;
  if (!isDir(file.inode.mode)) return -ENOTDIR;
  const entries = directoryEntries(k, file);
  if (typeof entries === 'number') return entries;
  const out: Uint8Array[] = [];
  let used = 0;
  let index = file.offset;
  while (index < entries.length) {
    const e = entries[index]!;
    const name = Buffer.from(e.name, 'latin1');
    const record = wide ? (19 + name.length + 1 + 7) & ~7 : (10 + name.length + 2 + 3) & ~3;
    if (used + record > count) break;
    const s = new Struct(record);
    if (wide) s.u64(0, BigInt(e.ino)).u64(8, BigInt(index + 1)).u16(16, record).bytes[18] = e.type;
    else { s.u32(0, e.ino).u32(4, index + 1).u16(8, record); s.bytes[record - 1] = e.type; }
    s.bytes.set(name, wide ? 19 : 10);
    out.push(s.bytes);
    used += record;
    index++;
  }
  if (out.length === 0 && index < entries.length) return -EINVAL;         // the buffer cannot hold one entry
  const bytes = new Uint8Array(used);
  let at = 0;
  for (const b of out) { bytes.set(b, at); at += b.length; }
  if (used > 0 && !copyToUser(k, buffer, bytes)) return FAULT;
  file.offset = index;
  return used;
}

export const sys_getdents64: SyscallService = (k, regs) => getdents(k, regs.get('ebx'), regs.get('ecx'), regs.get('edx'), true);
export const sys_getdents: SyscallService = (k, regs) => getdents(k, regs.get('ebx'), regs.get('ecx'), regs.get('edx'), false);

// ---- flushing: everything is in memory or written through to the host at once ----

export const sys_fsync: SyscallService = (k, regs) => (fileOf(k, regs.get('ebx')) === null ? -EBADF : 0);
export const sys_fdatasync = sys_fsync;
export const sys_sync: SyscallService = () => 0;

