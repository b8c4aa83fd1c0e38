// The console: what fds 0, 1 and 2 of the first process are, and where /dev/console, /dev/ttyS0 and
// /dev/tty lead.
//
// When the host's stdin is a terminal, the console is a Tty (tty.ts): the host terminal is in raw mode
// (cli/program-host.ts) and every keystroke comes here, through the line discipline. When it is not
// (a pipe, a file, /dev/null — tests, CI), the guest gets what qemu-i386 would give it: plain streams,
// fd 0 reading the host's stdin as it comes, fds 1 and 2 writing the host's stdout and stderr, isatty()
// false, fstat a FIFO.
//
// Host input is polled (pollConsole) between machine slices and at each timer tick; a reader with
// nothing to read sleeps on the console's wait queue and is woken when input or its end arrives.

import type { Kernel } from '../kernel.ts';
import { EAGAIN, EFAULT, EINVAL, ENOTTY, ENXIO, EPERM, ESRCH } from '../layout.ts';
import {
  OpenFile, O_NOCTTY, O_RDWR, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, type FileOps,
} from '../fs/file.ts';
import { Inode, S_IFCHR, S_IFIFO, type FsStats, type SuperBlock } from '../fs/inode.ts';
import { DEV_CONSOLE, DEV_TTY, DEV_TTYS0, registerCharDevice } from '../fs/devices.ts';
import { WaitQueue } from '../sched/wait.ts';
import { Struct, copyFromUser, copyToUser, FAULT } from '../services/user.ts';
import { NCCS, Tty, type Termios } from './tty.ts';

// ioctl numbers (include/uapi/asm-generic/ioctls.h).
export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCSBRK = 0x5409, TCXONC = 0x540a,
  TCFLSH = 0x540b, TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCOUTQ = 0x5411, TIOCGWINSZ = 0x5413,
  TIOCSWINSZ = 0x5414, FIONREAD = 0x541b, TIOCNOTTY = 0x5422, TIOCGSID = 0x5429, FIONBIO = 0x5421, TCSBRKP = 0x5425;

/** Host input not yet taken by a stream reader (when the console is not a terminal). */
class HostInput {
  /**
   * The chunks from `first` on are queued. The console reads the host's input ahead of the reader
   * (the ring-3 fuzzer hands it 40 MB of cases at once: thousands of chunks), so taking one from
   * the front moves an index instead of shifting the array, which made each take cost as much as
   * the chunks still queued; the array is compacted once half of it is taken.
   */
  private chunks: Uint8Array[] = [];
  private first = 0;
  /** Bytes queued in `chunks`, kept as they come and go (a reader asks on every read and poll). */
  length = 0;
  ended = false;
  readonly queue = new WaitQueue();
  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  take(max: number): Uint8Array {
    const out = new Uint8Array(Math.min(max, this.length));
    let filled = 0;
    while (filled < out.length) {
      const head = this.chunks[this.first]!;
      const n = Math.min(out.length - filled, head.length);
      out.set(head.subarray(0, n), filled);
      filled += n;
      if (n === head.length) this.first++;
      else this.chunks[this.first] = head.subarray(n);
    }
    this.length -= filled;
    if (this.first === this.chunks.length) {
      this.chunks = [];
      this.first = 0;
    } else if (this.first >= 1024 && this.first * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
    return out;
  }
}

/** The console's own little file system: the inodes fds 0-2 point at before any /dev exists. */
const consoleFs: SuperBlock = {
  type: 'devtmpfs', dev: 0x06, readOnly: false,
  statfs: (): FsStats => ({ type: 0x01021994, blockSize: 4096, blocks: 0, freeBlocks: 0, files: 0, freeFiles: 0, nameLength: 255 }),
};
class ConsoleInode extends Inode {
  readonly sb = consoleFs;
  /** How this console file behaves when reopened through /proc/self/fd/N (/dev/stdin ...). */
  ops: FileOps | null = null;
  override fileOps(): FileOps | null { return this.ops; }
}

export class Console {
  readonly tty: Tty | null;
  private readonly input = new HostInput();

  constructor(private readonly k: Kernel, terminal: boolean) {
    const host = k.host;
    const outputFd = host.isTerminal(1) ? 1 : 2;
    this.tty = terminal ? new Tty(k, DEV_TTYS0, 'ttyS0', (bytes) => host.write(outputFd, bytes), host.windowSize()) : null;
    k.console = this.tty;
  }

