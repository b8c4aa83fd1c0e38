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

export function runFamily(cases: readonly Case[], oracleKind: OracleKind, maxReports = 12): FamilyOutcome {
  const batch = buildBatch(cases);
  const { oracle, results: expected } = runBatchOnOracle(batch, cases.length, oracleKind);
  const got = runBatchOnGate86(batch, cases);
  const mismatches: string[] = [];
  const byTemplate = new Map<string, number>();
  let mismatchCount = 0;
  const formCounts = new Map<InstructionForm, number>();
  const notJudged = new Map<string, number>();
  cases.forEach((c, n) => {
    const snippet = batch.snippets[n]!;
    const code = batch.text.subarray(snippet.start - batch.textAddress, snippet.end - batch.textAddress);
    const instructions = decodeSnippet(code);
    for (const insn of instructions) if (insn.form) formCounts.set(insn.form, (formCounts.get(insn.form) ?? 0) + 1);
    if (oracle === 'qemu-i386' && c.qemuCannotJudge !== undefined) {
      notJudged.set(c.qemuCannotJudge, (notJudged.get(c.qemuCannotJudge) ?? 0) + 1);
      return;
    }
    const mask = undefinedFlagsOfSnippet(instructions, c.initial) | oracleBlindFlags(oracle, expected[n]!);
    const diffs = differences(expected[n]!, got[n]!, mask);
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
  return { oracle, cases: cases.length, mismatchCount, mismatches, mismatchesByTemplate, mismatchesWhenShifted, formCounts, notJudged };
}
