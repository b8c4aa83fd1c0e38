// The x87 transcendental instructions: FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1.
//
// Each result is the value of the mathematical function rounded once, in the current rounding mode,
// to 64 bits (precision control does not apply to these), computed with the fixed-point kernels of
// elementary.ts — except for what the hardware itself does differently (SDM Vol. 1, 8.3.8 and the
// instructions' pages):
//   - FSIN, FCOS, FSINCOS and FPTAN reduce their argument modulo pi/2 with the FPU's internal
//     66-bit approximation of pi, not with pi itself: for |x| near a multiple of pi/2 the result is
//     sin of (x - k pi66/2), which can differ from sin x in the last bits. They accept |x| < 2^63;
//     beyond that C2 = 1 and ST(0) is left as it was.
//   - F2XM1 is defined for -1 <= x <= 1 and FYL2XP1 for |x| < 1 - sqrt(2)/2; outside those ranges the
//     SDM leaves the result undefined (the value computed here is the mathematical one).
// Intel documents these results to within one ulp, not correctly rounded: the differential tests
// compare them within one unit in the last place of the host's own answer.

import type { Executor } from '../op.ts';
import {
  bitLength, defaultNaN, extended, fromMagnitude, infinity, invalid, Kind, NaNRule, noteDenormals, roundPack,
  specialOperands, zero, type Unpacked,
} from '../softfloat/index.ts';
import {
  atanOverArgument, atan, cosine, div, expm1OverArgument, exp, LN2, lnMantissa, mul, ONE, P, PI, sinOverArgument,
} from './elementary.ts';
import { emptyTopUnderflows, isEmpty, pop, push, pushOverflows, readStack, stackOverflow, stackUnderflow, writeStack } from './registers.ts';
import { acceptResult, beginWaiting, notePointers, status, SW_C1, SW_C2 } from './unit.ts';

/** The FPU's 66-bit pi, used for argument reduction: pi ~ PI66 / 2^64. */
const PI66 = (0xc90fdaa22168c234n << 2n) | 3n;
/** Guard bits kept beyond a quotient's 64 for rounding. */
const GUARD = 130;

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** A signed exact value num * 2^e rounded to extended (num may carry a sticky bit). */
function rounded(num: bigint, e: number): Unpacked {
  return roundPack(num < 0n ? 1 : 0, abs(num), e, extended, 64, status);
}

/**
 * A computed (never exact) value num * 2^e, rounded: one more bit below says "and a little more"
 * (`nudge` +1) or "a little less" (-1) in magnitude. The series values are irrational, so their
 * truncation error cannot decide a rounding; only when the series degenerates to its first term
 * (an argument too small to show in fixed point) does the direction of the rest matter: sin x < x,
 * cos x < 1, tan x > x, atan x < x for x > 0.
 */
function approximate(num: bigint, e: number, nudge: 1 | -1): Unpacked {
  const magnitude = (abs(num) << 1n) + BigInt(nudge);
  return roundPack(num < 0n ? 1 : 0, magnitude, e - 1, extended, 64, status);
}

/**
 * num / den * 2^e, rounded (num, den > 0), with GUARD extra bits and the remainder as sticky bit;
 * `inexact` when num/den stands for an irrational value even if the division happens to be exact.
 */
function quotient(sign: number, num: bigint, den: bigint, e: number, inexact = false): Unpacked {
  const shift = Math.max(0, GUARD + bitLength(den) - bitLength(num));
  const scaled = num << BigInt(shift);
  const q = scaled / den;
  const sticky = inexact || scaled - q * den !== 0n ? 1n : 0n;
  return roundPack(sign, (q << 1n) | sticky, e - shift - 1, extended, 64, status);
}

/** A finite value as a fixed-point bigint (exact when exp <= P - 63... else truncated to 2^-P). */
function fixed(u: Unpacked): bigint {
  const shift = P + u.exp - 63;
  const m = shift >= 0 ? u.sig << BigInt(shift) : u.sig >> BigInt(-shift);
  return u.sign === 1 ? -m : m;
}

