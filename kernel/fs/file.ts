// The open file description (Linux's struct file): what open() creates and every dup'ed or inherited
// descriptor shares — the offset, the status flags (O_APPEND, O_NONBLOCK ...), and the operations
// that decide how read and write behave for this kind of object. Two open() calls of one file make
// two descriptions with their own offsets; dup() and fork() share one.

import type { Kernel } from '../kernel.ts';
import type { Inode } from './inode.ts';
import type { Path } from './path.ts';
import type { WaitQueue } from '../sched/wait.ts';
import { releaseFlock } from './locks.ts';

// open(2) flags, i386 values (include/uapi/asm-generic/fcntl.h).
export const O_ACCMODE = 0o3;
export const O_RDONLY = 0o0;
export const O_WRONLY = 0o1;
export const O_RDWR = 0o2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_DSYNC = 0o10000;
export const O_ASYNC = 0o20000;
export const O_DIRECT = 0o40000;
export const O_LARGEFILE = 0o100000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_NOATIME = 0o1000000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;
/** The flags F_SETFL may change (Linux's SETFL_MASK). */
export const SETFL_MASK = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;

// poll(2) events.
export const POLLIN = 0x001;
export const POLLPRI = 0x002;
export const POLLOUT = 0x004;
export const POLLERR = 0x008;
export const POLLHUP = 0x010;
export const POLLNVAL = 0x020;
export const POLLRDNORM = 0x040;
export const POLLWRNORM = 0x100;

/**
 * How an open file behaves (Linux's file_operations). Every method may answer -EAGAIN: "nothing now";
 * the system call then returns -EAGAIN for O_NONBLOCK, or sleeps on `queue(file)` and runs again.
 */
export interface FileOps {
  /**
   * Up to `count` bytes. `room` is how many bytes of the caller's buffer are writable: a stream must
   * not consume more than that (the bytes would be lost), and answers -EFAULT if it has data but no room.
   */
  read?(k: Kernel, file: OpenFile, count: number, room: number): Uint8Array | number;
  write?(k: Kernel, file: OpenFile, bytes: Uint8Array): number;
  /** POLLIN/POLLOUT/POLLHUP... as they stand now. */
  poll?(k: Kernel, file: OpenFile): number;
  ioctl?(k: Kernel, file: OpenFile, command: number, argument: number): number;
  /** Where a blocked reader or writer (or poll) sleeps until this file's state changes. */
  queue?(file: OpenFile): WaitQueue;
  /** Just opened (a terminal becomes the controlling one here); a negative errno refuses the open. */
  opened?(k: Kernel, file: OpenFile): number;
  /** The last descriptor for this description was closed. */
  release?(k: Kernel, file: OpenFile): void;
  /** lseek is allowed (pipes, FIFOs, ttys: -ESPIPE). */
  seekable: boolean;
}

export class OpenFile {
  /** The file position (lseek, read, write). */
  offset = 0;
  /** Descriptors (in any process) that refer to this description. */
  refs = 1;
  /** A directory's readdir snapshot, taken at the first getdents of a scan. */
  directory: { name: string; ino: number; type: number }[] | null = null;

  constructor(
    readonly inode: Inode,
    /** Where it was opened (for /proc/self/fd, fchdir, getcwd); null for pipes. */
    readonly path: Path | null,
    /** O_ACCMODE and the status flags (O_APPEND, O_NONBLOCK ...). */
    public flags: number,
    readonly ops: FileOps,
  ) {
    inode.openCount++;
  }

  readable(): boolean { return (this.flags & O_ACCMODE) !== O_WRONLY && (this.flags & O_PATH) === 0; }
  writable(): boolean { return (this.flags & O_ACCMODE) !== O_RDONLY && (this.flags & O_PATH) === 0; }
  nonBlocking(): boolean { return (this.flags & O_NONBLOCK) !== 0; }

  /** One more descriptor refers to this description (dup, fork). */
  get(): OpenFile { this.refs++; return this; }

  /** A descriptor was closed; the last one releases the description. */
  put(k: Kernel): void {
    if (--this.refs > 0) return;
    releaseFlock(k, this);
    this.ops.release?.(k, this);
    if (--this.inode.openCount === 0) this.inode.released();
  }
}
