// The system half's tracer: MSR writes, SYSENTER/SYSEXIT, and exceptions as they happen.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { buildKernel } from './support/kernels.ts';
import { runKernelSync } from '../../vm/machine/run-sync.ts';
import type { SystemTraceEvent } from '../../vm/cpu/system/index.ts';
import type { CrossingEvent } from '../../vm/cpu/system/crossing.ts';

test('tracing the sysenter kernel shows the wrmsr, the round trip and the #GPs in order', (t) => {
  const events: SystemTraceEvent[] = [];
  const r = runKernelSync(readFileSync(buildKernel('sysenter')), 'sysenter.elf', {
    setup: (machine) => { machine.system.onTrace = (e) => events.push(e); },
  });
  t.is(r.status, 1);
  const msrWrites = events.filter((e) => e.kind === 'msr' && e.write).map((e) => e.kind === 'msr' ? [e.index, Number(e.value)] : []);
  t.deepEqual(msrWrites[0], [0x174, 0x60]);
  const sysenterEip = msrWrites.find(([index]) => index === 0x176)![1];
  const kinds = events.filter((e) => e.kind !== 'msr').map((e) =>
    e.kind === 'fast-syscall' ? e.instruction : e.kind === 'exception' ? `#${e.vector.toString(16)}@cpl${e.cpl}` : e.kind);
  // the round trip, the exit call, sysexit at CPL 3 (#GP), sysenter with CS = 0 (#GP)
  t.deepEqual(kinds, ['sysenter', 'sysexit', '#80@cpl3', '#d@cpl3', '#d@cpl3']);
  const enter = events.find((e) => e.kind === 'fast-syscall' && e.instruction === 'sysenter');
  t.is(enter?.kind === 'fast-syscall' ? enter.eip : -1, sysenterEip);
});

test('crossings: every change of CPL with CS:EIP and SS:ESP on both sides (the sysenter kernel)', (t) => {
  const seen: CrossingEvent[] = [];
  const r = runKernelSync(readFileSync(buildKernel('sysenter')), 'sysenter.elf', {
    setup: (machine) => { machine.system.onCrossing = (e) => seen.push(e); },
  });
  t.is(r.status, 1);
  const doors = seen.map((e) => `${e.door}${e.vector >= 0 ? ` ${e.vector.toString(16)}` : ''} ${e.from.cpl}->${e.to.cpl}`);
  t.deepEqual(doors.slice(0, 3), ['iret 0->3', 'sysenter 3->0', 'sysexit 0->3']);
  const enter = seen[1]!;
  t.is(enter.to.cs, 0x60);
  t.is(enter.to.ss, 0x68);
  t.is(enter.from.cs, 0x73);
  const exit = seen[2]!;
  t.is(exit.to.cs, 0x73);
  t.is(exit.to.ss, 0x7b);
  t.is(exit.from.cs, 0x60);
  t.true(exit.instructions > enter.instructions, 'instructions are counted across the crossing');
  // every crossing into ring 0 from ring 3 is followed by one back out, in order
  for (let i = 1; i < seen.length; i++) t.not(seen[i]!.from.cpl, seen[i - 1]!.from.cpl, doors.join(', '));
});
