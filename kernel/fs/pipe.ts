// Pipes and FIFOs (Linux's fs/pipe.c): a 64 KiB buffer between a read end and a write end.
//   read   takes what is there (at most what the caller has room for); an empty pipe is end of file
//          once no writer is left, else "nothing now" (-EAGAIN: O_NONBLOCK returns it, a blocking
//          reader sleeps on the pipe's wait queue);
//   write  with no reader left: SIGPIPE and -EPIPE; a write of up to PIPE_BUF bytes goes in whole or
//          waits; a longer one puts in what fits (and a blocking writer then returns that count).
// pipe(2) makes an anonymous one; a FIFO (mkfifo) keeps one in its inode, shared by every open.

import { EAGAIN, EFAULT, ENXIO, EPIPE } from '../layout.ts';
import { queueSignal } from '../signals.ts';
import { WaitQueue } from '../sched/wait.ts';
import { Inode, S_IFIFO, type FsStats, type SuperBlock } from './inode.ts';
import {
  O_ACCMODE, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY, OpenFile, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM,
  type FileOps,
} from './file.ts';

/** Linux's default pipe size (16 pages) and the atomic-write limit. */
export const PIPE_SIZE = 65536;
export const PIPE_BUF = 4096;
const SIGPIPE = 13;
const PIPEFS_MAGIC = 0x50495045;

export class Pipe {
  private buffer = new Uint8Array(PIPE_SIZE);
  private start = 0;
  length = 0;
  readers = 0;
  writers = 0;
  readonly queue = new WaitQueue();

  get space(): number { return PIPE_SIZE - this.length; }

  take(max: number): Uint8Array {
    const n = Math.min(max, this.length);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.buffer[(this.start + i) % PIPE_SIZE]!;
    this.start = (this.start + n) % PIPE_SIZE;
    this.length -= n;
    return out;
  }

  put(bytes: Uint8Array): number {
    const n = Math.min(bytes.length, this.space);
    for (let i = 0; i < n; i++) this.buffer[(this.start + this.length + i) % PIPE_SIZE] = bytes[i]!;
    this.length += n;
    return n;
  }
}

/** The pipe file system: where anonymous pipes' inodes live (fstat shows a FIFO on it). */
export const pipeFs: SuperBlock = {
  type: 'pipefs', dev: 0x0c, readOnly: false,
  statfs: (): FsStats => ({ type: PIPEFS_MAGIC, blockSize: 4096, blocks: 0, freeBlocks: 0, files: 0, freeFiles: 0, nameLength: 255 }),
};
let nextPipeIno = 1000;

export class PipeInode extends Inode {
  readonly sb: SuperBlock;
  readonly pipe = new Pipe();
  constructor(sb: SuperBlock = pipeFs, ino = nextPipeIno++, mode = S_IFIFO | 0o600) {
    super(ino, mode);
    this.sb = sb;
  }
  override size(): number { return 0; }
  /** Reopened through /proc/PID/fd/N: another end of this same pipe. */
  override fileOps(flags: number): FileOps { return pipeOps(this.pipe, flags); }
}

function readEnd(pipe: Pipe): FileOps['read'] {
  return (k, _file, count, room) => {
    if (pipe.length === 0) return pipe.writers === 0 ? new Uint8Array(0) : -EAGAIN;
    if (count === 0) return new Uint8Array(0);
    // Linux's pipe_read copies a pipe buffer (a page's worth of what was written) whole or not at
    // all: when the copy faults the bytes stay in the pipe and the read is -EFAULT. gate86's pipe
    // is one ring, not a ring of pages, so it is all of what the read would take or nothing (on
    // Linux, data spread over several buffers would first hand over those that fit).
    const take = Math.min(count, pipe.length);
    if (room < take) return -EFAULT;
    const bytes = pipe.take(take);
    pipe.queue.wakeAll(k);
    return bytes;
  };
}

function writeEnd(pipe: Pipe): FileOps['write'] {
  return (k, _file, bytes) => {
    if (pipe.readers === 0) {
      queueSignal(k, k.task(), SIGPIPE, { code: 0, pid: k.task().pid, uid: k.task().credentials.uid, addr: 0 });
      return -EPIPE;
    }
    if (bytes.length === 0) return 0;
    // Up to PIPE_BUF bytes are written whole or not at all (POSIX's atomic pipe write).
    if (pipe.space === 0 || (bytes.length <= PIPE_BUF && pipe.space < bytes.length)) return -EAGAIN;
    const n = pipe.put(bytes);
    pipe.queue.wakeAll(k);
    return n;
  };
}

function pollPipe(pipe: Pipe, file: OpenFile): number {
  let mask = 0;
  if (file.readable()) {
    if (pipe.length > 0) mask |= POLLIN | POLLRDNORM;
    if (pipe.writers === 0) mask |= POLLHUP;
  }
  if (file.writable()) {
    if (pipe.space >= PIPE_BUF) mask |= POLLOUT | POLLWRNORM;
    if (pipe.readers === 0) mask |= POLLERR;
  }
  return mask;
}

/** The operations of one end (or both, for a FIFO opened O_RDWR). */
function pipeOps(pipe: Pipe, flags: number): FileOps {
  const mode = flags & O_ACCMODE;
  const reads = mode === O_RDONLY || mode === O_RDWR;
  const writes = mode === O_WRONLY || mode === O_RDWR;
  if (reads) pipe.readers++;
  if (writes) pipe.writers++;
  return {
    read: reads ? readEnd(pipe) : undefined,
    write: writes ? writeEnd(pipe) : undefined,
    poll: (_k, file) => pollPipe(pipe, file),
    queue: () => pipe.queue,
    release: (k) => {
      if (reads) pipe.readers--;
      if (writes) pipe.writers--;
      pipe.queue.wakeAll(k);
    },
    seekable: false,
  };
}

/** pipe(2): a new pipe's read end and write end. */
export function makePipe(flags: number): [OpenFile, OpenFile] {
  const inode = new PipeInode();
  const status = flags & O_NONBLOCK;
  return [
    new OpenFile(inode, null, O_RDONLY | status, pipeOps(inode.pipe, O_RDONLY)),
    new OpenFile(inode, null, O_WRONLY | status, pipeOps(inode.pipe, O_WRONLY)),
  ];
}

/** The pipe inside a FIFO inode (made at its first open). */
const fifoPipes = new WeakMap<Inode, Pipe>();

/**
 * Opening a FIFO. Linux blocks a reader until a writer opens (and vice versa); gate86 does not wait
 * at open — the first read then finds no writer yet and sees end of file only once one has come and
 * gone. O_WRONLY|O_NONBLOCK with no reader is ENXIO, as on Linux.
 */
export function fifoOps(inode: Inode, flags: number): FileOps | number {
  let pipe = fifoPipes.get(inode);
  if (pipe === undefined) { pipe = new Pipe(); fifoPipes.set(inode, pipe); }
  if ((flags & O_ACCMODE) === O_WRONLY && (flags & O_NONBLOCK) !== 0 && pipe.readers === 0) return -ENXIO;
  return pipeOps(pipe, flags);
}
