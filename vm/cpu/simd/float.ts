// SSE and SSE2 floating point: packed and scalar single (binary32) and double (binary64) arithmetic,
// MIN/MAX, compares, COMISS/UCOMISS, conversions, RCP/RSQRT (Intel SDM Vol. 1 10.2.3, 11.5; Vol. 2).
//
// Every result comes from the exact software core (vm/cpu/softfloat/): MXCSR gives the rounding
// mode, the exception masks, DAZ (denormal operands read as zeros of their sign, with no DE) and FTZ
// (a tiny result, underflow masked, becomes a zero with UE and PE). NaNs follow SSE's rule: the first
// source's if it is one, quieted; invalid operations give the default NaN (0xffc00000...).
//
// Exceptions (SDM Vol. 1, 11.5.2): each element is computed with its own flags. Invalid, denormal
// and divide-by-zero are pre-computation exceptions: if any element raises one that is unmasked, the
// flags of every element's pre-computation exceptions go into MXCSR, nothing is written, and the
// instruction faults. Otherwise overflow, underflow and inexact are checked the same way, with every
// flag going into MXCSR. The fault is #XM with CR4.OSXMMEXCPT set, #UD without it.

import { CR4_OSXMMEXCPT, type Cpu } from '../cpu.ts';
import { Vector } from '../fault.ts';
import { ARITHMETIC_FLAGS, CF, PF, ZF } from '../flags.ts';
import { effectiveAddress, type Binder } from '../op.ts';
import {
  add, binary32, defaultNaN, binary64, compare, convert, divide, fromInteger, Kind, multiply, NaNRule, noteDenormals,
  packBinary32, packBinary64, quieted, Relation, Rounding, squareRoot, toInteger, unpackBinary32, unpackBinary64,
  zero, FloatStatus, FLAG_DENORMAL, FLAG_DIVIDE_BY_ZERO, FLAG_INVALID, infinity, specialOperands,
  type FloatFormat, type Unpacked,
} from '../softfloat/index.ts';
import type { Operand } from '../../isa/table.ts';
import { D, S, entryOf, enter, leave, loadSource, registerKindOf } from './binders.ts';
import { loadRegister, Register, storeRegister, type Lanes } from './operands.ts';

const MXCSR_DAZ = 0x40;
const MXCSR_FTZ = 0x8000;
const PRE_COMPUTATION = FLAG_INVALID | FLAG_DENORMAL | FLAG_DIVIDE_BY_ZERO;

// ---------------------------------------------------------------------------------------------
// The floating-point environment of one instruction.

const status = new FloatStatus();
/** Flags of every element so far, and their pre-computation part. */
let allFlags = 0;
let preFlags = 0;

function begin(cpu: Cpu): void {
  const mxcsr = cpu.fpu.mxcsr;
  status.rounding = ((mxcsr >>> 13) & 3) as Rounding;
  status.masks = (mxcsr >>> 7) & 0x3f;
  status.flushToZero = (mxcsr & MXCSR_FTZ) !== 0;
  status.denormalsAreZero = (mxcsr & MXCSR_DAZ) !== 0;
  status.flags = 0;
  allFlags = 0;
  preFlags = 0;
}

/** Close one element: its flags join the instruction's. */
function element(): void {
  allFlags |= status.flags;
  preFlags |= status.flags & PRE_COMPUTATION;
  status.flags = 0;
}

/** Put the flags into MXCSR; fault if one of them is unmasked (nothing else has been written yet). */
function finish(cpu: Cpu): void {
  const masks = (cpu.fpu.mxcsr >>> 7) & 0x3f;
  const raised = (preFlags & ~masks) !== 0 ? preFlags : allFlags;
  cpu.fpu.mxcsr |= raised;
  if ((raised & ~masks) !== 0) cpu.raise((cpu.cr[4]! & CR4_OSXMMEXCPT) !== 0 ? Vector.XM : Vector.UD);
}

// ---------------------------------------------------------------------------------------------
// Elements of the scratch registers.

