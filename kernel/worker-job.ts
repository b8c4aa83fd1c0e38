// `gate86 run` and `gate86 boot` inside the machine's worker (entry: kernel/program-worker.ts): the gate86
// kernel and its first program, with the kernel's console on the shared rings. The TypeScript
// services run here, in the CPU's thread, because the CPU calls them synchronously through VMCALL.
//
//   fd 1, fd 2    -> the stdout and stderr rings (the main thread writes them out as they arrive);
//   fd 0          <- the input ring, taken without waiting (kernel/tty/console.ts polls it between
//                    slices and at each timer tick; a reader with nothing to read sleeps in the guest,
//                    and the machine idles in `hlt` when every task sleeps);
//   Ctrl-C        -> when the host terminal is in raw mode it is just byte 0x03, and the guest's line
//                    discipline makes it SIGINT; otherwise (not a terminal) the host's SIGINT is
//                    counted here and becomes SIGINT for the guest's processes (kernel/terminal.ts).

import { ByteRing } from '../vm/worker/byte-ring.ts';
import {
  CONTROL_COLUMNS, CONTROL_DOORBELL, CONTROL_INPUT_CLOSED, CONTROL_INTERRUPTS, CONTROL_ROWS, type ConsoleBuffers, type ProgramJob,
  type WorkerReport,
} from '../vm/worker/protocol.ts';
import { runProgram } from './boot.ts';
import type { Kernel } from './kernel.ts';
import { terminalInterrupt, terminalResized } from './terminal.ts';

/** Longest single idle wait: the loop re-checks now and then regardless. */
const MAX_SLEEP_MS = 100;

export function runProgramJob(job: ProgramJob & ConsoleBuffers): WorkerReport {
  const stdout = new ByteRing(job.stdout);
  const stderr = new ByteRing(job.stderr);
  const input = new ByteRing(job.input);
  const control = new Int32Array(job.control);
  const encoder = new TextEncoder();
  const write = (fd: number, bytes: Uint8Array): void => (fd === 2 && job.mergeOutput !== true ? stderr : stdout).pushAllBlocking(bytes);
  const line = (stream: 1 | 2, text: string): void => write(stream, encoder.encode(text + '\n'));

  let kernel: Kernel | null = null;
  let interruptsSeen = 0;
  let size = job.windowSize;
  /** Ctrl-Cs the host has counted become SIGINT; a resized host terminal, SIGWINCH. */
  const takeEvents = (): void => {
    if (kernel === null) return;
    const count = Atomics.load(control, CONTROL_INTERRUPTS);
    if (count !== interruptsSeen) {
      interruptsSeen = count;
      terminalInterrupt(kernel);
    }
    const rows = Atomics.load(control, CONTROL_ROWS);
    const columns = Atomics.load(control, CONTROL_COLUMNS);
    if (rows > 0 && columns > 0 && (rows !== size.rows || columns !== size.columns)) {
      size = { rows, columns };
      terminalResized(kernel, rows, columns);
    }
  };
  const take = (max: number): Uint8Array | 'end' => {
    if (input.available() > 0) return input.popSome(max);
    return Atomics.load(control, CONTROL_INPUT_CLOSED) !== 0 ? 'end' : new Uint8Array(0);
  };
  const { show, stream, prefix } = job.log;
  const result = runProgram({
    kernel: job.kernel, program: job.program, cpu: job.cpu, memoryMiB: job.memoryMiB, ...(job.jit === false ? { jit: false } : {}),
    initrd: job.initrd, root: job.root, cwd: job.cwd,
    write, input: take,
    isTerminal: (fd) => job.terminals[fd] === true,
    windowSize: () => size,
    log: (text) => { if (show === 'all' || show.some((p) => text.startsWith(p))) line(stream, prefix + text); },
    trace: job.traceSyscalls || job.traceFaults ? (text) => {
      if (text.startsWith('fault') ? job.traceFaults : job.traceSyscalls) line(2, text);
    } : null,
    attach: (k) => { kernel = k; },
    onSlice: takeEvents,
    idle: (ms) => { Atomics.wait(control, CONTROL_DOORBELL, Atomics.load(control, CONTROL_DOORBELL), Math.min(ms, MAX_SLEEP_MS)); },
  });
  if (result.kind === 'exit') return { type: 'program-exit', status: result.status, instructions: result.instructions };
  return { type: 'stopped', message: result.kind === 'stopped' ? result.message : 'instruction limit' };
}
