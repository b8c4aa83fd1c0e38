// Files: so far only the console — fd 0 (input), fds 1 and 2 (output) — which is all a first
// program and a static glibc start-up need: read, write, writev, ioctl (TCGETS, TIOCGWINSZ),
// fstat64 and statx on those fds, and readlink("/proc/self/exe").

import type { Kernel, SyscallService } from '../kernel.ts';
import { EBADF, EINVAL, ENOENT, ENOTTY, ERESTARTSYS } from '../layout.ts';
import { Struct, copyFromUser, copyToUser, readWords, FAULT } from './user.ts';

/** One write moves at most this much at a time between guest and host. */
const CHUNK = 64 * 1024;
const MAX_RW = 0x7ffff000;       // Linux's MAX_RW_COUNT

function isOutput(fd: number): boolean { return fd === 1 || fd === 2; }

function writeConsole(k: Kernel, fd: number, buffer: number, count: number): number {
  let done = 0;
  while (done < count) {
    const n = Math.min(CHUNK, count - done);
    const bytes = copyFromUser(k, buffer + done, n);
    if (bytes === null) return done > 0 ? done : FAULT;
    k.host.write(fd, bytes);
    done += n;
  }
  return done;
}

export const sys_write: SyscallService = (k, regs) => {
  const [fd, buffer, count] = regs.args();
  if (!isOutput(fd)) return -EBADF;
  return writeConsole(k, fd, buffer, Math.min(count, MAX_RW));
};

/** writev(fd, iov, iovcnt): each struct iovec is {base, length}. */
export const sys_writev: SyscallService = (k, regs) => {
  const [fd, iov, count] = regs.args();
  if (!isOutput(fd)) return -EBADF;
  if (count > 1024) return -EINVAL;
  const words = readWords(k, iov, count * 2);
  if (words === null) return FAULT;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const n = writeConsole(k, fd, words[2 * i]!, words[2 * i + 1]!);
    if (n < 0) return total > 0 ? total : n;
    total += n;
  }
  return total;
};

export const sys_read: SyscallService = (k, regs) => {
  const [fd, buffer, count] = regs.args();
  if (fd !== 0) return -EBADF;
  if (count === 0) return 0;
  // Probe the buffer first: a bad pointer must not consume input.
  if (copyFromUser(k, buffer, 1) === null) return FAULT;
  const bytes = k.host.read(Math.min(count, CHUNK));
  // A signal while the reader slept (Ctrl-C): restart after the signal, or -EINTR for a handler
  // without SA_RESTART — Linux's tty read returns -ERESTARTSYS the same way.
  if (bytes === null) return -ERESTARTSYS;
  return copyToUser(k, buffer, bytes) ? bytes.length : FAULT;
};

const TCGETS = 0x5401;
const TIOCGWINSZ = 0x5413;

/** ioctl on the console: the terminal queries glibc's stdio and isatty() make. */
export const sys_ioctl: SyscallService = (k, regs) => {
  const [fd, command, argument] = regs.args();
  if (fd > 2) return -EBADF;
  if (!k.host.isTerminal(fd)) return -ENOTTY;
  if (command === TCGETS) {
    // struct termios (the kernel's, 36 bytes): iflag, oflag, cflag, lflag, line, cc[19].
    const t = new Struct(36).u32(0, 0x500).u32(4, 0x5).u32(8, 0xbf).u32(12, 0x8a3b);
    return copyToUser(k, argument, t.bytes) ? 0 : FAULT;
  }
  if (command === TIOCGWINSZ) {
    const { rows, columns } = k.host.windowSize();
    return copyToUser(k, argument, new Struct(8).u16(0, rows).u16(2, columns).bytes) ? 0 : FAULT;
  }
  return -ENOTTY;
};

const S_IFIFO = 0o010000;
const S_IFCHR = 0o020000;

/** What the console looks like: a character device when it is a terminal, else a pipe. */
function consoleMode(k: Kernel, fd: number): { mode: number; rdevMajor: number; rdevMinor: number } {
  return k.host.isTerminal(fd) ? { mode: S_IFCHR | 0o620, rdevMajor: 136, rdevMinor: 0 } : { mode: S_IFIFO | 0o600, rdevMajor: 0, rdevMinor: 0 };
}

/** fstat64(fd, struct stat64 *): the 96-byte i386 layout. */
export const sys_fstat64: SyscallService = (k, regs) => {
  const [fd, buffer] = regs.args();
  if (fd > 2) return -EBADF;
  const c = consoleMode(k, fd);
  const s = new Struct(96)
    .u32(12, fd + 3).u32(16, c.mode).u32(20, 1).u32(24, k.task().credentials.uid).u32(28, k.task().credentials.gid)
    .u64(32, BigInt((c.rdevMajor << 8) | c.rdevMinor)).u32(52, 1024).u64(88, BigInt(fd + 3));
  return copyToUser(k, buffer, s.bytes) ? 0 : FAULT;
};

const AT_EMPTY_PATH = 0x1000;
const STATX_BASIC_STATS = 0x7ff;

/** statx(dirfd, path, flags, mask, struct statx *): only `statx(fd, "", AT_EMPTY_PATH)` on the console. */
export const sys_statx: SyscallService = (k, regs) => {
  const [dirfd, path, flags, , buffer] = regs.args();
  const name = k.task().space.readString(path, 4096);
  if (name === null) return FAULT;
  if (name !== '' || (flags & AT_EMPTY_PATH) === 0) return -ENOENT;      // no file system yet
  if (dirfd > 2) return -EBADF;
  const c = consoleMode(k, dirfd);
  const s = new Struct(256)
    .u32(0, STATX_BASIC_STATS).u32(4, 1024).u32(16, 1).u32(20, k.task().credentials.uid).u32(24, k.task().credentials.gid)
    .u16(28, c.mode).u64(32, BigInt(dirfd + 3)).u32(128, c.rdevMajor).u32(132, c.rdevMinor);
  return copyToUser(k, buffer, s.bytes) ? 0 : FAULT;
};

function readlinkSelf(k: Kernel, path: number, buffer: number, size: number): number {
  const name = k.task().space.readString(path, 4096);
  if (name === null) return FAULT;
  if (name !== '/proc/self/exe') return -ENOENT;
  if ((size | 0) <= 0) return -EINVAL;
  const target = Buffer.from(k.task().executable, 'latin1').subarray(0, size);
  return copyToUser(k, buffer, new Uint8Array(target)) ? target.length : FAULT;
}

export const sys_readlink: SyscallService = (k, regs) => {
  const [path, buffer, size] = regs.args();
  return readlinkSelf(k, path, buffer, size);
};

export const sys_readlinkat: SyscallService = (k, regs) => {
  const [, path, buffer, size] = regs.args();
  return readlinkSelf(k, path, buffer, size);
};
