// A snapshot taken mid-run (the PIT ticking, the PIC with a line in service or pending, the CPU
// halted) restored into a fresh machine continues exactly as the original does.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { Machine, type MachineState } from '../../vm/machine/machine.ts';
import { buildKernel } from './support/kernels.ts';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function runUntil(machine: Machine, done: (state: MachineState) => boolean): MachineState {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const state = machine.run(50_000);
    if (done(state) || state.kind === 'exited' || state.kind === 'stopped' || Date.now() > deadline) return state;
    if (state.kind === 'halted') Atomics.wait(sleeper, 0, 0, Math.max(0, Math.min(20, (machine.nextDeadline() - machine.clock()) / 1e6)));
  }
}

test('a snapshot of the pit kernel mid-run continues identically in a new machine', (t) => {
  const kernel = readFileSync(buildKernel('pit'));
  let first = '';
  const original = new Machine({ consoleOut: (b) => { first += String.fromCharCode(b); }, consoleIn: () => -1, memoryMiB: 16 });
  original.boot(kernel, 'pit.elf', 'pit.elf ');
  runUntil(original, () => first.includes('tick 2:') && first.endsWith('\n'));
  const snapshot = original.snapshot();
  const cut = first.length;
  const end = runUntil(original, () => false);
  t.is(end.kind, 'exited');

  let second = '';
  const copy = new Machine({ consoleOut: (b) => { second += String.fromCharCode(b); }, consoleIn: () => -1, memoryMiB: 16 });
  copy.restore(snapshot);
  const copyEnd = runUntil(copy, () => false);
  t.deepEqual(copyEnd, end);
  t.is(second, first.slice(cut));
  t.regex(second, /tick 5:/);
});