// ---------------------------------------------------------------------------------------------
// FSIN, FCOS, FSINCOS, FPTAN.

interface Reduced {
  /** r = R * 2^-shift, |r| <= pi66/4. */
  R: bigint;
  shift: number;
  /** x = r + quadrant * pi66/2 (mod 2 pi66). */
  quadrant: number;
}

/** x modulo pi66/2, to the nearest multiple (SDM: the reduction is exact, with the 66-bit pi). */
function reduce(a: Unpacked): Reduced {
  const e = a.exp - 63;
  if (a.exp < -1) return { R: a.sign === 1 ? -a.sig : a.sig, shift: -e, quadrant: 0 }; // |x| < 1/2 < pi/4
  const n = a.sig << BigInt(e + 65); // x = n * 2^-65, pi66/2 = PI66 * 2^-65
  let k = n / PI66;
  let r = n - k * PI66;
  if (2n * r > PI66 || (2n * r === PI66 && (k & 1n) === 1n)) {
    k += 1n;
    r -= PI66;
  }
  if (a.sign === 1) {
    k = -k;
    r = -r;
  }
  return { R: r, shift: 65, quadrant: Number(((k % 4n) + 4n) % 4n) };
}

/** r^2 in fixed point (exactly 0 when r is tiny). */
function square(x: Reduced): bigint {
  return (x.R * x.R) >> BigInt(2 * x.shift - P);
}

/** sin x from the reduced argument: the quadrant picks sin or cos of r and the sign. */
function sineOf(a: Unpacked): Unpacked {
  if (a.kind === Kind.Zero) return a;
  const x = reduce(a);
  const q = x.quadrant;
  const w = square(x);
  if ((q & 1) === 0) return approximate(q === 0 ? x.R * sinOverArgument(w) : -(x.R * sinOverArgument(w)), -(x.shift + P), -1);
  return approximate(q === 1 ? cosine(w) : -cosine(w), -P, -1);
}

function cosineOf(a: Unpacked): Unpacked {
  if (a.kind === Kind.Zero) return fromMagnitude(0, 1n);
  const x = reduce(a);
  const q = x.quadrant;
  const w = square(x);
  if ((q & 1) === 0) return approximate(q === 0 ? cosine(w) : -cosine(w), -P, -1);
  const s = x.R * sinOverArgument(w);
  return approximate(q === 1 ? -s : s, -(x.shift + P), -1);
}

/** tan x = sin r / cos r in even quadrants, -cos r / sin r in odd ones. */
function tangentOf(a: Unpacked): Unpacked {
  if (a.kind === Kind.Zero) return a;
  const x = reduce(a);
  const w = square(x);
  const sinNum = x.R * sinOverArgument(w); // sin r = sinNum * 2^-(shift + P)
  const cosFixed = cosine(w);
  if ((x.quadrant & 1) === 0) {
    // (sinNum * 2^-(shift+P)) / (cosFixed * 2^-P), a little more in magnitude than sin r / cos r's truncation
    return quotient(sinNum < 0n ? 1 : 0, abs(sinNum), cosFixed, -x.shift, true);
  }
  return quotient(sinNum < 0n ? 0 : 1, cosFixed, abs(sinNum), x.shift, true);
}

/** 2^63: the largest argument the trigonometric instructions reduce. */
function outOfRange(a: Unpacked): boolean {
  return a.kind === Kind.Finite && a.exp >= 63;
}

/** The trigonometric instructions: which results they push, and how they compute them. */
type Trig = 'sin' | 'cos' | 'sincos' | 'tan';

