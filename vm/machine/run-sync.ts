// Run a machine to the end on the current thread, sleeping (Atomics.wait) through HLT: for tests,
// benchmarks and tools that want a kernel's whole output without a worker.

import { Machine, type MachineOptions } from './machine.ts';
import type { BootModule } from './multiboot.ts';

export interface SyncRunResult {
  /** Everything the guest wrote to COM1. */
  output: Uint8Array;
  /** isa-debug-exit status, or null when the machine stopped otherwise. */
  status: number | null;
  /** Why it stopped, when not through isa-debug-exit. */
  message: string | null;
  instructions: number;
}

export interface SyncRunOptions {
  cpu?: string;
  memoryMiB?: number;
  commandLine?: string;
  modules?: BootModule[];
  /** Console input, delivered as the guest reads it. */
  input?: Uint8Array;
  /** Give up after this much wall time (ms). */
  timeoutMs?: number;
  /** Called with each output byte as it is written. */
  onOutput?: (byte: number) => void;
  /** Called once the kernel is loaded, before it runs (install hooks, inspect memory). */
  setup?: (machine: Machine) => void;
}

const SLICE = 200_000;

export function runKernelSync(kernel: Uint8Array, name: string, options: SyncRunOptions = {}): SyncRunResult {
  const output: number[] = [];
  const input = options.input ?? new Uint8Array(0);
  let inputAt = 0;
  const machineOptions: MachineOptions = {
    consoleOut: (b) => { output.push(b); options.onOutput?.(b); },
    consoleIn: () => (inputAt < input.length ? input[inputAt++]! : -1),
  };
  if (options.cpu !== undefined) machineOptions.cpu = options.cpu;
  if (options.memoryMiB !== undefined) machineOptions.memoryMiB = options.memoryMiB;
  const machine = new Machine(machineOptions);
  machine.boot(kernel, name, options.commandLine ?? `${name} `, options.modules ?? []);
  options.setup?.(machine);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const state = machine.run(SLICE);
    const done = (status: number | null, message: string | null): SyncRunResult =>
      ({ output: Uint8Array.from(output), status, message, instructions: machine.cpu.instructionCount });
    if (state.kind === 'exited') return done(state.status, null);
    if (state.kind === 'stopped') return done(null, state.message);
    if (Date.now() > deadline) return done(null, 'timed out');
    if (state.kind === 'halted') {
      const wait = (machine.nextDeadline() - machine.clock()) / 1e6;
      if (wait === Infinity) return done(null, 'halted with no interrupt due');
      if (wait > 0) Atomics.wait(sleeper, 0, 0, Math.min(wait, 50));
    }
  }
}
