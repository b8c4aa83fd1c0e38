// EFLAGS and lazy arithmetic flags.
//
// Most instructions write the six arithmetic flags (OF SF ZF AF PF CF) and most of those values are
// never read: the next ALU instruction overwrites them. So an ALU instruction does not compute its
// flags; it records what it did in four fields of the CPU:
//
//   cpu.lazyOp      which flags are still to be computed (a mask in EFLAGS bit positions, bits 0-11)
//                   | LAZY_SUB (the operation was a subtraction, else an addition)
//                   | LAZY_CARRY_IN (ADC/SBB consumed a carry of 1)
//                   | the operand size code << LAZY_SIZE_SHIFT (0 = 8, 1 = 16, 2 = 32 bits)
//   cpu.lazyA, cpu.lazyB, cpu.lazyResult   the operands and the result
//
// A flag whose bit is set in the lazyOp mask is computed from these on demand (`carry(cpu)` etc.);
// a flag whose bit is clear lives in `cpu.flags`, which also holds every non-arithmetic flag.
// ZF, SF and PF depend only on the result and size, so any operation (logic, shifts, multiply) can
// leave them lazy; CF, OF and AF are lazy only for additions and subtractions. Other operations
// compute CF/OF/AF eagerly into cpu.flags and mark only Z|S|P lazy.
//
// Invariant: before an instruction that writes only some arithmetic flags (INC/DEC keep CF), the
// flags it keeps are materialised first (see `keepCarry`).

import type { Cpu } from './cpu.ts';

export const CF = 0x1;
export const PF = 0x4;
export const AF = 0x10;
export const ZF = 0x40;
export const SF = 0x80;
export const TF = 0x100;
export const IF = 0x200;
export const DF = 0x400;
export const OF = 0x800;
export const IOPL = 0x3000;
export const NT = 0x4000;
export const RF = 0x10000;
export const VM = 0x20000;
export const AC = 0x40000;
export const VIF = 0x80000;
export const VIP = 0x100000;
export const ID = 0x200000;
/** Bit 1 of EFLAGS always reads as 1. */
export const FLAGS_ALWAYS_ONE = 0x2;
export const ARITHMETIC_FLAGS = OF | SF | ZF | AF | PF | CF;
export const RESULT_FLAGS = SF | ZF | PF;

export const LAZY_SUB = 1 << 12;
export const LAZY_CARRY_IN = 1 << 13;
export const LAZY_SIZE_SHIFT = 14;

/** Size code of an operand size in bits: 8 -> 0, 16 -> 1, 32 -> 2. */
export function sizeCode(bits: number): number {
  return bits === 8 ? 0 : bits === 16 ? 1 : 2;
}

// Precomputed lazyOp words for the common cases.
export const ADD8 = ARITHMETIC_FLAGS;
export const ADD16 = ARITHMETIC_FLAGS | (1 << LAZY_SIZE_SHIFT);
export const ADD32 = ARITHMETIC_FLAGS | (2 << LAZY_SIZE_SHIFT);
export const SUB8 = ADD8 | LAZY_SUB;
export const SUB16 = ADD16 | LAZY_SUB;
export const SUB32 = ADD32 | LAZY_SUB;
/** INC/DEC: like ADD/SUB of 1 but CF is not written. */
export const INC32 = (ARITHMETIC_FLAGS & ~CF) | (2 << LAZY_SIZE_SHIFT);
export const DEC32 = INC32 | LAZY_SUB;
/** Logic operations and anything else that leaves only ZF/SF/PF lazy. */
export const RESULT8 = RESULT_FLAGS;
export const RESULT16 = RESULT_FLAGS | (1 << LAZY_SIZE_SHIFT);
export const RESULT32 = RESULT_FLAGS | (2 << LAZY_SIZE_SHIFT);

const SIZE_MASK = [0xff, 0xffff, 0xffffffff];
const SIGN_BIT = [0x80, 0x8000, 0x80000000];

/** Parity flag table: PF is set when the low byte of the result has an even number of 1 bits. */
const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let bits = 0;
  for (let b = i; b !== 0; b >>= 1) bits += b & 1;
  PARITY[i] = bits % 2 === 0 ? PF : 0;
}

function unsigned(value: number, op: number): number {
  return (value & SIZE_MASK[op >>> LAZY_SIZE_SHIFT & 3]!) >>> 0;
}

export function carry(cpu: Cpu): number {
  const op = cpu.lazyOp;
  if ((op & CF) === 0) return cpu.flags & CF;
  const a = unsigned(cpu.lazyA, op);
  const withCarry = (op & LAZY_CARRY_IN) !== 0;
  if ((op & LAZY_SUB) !== 0) {
    const b = unsigned(cpu.lazyB, op);
    return (withCarry ? a <= b : a < b) ? CF : 0;
  }
  const r = unsigned(cpu.lazyResult, op);
  return (withCarry ? r <= a : r < a) ? CF : 0;
}

