// The IEEE 754 operations: add, subtract, multiply, divide, square root, compare, round to integer,
// conversions. Each takes unpacked operands (format.ts), computes the exact result with bigints and
// leaves the rounding to roundPack (round.ts).
//
// Special operands are dealt with first, in the x86's priority order (SDM Vol. 1, 4.9.2):
//   1. an unsupported extended encoding, then a signalling NaN: invalid (IE);
//   2. a quiet NaN: it is the result, and no lower-priority exception is raised;
//   3. an invalid operation (inf - inf, 0 * inf, 0/0, inf/inf, sqrt of a negative) or a division
//      of a finite number by zero (ZE);
//   4. a denormal operand (DE), after which the operation goes on;
//   5. overflow, underflow, inexact: from rounding.
// Which NaN comes out of two NaN operands is the one thing the x87 and SSE units do differently
// (SDM Vol. 1, Table 4-7), so the caller says which rule applies.

import {
  bitLength, defaultNaN, infinity, Kind, quieted, Unpacked, zero, type FloatFormat,
} from './format.ts';
import { fromMagnitude, roundPack, roundToIntegerMagnitude } from './round.ts';
import {
  FLAG_DENORMAL, FLAG_DIVIDE_BY_ZERO, FLAG_INEXACT, FLAG_INVALID, Rounding, type FloatStatus,
} from './status.ts';

export const enum NaNRule {
  /** x87: a quiet NaN wins over a signalling one; between two of a kind the larger significand. */
  X87 = 0,
  /** SSE: the first source operand if it is a NaN, else the second (SDM Table 4-7). */
  Sse = 1,
}

/** IE and the default NaN ("real indefinite"). */
export function invalid(status: FloatStatus): Unpacked {
  status.flags |= FLAG_INVALID;
  status.roundedUp = false;
  return defaultNaN();
}

/**
 * The result of an operation when an operand is a NaN or unsupported, or null when neither is.
 * `b` is null for one-operand operations.
 */
export function specialOperands(a: Unpacked, b: Unpacked | null, rule: NaNRule, status: FloatStatus): Unpacked | null {
  const aKind = a.kind;
  const bKind = b === null ? Kind.Zero : b.kind;
  if (aKind < Kind.QuietNaN && bKind < Kind.QuietNaN) return null;
  if (aKind === Kind.Unsupported || bKind === Kind.Unsupported) return invalid(status);
  status.roundedUp = false;
  const aNaN = aKind === Kind.QuietNaN || aKind === Kind.SignalingNaN;
  const bNaN = bKind === Kind.QuietNaN || bKind === Kind.SignalingNaN;
  if (aKind === Kind.SignalingNaN || bKind === Kind.SignalingNaN) status.flags |= FLAG_INVALID;
  if (!bNaN) return quieted(a);
  if (!aNaN) return quieted(b!);
  if (rule === NaNRule.Sse) return quieted(a);
  // x87: a quiet NaN over a signalling one; else the larger significand; equal ones: the positive.
  const aQuiet = aKind === Kind.QuietNaN;
  if (aQuiet !== (bKind === Kind.QuietNaN)) return quieted(aQuiet ? a : b!);
  const bSig = b!.sig;
  if (a.sig !== bSig) return quieted(a.sig > bSig ? a : b!);
  return quieted(a.sign <= b!.sign ? a : b!);
}

/** DE for each denormal operand (arithmetic only: loads and stores decide for themselves). */
export function noteDenormals(a: Unpacked, b: Unpacked | null, status: FloatStatus): void {
  if (a.denormal || (b !== null && b.denormal)) status.flags |= FLAG_DENORMAL;
}

// ---------------------------------------------------------------------------------------------
// Add and subtract.

/** Bits the larger operand is shifted by when the smaller one is too small to matter but as a sticky bit. */
const FAR_SHIFT = 130;

