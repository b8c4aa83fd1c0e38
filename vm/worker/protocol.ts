// Messages between the main thread (vm/worker/host.ts and the commands that use it) and the machine's
// worker (machine-worker.ts). Console bytes do not travel here: they use the shared rings. One worker
// entry serves two jobs: a Multiboot kernel (`gate86 machine`: COM1 is the console) and the gate86
// kernel running a program (`gate86 run`, `gate86 boot`: the kernel's fds 0, 1, 2 are the console).

import type { MessagePort } from 'node:worker_threads';

/** The shared buffers every job gets. */
export interface ConsoleBuffers {
  /** ByteRing buffers: guest → host (stdout; COM1 for a Multiboot kernel), guest → host (stderr),
   *  host → guest (input). */
  stdout: SharedArrayBuffer;
  stderr: SharedArrayBuffer;
  input: SharedArrayBuffer;
  /** Int32Array[CONTROL_WORDS]: see the CONTROL_* indices. */
  control: SharedArrayBuffer;
}

/** Bumped and notified by the host whenever anything below changes (input, end of input, Ctrl-C):
 *  the one word a sleeping worker waits on. */
export const CONTROL_DOORBELL = 0;
/** How many Ctrl-Cs the host has seen (a job for the gate86 kernel turns each into SIGINT). */
export const CONTROL_INTERRUPTS = 1;
/** 1 once the host's stdin has ended: a read of fd 0 with nothing left returns end of file. */
export const CONTROL_INPUT_CLOSED = 2;
/** The host terminal's size, rows and columns (0: unchanged since the job started): TIOCGWINSZ, SIGWINCH. */
export const CONTROL_ROWS = 3;
export const CONTROL_COLUMNS = 4;
/** How many debug requests the host has posted on the debug port (vm/debug/protocol.ts). */
export const CONTROL_DEBUG = 5;
export const CONTROL_WORDS = 6;

export interface MultibootJob {
  kind: 'multiboot';
  kernel: Uint8Array;
  kernelName: string;
  commandLine: string;
  modules: { name: string; bytes: Uint8Array }[];
  cpu: string;
  memoryMiB: number;
  /** What the TSC counts (`--tsc`); default modelled cycles. */
  tsc?: 'cycles' | 'instructions';
  /** false: `--no-jit`, the interpreter alone. */
  jit?: boolean;
}

/** Which kernel log lines a job shows, on which stream, with which prefix. */
export interface LogFilter {
  /** Show every line ('all') or only lines starting with one of these. */
  show: 'all' | string[];
  stream: 1 | 2;
  prefix: string;
}

export interface ProgramJob {
  kind: 'program';
  kernel: Uint8Array;
  /** The first program: its bytes (gate86 run), or none: the file at `path` in the initramfs. */
  program: { path: string; image?: Uint8Array; argv: string[]; envp: string[] };
  /** The initramfs, handed over as a Multiboot module (gate86 boot); without one the root is `root`. */
  initrd?: { name: string; bytes: Uint8Array };
  /** The host directory that is the guest's root (gate86 run --root DIR, --ro), and the working directory. */
  root?: { directory: string; readOnly: boolean };
  cwd?: string;
  cpu: string;
  /** What the TSC counts (`--tsc`); default modelled cycles. */
  tsc?: 'cycles' | 'instructions';
  /** The machine's time (`--clock`): the host's (default) or the CPU model's cycles (vm/machine/clock.ts). */
  clock?: 'host' | 'modelled';
  memoryMiB?: number;
  /** false: `--no-jit`, the interpreter alone. */
  jit?: boolean;
  /** isatty(0), isatty(1), isatty(2) on the host: what TCGETS and fstat report to the guest. */
  terminals: boolean[];
  windowSize: { rows: number; columns: number };
  log: LogFilter;
  /** --trace syscall / fault / crossing: those lines go to stderr. */
  traceSyscalls: boolean;
  traceFaults: boolean;
  traceCrossings?: boolean;
  /** --trace-json: each trace event as one JSON object per line. */
  traceJson?: boolean;
  /** The guest's fd 2 goes to the stdout ring too (`gate86 boot` shows one stream, in order). */
  mergeOutput?: boolean;
}

export type WorkerJob = MultibootJob | ProgramJob;

/** A debugger on the main thread (vm/debug/): its port, and whether to stop before the first instruction. */
export interface DebugAttachment {
  port: MessagePort;
  wait: boolean;
}

export type StartMessage = WorkerJob & ConsoleBuffers & { debug?: DebugAttachment };

export type WorkerReport =
  | { type: 'exit'; status: number }
  /** A ProgramJob's first process ended: its exit code or the signal that killed it. */
  | { type: 'program-exit'; status: { code: number; reason?: string } | { signal: number }; instructions: number }
  | { type: 'stopped'; message: string }
  | { type: 'error'; message: string };
