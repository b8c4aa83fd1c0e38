// Comparing a case's two results, and saying readably how they differ.

import { objdumpRange } from '../support/i386-oracle.ts';
import { fpuDifferences, fpuStateText, type FpuMask } from './fpu-compare.ts';
import type { Case } from './case.ts';
import { REGISTER_NAMES, type CaseResult, type MachineState } from './layout.ts';

const FLAG_NAMES: Array<[number, string]> = [[0x1, 'CF'], [0x4, 'PF'], [0x10, 'AF'], [0x40, 'ZF'], [0x80, 'SF'], [0x400, 'DF'], [0x800, 'OF'], [0x200, 'IF'], [0x100, 'TF']];

export function flagsText(eflags: number): string {
  const set = FLAG_NAMES.filter(([bit]) => eflags & bit).map(([, name]) => name);
  return `0x${(eflags >>> 0).toString(16).padStart(8, '0')} [${set.join(' ')}]`;
}

const hex32 = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

export function stateText(s: MachineState): string {
  return `${REGISTER_NAMES.map((r) => `${r}=${hex32(s[r])}`).join(' ')} eflags=${flagsText(s.eflags)}`;
}

function outcomeText(r: CaseResult): string {
  return r.outcome.kind === 'completed' ? 'completed' : `fault vector ${r.outcome.vector} at eip ${hex32(r.outcome.eip)}`;
}

/**
 * The differences between the oracle's result and gate86's, one line each; [] when they agree.
 * `fpuMask` names the FXSAVE fields not to compare (fpu-compare.ts); without it all are.
 */
export function differences(expected: CaseResult, got: CaseResult, undefinedFlags: number, fpuMask: FpuMask = new Map(), scratchIgnore: Case['scratchIgnore'] = [], fpuTolerance?: Case['fpuTolerance']): string[] {
  const out: string[] = [];
  const e = expected.outcome;
  const g = got.outcome;
  if (e.kind !== g.kind || (e.kind === 'fault' && g.kind === 'fault' && (e.vector !== g.vector || e.eip !== g.eip))) {
    out.push(`outcome: expected ${outcomeText(expected)}, got ${outcomeText(got)}`);
  }
  for (const r of REGISTER_NAMES) {
    if (expected.state[r] >>> 0 !== got.state[r] >>> 0) out.push(`${r}: expected ${hex32(expected.state[r])}, got ${hex32(got.state[r])}`);
  }
  const flagDiff = (expected.state.eflags ^ got.state.eflags) & ~undefinedFlags;
  if (flagDiff) {
    out.push(`eflags: expected ${flagsText(expected.state.eflags)}, got ${flagsText(got.state.eflags)}, differing ${flagsText(flagDiff)} (masked as undefined: ${flagsText(undefinedFlags)})`);
  }
  const bytes: string[] = [];
  const ignored = (i: number): boolean => scratchIgnore?.some((r) => i >= r.offset && i < r.offset + r.length) === true;
  for (let i = 0; i < expected.scratch.length; i++) {
    if (expected.scratch[i] !== got.scratch[i] && !ignored(i)) bytes.push(`+0x${i.toString(16)}: ${expected.scratch[i]!.toString(16).padStart(2, '0')}/${got.scratch[i]!.toString(16).padStart(2, '0')}`);
  }
  if (bytes.length) out.push(`scratch bytes differ (offset: expected/got): ${bytes.slice(0, 16).join(', ')}${bytes.length > 16 ? ` ... (${bytes.length} bytes)` : ''}`);
  out.push(...fpuDifferences(expected.fpu, got.fpu, fpuMask, fpuTolerance));
  return out;
}

/** A full report of one mismatching case: its code as objdump prints it, where it started, what differs. */
export function mismatchReport(c: Case, elfPath: string, snippet: { start: number; end: number }, diffs: string[], detail = ''): string {
  let code: string;
  try {
    code = objdumpRange(elfPath, snippet.start, snippet.end);
  } catch (error) {
    code = `(objdump failed: ${(error as Error).message}) ${c.asm}`;
  }
  return [
    `MISMATCH ${c.name}`,
    code.split('\n').map((l) => `    ${l}`).join('\n'),
    `  initial: ${stateText(c.initial)}`,
    ...(c.fpu !== undefined ? [`  initial x87: ${fpuStateText(c.fpu)}`] : []),
    ...diffs.map((d) => `  ${d}`),
    ...(detail ? [`  ${detail}`] : []),
  ].join('\n');
}
