// `gate86 run` and `gate86 boot` inside the machine's worker (vm/worker/machine-worker.ts): the gate86
// kernel and its first program, with the kernel's console on the shared rings. The TypeScript
// services run here, in the CPU's thread, because the CPU calls them synchronously through VMCALL.
//
//   fd 1, fd 2    -> the stdout and stderr rings (the main thread writes them out as they arrive);
//   fd 0          <- the input ring: a read with nothing there sleeps in Atomics.wait on the doorbell
//                    until input, end of input, or a Ctrl-C arrives;
//   Ctrl-C        -> SIGINT to the guest's processes (kernel/terminal.ts), between slices or in a read.

import { ByteRing } from '../vm/worker/byte-ring.ts';
import { CONTROL_DOORBELL, CONTROL_INPUT_CLOSED, CONTROL_INTERRUPTS, type ConsoleBuffers, type DebugAttachment, type ProgramJob, type WorkerReport } from '../vm/worker/protocol.ts';
import { DebugSession } from '../vm/debug/session.ts';
import { symbolizer, symbolsOf } from '../vm/debug/symbols.ts';
import { kernelDebugSymbols } from './debug-symbols.ts';
import { syscallName } from './ptrace.ts';
import { runProgram } from './boot.ts';
import type { Kernel } from './kernel.ts';
import { terminalInterrupt } from './terminal.ts';

/** Longest single sleep in a read or an idle wait: the loop re-checks now and then regardless. */
const MAX_SLEEP_MS = 100;

export function runProgramJob(job: ProgramJob & ConsoleBuffers & { debug?: DebugAttachment }): WorkerReport {
  const stdout = new ByteRing(job.stdout);
  const stderr = new ByteRing(job.stderr);
  const input = new ByteRing(job.input);
  const control = new Int32Array(job.control);
  const encoder = new TextEncoder();
  const write = (fd: number, bytes: Uint8Array): void => (fd === 2 && job.mergeOutput !== true ? stderr : stdout).pushAllBlocking(bytes);
  const line = (stream: 1 | 2, text: string): void => write(stream, encoder.encode(text + '\n'));

  let kernel: Kernel | null = null;
  let interruptsSeen = 0;
  /** Turn Ctrl-Cs the host has counted into SIGINT; true if there was one. */
  const takeInterrupt = (): boolean => {
    const count = Atomics.load(control, CONTROL_INTERRUPTS);
    if (count === interruptsSeen || kernel === null) return false;
    interruptsSeen = count;
    terminalInterrupt(kernel);
    return true;
  };
  const read = (max: number): Uint8Array | null => {
    for (;;) {
      const bell = Atomics.load(control, CONTROL_DOORBELL);
      if (takeInterrupt()) return null;
      if (input.available() > 0) return input.popSome(max);
      if (Atomics.load(control, CONTROL_INPUT_CLOSED) !== 0) return new Uint8Array(0);
      Atomics.wait(control, CONTROL_DOORBELL, bell, MAX_SLEEP_MS);
    }
  };
  const { show, stream, prefix } = job.log;
  const result = runProgram({
    kernel: job.kernel, program: job.program, cpu: job.cpu, memoryMiB: job.memoryMiB, ...(job.jit === false ? { jit: false } : {}),
    write, read,
    isTerminal: (fd) => job.terminals[fd] === true,
    windowSize: () => job.windowSize,
    log: (text) => { if (show === 'all' || show.some((p) => text.startsWith(p))) line(stream, prefix + text); },
    trace: job.traceSyscalls || job.traceFaults || job.traceCrossings === true ? (text, record) => {
      const kind = record?.event ?? (text.startsWith('fault') ? 'fault' : 'syscall');
      const wanted = kind === 'fault' ? job.traceFaults : kind === 'syscall' ? job.traceSyscalls : job.traceCrossings === true;
      if (wanted) line(2, job.traceJson === true ? JSON.stringify(record ?? { event: kind, text }) : text);
    } : null,
    traceSyscalls: job.traceSyscalls,
    traceCrossings: job.traceCrossings === true,
    attach: (k) => { kernel = k; },
    onSlice: () => { takeInterrupt(); },
    idle: (ms) => { Atomics.wait(control, CONTROL_DOORBELL, Atomics.load(control, CONTROL_DOORBELL), Math.min(ms, MAX_SLEEP_MS)); },
    ...(job.debug !== undefined ? { debug: debuggerFor(job.debug, control, job) } : {}),
  });
  if (result.kind === 'exit') return { type: 'program-exit', status: result.status, instructions: result.instructions };
  return { type: 'stopped', message: result.kind === 'stopped' ? result.message : 'instruction limit' };
}

/** The debug session for a job that has a debugger: kernel and program symbols, the kernel's tasks. */
function debuggerFor(attachment: DebugAttachment, control: Int32Array, job: ProgramJob): NonNullable<Parameters<typeof runProgram>[0]['debug']> {
  return (machine, kernel) => {
    const session = new DebugSession(machine, attachment.port, control, {
      symbol: symbolizer([...kernelDebugSymbols(job.kernel), ...symbolsOf(job.program.image)]),
      context: () => (kernel.current === null ? null : { pid: kernel.current.pid }),
      syscallName: (number) => syscallName(kernel, number),
    });
    return { begin: () => session.begin(attachment.wait), afterRun: (state) => session.afterRun(state) };
  };
}
