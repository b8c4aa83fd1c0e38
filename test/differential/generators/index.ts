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
import { generateX87Arithmetic, generateX87Compare, generateX87Control, generateX87LoadStore, generateX87Transcendental, generateX87Unary } from './x87.ts';

export interface Family { name: string; cases: Case[] }

const FAMILIES: Array<[string, (r: Random) => Case[]]> = [
  ['alu', generateAlu], ['shifts', generateShifts], ['muldiv', generateMulDiv], ['bits', generateBits],
  ['data', generateData], ['control', generateControl], ['stack', generateStack], ['strings', generateStrings],
  ['prefixes', generatePrefixes], ['self-modifying', generateSelfModifying],
  ['sequences', generateSequences], ['simd', generateSimd],
  ['x87-arithmetic', generateX87Arithmetic], ['x87-unary', generateX87Unary], ['x87-load-store', generateX87LoadStore],
  ['x87-compare', generateX87Compare], ['x87-control', generateX87Control], ['x87-transcendental', generateX87Transcendental],
];

/** Every family's cases for a base seed (the test uses a fixed one; GATE86_DIFF_SEED overrides it). */
export function allFamilies(seed: number): Family[] {
  return FAMILIES.map(([name, generate], n) => ({ name, cases: generate(new Random((seed + n * 0x9e3779b9) >>> 0)) }));
}