/** a + b, or a - b when `subtract`. */
export function add(a: Unpacked, b: Unpacked, subtract: boolean, format: FloatFormat, precision: number, rule: NaNRule, status: FloatStatus): Unpacked {
  const special = specialOperands(a, b, rule, status);
  if (special !== null) return special;
  const bSign = subtract ? b.sign ^ 1 : b.sign;
  if (a.kind === Kind.Infinity || b.kind === Kind.Infinity) {
    if (a.kind === Kind.Infinity && b.kind === Kind.Infinity && a.sign !== bSign) return invalid(status);
    noteDenormals(a, b, status);
    status.roundedUp = false;
    return infinity(a.kind === Kind.Infinity ? a.sign : bSign);
  }
  noteDenormals(a, b, status);
  if (a.kind === Kind.Zero && b.kind === Kind.Zero) {
    status.roundedUp = false;
    // +0 + -0 is +0, except when rounding toward -infinity (IEEE 754, 6.3).
    return zero(a.sign === bSign ? a.sign : status.rounding === Rounding.Down ? 1 : 0);
  }
  if (a.kind === Kind.Zero) return roundPack(bSign, b.sig, b.exp - 63, format, precision, status);
  if (b.kind === Kind.Zero) return roundPack(a.sign, a.sig, a.exp - 63, format, precision, status);
  // Both finite: the larger exponent first.
  let big = a, bigSign = a.sign, small = b, smallSign = bSign;
  if (a.exp < b.exp) {
    big = b; bigSign = bSign; small = a; smallSign = a.sign;
  }
  const distance = big.exp - small.exp;
  let bigSig: bigint, smallSig: bigint, e: number;
  if (distance > FAR_SHIFT) {
    bigSig = big.sig << BigInt(FAR_SHIFT);
    smallSig = 1n; // far below half an ulp of any result: only its sign and nonzeroness matter
    e = big.exp - 63 - FAR_SHIFT;
  } else {
    bigSig = big.sig << BigInt(distance);
    smallSig = small.sig;
    e = small.exp - 63;
  }
  if (bigSign === smallSign) return roundPack(bigSign, bigSig + smallSig, e, format, precision, status);
  const difference = bigSig - smallSig;
  if (difference === 0n) {
    status.roundedUp = false;
    return zero(status.rounding === Rounding.Down ? 1 : 0);
  }
  return difference > 0n
    ? roundPack(bigSign, difference, e, format, precision, status)
    : roundPack(smallSign, -difference, e, format, precision, status);
}

// ---------------------------------------------------------------------------------------------
// Multiply, divide, square root.

export function multiply(a: Unpacked, b: Unpacked, format: FloatFormat, precision: number, rule: NaNRule, status: FloatStatus): Unpacked {
  const special = specialOperands(a, b, rule, status);
  if (special !== null) return special;
  const sign = a.sign ^ b.sign;
  if (a.kind === Kind.Infinity || b.kind === Kind.Infinity) {
    if (a.kind === Kind.Zero || b.kind === Kind.Zero) return invalid(status);
    noteDenormals(a, b, status);
    status.roundedUp = false;
    return infinity(sign);
  }
  noteDenormals(a, b, status);
  if (a.kind === Kind.Zero || b.kind === Kind.Zero) {
    status.roundedUp = false;
    return zero(sign);
  }
  return roundPack(sign, a.sig * b.sig, a.exp + b.exp - 126, format, precision, status);
}

/** a / b. */
export function divide(a: Unpacked, b: Unpacked, format: FloatFormat, precision: number, rule: NaNRule, status: FloatStatus): Unpacked {
  const special = specialOperands(a, b, rule, status);
  if (special !== null) return special;
  const sign = a.sign ^ b.sign;
  status.roundedUp = false;
  if (a.kind === Kind.Infinity) {
    if (b.kind === Kind.Infinity) return invalid(status);
    noteDenormals(a, b, status);
    return infinity(sign);
  }
  if (b.kind === Kind.Infinity) {
    noteDenormals(a, b, status);
    return zero(sign);
  }
  if (b.kind === Kind.Zero) {
    if (a.kind === Kind.Zero) return invalid(status);
    status.flags |= FLAG_DIVIDE_BY_ZERO;
    return infinity(sign);
  }
  noteDenormals(a, b, status);
  if (a.kind === Kind.Zero) return zero(sign);
  // 128 extra quotient bits, then the remainder as a sticky bit.
  const numerator = a.sig << 128n;
  const q = numerator / b.sig;
  const sticky = numerator - q * b.sig !== 0n ? 1n : 0n;
  return roundPack(sign, (q << 1n) | sticky, a.exp - b.exp - 129, format, precision, status);
}

