// Rounding: the one place where an exact result becomes a value of a format.
//
// Every operation computes its result exactly — or exactly enough: the low bit of the significand it
// passes in may be a "sticky" bit standing for nonzero bits further down, which decides ties and
// inexactness the same way the infinitely precise value would — and calls `roundPack`. The steps are
// those of IEEE 754 as the x86 implements them:
//
//  1. Round to `precision` significant bits as if the exponent range were unbounded.
//  2. Overflow: the rounded exponent exceeds emax.
//       masked:   +-infinity or the largest finite value, depending on the rounding direction; OE, PE.
//       unmasked: the x87 delivers the rounded value with its exponent reduced by `wrapBias`
//                 (24576 for extended), so that a handler can still see it; OE (and PE if inexact).
//                 Beyond what the wrap can bring back: infinity with PE (and a zero for underflow).
//                 The wrap is the x87's alone (status.exponentWrap): SSE gets OE, and PE if inexact,
//                 and writes nothing.
//  3. Tininess is detected AFTER rounding (step 1's result is below 2^emin), as the x86 does
//     (SDM Vol. 1, 4.9.1.5: the x87 and SSE units detect tininess after rounding).
//       masked:   the value is rounded again, this time to the fixed bit position of the
//                 denormals (2^(emin - precision + 1)); UE and PE are raised only if that
//                 denormalised result is inexact. It may round up to the smallest normal.
//       unmasked: UE is raised for every tiny result, exact or not, and the x87 delivers the value
//                 of step 1 with its exponent increased by `wrapBias`.
//  4. Otherwise PE if step 1 was inexact.
// `status.roundedUp` tells whether the delivered value is larger in magnitude than the exact one
// (the x87's C1).
//
// x87 precision control rounds to 24 or 53 bits but keeps the extended exponent range; the denormal
// rounding position of step 3 is then 2^(emin - precision + 1) with extended's emin, which is what
// the formula above gives for every (format, precision) pair.

import { bitLength, infinity, Kind, Unpacked, zero, type FloatFormat } from './format.ts';
import { FLAG_INEXACT, FLAG_OVERFLOW, FLAG_UNDERFLOW, Rounding, type FloatStatus } from './status.ts';

// The outcome of `roundAt`, kept in module variables so that rounding allocates nothing but bigints.
let roundedSig = 0n;
let roundedInexact = false;
let roundedIncremented = false;

/**
 * Round sig * 2^e to an integer multiple of 2^lsb (lsb >= e gives an exact left shift). Leaves the
 * multiple in roundedSig, and whether bits were lost and whether the magnitude was incremented.
 */
function roundAt(sign: number, sig: bigint, e: number, lsb: number, rounding: Rounding): void {
  const shift = lsb - e;
  if (shift <= 0) {
    roundedSig = shift === 0 ? sig : sig << BigInt(-shift);
    roundedInexact = false;
    roundedIncremented = false;
    return;
  }
  const s = BigInt(shift);
  const q = sig >> s;
  const remainder = sig - (q << s);
  roundedSig = q;
  roundedIncremented = false;
  roundedInexact = remainder !== 0n;
  if (!roundedInexact) return;
  let increment: boolean;
  switch (rounding) {
    case Rounding.Nearest: {
      const half = 1n << (s - 1n);
      increment = remainder > half || (remainder === half && (q & 1n) === 1n);
      break;
    }
    case Rounding.Down: increment = sign === 1; break;
    case Rounding.Up: increment = sign === 0; break;
    default: increment = false;
  }
  if (increment) {
    roundedSig = q + 1n;
    roundedIncremented = true;
  }
}

/** A finite value from an integer significand q (nonzero) whose leading bit weighs 2^exp. */
function finite(sign: number, exp: number, q: bigint): Unpacked {
  const shift = 64 - bitLength(q);
  return new Unpacked(Kind.Finite, sign, exp, shift >= 0 ? q << BigInt(shift) : q >> BigInt(-shift));
}

/**
 * Round the exact value (-1)^sign * sig * 2^e (sig > 0, possibly ending in a sticky bit) to
 * `precision` bits in `format`'s exponent range, raising OE/UE/PE in `status` as described above.
 * A zero sig returns a zero of the given sign: the caller chooses the sign of an exact zero.
 */
export function roundPack(sign: number, sig: bigint, e: number, format: FloatFormat, precision: number, status: FloatStatus): Unpacked {
  if (sig === 0n) {
    status.roundedUp = false;
    return zero(sign);
  }
  const leading = e + bitLength(sig) - 1;
  const lsb = leading - (precision - 1);
  roundAt(sign, sig, e, lsb, status.rounding);
  const q = roundedSig;
  const inexact = roundedInexact;
  const incremented = roundedIncremented;
  const exp = lsb + bitLength(q) - 1; // leading + 1 when rounding carried out of the top bit
  if (exp > format.emax) return overflow(sign, exp, q, inexact, incremented, format, precision, status);
  if (exp < format.emin) return underflow(sign, sig, e, exp, q, inexact, incremented, format, precision, status);
  if (inexact) status.flags |= FLAG_INEXACT;
  status.roundedUp = incremented;
  return finite(sign, exp, q);
}

