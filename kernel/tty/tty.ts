// A terminal and its line discipline (Linux's drivers/tty/tty_io.c and n_tty.c, reduced to one
// terminal). Bytes typed arrive through receive(); what programs write leaves through the driver's
// output function (kernel/tty/console.ts: the host's terminal, which gate86 puts in raw mode so that
// this code, not the host's, does the editing, the echo and the signals).
//
// Input, byte by byte, as termios says:
//   c_iflag  ICRNL (CR -> NL), INLCR, IGNCR, ISTRIP
//   c_lflag  ISIG: VINTR (^C) -> SIGINT, VQUIT (^\) -> SIGQUIT, VSUSP (^Z) -> SIGTSTP, to the
//            foreground process group (and the pending input is flushed unless NOFLSH);
//            ICANON: a line is edited in place — VERASE (DEL, ^H), VWERASE (^W), VKILL (^U), VLNEXT
//            (^V) — and read() sees it only once NL, VEOL or VEOF (^D) ends it; VEOF on an empty
//            line is end of file (read returns 0). Without ICANON, bytes are readable at once
//            (VMIN/VTIME: VMIN = 0 makes read return 0 when nothing is there);
//            ECHO, ECHOE, ECHOK, ECHOKE, ECHOCTL (^C shows as "^C"), ECHONL.
// Output: c_oflag OPOST with ONLCR (NL -> CR NL), OCRNL, ONLRET.
// Job control: a background process group reading its controlling terminal gets SIGTTIN (Linux's
// tty_check_change); TOSTOP makes writes do the same with SIGTTOU.

import type { Kernel } from '../kernel.ts';
import type { Task } from '../task.ts';
import { EAGAIN, EFAULT, EIO, ERESTARTSYS } from '../layout.ts';
import { signalGroup } from '../signals.ts';
import { sigismember } from '../sigset.ts';
import { WaitQueue } from '../sched/wait.ts';

// termios bits (include/uapi/asm-generic/termbits.h).
export const ICRNL = 0x100, INLCR = 0x40, IGNCR = 0x80, ISTRIP = 0x20, IXON = 0x400, IUTF8 = 0x4000;
export const OPOST = 0x1, ONLCR = 0x4, OCRNL = 0x8, ONLRET = 0x20;
export const ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHOE = 0x10, ECHOK = 0x20, ECHONL = 0x40, NOFLSH = 0x80,
  TOSTOP = 0x100, ECHOCTL = 0x200, ECHOKE = 0x800, IEXTEN = 0x8000;
export const VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSTART = 8, VSTOP = 9,
  VSUSP = 10, VEOL = 11, VREPRINT = 12, VWERASE = 14, VLNEXT = 15, VEOL2 = 16;
export const NCCS = 19;
const B38400 = 0o17, CS8 = 0o60, CREAD = 0o200, HUPCL = 0o2000;

const SIGINT = 2, SIGQUIT = 3, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;

/** struct termios as the kernel's ioctls pass it (36 bytes on i386). */
export interface Termios { iflag: number; oflag: number; cflag: number; lflag: number; line: number; cc: Uint8Array }

/** Linux's tty_std_termios: cooked mode with echo and signals. */
export function defaultTermios(): Termios {
  const cc = new Uint8Array(NCCS);
  cc.set([3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0]);
  return { iflag: ICRNL | IXON | IUTF8, oflag: OPOST | ONLCR, cflag: B38400 | CS8 | CREAD | HUPCL, lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN, line: 0, cc };
}

const NL = 0x0a, CR = 0x0d;
const MAX_CANON = 4095;

export class Tty {
  termios = defaultTermios();
  rows: number;
  columns: number;
  /** The session this is the controlling terminal of (0: none), and its foreground process group. */
  session = 0;
  foregroundGroup = 0;
  /**
   * Canonical mode: the lines a read can take, oldest first, each with its terminator (NL, VEOL,
   * VEOL2) or, when VEOF ended it, without one — so an empty line is end of file. A read takes from
   * the first line only. (n_tty keeps one ring with a bit per line end; a list of lines is the same.)
   */
  private lines: number[][] = [];
  /** The line being edited (canonical mode). */
  private editing: number[] = [];
  /** Non-canonical mode: the bytes a read can take. */
  private raw: number[] = [];
  private literalNext = false;
  readonly readQueue = new WaitQueue();

  constructor(
    private readonly k: Kernel,
    /** Its device number (st_rdev, /proc/PID/stat tty_nr). */
    readonly device: number,
    readonly name: string,
    /** Where output goes (the host's terminal). */
    private readonly output: (bytes: Uint8Array) => void,
    size: { rows: number; columns: number },
  ) {
    this.rows = size.rows;
    this.columns = size.columns;
  }

