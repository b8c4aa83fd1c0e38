// All case families, each from its own seed, so adding cases to one family leaves the others' (and
// their cached ELF builds) unchanged.

import { Random, type Case } from '../case.ts';
import { generateAlu } from './alu.ts';
import { generateBits } from './bits.ts';
import { generateControl } from './control.ts';
import { generateData } from './data.ts';
import { generateMulDiv } from './muldiv.ts';
import { generatePrefixes } from './prefixes.ts';
import { generateSelfModifying } from './self-modifying.ts';
import { generateSequences } from './sequences.ts';
import { generateShifts } from './shifts.ts';
import { generateSimd } from './simd.ts';
import { generateStack } from './stack.ts';
import { generateStrings } from './strings.ts';

export interface Family { name: string; cases: Case[] }

const FAMILIES: Array<[string, (r: Random) => Case[]]> = [
  ['alu', generateAlu], ['shifts', generateShifts], ['muldiv', generateMulDiv], ['bits', generateBits],
  ['data', generateData], ['control', generateControl], ['stack', generateStack], ['strings', generateStrings],
  ['prefixes', generatePrefixes], ['self-modifying', generateSelfModifying],
  ['sequences', generateSequences], ['simd', generateSimd],
];

/** Every family's cases for a base seed (the test uses a fixed one; GATE86_DIFF_SEED overrides it). */
export function allFamilies(seed: number): Family[] {
  return FAMILIES.map(([name, generate], n) => ({ name, cases: generate(new Random((seed + n * 0x9e3779b9) >>> 0)) }));
}
