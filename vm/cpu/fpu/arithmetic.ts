// x87 arithmetic: FADD, FSUB, FSUBR, FMUL, FDIV, FDIVR (register, m32real, m64real, m16int, m32int,
// and popping forms), FSQRT, FABS, FCHS, FRNDINT, FSCALE, FXTRACT, FPREM, FPREM1.
//
// Precision control (FCW.PC) applies to the six basic operations and FSQRT only (SDM Vol. 1,
// 8.1.5.2); everything else rounds to 64 bits. The operation names are Intel's: FSUB d, s is
// d - s and FSUBR d, s is s - d, whatever AT&T calls the register forms (vm/isa/forms/x87.ts).

import type { Cpu } from '../cpu.ts';
import { effectiveAddress, type Executor } from '../op.ts';
import {
  add, defaultNaN, divide, extended, fromMagnitude, infinity, invalid, Kind, multiply, NaNRule, noteDenormals,
  roundPack, roundToIntegral, specialOperands, squareRoot, unpackBinary32, unpackBinary64, zero,
  FLAG_DENORMAL, FLAG_DIVIDE_BY_ZERO, Unpacked,
} from '../softfloat/index.ts';
import { emptyTopUnderflows, isEmpty, pop, pushOverflows, readStack, stackOverflow, stackUnderflow, writeStack, push } from './registers.ts';
import {
  acceptResult, beginWaiting, noteDataPointer, notePointers, setC1, setConditions, status, SW_C0, SW_C3,
} from './unit.ts';

export const enum Arithmetic { Add = 0, Mul = 1, Sub = 4, SubR = 5, Div = 6, DivR = 7 }

/** dest op src, Intel's way round, at the precision control's precision. */
function compute(kind: Arithmetic, dest: Unpacked, src: Unpacked): Unpacked {
  const p = status.precision;
  switch (kind) {
    case Arithmetic.Add: return add(dest, src, false, extended, p, NaNRule.X87, status);
    case Arithmetic.Mul: return multiply(dest, src, extended, p, NaNRule.X87, status);
    case Arithmetic.Sub: return add(dest, src, true, extended, p, NaNRule.X87, status);
    case Arithmetic.SubR: return add(src, dest, true, extended, p, NaNRule.X87, status);
    case Arithmetic.Div: return divide(dest, src, extended, p, NaNRule.X87, status);
    default: return divide(src, dest, extended, p, NaNRule.X87, status);
  }
}

/**
 * Deliver a computed result to ST(dest): FSW flags and C1, then the value unless an unmasked
 * IE/DE/ZE stopped the instruction (then neither the register nor TOP changes).
 */
function commit(cpu: Cpu, dest: number, result: Unpacked, popAfter: boolean): void {
  if (!acceptResult(cpu)) return;
  writeStack(cpu.fpu, dest, result);
  if (popAfter) pop(cpu.fpu);
}

/** FADD ST(0),ST(i) and the others: `toRegister` means ST(i) is the destination (DC, DE). */
export function arithmeticRegister(kind: Arithmetic, toRegister: boolean, popAfter: boolean): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    notePointers(cpu, op);
    const f = cpu.fpu;
    const dest = toRegister ? op.rm : 0;
    const src = toRegister ? 0 : op.rm;
    if (isEmpty(f, 0) || isEmpty(f, op.rm)) {
      if (!stackUnderflow(cpu)) return;
      writeStack(f, dest, defaultNaN());
      if (popAfter) pop(f);
      return;
    }
    status.setFromX87Control(f.control);
    commit(cpu, dest, compute(kind, readStack(f, dest), readStack(f, src)), popAfter);
  };
}

export const enum MemoryOperand { Single, Double, Int16, Int32 }

/** FADD m32real and the others: ST(0) = ST(0) op memory. */
export function arithmeticMemory(kind: Arithmetic, operand: MemoryOperand): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    const offset = effectiveAddress(cpu, op);
    const value = readOperand(cpu, op.seg, offset, operand);
    notePointers(cpu, op);
    noteDataPointer(cpu, op, offset);
    const f = cpu.fpu;
    if (emptyTopUnderflows(cpu)) return;
    status.setFromX87Control(f.control);
    commit(cpu, 0, compute(kind, readStack(f, 0), value), false);
  };
}

/** A memory operand as a value: binary32/64 unpacked, integers exact. */
export function readOperand(cpu: Cpu, seg: number, offset: number, operand: MemoryOperand): Unpacked {
  switch (operand) {
    case MemoryOperand.Single: return unpackBinary32(cpu.read32(seg, offset));
    case MemoryOperand.Double:
      cpu.checkAlignment(seg, offset, 8); // an m64real is one quadword to the alignment check
      return unpackBinary64(cpu.read32(seg, offset) >>> 0, cpu.read32(seg, (offset + 4) | 0) >>> 0);
    case MemoryOperand.Int16: return integerValue((cpu.read16(seg, offset) << 16) >> 16);
    default: return integerValue(cpu.read32(seg, offset) | 0);
  }
}

