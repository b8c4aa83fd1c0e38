// The machine's thread. It owns the CPU, RAM and devices and runs the guest; the main thread owns the
// terminal. This is the worker entry for the 'multiboot' job (`gate86 machine`, protocol.ts): COM1
// output goes into the stdout ring (the main thread writes it to stdout as it arrives); input comes
// from the input ring. HLT with interrupts enabled sleeps in Atomics.wait until the next PIT deadline
// or until the main thread rings the doorbell.
//
// The 'program' job (`gate86 run`, `gate86 boot`) runs the gate86 kernel and its TypeScript services,
// which the CPU calls synchronously and so must live in this thread too. The kernel is a floor above
// the machine, so its worker entry is its own (kernel/program-worker.ts) and reuses serve.ts;
// nothing in vm/ imports the kernel.
// serve.ts holds what both entries share.

import { Machine } from '../machine/machine.ts';
import { MultibootError } from '../machine/multiboot.ts';
import { ByteRing } from './byte-ring.ts';
import { CONTROL_DOORBELL, type ConsoleBuffers, type MultibootJob, type WorkerReport } from './protocol.ts';
import { serveJob } from './serve.ts';

const SLICE = 200_000;
/** Longest single sleep, so the loop re-checks the clock and the doorbell now and then. */
const MAX_SLEEP_MS = 100;

function runMultiboot(start: MultibootJob & ConsoleBuffers): WorkerReport {
  const output = new ByteRing(start.stdout);
  const input = new ByteRing(start.input);
  const doorbell = new Int32Array(start.control);
  const machine = new Machine({
    cpu: start.cpu,
    memoryMiB: start.memoryMiB,
    ...(start.jit === false ? { jit: false } : {}),
    consoleOut: (byte) => output.pushBlocking(byte),
    consoleIn: () => input.pop(),
  });
  machine.boot(start.kernel, start.kernelName, start.commandLine, start.modules);
  for (;;) {
    const bell = Atomics.load(doorbell, CONTROL_DOORBELL);
    const state = machine.run(SLICE);
    if (state.kind === 'exited') return { type: 'exit', status: state.status };
    if (state.kind === 'stopped') return { type: 'stopped', message: state.message };
    if (state.kind === 'halted' && input.available() === 0) {
      const wait = (machine.nextDeadline() - machine.clock()) / 1e6;
      if (wait > 0) Atomics.wait(doorbell, CONTROL_DOORBELL, bell, Math.min(wait, MAX_SLEEP_MS));
    }
  }
}

// A Multiboot kernel the loader refuses, or a guest too big for its RAM: one line. Anything else is a
// machine bug and stays loud.
serveJob(runMultiboot, (error) => error instanceof MultibootError || error instanceof RangeError);