  private get canonical(): boolean { return (this.termios.lflag & ICANON) !== 0; }
  private lflag(bit: number): boolean { return (this.termios.lflag & bit) !== 0; }

  // ---- input ----

  /** Bytes typed at the terminal. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) this.receiveByte(b);
    this.readQueue.wakeAll(this.k);
  }

  private receiveByte(input: number): void {
    const t = this.termios;
    let c = input;
    if ((t.iflag & ISTRIP) !== 0) c &= 0x7f;
    if (this.literalNext) {
      this.literalNext = false;
      this.accept(c, true);
      return;
    }
    if (c === CR) {
      if ((t.iflag & IGNCR) !== 0) return;
      if ((t.iflag & ICRNL) !== 0) c = NL;
    } else if (c === NL && (t.iflag & INLCR) !== 0) {
      c = CR;
    }
    if (this.lflag(ISIG)) {
      const signal = c === t.cc[VINTR] ? SIGINT : c === t.cc[VQUIT] ? SIGQUIT : c === t.cc[VSUSP] ? SIGTSTP : 0;
      if (signal !== 0 && c !== 0) {
        if (!this.lflag(NOFLSH)) this.flushInput();
        this.echoControl(c);
        this.signalForeground(signal);
        return;
      }
    }
    if (this.canonical) {
      if (this.lflag(IEXTEN) && c === t.cc[VLNEXT] && c !== 0) { this.literalNext = true; return; }
      if (c === t.cc[VERASE] && c !== 0) { this.erase(1); return; }
      if (this.lflag(IEXTEN) && c === t.cc[VWERASE] && c !== 0) { this.eraseWord(); return; }
      if (c === t.cc[VKILL] && c !== 0) { this.killLine(); return; }
      if (c === t.cc[VEOF] && c !== 0) { this.endLine(null); return; }
      if (c === NL || (c === t.cc[VEOL] && c !== 0) || (c === t.cc[VEOL2] && c !== 0)) {
        if (this.lflag(ECHO) || (c === NL && this.lflag(ECHONL))) this.echo(Uint8Array.of(c));
        this.endLine(c);
        return;
      }
    }
    this.accept(c, false);
  }

  /** An ordinary byte: into the line being edited (canonical) or straight to readers. */
  private accept(c: number, literal: boolean): void {
    if (this.canonical) {
      if (this.editing.length >= MAX_CANON) return;
      this.editing.push(c);
    } else {
      this.raw.push(c);
    }
    if (this.lflag(ECHO)) {
      if (c < 0x20 && c !== NL && c !== 9 && this.lflag(ECHOCTL) && !literal) this.echoControl(c);
      else this.echo(Uint8Array.of(c));
    }
  }

  /** NL, VEOL or VEOL2 (kept in the line), or VEOF (null: not kept) ends the line being edited. */
  private endLine(terminator: number | null): void {
    if (terminator !== null) this.editing.push(terminator);
    this.lines.push(this.editing);
    this.editing = [];
  }

  private erase(count: number): void {
    for (let i = 0; i < count && this.editing.length > 0; i++) {
      const c = this.editing.pop()!;
      if (!this.lflag(ECHO)) continue;
      const width = c < 0x20 && this.lflag(ECHOCTL) ? 2 : 1;
      if (this.lflag(ECHOE)) this.echo(new Uint8Array(Buffer.from('\b \b'.repeat(width), 'latin1')));
    }
  }

  private eraseWord(): void {
    let n = 0;
    let i = this.editing.length;
    while (i > 0 && (this.editing[i - 1] === 0x20 || this.editing[i - 1] === 9)) { i--; n++; }
    while (i > 0 && this.editing[i - 1] !== 0x20 && this.editing[i - 1] !== 9) { i--; n++; }
    this.erase(n);
  }

  private killLine(): void {
    if (this.lflag(ECHOKE) && this.lflag(ECHOE)) this.erase(this.editing.length);
    else {
      this.editing = [];
      if (this.lflag(ECHOK) && this.lflag(ECHO)) this.echo(Uint8Array.of(NL));
    }
    this.editing = [];
  }

  /** Forget what was typed and not yet read (a signal key without NOFLSH, TCSETSF, TCFLSH). */
  flushInput(): void {
    this.lines = [];
    this.editing = [];
    this.raw = [];
  }

  private echoControl(c: number): void {
    if (!this.lflag(ECHO)) return;
    if (this.lflag(ECHOCTL)) this.echo(Uint8Array.of(0x5e, c === 0x7f ? 0x3f : c + 0x40));
    else this.echo(Uint8Array.of(c));
  }

