// Running one family of cases on both machines and comparing: the differential harness's core.

import type { InstructionForm } from '../../vm/isa/table.ts';
import type { Case } from './case.ts';
import { differences, mismatchReport } from './compare.ts';
import { runBatchOnGate86 } from './gate86.ts';
import type { OracleKind } from '../support/i386-oracle.ts';
import { buildBatch, runBatchOnOracle } from './program.ts';
import { decodeSnippet, undefinedFlagsOfSnippet } from './undefined-flags.ts';
import { oracleBlindFlags } from './caveats.ts';

export interface FamilyOutcome {
  oracle: OracleKind;
  cases: number;
  mismatchCount: number;
  /** Cases whose result differs from the interpreter's (only with referenceCheck). */
  referenceMismatches: number;
  /** Full reports (objdump text and all) of the first `maxReports` mismatches. */
  mismatches: string[];
  /** Mismatches per case template (the case name without its #n), most frequent first. */
  mismatchesByTemplate: Array<[string, number]>;
  /**
   * A self-check that the comparison can fail: comparing each case's oracle result with the NEXT
   * case's gate86 result must find differences almost everywhere.
   */
  mismatchesWhenShifted: number;
  /** How many cases executed each table form (decoded from the assembled bytes). */
  formCounts: Map<InstructionForm, number>;
  /** Cases this oracle cannot judge (Case.qemuCannotJudge), by reason: run, not compared. */
  notJudged: Map<string, number>;
}

/**
 * `jitThreshold`: compile blocks on that entry (1: every block before it runs; 0: the interpreter
 * alone); default GATE86_JIT_THRESHOLD or the machine's own. With `referenceCheck`, the same cases
 * also run with the interpreter alone and must give exactly the same state (no flag masked): the
 * interpreter is the reference for the block compiler, whatever the oracle says. `passes`: see
 * runBatchOnGate86 (a second pass runs the traces compiled from the first).
 */
export function runFamily(cases: readonly Case[], oracleKind: OracleKind, maxReports = 12, jitThreshold?: number, referenceCheck = false, passes = 1): FamilyOutcome {
  const batch = buildBatch(cases);
  const { oracle, results: expected } = runBatchOnOracle(batch, cases.length, oracleKind);
  const got = runBatchOnGate86(batch, cases, jitThreshold, passes);
  // The interpreter runs the same passes, so both see the same memory history (a case may touch
  // memory outside the scratch area, which is not reset between passes).
  const reference = referenceCheck ? runBatchOnGate86(batch, cases, 0, passes) : null;
  const mismatches: string[] = [];
  const byTemplate = new Map<string, number>();
  let mismatchCount = 0;
  let referenceMismatches = 0;
  const formCounts = new Map<InstructionForm, number>();
  const notJudged = new Map<string, number>();
  cases.forEach((c, n) => {
    const snippet = batch.snippets[n]!;
    const code = batch.text.subarray(snippet.start - batch.textAddress, snippet.end - batch.textAddress);
    const instructions = decodeSnippet(code);
    for (const insn of instructions) if (insn.form) formCounts.set(insn.form, (formCounts.get(insn.form) ?? 0) + 1);
    const departures = reference !== null ? differences(reference[n]!, got[n]!, 0) : [];
    if (departures.length > 0) referenceMismatches++;
    if (oracle === 'qemu-i386' && c.qemuCannotJudge !== undefined && departures.length === 0) {
      notJudged.set(c.qemuCannotJudge, (notJudged.get(c.qemuCannotJudge) ?? 0) + 1);
      return;
    }
    const mask = undefinedFlagsOfSnippet(instructions, c.initial) | oracleBlindFlags(oracle, expected[n]!);
    const diffs = oracle === 'qemu-i386' && c.qemuCannotJudge !== undefined ? [] : differences(expected[n]!, got[n]!, mask);
    for (const d of departures) diffs.push(`against the interpreter: ${d}`);
    if (diffs.length === 0) return;
    mismatchCount++;
    const template = c.name.replace(/#\d+$/, '');
    byTemplate.set(template, (byTemplate.get(template) ?? 0) + 1);
    // Only the first few get the full report: each one runs objdump.
    if (mismatches.length < maxReports) mismatches.push(mismatchReport(c, batch.elfPath, snippet, diffs, `gate86 stopped with ${JSON.stringify(got[n]!.stop)}`));
  });
  const mismatchesByTemplate = [...byTemplate].sort((a, b) => b[1] - a[1]);
  let mismatchesWhenShifted = 0;
  for (let n = 0; n + 1 < cases.length; n++) if (differences(expected[n]!, got[n + 1]!, 0).length) mismatchesWhenShifted++;
  return { oracle, cases: cases.length, mismatchCount, referenceMismatches, mismatches, mismatchesByTemplate, mismatchesWhenShifted, formCounts, notJudged };
}
