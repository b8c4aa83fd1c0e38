// A guest can never crash the host: random bytes as code, with random bytes where the IDT and GDT
// are, run into every corner of exception delivery (bad gates, bad selectors, nested faults, double
// and triple faults). Every run must end in a guest-visible state, never in a host exception.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { Machine } from '../../vm/machine/machine.ts';
import { buildKernel } from './support/kernels.ts';

test('random code and random descriptor tables end as guest events, never as host errors', (t) => {
  const kernel = readFileSync(buildKernel('int80'));
  let seed = 12345;
  const random = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed >> 8; };
  const outcomes = new Set<string>();
  for (let run = 0; run < 150; run++) {
    const machine = new Machine({ consoleOut: () => {}, consoleIn: () => -1, memoryMiB: 4 });
    machine.boot(kernel, 'int80.elf', 'int80.elf ');
    for (let a = 0; a < 4096; a++) machine.memory.write8(machine.cpu.eip + a, random() & 0xff);
    for (let a = 0; a < 2048; a++) machine.memory.write8(a, random() & 0xff); // the IDT (base 0)
    machine.cpu.tableLimit[1] = 0x7ff;
    if (run % 3 === 0) {
      for (let a = 0; a < 256; a++) machine.memory.write8(0x8f00 + a, random() & 0xff); // the GDT
      machine.cpu.tableLimit[0] = 0xff;
    }
    let state = machine.run(20_000);
    for (let slice = 0; slice < 3 && state.kind === 'running'; slice++) state = machine.run(20_000);
    outcomes.add(state.kind === 'stopped' ? state.message.replace(/0x[0-9a-f]+/g, 'X') : state.kind);
  }
  t.true(outcomes.has('triple fault: the CPU shut down'), [...outcomes].join('; '));
});