  private echo(bytes: Uint8Array): void { this.output(this.postProcess(bytes)); }

  private signalForeground(signal: number): void {
    if (this.foregroundGroup > 0) signalGroup(this.k, this.foregroundGroup, signal);
  }

  /** Bytes a read could take now (FIONREAD): the complete lines' bytes in canonical mode. */
  available(): number {
    if (!this.canonical) return this.raw.length;
    return this.lines.reduce((n, line) => n + line.length, 0);
  }

  /** Is a read ready (poll's POLLIN)? */
  readReady(): boolean {
    if (this.canonical) return this.lines.length > 0;
    return this.raw.length >= 1 || this.termios.cc[VMIN] === 0;
  }

  /**
   * A read of up to `count` bytes into `room` writable bytes (room < count: the buffer ends in a page
   * that is not there; a byte that would land there is -EFAULT, as Linux faults only when it copies).
   * Canonical mode: from the first complete line only, and what is left of it stays for the next read.
   */
  read(count: number, room: number): Uint8Array | number {
    if (count === 0) return new Uint8Array(0);                 // n_tty_read's loop runs while there is room
    if (this.canonical) {
      const line = this.lines[0];
      if (line === undefined) return -EAGAIN;
      if (line.length === 0) { this.lines.shift(); return new Uint8Array(0); }   // VEOF on an empty line
      if (room === 0) return -EFAULT;
      const out = line.splice(0, Math.min(count, room));
      if (line.length === 0) this.lines.shift();
      return Uint8Array.from(out);
    }
    const vmin = this.termios.cc[VMIN]!;
    if (this.raw.length === 0) return vmin === 0 ? new Uint8Array(0) : -EAGAIN;
    if (room === 0) return -EFAULT;
    if (this.raw.length < vmin && this.raw.length < count) return -EAGAIN;
    return Uint8Array.from(this.raw.splice(0, Math.min(count, room)));
  }

  // ---- output ----

  /** OPOST: NL -> CR NL (ONLCR), CR -> NL (OCRNL). */
  postProcess(bytes: Uint8Array): Uint8Array {
    const o = this.termios.oflag;
    if ((o & OPOST) === 0 || (o & (ONLCR | OCRNL)) === 0) return bytes;
    const out: number[] = [];
    for (const b of bytes) {
      if (b === NL && (o & ONLCR) !== 0) out.push(CR, NL);
      else if (b === CR && (o & OCRNL) !== 0) out.push(NL);
      else out.push(b);
    }
    return Uint8Array.from(out);
  }

  write(bytes: Uint8Array): number {
    this.output(this.postProcess(bytes));
    return bytes.length;
  }

  /**
   * TCSETS, TCSETSW (the same here: output is never held back, so there is nothing to drain first) and
   * TCSETSF (`flush`: what was typed and not read is dropped first). Switching between canonical and
   * non-canonical mode keeps every byte already received, as n_tty_set_termios does: leaving canonical
   * mode makes the complete lines and the line being edited readable byte by byte; entering it makes
   * whatever arrived meanwhile one line, readable at once although no NL ended it (n_tty's "push").
   * Those bytes were processed — echoed or not, ICRNL applied — under the mode they arrived in; a
   * line typed while a shell's line editor still had echo off is taken unechoed, on Linux too.
   */
  setTermios(next: Termios, flush: boolean): void {
    const wasCanonical = this.canonical;
    this.termios = next;
    if (flush) this.flushInput();
    if (wasCanonical && !this.canonical) {
      this.raw = this.lines.flat().concat(this.editing);
      this.lines = [];
      this.editing = [];
    } else if (!wasCanonical && this.canonical && this.raw.length > 0) {
      this.lines = [this.raw];
      this.raw = [];
    }
    this.readQueue.wakeAll(this.k);
  }

  // ---- job control ----

  /**
   * Linux's tty_check_change / job_control: may `task` read (or, with TOSTOP, write) now? A process in
   * a background group of this terminal's session gets SIGTTIN/SIGTTOU sent to its group and the call
   * restarts once it is continued; if it ignores or blocks the signal (or its group is orphaned), -EIO.
   */
  jobControl(task: Task, reading: boolean): number {
    if (task.tty !== this || this.foregroundGroup === 0 || task.pgid === this.foregroundGroup) return 0;
    if (!reading && !this.lflag(TOSTOP)) return 0;
    const signal = reading ? SIGTTIN : SIGTTOU;
    const ignored = task.actions[signal]!.handler === 1 || sigismember(task.blockedSignals, signal);
    if (ignored) return reading ? -EIO : 0;
    signalGroup(this.k, task.pgid, signal);
    return -ERESTARTSYS;
  }
}