function single(l: Lanes, i: number): Unpacked {
  const u = unpackBinary32(l.u32[i]!);
  return status.denormalsAreZero && u.denormal ? zero(u.sign) : u;
}

function double(l: Lanes, i: number): Unpacked {
  const u = unpackBinary64(l.u32[2 * i]!, l.u32[2 * i + 1]!);
  return status.denormalsAreZero && u.denormal ? zero(u.sign) : u;
}

function setSingle(l: Lanes, i: number, u: Unpacked): void {
  l.u32[i] = packBinary32(u);
}

function setDouble(l: Lanes, i: number, u: Unpacked): void {
  const bits = packBinary64(u);
  l.u32[2 * i] = Number(bits & 0xffffffffn);
  l.u32[2 * i + 1] = Number(bits >> 32n);
}

interface Shape {
  format: FloatFormat;
  /** Elements computed: 4 or 2 packed, 1 scalar (the others keep the destination's). */
  count: number;
  get: (l: Lanes, i: number) => Unpacked;
  set: (l: Lanes, i: number, u: Unpacked) => void;
}

const PS: Shape = { format: binary32, count: 4, get: single, set: setSingle };
const SS: Shape = { format: binary32, count: 1, get: single, set: setSingle };
const PD: Shape = { format: binary64, count: 2, get: double, set: setDouble };
const SD: Shape = { format: binary64, count: 1, get: double, set: setDouble };

function shapeOf(mnemonic: string): Shape {
  const suffix = mnemonic.slice(-2);
  return suffix === 'ps' ? PS : suffix === 'ss' ? SS : suffix === 'pd' ? PD : SD;
}

// ---------------------------------------------------------------------------------------------
// The executor shape of `op xmm, xmm/mem`: compute into D from D and S, check, then write.

type FloatOperation = (d: Lanes, s: Lanes, shape: Shape, imm: number) => void;

function bindFloat(operation: FloatOperation, shapeFor: (mnemonic: string) => Shape = shapeOf): Binder {
  return (op, insn) => {
    const form = insn.form!;
    const source = form.operands[1]!;
    const shape = shapeFor(form.mnemonic);
    const e = entryOf(form.operands, op.isMemory);
    const imm = op.imm & 0xff;
    return (cpu, o) => {
      enter(cpu, e);
      loadSource(cpu, o, source, true);
      loadRegister(cpu, Register.Xmm, o.reg, D);
      begin(cpu);
      operation(D, S, shape, imm);
      finish(cpu);
      storeRegister(cpu, Register.Xmm, o.reg, D);
      leave(cpu, e);
    };
  };
}

type Arithmetic = (a: Unpacked, b: Unpacked, format: FloatFormat) => Unpacked;

function elementwise(f: Arithmetic): FloatOperation {
  return (d, s, shape) => {
    for (let i = 0; i < shape.count; i++) {
      const r = f(shape.get(d, i), shape.get(s, i), shape.format);
      element();
      shape.set(d, i, r);
    }
  };
}

const precisionOf = (format: FloatFormat): number => format.precision;

const addition: Arithmetic = (a, b, f) => add(a, b, false, f, precisionOf(f), NaNRule.Sse, status);
const subtraction: Arithmetic = (a, b, f) => add(a, b, true, f, precisionOf(f), NaNRule.Sse, status);
const multiplication: Arithmetic = (a, b, f) => multiply(a, b, f, precisionOf(f), NaNRule.Sse, status);
const division: Arithmetic = (a, b, f) => divide(a, b, f, precisionOf(f), NaNRule.Sse, status);
const root: Arithmetic = (_a, b, f) => squareRoot(b, f, precisionOf(f), NaNRule.Sse, status);

/**
 * MIN/MAX (SDM MINPS): not IEEE's minNum. A NaN in either operand (quiet or signalling: IE) or two
 * zeros return the second operand (the source) as it is, a signalling NaN unquieted; otherwise the
 * smaller (larger) one. With DAZ a denormal operand is returned as the zero it was read as.
 */