export function zero(cpu: Cpu): number {
  const op = cpu.lazyOp;
  if ((op & ZF) === 0) return cpu.flags & ZF;
  return (cpu.lazyResult & SIZE_MASK[op >>> LAZY_SIZE_SHIFT & 3]!) === 0 ? ZF : 0;
}

export function sign(cpu: Cpu): number {
  const op = cpu.lazyOp;
  if ((op & SF) === 0) return cpu.flags & SF;
  return (cpu.lazyResult & SIGN_BIT[op >>> LAZY_SIZE_SHIFT & 3]!) !== 0 ? SF : 0;
}

export function parity(cpu: Cpu): number {
  if ((cpu.lazyOp & PF) === 0) return cpu.flags & PF;
  return PARITY[cpu.lazyResult & 0xff]!;
}

export function adjust(cpu: Cpu): number {
  if ((cpu.lazyOp & AF) === 0) return cpu.flags & AF;
  return (cpu.lazyA ^ cpu.lazyB ^ cpu.lazyResult) & AF;
}

export function overflow(cpu: Cpu): number {
  const op = cpu.lazyOp;
  if ((op & OF) === 0) return cpu.flags & OF;
  const a = cpu.lazyA;
  const b = cpu.lazyB;
  const r = cpu.lazyResult;
  const bits = (op & LAZY_SUB) !== 0 ? (a ^ b) & (a ^ r) : (a ^ r) & (b ^ r);
  return (bits & SIGN_BIT[op >>> LAZY_SIZE_SHIFT & 3]!) !== 0 ? OF : 0;
}

/** Parity of a byte as the PF bit, for code that computes flags eagerly. */
export function parityOf(value: number): number {
  return PARITY[value & 0xff]!;
}

/** The full EFLAGS value: every lazy flag computed. */
export function readEflags(cpu: Cpu): number {
  const op = cpu.lazyOp;
  if ((op & ARITHMETIC_FLAGS) === 0) return cpu.flags | FLAGS_ALWAYS_ONE;
  return (
    (cpu.flags & ~ARITHMETIC_FLAGS) | FLAGS_ALWAYS_ONE |
    carry(cpu) | parity(cpu) | adjust(cpu) | zero(cpu) | sign(cpu) | overflow(cpu)
  );
}

/** Compute every lazy flag into cpu.flags, so that code may then edit single bits of it. */
export function materialiseFlags(cpu: Cpu): void {
  if ((cpu.lazyOp & ARITHMETIC_FLAGS) === 0) return;
  cpu.flags = readEflags(cpu);
  cpu.lazyOp = 0;
}

/** Replace EFLAGS wholesale (the caller has already applied any privilege rules). */
export function writeEflags(cpu: Cpu, value: number): void {
  cpu.flags = (value & ~0x8028) | FLAGS_ALWAYS_ONE; // bits 3, 5, 15 read as 0
  cpu.lazyOp = 0;
  cpu.updateAlignmentCheck();
}

/** Before an operation that writes every arithmetic flag except CF: move CF out of the lazy state. */
export function keepCarry(cpu: Cpu): void {
  if ((cpu.lazyOp & CF) !== 0) cpu.flags = (cpu.flags & ~CF) | carry(cpu);
}

/** Set the arithmetic flags eagerly: `value` holds the new OSZAPC bits. */
export function setArithmeticFlags(cpu: Cpu, value: number): void {
  materialiseFlags(cpu);
  cpu.flags = (cpu.flags & ~ARITHMETIC_FLAGS) | (value & ARITHMETIC_FLAGS);
}

/**
 * The condition codes (0-15: O NO B AE E NE BE A S NS P NP L GE LE G) that can be answered straight
 * from a known record without building any flag, as JavaScript expressions:
 *   - after a CMP/SUB (lazyOp SUB8/16/32), over its operands `a` and `b`;
 *   - after a logic operation (RESULT8/16/32, CF = OF = 0), over its result `r`;
 *   - after any record that leaves ZF and SF lazy (ADD, INC, DEC, a shift...), over `r`.
 * testCondition's fast paths are generated from the 32-bit tables, and the block compiler emits the
 * same expressions for a Jcc, SETcc or CMOVcc whose flags record it knows at compile time: one
 * statement of each. At 8 and 16 bits the operands are compared in their low bits (`& mask`, or
 * shifted up to the sign for the signed conditions); at 32 bits they are int32 values already.
 */
export const CONDITIONS_AFTER_SUB32: readonly (string | null)[] = [
  null, null, 'a >>> 0 < b >>> 0', 'a >>> 0 >= b >>> 0', '(a ^ b) === 0', '(a ^ b) !== 0', 'a >>> 0 <= b >>> 0', 'a >>> 0 > b >>> 0',
  null, null, null, null, '(a | 0) < (b | 0)', '(a | 0) >= (b | 0)', '(a | 0) <= (b | 0)', '(a | 0) > (b | 0)',
];
export const CONDITIONS_AFTER_LOGIC32: readonly (string | null)[] = [
  null, null, null, null, 'r === 0', 'r !== 0', 'r === 0', 'r !== 0',
  'r < 0', 'r >= 0', null, null, 'r < 0', 'r >= 0', 'r <= 0', 'r > 0',
];
export const CONDITIONS_FROM_RESULT32: readonly (string | null)[] = [
  null, null, null, null, 'r === 0', 'r !== 0', null, null, 'r < 0', 'r >= 0', null, null, null, null, null, null,
];

