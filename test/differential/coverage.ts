// Which table forms the differential cases must cover: those of the integer instructions that
// issue 2 (item 3) lists, found in vm/isa/table.ts by their `operation`, and every SIMD form that
// gate86 executes (issue 8, item 3).

import { instructionForms, type InstructionForm } from '../../vm/isa/table.ts';
import { FORMS_NOT_JUDGED } from './caveats.ts';
import { simdFormsExecuted } from './generators/simd.ts';

/** Operations (the table's `operation` names) the harness must exercise in every form. */
export const REQUIRED_OPERATIONS: ReadonlySet<string> = new Set([
  'add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp', 'test', 'inc', 'dec', 'neg', 'not',
  'rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sar', 'shld', 'shrd',
  'mul', 'imul', 'imul2', 'imul3', 'div', 'idiv',
  'movs', 'cmps', 'stos', 'lods', 'scas',
  'bt', 'bts', 'btr', 'btc', 'bsf', 'bsr',
  'setcc', 'cmovcc', 'jcc', 'jmp', 'jmp-indirect', 'loop', 'loope', 'loopne', 'jecxz',
  'call', 'call-indirect', 'ret', 'enter', 'leave',
  'pusha', 'popa', 'pushf', 'popf', 'push', 'pop',
  'xchg', 'cmpxchg', 'cmpxchg8b', 'xadd', 'bswap', 'movzx', 'movsx', 'cbw', 'cwd', 'lea', 'mov',
  'daa', 'das', 'aaa', 'aas', 'aam', 'aad', 'lahf', 'sahf', 'clc', 'stc', 'cmc', 'cld', 'std', 'xlat',
  'nop', 'pause',
]);
// Listed in issue 2 but not differential material: CPUID and RDTSC return what the machine model
// (or the clock) says, which no oracle shares; they are unit-tested with the CPU models.

export function formLabel(f: InstructionForm): string {
  const opcode = f.opcode.map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const ext = f.extension !== undefined ? ` /${f.extension}` : '';
  const prefix = f.mandatoryPrefix !== undefined ? `${f.mandatoryPrefix.toString(16)} ` : '';
  const ops = f.operands.map((o) => `${o.kind}${o.size ? `/${o.size}` : ''}`).join(', ');
  return `${f.mnemonic} ${prefix}${opcode}${ext}${ops ? ` ${ops}` : ''}`;
}

function notJudged(f: InstructionForm): string | undefined {
  return FORMS_NOT_JUDGED.find((x) => f.opcode.length === 1 && f.opcode[0] === x.opcode && f.extension === x.extension)?.reason;
}

export interface Coverage {
  required: InstructionForm[];
  missing: InstructionForm[];
  notJudged: Array<[InstructionForm, string]>;
  /** Cases per operation, for the report. */
  byOperation: Map<string, number>;
}

export function coverageOf(counts: ReadonlyMap<InstructionForm, number>): Coverage {
  const required: InstructionForm[] = [];
  const missing: InstructionForm[] = [];
  const skipped: Array<[InstructionForm, string]> = [];
  const byOperation = new Map<string, number>();
  const simd = new Set(simdFormsExecuted());
  for (const f of instructionForms) {
    if (!REQUIRED_OPERATIONS.has(f.operation) && !simd.has(f)) continue;
    const reason = notJudged(f);
    if (reason) { skipped.push([f, reason]); continue; }
    required.push(f);
    const n = counts.get(f) ?? 0;
    byOperation.set(f.operation, (byOperation.get(f.operation) ?? 0) + n);
    if (n === 0) missing.push(f);
  }
  return { required, missing, notJudged: skipped, byOperation };
}