function minimumOrMaximum(max: boolean): FloatOperation {
  return (d, s, shape) => {
    for (let i = 0; i < shape.count; i++) {
      const a = shape.get(d, i);
      const b = shape.get(s, i);
      const relation = compare(a, b, true, status);
      element();
      const firstWins = max ? relation === Relation.Greater : relation === Relation.Less;
      const winner = firstWins ? a : b;
      if (winner.kind === Kind.Zero) shape.set(d, i, winner); // a DAZ zero, or a zero as it was
      else if (!firstWins) copyElement(d, s, shape, i);
    }
  };
}

function copyElement(d: Lanes, s: Lanes, shape: Shape, i: number): void {
  if (shape.format === binary32) d.u32[i] = s.u32[i]!;
  else {
    d.u32[2 * i] = s.u32[2 * i]!;
    d.u32[2 * i + 1] = s.u32[2 * i + 1]!;
  }
}

/** CMPPS predicates 0-7 (imm8 bits 0-2): which relations make the mask all ones, and whether a QNaN signals. */
const PREDICATES: ReadonlyArray<[(r: Relation) => boolean, boolean]> = [
  [(r) => r === Relation.Equal, false],
  [(r) => r === Relation.Less, true],
  [(r) => r === Relation.Less || r === Relation.Equal, true],
  [(r) => r === Relation.Unordered, false],
  [(r) => r !== Relation.Equal, false],
  [(r) => r !== Relation.Less, true],
  [(r) => !(r === Relation.Less || r === Relation.Equal), true],
  [(r) => r !== Relation.Unordered, false],
];

const comparison: FloatOperation = (d, s, shape, imm) => {
  const [holds, signaling] = PREDICATES[imm & 7]!;
  const masks: boolean[] = [];
  for (let i = 0; i < shape.count; i++) {
    masks.push(holds(compare(shape.get(d, i), shape.get(s, i), signaling, status)));
    element();
  }
  const words = shape.format === binary32 ? 1 : 2;
  masks.forEach((m, i) => {
    for (let w = 0; w < words; w++) d.u32[i * words + w] = m ? 0xffffffff : 0;
  });
};

// ---------------------------------------------------------------------------------------------
// COMISS/UCOMISS/COMISD/UCOMISD: ZF PF CF from the relation, OF SF AF cleared.

function bindCompareFlags(signaling: boolean): Binder {
  return (op, insn) => {
    const form = insn.form!;
    const source = form.operands[1]!;
    const shape = form.mnemonic.endsWith('ss') ? SS : SD;
    const e = entryOf(form.operands, op.isMemory);
    return (cpu, o) => {
      enter(cpu, e);
      loadSource(cpu, o, source, true);
      loadRegister(cpu, Register.Xmm, o.reg, D);
      begin(cpu);
      const relation = compare(shape.get(D, 0), shape.get(S, 0), signaling, status);
      element();
      finish(cpu);
      const bits = relation === Relation.Unordered ? ZF | PF | CF : relation === Relation.Less ? CF : relation === Relation.Equal ? ZF : 0;
      cpu.flags = (cpu.flags & ~ARITHMETIC_FLAGS) | bits;
      cpu.lazyOp = 0;
    };
  };
}

// ---------------------------------------------------------------------------------------------
// Conversions.

/** An integer element of S (signed 32-bit) as a float of the shape's format. */
const fromInt32 = (n: number, format: FloatFormat): Unpacked => fromInteger(BigInt(n | 0), format, format.precision, status);

/** A float as a signed 32-bit integer: the integer indefinite 0x80000000 (IE) when it does not fit. */
function toInt32(u: Unpacked, truncate: boolean): number {
  return Number(toInteger(u, 32, truncate ? Rounding.Zero : status.rounding, status)) | 0;
}

/** Between formats: DE for a denormal source (SDM CVTSS2SD, CVTSD2SS), NaNs quieted (IE for an SNaN). */
function between(u: Unpacked, to: FloatFormat): Unpacked {
  noteDenormals(u, null, status);
  if (u.kind === Kind.SignalingNaN || u.kind === Kind.QuietNaN) {
    const r = specialOperands(u, null, NaNRule.Sse, status);
    return r ?? quieted(u);
  }
  return convert(u, to, to.precision, status);
}

