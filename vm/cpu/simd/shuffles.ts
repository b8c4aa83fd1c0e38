// Shuffles by an imm8 (PSHUFW, PSHUFD, PSHUFHW, PSHUFLW, SHUFPS, SHUFPD): each destination lane
// takes the source lane the immediate's two-bit (or one-bit) field names. Intel SDM Vol. 2.

import type { LaneOperation } from './binders.ts';
import type { Lanes } from './operands.ts';

/** Copy `count` lanes of `view` from `from` into `to`, lane i taking from[(imm >> (bits*i)) & mask]. */
function select(to: Lanes, from: Lanes, view: 'u16' | 'u32', first: number, count: number, imm: number, bits: number, base: number): void {
  const source = Array.from(from[view].subarray(base, base + (1 << bits)));
  for (let i = 0; i < count; i++) to[view][first + i] = source[(imm >> (bits * i)) & ((1 << bits) - 1)]!;
}

/** PSHUFW mm, mm/m64, imm8 (and PSHUFD's doublewords): the result depends on the source only. */
const pshufw: LaneOperation = (d, s, _bytes, imm) => select(d, s, 'u16', 0, 4, imm, 2, 0);
const pshufd: LaneOperation = (d, s, _bytes, imm) => select(d, s, 'u32', 0, 4, imm, 2, 0);

/** PSHUFLW/PSHUFHW: four words of one half shuffled, the other half copied from the source. */
const pshuflw: LaneOperation = (d, s, _bytes, imm) => {
  select(d, s, 'u16', 0, 4, imm, 2, 0);
  d.u32[2] = s.u32[2]!;
  d.u32[3] = s.u32[3]!;
};
const pshufhw: LaneOperation = (d, s, _bytes, imm) => {
  d.u32[0] = s.u32[0]!;
  d.u32[1] = s.u32[1]!;
  select(d, s, 'u16', 4, 4, imm, 2, 4);
};

/** SHUFPS: the low two singles from the destination, the high two from the source. */
const shufps: LaneOperation = (d, s, _bytes, imm) => {
  const a = Array.from(d.u32);
  d.u32[0] = a[imm & 3]!;
  d.u32[1] = a[(imm >> 2) & 3]!;
  d.u32[2] = s.u32[(imm >> 4) & 3]!;
  d.u32[3] = s.u32[(imm >> 6) & 3]!;
};

/** SHUFPD: the low double from the destination (bit 0), the high one from the source (bit 1). */
const shufpd: LaneOperation = (d, s, _bytes, imm) => {
  const low = (imm & 1) * 2;
  const high = ((imm >> 1) & 1) * 2;
  const a0 = d.u32[low]!, a1 = d.u32[low + 1]!;
  d.u32[2] = s.u32[high]!;
  d.u32[3] = s.u32[high + 1]!;
  d.u32[0] = a0;
  d.u32[1] = a1;
};

export const shuffleOperations: Readonly<Record<string, LaneOperation>> = { pshufw, pshufd, pshuflw, pshufhw, shufps, shufpd };
