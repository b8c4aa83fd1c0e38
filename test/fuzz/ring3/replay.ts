// One ring-3 case, told in full: how it ends on gate86 (with the kernel's fault trace) and on each
// oracle. `npm run fuzz -- --replay FILE` prints it for a corpus file.

import { caseFromJson, caseRecord, type Ring3CaseFile } from './case.ts';
import { buildRunner } from './runner.ts';
import { runSession } from './gate86.ts';
import { ring3Oracles, startOracleBatch } from './oracle.ts';
import { describe, gate86Outcome, outcomeOf } from './judge.ts';

export async function replayRing3(file: { case: Ring3CaseFile; found?: { cpu?: string } }, kernel: Uint8Array, work: string): Promise<string[]> {
  const runner = buildRunner(work);
  const record = caseRecord(caseFromJson(file.case), 0);
  let given = false;
  const g = runSession({ kernel, runner, cpu: file.found?.cpu ?? 'pentium3', traceFaults: true }, () => (given ? null : (given = true, record)));
  const lines: string[] = [];
  const end = g.ends[0];
  lines.push(`gate86: ${end === undefined ? `no result (${g.crash ?? g.exit})` : describe(gate86Outcome(end))}`);
  for (const f of end?.faults ?? []) lines.push(`  ${f}`);
  for (const p of g.problems) lines.push(`  kernel: ${p.problem}`);
  for (const oracle of ring3Oracles()) {
    const ends = await startOracleBatch(oracle, runner, [record]).ends;
    lines.push(`${oracle}: ${ends[0] === undefined ? 'no result' : describe(outcomeOf(ends[0].status))}`);
  }
  return lines;
}