function overflow(sign: number, exp: number, q: bigint, inexact: boolean, incremented: boolean, format: FloatFormat, precision: number, status: FloatStatus): Unpacked {
  const unmasked = (status.masks & FLAG_OVERFLOW) === 0;
  if (unmasked && status.exponentWrap) {
    if (exp - format.wrapBias > format.emax) {
      // Too large even after the wrap (FSCALE by a large amount): infinity, PE, rounded up.
      status.flags |= FLAG_OVERFLOW | FLAG_INEXACT;
      status.roundedUp = true;
      return infinity(sign);
    }
    status.flags |= FLAG_OVERFLOW | (inexact ? FLAG_INEXACT : 0);
    status.roundedUp = incremented;
    return finite(sign, exp - format.wrapBias, q);
  }
  // Masked, or unmasked without the wrap (SSE: the instruction faults and writes nothing, and PE
  // says only whether step 1 was inexact). The value is the masked response.
  status.flags |= FLAG_OVERFLOW | (unmasked && !inexact ? 0 : FLAG_INEXACT);
  const r = status.rounding;
  const toInfinity = r === Rounding.Nearest || (r === Rounding.Up && sign === 0) || (r === Rounding.Down && sign === 1);
  status.roundedUp = toInfinity;
  return toInfinity ? infinity(sign) : finite(sign, format.emax, (1n << BigInt(precision)) - 1n);
}

function underflow(sign: number, sig: bigint, e: number, exp: number, q: bigint, inexact: boolean, incremented: boolean, format: FloatFormat, precision: number, status: FloatStatus): Unpacked {
  if ((status.masks & FLAG_UNDERFLOW) === 0 && !status.exponentWrap) {
    // SSE: UE for every tiny result, PE if step 1 was inexact; the instruction faults and writes
    // nothing, so the value is step 1's (unpackable, never stored).
    status.flags |= FLAG_UNDERFLOW | (inexact ? FLAG_INEXACT : 0);
    status.roundedUp = incremented;
    return finite(sign, exp, q);
  }
  if ((status.masks & FLAG_UNDERFLOW) === 0) {
    if (exp + format.wrapBias < format.emin) {
      // Still tiny after the wrap (FSCALE by a large negative amount): a zero, PE, not rounded up,
      // whatever the rounding mode (the host CPU).
      status.flags |= FLAG_UNDERFLOW | FLAG_INEXACT;
      status.roundedUp = false;
      return zero(sign);
    }
    status.flags |= FLAG_UNDERFLOW | (inexact ? FLAG_INEXACT : 0);
    status.roundedUp = incremented;
    return finite(sign, exp + format.wrapBias, q);
  }
  if (status.flushToZero) {
    status.flags |= FLAG_UNDERFLOW | FLAG_INEXACT;
    status.roundedUp = false;
    return zero(sign);
  }
  const result = denormalise(sign, sig, e, format, precision, status);
  if (roundedInexact) status.flags |= FLAG_UNDERFLOW; // masked: underflow means tiny and inexact
  return result;
}

/** sig * 2^e rounded at the fixed bit position of the format's denormals; PE if bits are lost. */
function denormalise(sign: number, sig: bigint, e: number, format: FloatFormat, precision: number, status: FloatStatus): Unpacked {
  const lsb = format.emin - (precision - 1);
  roundAt(sign, sig, e, lsb, status.rounding);
  if (roundedInexact) status.flags |= FLAG_INEXACT;
  status.roundedUp = roundedIncremented;
  if (roundedSig === 0n) return zero(sign);
  return finite(sign, lsb + bitLength(roundedSig) - 1, roundedSig);
}

/**
 * Round a finite value to an integer in the current rounding direction (FRNDINT, and the first step
 * of every float-to-integer conversion). Returns the integer's magnitude; sets PE and roundedUp.
 */
export function roundToIntegerMagnitude(u: Unpacked, rounding: Rounding, status: FloatStatus): bigint {
  const e = u.exp - 63;
  roundAt(u.sign, u.sig, e, 0, rounding);
  if (roundedInexact) status.flags |= FLAG_INEXACT;
  status.roundedUp = roundedIncremented;
  return roundedSig;
}

/** The finite Unpacked value of a nonzero integer magnitude (exact: |n| < 2^64). */
export function fromMagnitude(sign: number, n: bigint): Unpacked {
  return n === 0n ? zero(sign) : finite(sign, bitLength(n) - 1, n);
}