/**
 * A conversion, described by how many elements it makes, where they come from, and what happens to
 * the rest of the destination. The source is S (loaded as the form says: an XMM or MMX register,
 * memory, or a general register), the destination D.
 */
interface Conversion {
  count: number;
  convert: (s: Lanes, i: number) => number | Unpacked;
  /** What the destination elements are: 32-bit integers, singles or doubles. */
  to: 'int32' | 'single' | 'double';
  /** Zero the destination's bits above the converted elements (CVTPD2PS, CVTPD2DQ, CVTTPD2DQ). */
  zeroRest?: boolean;
}

const CONVERSIONS: Record<string, Conversion> = {
  cvtpi2ps: { count: 2, to: 'single', convert: (s, i) => fromInt32(s.i32[i]!, binary32) },
  cvtpi2pd: { count: 2, to: 'double', convert: (s, i) => fromInt32(s.i32[i]!, binary64) },
  cvtsi2ss: { count: 1, to: 'single', convert: (s) => fromInt32(s.i32[0]!, binary32) },
  cvtsi2sd: { count: 1, to: 'double', convert: (s) => fromInt32(s.i32[0]!, binary64) },
  cvtdq2ps: { count: 4, to: 'single', convert: (s, i) => fromInt32(s.i32[i]!, binary32) },
  cvtdq2pd: { count: 2, to: 'double', convert: (s, i) => fromInt32(s.i32[i]!, binary64) },
  cvtps2pi: { count: 2, to: 'int32', convert: (s, i) => toInt32(single(s, i), false) },
  cvttps2pi: { count: 2, to: 'int32', convert: (s, i) => toInt32(single(s, i), true) },
  cvtpd2pi: { count: 2, to: 'int32', convert: (s, i) => toInt32(double(s, i), false) },
  cvttpd2pi: { count: 2, to: 'int32', convert: (s, i) => toInt32(double(s, i), true) },
  cvtss2si: { count: 1, to: 'int32', convert: (s) => toInt32(single(s, 0), false) },
  cvttss2si: { count: 1, to: 'int32', convert: (s) => toInt32(single(s, 0), true) },
  cvtsd2si: { count: 1, to: 'int32', convert: (s) => toInt32(double(s, 0), false) },
  cvttsd2si: { count: 1, to: 'int32', convert: (s) => toInt32(double(s, 0), true) },
  cvtps2dq: { count: 4, to: 'int32', convert: (s, i) => toInt32(single(s, i), false) },
  cvttps2dq: { count: 4, to: 'int32', convert: (s, i) => toInt32(single(s, i), true) },
  cvtpd2dq: { count: 2, to: 'int32', convert: (s, i) => toInt32(double(s, i), false), zeroRest: true },
  cvttpd2dq: { count: 2, to: 'int32', convert: (s, i) => toInt32(double(s, i), true), zeroRest: true },
  cvtps2pd: { count: 2, to: 'double', convert: (s, i) => between(single(s, i), binary64) },
  cvtpd2ps: { count: 2, to: 'single', convert: (s, i) => between(double(s, i), binary32), zeroRest: true },
  cvtss2sd: { count: 1, to: 'double', convert: (s) => between(single(s, 0), binary64) },
  cvtsd2ss: { count: 1, to: 'single', convert: (s) => between(double(s, 0), binary32) },
};

function destinationOf(form: { operands: readonly Operand[] }): Operand {
  return form.operands[0]!;
}