function integerValue(n: number): Unpacked {
  return fromMagnitude(n < 0 ? 1 : 0, BigInt(Math.abs(n)));
}

// ---------------------------------------------------------------------------------------------
// One-operand instructions on ST(0).

/** An instruction computing ST(0) from ST(0): FSQRT, FRNDINT. */
function unaryExecutor(work: (a: Unpacked) => Unpacked): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    notePointers(cpu, op);
    const f = cpu.fpu;
    if (emptyTopUnderflows(cpu)) return;
    status.setFromX87Control(f.control);
    commit(cpu, 0, work(readStack(f, 0)), false);
  };
}

export const fsqrt = unaryExecutor((a) => squareRoot(a, extended, status.precision, NaNRule.X87, status));
export const frndint = unaryExecutor((a) => roundToIntegral(a, status.rounding, NaNRule.X87, status));

/** FABS and FCHS work on the sign bit alone: no exception for a NaN, C1 cleared. */
export function signExecutor(change: (signExponent: number) => number): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    notePointers(cpu, op);
    const f = cpu.fpu;
    if (emptyTopUnderflows(cpu)) return;
    setC1(cpu, false);
    f.signExponent[f.top] = change(f.signExponent[f.top]!);
  };
}

// ---------------------------------------------------------------------------------------------
// FSCALE: ST(0) * 2^trunc(ST(1)).

/** Beyond this the result over- or underflows whatever ST(0) is, even after the x87's exponent wrap. */
const SCALE_LIMIT = 1 << 17;

function scale(a: Unpacked, b: Unpacked): Unpacked {
  const special = specialOperands(a, b, NaNRule.X87, status);
  if (special !== null) return special;
  status.roundedUp = false;
  if (b.kind === Kind.Infinity) {
    const up = b.sign === 0;
    if ((a.kind === Kind.Zero && up) || (a.kind === Kind.Infinity && !up)) return invalid(status);
    noteDenormals(a, b, status);
    if (a.kind === Kind.Zero || a.kind === Kind.Infinity) return a;
    return up ? infinity(a.sign) : zero(a.sign);
  }
  noteDenormals(a, b, status);
  if (a.kind !== Kind.Finite) return a;
  let n = 0;
  if (b.kind === Kind.Finite && b.exp >= 0) n = b.exp >= 20 ? SCALE_LIMIT : Math.min(SCALE_LIMIT, Number(b.sig >> BigInt(63 - b.exp)));
  if (b.sign === 1) n = -n;
  return roundPack(a.sign, a.sig, a.exp - 63 + n, extended, 64, status);
}

export const fscale: Executor = (cpu, op) => {
  beginWaiting(cpu);
  notePointers(cpu, op);
  const f = cpu.fpu;
  if (isEmpty(f, 0) || isEmpty(f, 1)) {
    if (stackUnderflow(cpu)) writeStack(f, 0, defaultNaN());
    return;
  }
  status.setFromX87Control(f.control);
  commit(cpu, 0, scale(readStack(f, 0), readStack(f, 1)), false);
};

// ---------------------------------------------------------------------------------------------
// FXTRACT: ST(0) = exponent, then push the significand (value in [1, 2), same sign).

export const fxtract: Executor = (cpu, op) => {
  beginWaiting(cpu);
  notePointers(cpu, op);
  const f = cpu.fpu;
  if (isEmpty(f, 0)) {
    // Masked: the default NaN both in ST(0) and pushed, even over a valid ST(7) (the host CPU).
    if (!stackUnderflow(cpu)) return;
    writeStack(f, 0, defaultNaN());
    push(f, defaultNaN());
    return;
  }
  if (pushOverflows(f)) {
    if (!stackOverflow(cpu)) return;
    writeStack(f, 0, defaultNaN());
    push(f, defaultNaN());
    return;
  }
  status.setFromX87Control(f.control);
  const a = readStack(f, 0);
  let exponent: Unpacked;
  let significand: Unpacked;
  const special = specialOperands(a, null, NaNRule.X87, status);
  if (special !== null) {
    exponent = special;
    significand = special;
  } else if (a.kind === Kind.Zero) {
    status.flags |= FLAG_DIVIDE_BY_ZERO;
    exponent = infinity(1);
    significand = a;
  } else if (a.kind === Kind.Infinity) {
    exponent = infinity(0);
    significand = a;
  } else {
    if (a.denormal) status.flags |= FLAG_DENORMAL;
    exponent = fromMagnitude(a.exp < 0 ? 1 : 0, BigInt(Math.abs(a.exp)));
    significand = new Unpacked(Kind.Finite, a.sign, 0, a.sig);
  }
  status.roundedUp = false;
  if (!acceptResult(cpu)) return;
  writeStack(f, 0, exponent);
  push(f, significand);
};

