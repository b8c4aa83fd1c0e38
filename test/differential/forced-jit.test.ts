// The differential test with the block compiler forced on every block (threshold 1: each block is
// compiled before it first runs, so every case runs compiled code), checked twice: against the i386
// oracle like differential.test.ts, and exactly (no flag masked) against gate86's interpreter, the
// reference the compiler must never depart from. Then traces: every batch runs twice with threshold
// 2, so the second pass runs functions compiled from the blocks the first pass linked; judged
// against the interpreter running the same two passes.
//
// Four seeds by default: about 114,000 cases, under half a minute. GATE86_DIFF_JIT_SEEDS=6,7 picks
// others.

import test from 'ava';
import { availableOracles } from '../support/i386-oracle.ts';
import { allFamilies } from './generators/index.ts';
import { compiledBlocks } from './gate86.ts';
import { runFamily } from './run-family.ts';

const SEEDS = (process.env.GATE86_DIFF_JIT_SEEDS ?? '2,3,4,5').split(',').map(Number);
const SHOWN_MISMATCHES = process.env.GATE86_DIFF_VERBOSE ? Infinity : 6;
/** The strongest oracle the host has (the host CPU where it runs i386 code); differential.test.ts runs them all. */
const oracle = availableOracles()[0]!;
let total = 0;

for (const seed of SEEDS) {
  for (const family of allFamilies(seed)) {
    test.serial(`forced JIT (threshold 1) vs ${oracle} and vs the interpreter: ${family.name} (${family.cases.length} cases, seed ${seed})`, (t) => {
      const outcome = runFamily(family.cases, oracle, SHOWN_MISMATCHES, 1, true);
      total += outcome.cases;
      t.log(`${outcome.cases} cases: ${outcome.referenceMismatches} differ from the interpreter, ${outcome.mismatchCount} from ${oracle}`);
      for (const report of outcome.mismatches) t.log(report);
      t.is(outcome.referenceMismatches, 0, 'the compiled code departs from the interpreter');
      t.is(outcome.mismatchCount, 0);
    });
  }
}

for (const family of allFamilies(SEEDS[0]! + 100)) {
  test.serial(`traces (threshold 2, second pass) vs ${oracle} and vs the interpreter: ${family.name} (${family.cases.length} cases)`, (t) => {
    const outcome = runFamily(family.cases, oracle, SHOWN_MISMATCHES, 2, true, 2);
    t.log(`${outcome.cases} cases: ${outcome.referenceMismatches} differ from the interpreter, ${outcome.mismatchCount} from ${oracle}`);
    for (const report of outcome.mismatches) t.log(report);
    // Only the interpreter is the judge here: the second pass starts from memory the first left
    // outside the scratch area, which the oracle (one pass) never saw.
    t.is(outcome.referenceMismatches, 0, 'the compiled traces depart from the interpreter');
  });
}

test.serial(`forced JIT: ${SEEDS.length} seed(s) ran`, (t) => {
  t.log(`${total} cases with every block compiled (${compiledBlocks.count} blocks compiled)`);
  t.true(total >= 20_000 * SEEDS.length);
  t.true(compiledBlocks.count >= total, 'every case ran at least one compiled block');
});
