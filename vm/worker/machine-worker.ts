// The machine's thread. It owns the CPU, RAM and devices and runs the guest; the main thread owns the
// terminal. COM1 output goes into a shared ring (the main thread writes it to stdout as it arrives);
// input comes from another ring. HLT with interrupts enabled sleeps in Atomics.wait until the next
// PIT deadline or until the main thread rings the doorbell because input arrived.

import { parentPort, workerData } from 'node:worker_threads';
import { Machine } from '../machine/machine.ts';
import { MultibootError } from '../machine/multiboot.ts';
import { ByteRing } from './byte-ring.ts';
import type { StartMessage, WorkerReport } from './protocol.ts';

const SLICE = 200_000;
/** Longest single sleep, so the loop re-checks the clock and the doorbell now and then. */
const MAX_SLEEP_MS = 100;

function report(message: WorkerReport): void {
  parentPort!.postMessage(message);
}

function run(start: StartMessage): WorkerReport {
  const output = new ByteRing(start.output);
  const input = new ByteRing(start.input);
  const doorbell = new Int32Array(start.doorbell);
  const machine = new Machine({
    cpu: start.cpu,
    memoryMiB: start.memoryMiB,
    consoleOut: (byte) => output.pushBlocking(byte),
    consoleIn: () => input.pop(),
  });
  machine.boot(start.kernel, start.kernelName, start.commandLine, start.modules);
  for (;;) {
    const bell = Atomics.load(doorbell, 0);
    const state = machine.run(SLICE);
    if (state.kind === 'exited') return { type: 'exit', status: state.status };
    if (state.kind === 'stopped') return { type: 'stopped', message: state.message };
    if (state.kind === 'halted' && input.available() === 0) {
      const wait = (machine.nextDeadline() - machine.clock()) / 1e6;
      if (wait > 0) Atomics.wait(doorbell, 0, bell, Math.min(wait, MAX_SLEEP_MS));
    }
  }
}

try {
  report(run(workerData as StartMessage));
} catch (error) {
  if (error instanceof MultibootError || error instanceof RangeError) report({ type: 'error', message: error.message });
  else throw error;
}
