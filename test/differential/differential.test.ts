// The differential test: tens of thousands of instruction sequences run on every i386 oracle the
// host has (the host CPU where it runs i386 code, and qemu-i386) and on gate86's CPU, which must agree on
// every register, every defined flag and every byte of the scratch area. How it works: program.ts
// (the oracle side), gate86.ts (gate86's side), undefined-flags.ts (what may be masked: only what
// vm/isa/table.ts calls undefined), caveats.ts (where qemu-i386 disagrees with the SDM).
//
// GATE86_DIFF_SEED=n runs a different random selection; GATE86_DIFF_VERBOSE=1 logs every mismatch;
// GATE86_ORACLE=native|qemu runs on that oracle alone.

import test from 'ava';
import type { InstructionForm } from '../../vm/isa/table.ts';
import { availableOracles } from '../support/i386-oracle.ts';
import { QEMU_CAVEATS } from './caveats.ts';
import { X87_QEMU_CAVEATS } from './x87-caveats.ts';
import { coverageOf, formLabel } from './coverage.ts';
import { allFamilies } from './generators/index.ts';
import { runFamily } from './run-family.ts';

const SEED = Number(process.env.GATE86_DIFF_SEED ?? 1);
const SHOWN_MISMATCHES = process.env.GATE86_DIFF_VERBOSE ? Infinity : 12;
const MINIMUM_CASES = 20_000;

const oracles = availableOracles();
const families = allFamilies(SEED);
const formCounts = new Map<InstructionForm, number>();
let casesRun = 0;
let mismatchesSeen = 0;

for (const oracle of oracles) for (const family of families) {
  test.serial(`differential vs ${oracle}: ${family.name} (${family.cases.length} cases, seed ${SEED})`, (t) => {
    const outcome = runFamily(family.cases, oracle, SHOWN_MISMATCHES);
    casesRun += outcome.cases;
    mismatchesSeen += outcome.mismatchCount;
    for (const [form, n] of outcome.formCounts) formCounts.set(form, (formCounts.get(form) ?? 0) + n);
    t.log(`${outcome.cases} cases on ${outcome.oracle} and gate86: ${outcome.mismatchCount} mismatches`);
    for (const [why, n] of outcome.notJudged) t.log(`${n} cases run but not judged by ${oracle}: ${why} (caveats.ts)`);
    if (outcome.mismatchCount) t.log(`mismatches per case template: ${outcome.mismatchesByTemplate.map(([name, n]) => `${name}: ${n}`).join('; ')}`);
    for (const report of outcome.mismatches) t.log(report);
    if (outcome.mismatchCount > outcome.mismatches.length) t.log(`... ${outcome.mismatchCount - outcome.mismatches.length} more not shown in full (GATE86_DIFF_VERBOSE=1 shows all)`);
    t.is(outcome.mismatchCount, 0);
    t.true(outcome.mismatchesWhenShifted >= 0.9 * (outcome.cases - 1), `self-check: pairing each case with the next one's result found only ${outcome.mismatchesWhenShifted} differences`);
  });
}

test.serial(`differential vs ${oracles.join(' and ')}: every listed instruction form has cases, ${MINIMUM_CASES}+ in all`, (t) => {
  const total = families.reduce((n, f) => n + f.cases.length, 0);
  t.true(total >= MINIMUM_CASES, `only ${total} cases`);
  // The families above ran (serially, in order, once per oracle) and counted the forms they decoded.
  t.is(casesRun, total * oracles.length, 'every family ran on every oracle before this check');
  const coverage = coverageOf(formCounts);
  t.log(`${total} cases; ${mismatchesSeen} mismatches; ${coverage.required.length - coverage.missing.length}/${coverage.required.length} listed forms covered`);
  t.log(`cases per operation: ${[...coverage.byOperation].map(([op, n]) => `${op} ${n}`).join(', ')}`);
  const least = coverage.required.map((f): [InstructionForm, number] => [f, formCounts.get(f) ?? 0]).sort((a, b) => a[1] - b[1]).slice(0, 8);
  t.log(`least-covered forms: ${least.map(([f, n]) => `${formLabel(f)} ${n}`).join('; ')}`);
  for (const [form, reason] of coverage.notJudged) t.log(`not judged by this oracle: ${formLabel(form)} (${reason})`);
  for (const c of [...QEMU_CAVEATS, ...X87_QEMU_CAVEATS]) t.log(`QEMU caveat: ${c.what}. SDM: ${c.sdm}. qemu-i386: ${c.qemu}. Handling: ${c.handling}.`);
  t.deepEqual(coverage.missing.map(formLabel), [], 'listed forms without a single case');
});