  /** Take the host's input: into the line discipline, or queued for fd 0's stream. */
  poll(): void {
    for (let i = 0; i < 64; i++) {
      const chunk = this.k.host.input(4096);
      if (chunk === 'end') {
        if (!this.input.ended) { this.input.ended = true; this.input.queue.wakeAll(this.k); this.tty?.readQueue.wakeAll(this.k); }
        return;
      }
      if (chunk.length === 0) return;
      if (this.tty !== null) this.tty.receive(chunk);
      else { this.input.push(chunk); this.input.queue.wakeAll(this.k); }
    }
  }

  /** fds 0, 1, 2 of the first process. */
  standardFiles(): [OpenFile, OpenFile, OpenFile] {
    const k = this.k;
    if (this.tty !== null && k.host.isTerminal(0)) {
      const inode = new ConsoleInode(2, S_IFCHR | 0o620);
      inode.rdev = this.tty.device;
      inode.gid = 5;
      const file = new OpenFile(inode, null, O_RDWR, ttyOps(this.tty));
      inode.ops = file.ops;
      const out = (fd: 1 | 2): OpenFile => k.host.isTerminal(fd) ? file.get() : this.stream(fd);
      return [file, out(1), out(2)];
    }
    return [this.stream(0), this.stream(1), this.stream(2)];
  }