/** floor(sqrt(n)) for n >= 0 (Newton's iteration from a double-precision estimate). */
export function integerSqrt(n: bigint): bigint {
  if (n < 2n) return n;
  const bits = bitLength(n);
  // Estimate from the top 52 bits; one Newton step x = (x + n/x) / 2 lands at or above the floor of
  // the root whatever the estimate's error, and from there the iteration decreases to it.
  const shift = Math.max(0, bits - 52) & ~1;
  let x = BigInt(Math.floor(Math.sqrt(Number(n >> BigInt(shift))))) << BigInt(shift / 2);
  if (x === 0n) x = 1n;
  x = (x + n / x) >> 1n;
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

export function squareRoot(a: Unpacked, format: FloatFormat, precision: number, rule: NaNRule, status: FloatStatus): Unpacked {
  const special = specialOperands(a, null, rule, status);
  if (special !== null) return special;
  status.roundedUp = false;
  if (a.kind === Kind.Zero) return zero(a.sign); // sqrt(-0) is -0
  if (a.sign === 1) return invalid(status);
  if (a.kind === Kind.Infinity) return infinity(0);
  noteDenormals(a, null, status);
  // value = sig * 2^E with E = exp - 63; make E even, then take the root of sig * 2^(E - 2k) with 2k
  // extra bits so the root has more than 64 + 2 bits, and keep the remainder as a sticky bit.
  let sig = a.sig;
  let e = a.exp - 63;
  if ((e & 1) !== 0) {
    sig <<= 1n;
    e -= 1;
  }
  const radicand = sig << 140n;
  const root = integerSqrt(radicand);
  const sticky = root * root !== radicand ? 1n : 0n;
  return roundPack(0, (root << 1n) | sticky, (e - 140) / 2 - 1, format, precision, status);
}

// ---------------------------------------------------------------------------------------------
// Conversions.

/**
 * A value rounded into another format (or the same one at a lower precision): FST m32/m64, SSE's
 * CVTSD2SS, FLD m32/m64 (exact). NaNs keep the high bits of their payload, quieted (IE for a
 * signalling one). DE is the caller's to raise: stores do not raise it, loads and SSE do.
 */
export function convert(a: Unpacked, format: FloatFormat, precision: number, status: FloatStatus): Unpacked {
  status.roundedUp = false;
  switch (a.kind) {
    case Kind.Zero: return zero(a.sign);
    case Kind.Infinity: return infinity(a.sign);
    case Kind.Unsupported: return invalid(status);
    case Kind.SignalingNaN: status.flags |= FLAG_INVALID; return quieted(a);
    case Kind.QuietNaN: return quieted(a);
    default: return roundPack(a.sign, a.sig, a.exp - 63, format, precision, status);
  }
}

/** An integer (exact bigint) as a value of a format: FILD (always exact in extended), CVTSI2SS. */
export function fromInteger(n: bigint, format: FloatFormat, precision: number, status: FloatStatus): Unpacked {
  if (n === 0n) {
    status.roundedUp = false;
    return zero(0);
  }
  return n < 0n ? roundPack(1, -n, 0, format, precision, status) : roundPack(0, n, 0, format, precision, status);
}

/**
 * A value as a signed integer of `bits` bits (16, 32, 64), rounded in `rounding` (the current mode,
 * or toward zero for FISTTP/CVTT*). A NaN, an infinity, an unsupported value or one out of range is
 * invalid and gives the "integer indefinite", the most negative integer. Returns the integer
 * (a bigint) and leaves the result of the range check to the caller through `status.flags`.
 */
export function toInteger(a: Unpacked, bits: number, rounding: Rounding, status: FloatStatus): bigint {
  const indefinite = -(1n << BigInt(bits - 1));
  status.roundedUp = false;
  if (a.kind === Kind.Zero) return 0n;
  if (a.kind !== Kind.Finite) {
    status.flags |= FLAG_INVALID;
    return indefinite;
  }
  if (a.exp >= bits) { // at least 2^bits: out of range even before rounding
    status.flags |= FLAG_INVALID;
    return indefinite;
  }
  const flagsBefore = status.flags;
  const magnitude = a.exp < -2 ? roundTiny(a, rounding, status) : roundToIntegerMagnitude(a, rounding, status);
  const limit = 1n << BigInt(bits - 1);
  if (a.sign === 0 ? magnitude >= limit : magnitude > limit) {
    status.flags = flagsBefore | FLAG_INVALID; // no PE: the invalid operation replaces the result
    status.roundedUp = false;
    return indefinite;
  }
  return a.sign === 0 ? magnitude : -magnitude;
}

/** |a| < 1/4 rounds to 0 or 1 without shifting a huge distance. */
function roundTiny(a: Unpacked, rounding: Rounding, status: FloatStatus): bigint {
  status.flags |= FLAG_INEXACT;
  const up = (rounding === Rounding.Up && a.sign === 0) || (rounding === Rounding.Down && a.sign === 1);
  status.roundedUp = up;
  return up ? 1n : 0n;
}

/**
 * Round to an integral value in the current rounding mode, keeping the format (FRNDINT): exact
 * for integers already (|a| >= 2^63 always is), PE and C1 otherwise. Zeros, infinities unchanged.
 */
export function roundToIntegral(a: Unpacked, rounding: Rounding, rule: NaNRule, status: FloatStatus): Unpacked {
  const special = specialOperands(a, null, rule, status);
  if (special !== null) return special;
  status.roundedUp = false;
  if (a.kind !== Kind.Finite) return a;
  noteDenormals(a, null, status);
  if (a.exp >= 63) return a;
  const magnitude = a.exp < -2 ? roundTiny(a, rounding, status) : roundToIntegerMagnitude(a, rounding, status);
  return fromMagnitude(a.sign, magnitude);
}

// ---------------------------------------------------------------------------------------------
// Comparison.

export const enum Relation {
  Less = 0,
  Equal = 1,
  Greater = 2,
  Unordered = 3,
}

/**
 * Compare a with b. A signalling NaN (or an unsupported value) always raises IE; a quiet NaN raises
 * IE only for a signalling comparison (FCOM, COMISS), not for a quiet one (FUCOM, UCOMISS).
 */
export function compare(a: Unpacked, b: Unpacked, signaling: boolean, status: FloatStatus): Relation {
  status.roundedUp = false;
  if (a.kind >= Kind.QuietNaN || b.kind >= Kind.QuietNaN) {
    const quietOnly = a.kind !== Kind.SignalingNaN && a.kind !== Kind.Unsupported && b.kind !== Kind.SignalingNaN && b.kind !== Kind.Unsupported;
    if (signaling || !quietOnly) status.flags |= FLAG_INVALID;
    return Relation.Unordered;
  }
  noteDenormals(a, b, status);
  if (a.kind === Kind.Zero && b.kind === Kind.Zero) return Relation.Equal;
  if (a.sign !== b.sign) {
    if (a.kind === Kind.Zero) return b.sign === 0 ? Relation.Less : Relation.Greater;
    return a.sign === 0 ? Relation.Greater : Relation.Less;
  }
  const magnitude = compareMagnitude(a, b);
  if (magnitude === 0) return Relation.Equal;
  return (magnitude > 0) !== (a.sign === 1) ? Relation.Greater : Relation.Less;
}

/** Sign of |a| - |b| for non-NaN operands. */
function compareMagnitude(a: Unpacked, b: Unpacked): number {
  const rank = (u: Unpacked): number => (u.kind === Kind.Zero ? 0 : u.kind === Kind.Infinity ? 2 : 1);
  const ra = rank(a), rb = rank(b);
  if (ra !== rb || ra !== 1) return ra - rb;
  if (a.exp !== b.exp) return a.exp - b.exp;
  return a.sig === b.sig ? 0 : a.sig > b.sig ? 1 : -1;
}

export { FLAG_INEXACT };
