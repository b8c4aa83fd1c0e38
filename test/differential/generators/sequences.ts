// Random instruction sequences on registers: where lazy flags go wrong. A flag written by one
// instruction, kept by the next (INC keeps CF, a zero-count shift keeps everything) and read by a
// third (ADC, SETcc, CMOVcc, LAHF, DAA ...) is exactly the path a lazy-flags CPU must get right.
//
// What each instruction reads, writes and leaves undefined comes from vm/isa/table.ts (looked up by
// mnemonic), so a sequence never reads a flag an earlier instruction left undefined: the result is
// defined by the SDM from start to end, and the final flags are masked only where the table says.

import { instructionForms, type InstructionForm } from '../../../vm/isa/table.ts';
import { operandValue, type Case, type Random } from '../case.ts';
import { flagBits } from '../undefined-flags.ts';
import { imm, reg, repeat, sfx, SIZES, V_SIZES, type Size, Draft } from './build.ts';

const CONDITIONS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];

function formOf(mnemonic: string): InstructionForm {
  const f = instructionForms.find((x) => x.mnemonic === mnemonic);
  if (!f) throw new Error(`no form with mnemonic ${mnemonic} in the ISA table`);
  return f;
}

interface Step {
  text: string;
  /** Table mnemonic of the instruction, for its flag behaviour. */
  mnemonic: string;
  /** For shifts and rotates: the immediate count and the operand width. */
  count?: number;
  width?: number;
}

/** Flags read, flags touched (written or made undefined), flags made undefined: from the table. */
function effects(step: Step): { reads: number; touches: number; undefines: number } {
  const f = formOf(step.mnemonic);
  const reads = flagBits(f.flagsRead);
  let undefines = flagBits(f.flagsUndefined);
  const by = f.flagsUndefinedByCount;
  if (by && step.count !== undefined) {
    const c = step.count & 0x1f;
    if (c === 0) return { reads, touches: 0, undefines: 0 };
    if (by.unlessCountIsOne && c !== 1) undefines |= flagBits(by.unlessCountIsOne);
    if (by.whenCountExceedsWidth && c > step.width!) undefines |= flagBits(by.whenCountExceedsWidth);
  }
  return { reads, touches: flagBits(f.flagsWritten) | undefines, undefines };
}

type Template = (d: Draft) => Step;

const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp', 'test'];
const SHIFTS = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sar'];

const anySize = (d: Draft): Size => d.r.pick(SIZES);
const vSize = (d: Draft): Size => d.r.pick(V_SIZES);

const TEMPLATES: Template[] = [
  (d) => { const s = anySize(d); const op = d.r.pick(ALU); return { text: `${op}${sfx(s)} ${reg(d.register(s), s)}, ${reg(d.register(s), s)}`, mnemonic: op }; },
  (d) => { const s = anySize(d); const op = d.r.pick(ALU); return { text: `${op}${sfx(s)} ${imm(operandValue(d.r, s), s)}, ${reg(d.register(s), s)}`, mnemonic: op }; },
  (d) => { const s = anySize(d); const op = d.r.pick(['inc', 'dec', 'neg', 'not']); return { text: `${op}${sfx(s)} ${reg(d.register(s), s)}`, mnemonic: op }; },
  (d) => {
    const s = anySize(d); const op = d.r.pick(SHIFTS);
    const count = d.r.pick([0, 1, 2, s - 1, s, s + 1, 31, 32, d.r.below(256)]);
    // `as` turns a count of 1 into the D0/D1 form: same flags, same table row family.
    return { text: `${op}${sfx(s)} $${count}, ${reg(d.register(s), s)}`, mnemonic: op, count, width: s };
  },
  (d) => {
    const s = vSize(d); const op = d.r.pick(['shld', 'shrd']);
    let count = d.r.pick([0, 1, 2, s - 1, s, 31, d.r.below(32)]);
    if (s === 16 && (count & 31) > 16) count = 16; // above 16 the 16-bit result itself is undefined
    const a = d.register(s);
    return { text: `${op}${sfx(s)} $${count}, ${reg(d.register(s, [a]), s)}, ${reg(a, s)}`, mnemonic: op, count, width: s };
  },
  (d) => { const s = vSize(d); return { text: `imul${sfx(s)} ${reg(d.register(s), s)}, ${reg(d.register(s), s)}`, mnemonic: 'imul' }; },
  (d) => { const s = anySize(d); const op = d.r.pick(['mul', 'imul']); return { text: `${op}${sfx(s)} ${reg(d.register(s), s)}`, mnemonic: op }; },
  (d) => { const s = vSize(d); const op = d.r.pick(['bt', 'bts', 'btr', 'btc']); return { text: `${op}${sfx(s)} $${d.r.below(64)}, ${reg(d.register(s), s)}`, mnemonic: op }; },
  (d) => { const s = vSize(d); const op = d.r.pick(['bsf', 'bsr']); return { text: `${op}${sfx(s)} ${reg(d.register(s), s)}, ${reg(d.register(s), s)}`, mnemonic: op }; },
  (d) => { const cc = d.r.pick(CONDITIONS); return { text: `set${cc} ${reg(d.register(8), 8)}`, mnemonic: `set${cc}` }; },
  (d) => { const cc = d.r.pick(CONDITIONS); const s = vSize(d); return { text: `cmov${cc}${sfx(s)} ${reg(d.register(s), s)}, ${reg(d.register(s), s)}`, mnemonic: `cmov${cc}` }; },
  (d) => { const op = d.r.pick(['clc', 'stc', 'cmc', 'lahf', 'sahf', 'daa', 'das', 'aaa', 'aas']); return { text: op, mnemonic: op }; },
  (d) => { const s = anySize(d); const op = d.r.pick(['xadd', 'cmpxchg']); return { text: `${op}${sfx(s)} ${reg(d.register(s), s)}, ${reg(d.register(s), s)}`, mnemonic: op }; },
  (d) => ({ text: `leal ${d.r.below(256) - 128}(%${d.full(d.register(32), 32)},%${d.full(d.register(32), 32)},${d.r.pick([1, 2, 4, 8])}), ${reg(d.register(32), 32)}`, mnemonic: 'lea' }),
  // PUSHF reads every flag: only when none is undefined; the popped word lands in a register.
  (d) => ({ text: `pushfl\npopl ${reg(d.register(32), 32)}`, mnemonic: 'pushf' }),
];

function sequence(d: Draft, length: number): string {
  const lines: string[] = [];
  let undefinedNow = 0;
  while (lines.length < length) {
    const step = d.r.pick(TEMPLATES)(d);
    const e = effects(step);
    if (e.reads & undefinedNow) continue; // would read a flag the SDM leaves undefined here
    undefinedNow = (undefinedNow & ~e.touches) | e.undefines;
    lines.push(step.text);
  }
  return lines.join('\n');
}

export function generateSequences(r: Random): Case[] {
  return repeat(r, 1500, (d, i) => {
    for (const n of [0, 1, 2, 3, 5, 6, 7]) d.randomize(n, 32);
    return d.finish(`sequence/random#${i}`, sequence(d, 3 + d.r.below(5)));
  });
}
