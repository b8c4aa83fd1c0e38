// The system half's tracer: MSR writes, SYSENTER/SYSEXIT, and exceptions as they happen.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { buildKernel } from './support/kernels.ts';
import { runKernelSync } from '../../vm/machine/run-sync.ts';
import type { SystemTraceEvent } from '../../vm/cpu/system/index.ts';

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