  /** A plain stream on a host fd (the host's pipe or file, as qemu-i386 would pass it through). */
  private stream(fd: 0 | 1 | 2): OpenFile {
    const inode = new ConsoleInode(fd + 3, S_IFIFO | 0o600);
    const input = this.input;
    const k = this.k;
    const ops: FileOps = fd === 0 ? {
      read: (_k, _file, count, room) => {
        if (input.length === 0) return input.ended ? new Uint8Array(0) : -EAGAIN;
        if (count > 0 && room === 0) return -EFAULT;
        return input.take(Math.min(count, room));
      },
      poll: () => (input.length > 0 || input.ended ? POLLIN | POLLRDNORM : 0),
      queue: () => input.queue,
      seekable: false,
    } : {
      write: (_k, _file, bytes) => { k.host.write(fd, bytes); return bytes.length; },
      poll: () => POLLOUT | POLLWRNORM,
      seekable: false,
    };
    inode.ops = ops;
    return new OpenFile(inode, null, fd === 0 ? 0 : 1, ops);
  }
}

/** The file operations of a terminal. */
export function ttyOps(tty: Tty): FileOps {
  return {
    read(k, _file, count, room) {
      const stop = tty.jobControl(k.task(), true);
      if (stop !== 0) return stop;
      return tty.read(count, room);
    },
    write(k, _file, bytes) {
      const stop = tty.jobControl(k.task(), false);
      if (stop !== 0) return stop;
      return tty.write(bytes);
    },
    poll: () => (tty.readReady() ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM,
    queue: () => tty.readQueue,
    ioctl: (k, file, command, argument) => ttyIoctl(k, tty, file, command, argument),
    opened(k, file) {
      // A session leader without a controlling terminal acquires this one (unless O_NOCTTY).
      const task = k.task();
      if ((file.flags & O_NOCTTY) === 0 && task.pid === task.sid && task.tty === null && tty.session === 0) {
        task.tty = tty;
        tty.session = task.sid;
        tty.foregroundGroup = task.pgid;
      }
      return 0;
    },
    seekable: false,
  };
}

function readTermios(k: Kernel, address: number): Termios | null {
  const raw = copyFromUser(k, address, 36);
  if (raw === null) return null;
  const v = new DataView(raw.buffer);
  return { iflag: v.getUint32(0, true), oflag: v.getUint32(4, true), cflag: v.getUint32(8, true), lflag: v.getUint32(12, true), line: raw[16]!, cc: raw.slice(17, 17 + NCCS) };
}

function termiosBytes(t: Termios): Uint8Array {
  const s = new Struct(36).u32(0, t.iflag).u32(4, t.oflag).u32(8, t.cflag).u32(12, t.lflag);
  s.bytes[16] = t.line;
  s.bytes.set(t.cc, 17);
  return s.bytes;
}

const putInt = (k: Kernel, address: number, value: number): number => (copyToUser(k, address, new Struct(4).u32(0, value).bytes) ? 0 : FAULT);

/** The terminal ioctls (Linux's tty_ioctl and n_tty_ioctl). */
function ttyIoctl(k: Kernel, tty: Tty, file: OpenFile, command: number, argument: number): number {
  const task = k.task();
  switch (command) {
    case TCGETS: return copyToUser(k, argument, termiosBytes(tty.termios)) ? 0 : FAULT;
    case TCSETS: case TCSETSW: case TCSETSF: {
      const stop = tty.jobControl(task, false);
      if (stop !== 0) return stop;
      const t = readTermios(k, argument);
      if (t === null) return FAULT;
      tty.setTermios(t, command === TCSETSF);
      return 0;
    }
    case TIOCGWINSZ: return copyToUser(k, argument, new Struct(8).u16(0, tty.rows).u16(2, tty.columns).bytes) ? 0 : FAULT;
    case TIOCSWINSZ: {
      const raw = copyFromUser(k, argument, 8);
      if (raw === null) return FAULT;
      const v = new DataView(raw.buffer);
      tty.rows = v.getUint16(0, true);
      tty.columns = v.getUint16(2, true);
      return 0;
    }
    case TIOCGPGRP:
      if (task.tty !== tty) return -ENOTTY;
      return putInt(k, argument, tty.foregroundGroup);
    case TIOCSPGRP: {
      if (task.tty !== tty || tty.session !== task.sid) return -ENOTTY;
      const raw = copyFromUser(k, argument, 4);
      if (raw === null) return FAULT;
      const group = new DataView(raw.buffer).getInt32(0, true);
      if (group < 0) return -EINVAL;
      // A group exists while any of its tasks does, a zombie not yet reaped included (Linux's find_vpid).
      const members = [...k.tasks.values()].filter((t) => t.pgid === group);
      if (members.length === 0) return -ESRCH;
      if (members.some((t) => t.sid !== task.sid)) return -EPERM;
      const stop = tty.jobControl(task, false);
      if (stop !== 0) return stop;
      tty.foregroundGroup = group;
      return 0;
    }
    case TIOCGSID:
      if (task.tty !== tty) return -ENOTTY;
      return putInt(k, argument, tty.session);
    case TIOCSCTTY:
      if (task.pid !== task.sid) return -EPERM;
      if (task.tty === tty) return 0;
      if (task.tty !== null || (tty.session !== 0 && !(argument === 1 && task.credentials.euid === 0))) return -EPERM;
      for (const t of k.tasks.values()) if (t.tty === tty && t.sid === tty.session) t.tty = null;
      task.tty = tty;
      tty.session = task.sid;
      tty.foregroundGroup = task.pgid;
      return 0;
    case TIOCNOTTY:
      if (task.tty !== tty) return -ENOTTY;
      if (task.pid === task.sid) disassociate(k, tty);
      else task.tty = null;
      return 0;
    case FIONREAD: return putInt(k, argument, tty.available());
    case TIOCOUTQ: return putInt(k, argument, 0);
    case TCSBRK: case TCSBRKP: case TCXONC: return 0;            // output is never held back: nothing to drain
    case TCFLSH:                                                // TCIFLUSH 0, TCOFLUSH 1, TCIOFLUSH 2
      if ((argument >>> 0) > 2) return -EINVAL;
      if (argument !== 1) tty.flushInput();                     // (output is never queued: nothing to flush)
      return 0;
    case FIONBIO: {
      const raw = copyFromUser(k, argument, 4);
      if (raw === null) return FAULT;
      file.flags = new DataView(raw.buffer).getInt32(0, true) !== 0 ? file.flags | 0o4000 : file.flags & ~0o4000;
      return 0;
    }
    default: return -ENOTTY;
  }
}

/** The session leader gave up its terminal: nobody in the session has it any more. */
export function disassociate(k: Kernel, tty: Tty): void {
  for (const t of k.tasks.values()) if (t.sid === tty.session) t.tty = null;
  tty.session = 0;
  tty.foregroundGroup = 0;
}

/** /dev/console and /dev/ttyS0: the console terminal; /dev/tty: the caller's controlling terminal. */
function consoleDevice(k: Kernel): FileOps | number {
  return k.console === null ? -ENXIO : ttyOps(k.console);
}
registerCharDevice(DEV_CONSOLE, (k) => consoleDevice(k));
registerCharDevice(DEV_TTYS0, (k) => consoleDevice(k));
registerCharDevice(DEV_TTY, (k) => {
  const tty = k.task().tty;
  return tty === null ? -ENXIO : ttyOps(tty);
});
