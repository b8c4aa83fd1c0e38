// A short seeded run of each fuzzer, as part of npm test (issue 14): the same cases every time (a
// number of cases, not of seconds), judged as `npm run fuzz` judges them. `npm run fuzz -- --seed S`
// repeats a run exactly; the long runs (--seconds 600) are for finding, these for keeping.

import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fuzzRing3 } from './ring3/fuzz.ts';
import { ring3Oracles } from './ring3/oracle.ts';
import { fuzzInputs } from './inputs/fuzz.ts';
import { fuzzSyscalls } from './syscalls/fuzz.ts';
import { loadKernelImage } from '../../kernel/locate.ts';
import { i386Oracle } from '../support/i386-oracle.ts';

const work = mkdtempSync(join(tmpdir(), 'gate86-fuzz-test-'));
const SEED = 14;

// i386Oracle() fails loudly when the host has no oracle at all: a fuzzer judged by nothing proves little.
const oracles = (i386Oracle(), ring3Oracles());

test(`ring3: 2000 programs (seed ${SEED}) on the booted kernel, judged against ${oracles.join(' and ')}: the kernel survives all, each ends as on the oracle`, async (t) => {
  const report = await fuzzRing3({ seconds: 3600, maxCases: 2000, batch: 500, seed: SEED, cpu: 'pentium3', kernel: loadKernelImage(), corpus: null, work: join(work, 'ring3'), log: (l) => t.log(l), qemuEvery: 1, oracles });
  t.log(report.summary());
  t.deepEqual(report.failures, []);
  t.is(report.get('programs run on gate86'), 2000);
  t.is(report.get('hangs'), 0);
  t.is(report.get('host crashes'), 0);
  t.is(report.get('kernel inconsistencies'), 0);
  for (const o of oracles) t.true(report.get(`${o}: agreed`) > 1500, `${o} agreed on ${report.get(`${o}: agreed`)} cases`);
});

test(`syscalls: 240 cases of random calls (seed ${SEED}) over every row of syscall_32.tbl, through both doors: no host crash, no oops, no hang, the kernel consistent after each`, async (t) => {
  const report = await fuzzSyscalls({ seconds: 3600, maxCases: 240, batch: 240, seed: SEED, cpu: 'pentium3', kernel: loadKernelImage(), corpus: null, work: join(work, 'syscalls'), log: (l) => t.log(l) });
  t.log(report.summary());
  t.deepEqual(report.failures, []);
  t.is(report.get('cases run'), 240);
  for (const what of ['hangs', 'host crashes', 'kernel oopses', 'kernel inconsistencies']) t.is(report.get(what), 0, what);
  t.true(report.get('system calls made') > 20_000, `${report.get('system calls made')} calls`);
  t.true(report.get('rows of syscall_32.tbl called') >= 400, `${report.get('rows of syscall_32.tbl called')} rows called`);
});

test(`inputs: 150 malformed inputs (seed ${SEED}) for run, machine, as, ld and objdump: one-line errors, no stack trace, no hang`, async (t) => {
  const report = await fuzzInputs({ seconds: 3600, maxCases: 150, seed: SEED, corpus: null, work: join(work, 'inputs'), log: (l) => t.log(l), cliEvery: 30 });
  t.log(report.summary());
  t.deepEqual(report.failures, []);
  for (const tool of ['run', 'machine', 'as', 'ld', 'objdump']) t.is(report.get(`${tool}: inputs`), 30);
});