// ---------------------------------------------------------------------------------------------
// FPREM and FPREM1: the partial remainder (SDM Vol. 2A "FPREM"). When the exponents differ by less
// than 64 the remainder is complete (C2 = 0) and C0, C3, C1 receive quotient bits 2, 1, 0; else the
// exponent is reduced by N = 32 + (difference mod 32) and C2 = 1 asks for another round. FPREM
// truncates the quotient (the remainder has the dividend's sign); FPREM1 rounds it to nearest
// (IEEE remainder) when complete. The remainder is exact; it can only be tiny (UE, unmasked).

const QUOTIENT_BITS = [0, 0x200, 0x4000, 0x4200, 0x100, 0x300, 0x4100, 0x4300]; // q mod 8 -> C1, C3, C0

/** C1 and C2 cleared, C0 and C3 kept: what a NaN or invalid operand, or a stack fault, leaves (the host CPU). */
function noQuotient(cpu: Cpu): number {
  return cpu.fpu.status & (SW_C0 | SW_C3);
}

function partialRemainder(cpu: Cpu, nearest: boolean): void {
  const f = cpu.fpu;
  const a = readStack(f, 0);
  const b = readStack(f, 1);
  const special = specialOperands(a, b, NaNRule.X87, status);
  let result: Unpacked;
  let conditions = 0;
  if (special !== null) {
    result = special;
    conditions = noQuotient(cpu);
  } else if (a.kind === Kind.Infinity || b.kind === Kind.Zero) {
    result = invalid(status);
    conditions = noQuotient(cpu);
  } else {
    noteDenormals(a, b, status);
    // The dividend comes back unchanged — but as a result: a tiny one raises UE when unmasked (and
    // is delivered wrapped), as the host CPU does.
    const unchanged = (): Unpacked => (a.kind === Kind.Finite ? roundPack(a.sign, a.sig, a.exp - 63, extended, 64, status) : a);
    if (a.kind === Kind.Zero || b.kind === Kind.Infinity) result = unchanged();
    else {
      const difference = a.exp - b.exp;
      if (difference < 0) {
        // |a| < |b|: quotient 0, or 1 for FPREM1 when |a| > |b|/2.
        if (nearest && difference === -1 && a.sig > b.sig) {
          // |a| > |b|/2: the nearest quotient is 1 and the remainder |b| - |a|, of the other sign.
          result = roundPack(a.sign ^ 1, (b.sig << 1n) - a.sig, a.exp - 63, extended, 64, status);
          conditions = QUOTIENT_BITS[1]!;
        } else result = unchanged();
      } else if (difference < 64) {
        const aSig = a.sig << BigInt(difference);
        let q = aSig / b.sig;
        let r = aSig - q * b.sig; // a mod b in units of 2^(b.exp - 63)
        let sign = a.sign;
        if (nearest) {
          const twice = r << 1n;
          if (twice > b.sig || (twice === b.sig && (q & 1n) === 1n)) {
            q += 1n;
            r = b.sig - r;
            sign ^= 1;
          }
        }
        result = r === 0n ? zero(a.sign) : roundPack(sign, r, b.exp - 63, extended, 64, status);
        conditions = QUOTIENT_BITS[Number(q & 7n)]!;
      } else {
        // Reduce the exponent by N: q = trunc(|a| / (|b| * 2^(difference - N))), at most N + 1 bits.
        const n = 32 + (difference % 32);
        const scaled = a.sig << BigInt(n);
        const r = scaled - (scaled / b.sig) * b.sig; // in units of 2^(b.exp - 63 + difference - n)
        result = r === 0n ? zero(a.sign) : roundPack(a.sign, r, b.exp - 63 + difference - n, extended, 64, status);
        conditions = 0x400; // C2: incomplete, run it again
      }
    }
  }
  if (!acceptResult(cpu)) {
    setConditions(cpu, noQuotient(cpu));
    return;
  }
  setConditions(cpu, conditions);
  writeStack(f, 0, result);
}

export const fprem = premExecutor(false);
export const fprem1 = premExecutor(true);

function premExecutor(nearest: boolean): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    notePointers(cpu, op);
    const f = cpu.fpu;
    if (isEmpty(f, 0) || isEmpty(f, 1)) {
      setConditions(cpu, noQuotient(cpu));
      if (stackUnderflow(cpu)) writeStack(f, 0, defaultNaN());
      return;
    }
    status.setFromX87Control(f.control);
    partialRemainder(cpu, nearest);
  };
}