const bindConversion: Binder = (op, insn) => {
  const form = insn.form!;
  const conversion = CONVERSIONS[form.operation]!;
  const dest = destinationOf(form);
  const source = form.operands[1]!;
  const e = entryOf(form.operands, op.isMemory);
  const toGeneral = dest.kind === 'reg';
  const fromGeneral = source.kind === 'rm';
  const destKind = toGeneral ? Register.Xmm : registerKindOf(dest);
  return (cpu, o) => {
    enter(cpu, e);
    if (fromGeneral) S.u32[0] = o.isMemory ? cpu.read32(o.seg, effectiveAddress(cpu, o)) : cpu.regs[o.rm]!;
    else loadSource(cpu, o, source, true);
    if (toGeneral) D.u32.fill(0);
    else loadRegister(cpu, destKind, o.reg, D);
    begin(cpu);
    const results: Array<number | Unpacked> = [];
    for (let i = 0; i < conversion.count; i++) {
      results.push(conversion.convert(S, i));
      element();
    }
    finish(cpu);
    if (conversion.zeroRest) D.u32.fill(0);
    results.forEach((r, i) => {
      if (conversion.to === 'int32') D.i32[i] = r as number;
      else if (conversion.to === 'single') setSingle(D, i, r as Unpacked);
      else setDouble(D, i, r as Unpacked);
    });
    if (toGeneral) cpu.regs[o.reg] = D.i32[0]!;
    else storeRegister(cpu, destKind, o.reg, D);
    leave(cpu, e);
  };
};

// ---------------------------------------------------------------------------------------------
// RCPPS/RCPSS/RSQRTPS/RSQRTSS: approximations with a relative error of at most 1.5 * 2^-12 (SDM).
//
// The SDM defines only that bound and the special cases; the bits are each processor's own (Intel's
// come from a table, AMD's differ). gate86 returns the exact reciprocal (or reciprocal square root)
// rounded to nearest binary32, which is within the bound. No MXCSR flag is ever raised, and MXCSR's
// rounding mode and FTZ do not apply; DAZ does not either: a denormal input is taken as a zero of
// its sign (so 1/x is an infinity), and results below 2^-126 are zeros (RCPSS of |x| > 2^126).

function approximation(reciprocalSqrt: boolean): FloatOperation {
  return (d, s, shape) => {
    for (let i = 0; i < shape.count; i++) {
      const bits = s.u32[i]!;
      const u = unpackBinary32(bits);
      let r: Unpacked;
      if (u.kind === Kind.QuietNaN || u.kind === Kind.SignalingNaN) r = quieted(u);
      else if (u.kind === Kind.Zero || u.denormal) r = infinity(u.sign);
      else if (reciprocalSqrt && u.sign === 1) r = defaultNaN();
      else if (u.kind === Kind.Infinity) r = zero(u.sign);
      else {
        const local = new FloatStatus();
        const one = fromInteger(1n, binary32, 24, local);
        const x = reciprocalSqrt ? squareRoot(u, binary64, 53, NaNRule.Sse, local) : u;
        const q = divide(one, x, binary32, 24, NaNRule.Sse, local);
        r = q.kind === Kind.Finite && q.exp < binary32.emin ? zero(q.sign) : q;
      }
      d.u32[i] = packBinary32(r);
    }
  };
}

// ---------------------------------------------------------------------------------------------

const arithmeticOperations: Array<[string, FloatOperation]> = [
  ['add', elementwise(addition)], ['sub', elementwise(subtraction)], ['mul', elementwise(multiplication)],
  ['div', elementwise(division)], ['sqrt', elementwise(root)], ['min', minimumOrMaximum(false)], ['max', minimumOrMaximum(true)],
  ['cmp', comparison],
];

export const floatOperations: Record<string, Binder> = {
  ...Object.fromEntries(arithmeticOperations.flatMap(([name, f]) => ['ps', 'ss', 'pd', 'sd'].map((t) => [`${name}${t}`, bindFloat(f)]))),
  rcpps: bindFloat(approximation(false)), rcpss: bindFloat(approximation(false)),
  rsqrtps: bindFloat(approximation(true)), rsqrtss: bindFloat(approximation(true)),
  comiss: bindCompareFlags(true), comisd: bindCompareFlags(true),
  ucomiss: bindCompareFlags(false), ucomisd: bindCompareFlags(false),
  ...Object.fromEntries(Object.keys(CONVERSIONS).map((name) => [name, bindConversion])),
};