/** The tables above for an operand size: 8 and 16 bits compare the low bits only. */
export function conditionTables(bits: number): { sub: readonly (string | null)[]; logic: readonly (string | null)[]; result: readonly (string | null)[] } {
  if (bits === 32) return { sub: CONDITIONS_AFTER_SUB32, logic: CONDITIONS_AFTER_LOGIC32, result: CONDITIONS_FROM_RESULT32 };
  const m = bits === 8 ? '0xff' : '0xffff';
  const s = 32 - bits;
  const u = (x: string): string => `(${x} & ${m})`;
  const signed = (x: string): string => `(${x} << ${s})`;
  const zero = `(r & ${m}) === 0`, nonzero = `(r & ${m}) !== 0`, negative = `(r << ${s}) < 0`, positive = `(r << ${s}) >= 0`;
  return {
    sub: [
      null, null, `${u('a')} < ${u('b')}`, `${u('a')} >= ${u('b')}`, `((a ^ b) & ${m}) === 0`, `((a ^ b) & ${m}) !== 0`, `${u('a')} <= ${u('b')}`, `${u('a')} > ${u('b')}`,
      null, null, null, null, `${signed('a')} < ${signed('b')}`, `${signed('a')} >= ${signed('b')}`, `${signed('a')} <= ${signed('b')}`, `${signed('a')} > ${signed('b')}`,
    ],
    logic: [
      null, null, null, null, zero, nonzero, zero, nonzero,
      negative, positive, null, null, negative, positive, `(r << ${s}) <= 0`, `(r << ${s}) > 0`,
    ],
    result: [null, null, null, null, zero, nonzero, null, null, negative, positive, null, null, null, null, null, null],
  };
}

/**
 * CF of a known ADD or SUB record (no carry in) as an expression over `a`, `b` and the result `v`:
 * what `carry` computes at run time, for the block compiler to resolve INC/DEC's kept carry at
 * compile time. Null for records whose CF is not lazy.
 */
export function carryExpression(lazyOp: number): string | null {
  if ((lazyOp & CF) === 0 || (lazyOp & LAZY_CARRY_IN) !== 0) return null;
  const size = (lazyOp >>> LAZY_SIZE_SHIFT) & 3;
  const u = (x: string): string => (size === 2 ? `(${x} >>> 0)` : `(${x} & ${SIZE_MASK[size]})`);
  return (lazyOp & LAZY_SUB) !== 0 ? `${u('a')} < ${u('b')}` : `${u('v')} < ${u('a')}`;
}

function caseList(table: readonly (string | null)[]): string {
  return table.map((c, cc) => (c === null ? '' : `case ${cc}: return ${c};`)).join(' ');
}

/**
 * Evaluate condition code `cc` (0-15, the low nibble of Jcc/SETcc/CMOVcc). Odd codes are the
 * negation of the even one below them. Fast paths for what compiled code branches on (a 32-bit
 * CMP/SUB, a 32-bit TEST/AND/OR/XOR), generated from the tables above; everything else builds flags.
 */
export const testCondition: (cpu: Cpu, cc: number) => boolean = new Function('SUB32', 'RESULT32', 'CF_OF', 'slowly', `
  return function testCondition(cpu, cc) {
    const lazy = cpu.lazyOp;
    if (lazy === SUB32) {
      const a = cpu.lazyA, b = cpu.lazyB;
      switch (cc) { ${caseList(CONDITIONS_AFTER_SUB32)} }
    } else if (lazy === RESULT32 && (cpu.flags & CF_OF) === 0) {
      const r = cpu.lazyResult | 0;
      switch (cc) { ${caseList(CONDITIONS_AFTER_LOGIC32)} }
    }
    return slowly(cpu, cc);
  };`)(SUB32, RESULT32, CF | OF, testConditionSlowly);

function testConditionSlowly(cpu: Cpu, cc: number): boolean {
  let result: boolean;
  switch (cc >> 1) {
    case 0: result = overflow(cpu) !== 0; break;
    case 1: result = carry(cpu) !== 0; break;
    case 2: result = zero(cpu) !== 0; break;
    case 3: result = (carry(cpu) | zero(cpu)) !== 0; break;
    case 4: result = sign(cpu) !== 0; break;
    case 5: result = parity(cpu) !== 0; break;
    case 6: result = (sign(cpu) !== 0) !== (overflow(cpu) !== 0); break;
    default: result = zero(cpu) !== 0 || (sign(cpu) !== 0) !== (overflow(cpu) !== 0); break;
  }
  return (cc & 1) === 0 ? result : !result;
}