export function trigonometricExecutor(kind: Trig): Executor {
  const pushes = kind === 'sincos' || kind === 'tan';
  return (cpu, op) => {
    beginWaiting(cpu);
    notePointers(cpu, op);
    const f = cpu.fpu;
    f.status &= ~SW_C2; // 0 for everything but an argument out of range (stack faults included)
    if (isEmpty(f, 0)) {
      if (!stackUnderflow(cpu)) return;
      writeStack(f, 0, defaultNaN());
      if (pushes) push(f, defaultNaN());
      return;
    }
    // A push that overflows is found before the argument is looked at: IE and SF with C1 = 1 (the
    // SDM, Vol. 1 8.5.1.1, and Intel parts; an AMD host clears C1 here), and masked, the default NaN
    // in ST(0) and pushed.
    if (pushes && pushOverflows(f)) {
      if (!stackOverflow(cpu)) return;
      writeStack(f, 0, defaultNaN());
      push(f, defaultNaN());
      return;
    }
    status.setFromX87Control(f.control);
    const a = readStack(f, 0);
    if (outOfRange(a)) {
      // |x| >= 2^63: the argument is left for software to reduce; C2 = 1, C1 = 0.
      f.status = (f.status | SW_C2) & ~SW_C1;
      return;
    }
    let first: Unpacked; // replaces ST(0)
    let second: Unpacked | null = null; // pushed
    const special = specialOperands(a, null, NaNRule.X87, status);
    if (special !== null || a.kind === Kind.Infinity) {
      first = special ?? invalid(status);
      if (pushes) second = first; // FPTAN and FSINCOS push the same NaN (FPTAN no 1.0)
    } else {
      noteDenormals(a, null, status);
      switch (kind) {
        case 'sin': first = sineOf(a); break;
        case 'cos': first = cosineOf(a); break;
        case 'tan': first = tangentOf(a); second = fromMagnitude(0, 1n); break;
        default: first = sineOf(a); second = cosineOf(a); // flags accumulate; C1 tells cos's rounding
      }
    }
    if (!acceptResult(cpu)) return;
    writeStack(f, 0, first);
    if (second !== null) push(f, second);
  };
}

// ---------------------------------------------------------------------------------------------
// F2XM1: 2^x - 1.

function exp2m1(a: Unpacked): Unpacked {
  if (a.kind === Kind.Zero) return a;
  if (a.kind === Kind.Infinity) return a.sign === 0 ? a : fromMagnitude(1, 1n); // 2^-inf - 1 = -1
  if (a.exp <= 0) {
    // |x| < 2: 2^x - 1 = x ln2 E(x ln2) with E(y) = (e^y - 1)/y, keeping a tiny x's precision.
    // 2^x - 1 > x ln2 for every x != 0 (convexity): the rest of the series nudges upward... in value.
    const y = mul(fixed(a), LN2);
    return approximate((a.sign === 1 ? -a.sig : a.sig) * LN2 * expm1OverArgument(y), a.exp - 63 - 2 * P, a.sign === 0 ? 1 : -1);
  }
  // Outside the SDM's range (the result is undefined there): 2^n e^(f ln2) - 1, f in [0, 1).
  if (a.exp >= 15) return a.sign === 0 ? roundPack(0, 1n, 1 << 15, extended, 64, status) : rounded(1n - ONE, -P);
  const x = fixed(a);
  const n = Number(x >> BigInt(P));
  const power = exp(mul(x - (BigInt(n) << BigInt(P)), LN2));
  return n >= 0 ? rounded((power << BigInt(n)) - ONE, -P) : rounded(power - (ONE << BigInt(-n)), -P + n);
}

export const f2xm1: Executor = unaryOnStack((a) => {
  const special = specialOperands(a, null, NaNRule.X87, status);
  if (special !== null) return special;
  noteDenormals(a, null, status);
  return exp2m1(a);
});

function unaryOnStack(work: (a: Unpacked) => Unpacked): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    notePointers(cpu, op);
    const f = cpu.fpu;
    if (emptyTopUnderflows(cpu)) return;
    status.setFromX87Control(f.control);
    const result = work(readStack(f, 0));
    if (!acceptResult(cpu)) return;
    writeStack(f, 0, result);
  };
}

// ---------------------------------------------------------------------------------------------
// FPATAN, FYL2X, FYL2XP1: ST(1) = f(ST(1), ST(0)), then pop.

function binaryPopping(work: (y: Unpacked, x: Unpacked) => Unpacked): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    notePointers(cpu, op);
    const f = cpu.fpu;
    if (isEmpty(f, 0) || isEmpty(f, 1)) {
      if (!stackUnderflow(cpu)) return;
      writeStack(f, 1, defaultNaN());
      pop(f);
      return;
    }
    status.setFromX87Control(f.control);
    const result = work(readStack(f, 1), readStack(f, 0));
    if (!acceptResult(cpu)) return;
    writeStack(f, 1, result);
    pop(f);
  };
}

/** pi times a small rational (num/den), rounded, with a sign. */
function piTimes(sign: number, num: bigint, den: bigint): Unpacked {
  return quotient(sign, PI * num, den * ONE, 0);
}

/** atan2(y, x), the SDM's FPATAN table for the special values. */
function arctangent(y: Unpacked, x: Unpacked): Unpacked {
  const special = specialOperands(y, x, NaNRule.X87, status);
  if (special !== null) return special;
  noteDenormals(y, x, status);
  const s = y.sign;
  const xNegative = x.sign === 1;
  if (y.kind === Kind.Zero) return xNegative ? piTimes(s, 1n, 1n) : zero(s);
  if (y.kind === Kind.Infinity) {
    if (x.kind === Kind.Infinity) return piTimes(s, xNegative ? 3n : 1n, 4n);
    return piTimes(s, 1n, 2n);
  }
  if (x.kind === Kind.Zero) return piTimes(s, 1n, 2n);
  if (x.kind === Kind.Infinity) return xNegative ? piTimes(s, 1n, 1n) : zero(s);
  // Both finite and nonzero: t = min(|y|,|x|) / max(|y|,|x|) in [0, 1].
  const yBigger = y.exp > x.exp || (y.exp === x.exp && y.sig > x.sig);
  const small = yBigger ? x : y;
  const big = yBigger ? y : x;
  const distance = big.exp - small.exp;
  if (!yBigger && !xNegative && distance > 100) {
    // atan t = t (1 - t^2/3 + ...), t tiny: t rounded, nudged just below by a sticky "minus".
    const scaled = small.sig << BigInt(GUARD);
    const q = scaled / big.sig;
    const exact = scaled === q * big.sig;
    return roundPack(s, exact ? (q << 1n) - 1n : (q << 1n) | 1n, small.exp - big.exp - GUARD - 1, extended, 64, status);
  }
  // t in fixed point: small.sig / big.sig * 2^-(distance).
  const t = distance > P ? 0n : (small.sig << BigInt(P - distance)) / big.sig;
  let theta = distance > 100 ? mul(t, atanOverArgument(mul(t, t))) : atan(t);
  if (yBigger) theta = (PI >> 1n) - theta;
  if (xNegative) theta = PI - theta;
  return rounded(s === 1 ? -theta : theta, -P);
}

export const fpatan = binaryPopping(arctangent);

/** log2 x in fixed point for a finite x > 0: exp + ln(m)/ln 2. */
function log2Fixed(x: Unpacked): bigint {
  const m = x.sig << BigInt(P - 63); // [1, 2) in fixed point
  return (BigInt(x.exp) << BigInt(P)) + div(lnMantissa(m), LN2);
}

/** y log2 x, the SDM's FYL2X table for the special values. */
function yLog2X(y: Unpacked, x: Unpacked): Unpacked {
  const special = specialOperands(y, x, NaNRule.X87, status);
  if (special !== null) return special;
  if (x.sign === 1 && x.kind !== Kind.Zero) return invalid(status);
  const isOne = x.kind === Kind.Finite && x.exp === 0 && x.sig === 1n << 63n;
  const belowOne = x.kind === Kind.Zero || (x.kind === Kind.Finite && x.exp < 0);
  if (x.kind === Kind.Zero) {
    if (y.kind === Kind.Zero) return invalid(status);
    if (y.kind === Kind.Finite) {
      status.flags |= 0x04; // ZE: log2 0 = -infinity; it takes priority over DE (no DE then)
      return infinity(y.sign ^ 1);
    }
    return infinity(y.sign ^ 1);
  }
  noteDenormals(y, x, status);
  if (x.kind === Kind.Infinity) {
    if (y.kind === Kind.Zero) return invalid(status);
    return infinity(y.sign);
  }
  if (y.kind === Kind.Infinity) {
    if (isOne) return invalid(status);
    return infinity(y.sign ^ (belowOne ? 1 : 0));
  }
  if (y.kind === Kind.Zero) return zero(y.sign ^ (belowOne ? 1 : 0));
  if (isOne) return zero(y.sign);
  const l = log2Fixed(x);
  const result = rounded((y.sign === 1 ? -y.sig : y.sig) * l, y.exp - 63 - P);
  // An exact product (x a power of two) is still reported inexact, as the host CPU does — and so,
  // when it is tiny, as an underflow.
  if ((status.flags & 0x20) === 0) {
    status.flags |= 0x20;
    if (result.kind === Kind.Finite && result.exp < extended.emin) status.flags |= 0x10;
  }
  return result;
}

export const fyl2x = binaryPopping(yLog2X);

/** y log2(1 + x) for small x: ln(1+x) = 2 z B(z^2), z = x / (2 + x), at the argument's own scale. */
function yLog2XPlus1(y: Unpacked, x: Unpacked): Unpacked {
  const special = specialOperands(y, x, NaNRule.X87, status);
  if (special !== null) return special;
  noteDenormals(y, x, status);
  if (x.kind === Kind.Zero) {
    if (y.kind === Kind.Infinity) return invalid(status);
    return zero(y.sign ^ x.sign);
  }
  if (x.kind === Kind.Infinity) {
    if (x.sign === 1) return invalid(status);
    if (y.kind === Kind.Zero) return invalid(status);
    return infinity(y.sign);
  }
  if (x.sign === 1 && x.exp >= 0) return invalid(status); // x <= -1: outside the domain
  if (y.kind === Kind.Infinity) return infinity(y.sign ^ x.sign);
  if (y.kind === Kind.Zero) return zero(y.sign ^ x.sign);
  if (x.exp >= 0) return yLog2X(y, sumWithOne(x)); // |x| >= 1, outside the SDM's range: log2(1 + x) directly
  const xe = x.exp - 63;
  const xs = x.sign === 1 ? -x.sig : x.sig;
  // z = x / (2 + x) = xs / (xs + 2^(1 - xe)), kept as z * 2^k with about P + 64 significant bits.
  const k = P + 1 - xe;
  const z = (xs << BigInt(k)) / (xs + (1n << BigInt(1 - xe)));
  const w = (z * z) >> BigInt(2 * k - P);
  let b = 0n;
  for (let n = 0, power = ONE; power !== 0n; n++, power = mul(power, w)) b += power / BigInt(2 * n + 1);
  // log2(1 + x) = 2 z b / ln2, at the scale 2^-K; times y.
  const log2 = (2n * z * b) / LN2; // Z scale 2^-K (b and LN2 both at 2^P)
  return rounded((y.sign === 1 ? -y.sig : y.sig) * log2, y.exp - 63 - k);
}

export const fyl2xp1 = binaryPopping(yLog2XPlus1);

/** 1 + x for a finite x with |x| >= 1 (exact: rounding to 64 bits only where FYL2XP1 is undefined anyway). */
function sumWithOne(x: Unpacked): Unpacked {
  const e = x.exp - 63;
  const value = (x.sign === 1 ? -x.sig : x.sig) + (e >= 0 ? 0n : 1n << BigInt(-e));
  return value < 0n ? fromMagnitude(1, 1n) : roundPack(0, value, Math.min(e, 0), extended, 64, status);
}
