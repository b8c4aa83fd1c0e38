// Floating-point operands and starting states for the x87 cases: values of every class in every
// format (zeros, denormals, pseudo-denormals, normals near the limits and near 1, integers, infinities,
// quiet and signalling NaNs, the unsupported extended encodings), and FXSAVE images of random x87
// states (control word with every rounding and precision mode, TOP, tags, registers).

import type { Random } from '../case.ts';
import { defaultFpuImage } from '../layout.ts';

/** An 80-bit value: sign/exponent word and 64-bit significand. */
export type Extended = [signExponent: number, significand: bigint];

export function randomBits64(r: Random): bigint {
  return (BigInt(r.u32()) << 32n) | BigInt(r.u32());
}

/** A 64-bit significand with the integer bit set and a shape that matters for rounding. */
function significand(r: Random): bigint {
  const j = 1n << 63n;
  switch (r.below(9)) {
    case 0: return j;
    case 1: return (1n << 64n) - 1n;
    case 2: return j | BigInt(r.below(256));
    case 3: return j | ((randomBits64(r) >> 40n) << 40n) | (r.chance(0.5) ? 1n << 39n : 0n); // ties at 24 bits
    case 4: return j | ((randomBits64(r) >> 11n) << 11n) | (r.chance(0.5) ? 1n << 10n : 0n); // ties at 53 bits
    case 5: return (j | randomBits64(r)) & ~((1n << BigInt(r.below(64))) - 1n);
    case 6: return j | (randomBits64(r) >> 1n) | 1n;
    default: return j | randomBits64(r);
  }
}

function exponent(r: Random): number {
  switch (r.below(7)) {
    case 0: return 1 + r.below(70); // near the extended denormals
    case 1: return 0x7ffe - r.below(70); // near overflow
    case 2: return 0x3fff - 66 + r.below(132); // ordinary, integers up to 2^66
    case 3: return 0x3fff - 0x3f80 + r.below(200); // the binary32 denormal range
    case 4: return 0x3fff - 0x3c00 - 100 + r.below(200); // the binary64 denormal range
    case 5: return 0x3fff - 3 + r.below(6);
    default: return 1 + r.below(0x7ffe);
  }
}

/** Any 80-bit value, weighted toward the classes that behave differently. */
export function randomExtended(r: Random): Extended {
  const sign = r.chance(0.5) ? 0x8000 : 0;
  switch (r.below(24)) {
    case 0: case 1: return [sign, 0n];
    case 2: return [sign, (randomBits64(r) >> BigInt(1 + r.below(63))) || 1n]; // denormal
    case 3: return [sign, (1n << 63n) | (randomBits64(r) >> BigInt(1 + r.below(63)))]; // pseudo-denormal
    case 4: return [sign | 0x7fff, 1n << 63n]; // infinity
    case 5: return [sign | 0x7fff, (3n << 62n) | (randomBits64(r) >> BigInt(2 + r.below(62)))]; // QNaN
    case 6: return [sign | 0x7fff, (1n << 63n) | ((randomBits64(r) >> BigInt(2 + r.below(62))) || 1n)]; // SNaN
    case 7: return [0xffff, 3n << 62n]; // the default NaN
    case 8: return [sign | exponent(r), randomBits64(r) >> 1n]; // unnormal
    case 9: return [sign | 0x7fff, randomBits64(r) >> 1n]; // pseudo-NaN, pseudo-infinity
    case 10: case 11: { // an integer (FIST, FRNDINT, FBSTP, FPREM quotients)
      const bits = 1 + r.below(64);
      const value = (randomBits64(r) >> BigInt(64 - bits)) | (1n << BigInt(bits - 1));
      return [sign | (0x3fff + bits - 1), value << BigInt(64 - bits)];
    }
    default: return [sign | exponent(r), significand(r)];
  }
}

/** A value near `base` (same or close exponent): cancellation, ties, quotients near a power of two. */
export function nearExtended(r: Random, base: Extended): Extended {
  const sign = r.chance(0.5) ? 0x8000 : 0;
  const e = Math.min(0x7ffe, Math.max(1, (base[0] & 0x7fff) + r.below(140) - 70));
  const sig = r.chance(0.5) ? base[1] ^ (1n << BigInt(r.below(40))) : significand(r);
  return [sign | e, sig | (1n << 63n)];
}

/** A finite, ordinary value (for operations whose domain the SDM restricts). */
export function ordinaryExtended(r: Random, minExponent = -20, maxExponent = 20): Extended {
  const sign = r.chance(0.5) ? 0x8000 : 0;
  return [sign | (0x3fff + minExponent + r.below(maxExponent - minExponent + 1)), significand(r)];
}

/** binary32 bits of every class. */
export function randomSingle(r: Random): number {
  const sign = r.chance(0.5) ? 0x80000000 : 0;
  switch (r.below(16)) {
    case 0: return sign >>> 0;
    case 1: return (sign | (1 + r.below(0x7fffff))) >>> 0; // denormal
    case 2: return (sign | 0x7f800000) >>> 0;
    case 3: return (sign | 0x7fc00000 | r.below(0x400000)) >>> 0; // QNaN
    case 4: return (sign | 0x7f800000 | (1 + r.below(0x3fffff))) >>> 0; // SNaN
    case 5: return (sign | 0x00800000) >>> 0; // smallest normal
    case 6: return (sign | 0x7f7fffff) >>> 0; // largest
    case 7: return (sign | ((127 + r.below(31)) << 23) | (r.u32() & 0x7fffff & ~((1 << r.below(23)) - 1))) >>> 0; // integers-ish
    default: return (sign | ((1 + r.below(254)) << 23) | (r.u32() & 0x7fffff)) >>> 0;
  }
}

/** binary64 bits of every class. */
export function randomDouble(r: Random): bigint {
  const sign = r.chance(0.5) ? 1n << 63n : 0n;
  const fraction = randomBits64(r) & ((1n << 52n) - 1n);
  switch (r.below(16)) {
    case 0: return sign;
    case 1: return sign | (fraction || 1n); // denormal
    case 2: return sign | (0x7ffn << 52n);
    case 3: return sign | (0x7ffn << 52n) | (1n << 51n) | (fraction >> 1n); // QNaN
    case 4: return sign | (0x7ffn << 52n) | ((fraction >> 1n) || 1n); // SNaN
    case 5: return sign | (1n << 52n);
    case 6: return sign | (0x7fen << 52n) | ((1n << 52n) - 1n);
    case 7: return sign | (BigInt(1023 + r.below(63)) << 52n) | (fraction & ~((1n << BigInt(r.below(52))) - 1n));
    default: return sign | (BigInt(1 + r.below(0x7fe)) << 52n) | fraction;
  }
}

/** A signed integer of `bits` bits, often an edge value. */
export function randomInteger(r: Random, bits: 16 | 32 | 64): bigint {
  const edges = [0n, 1n, -1n, (1n << BigInt(bits - 1)) - 1n, -(1n << BigInt(bits - 1)), 2n, 10n, -3n];
  if (r.chance(0.4)) return r.pick(edges);
  return BigInt.asIntN(bits, randomBits64(r) >> BigInt(r.below(64)));
}

// ---------------------------------------------------------------------------------------------
// Bytes.

export function putBytes(bytes: Uint8Array, at: number, value: bigint, length: number): void {
  for (let i = 0; i < length; i++) bytes[at + i] = Number((value >> BigInt(8 * i)) & 0xffn);
}

export function putExtended(bytes: Uint8Array, at: number, [se, sig]: Extended): void {
  putBytes(bytes, at, sig, 8);
  bytes[at + 8] = se & 0xff;
  bytes[at + 9] = se >> 8;
}

/** 18 packed BCD digits and a sign (valid digits only: the SDM leaves others undefined). */
export function randomBcd(r: Random): Uint8Array {
  const b = new Uint8Array(10);
  const digits = r.chance(0.3) ? r.below(4) : 1 + r.below(18);
  for (let d = 0; d < digits; d++) b[d >> 1] |= r.below(10) << ((d & 1) * 4);
  if (r.chance(0.5)) b[9] = 0x80;
  return b;
}

// ---------------------------------------------------------------------------------------------
// Starting states.

export interface StateOptions {
  /** Registers ST(i) that must be valid (bit i), or must be empty (bit i of `empty`). */
  valid?: number;
  empty?: number;
  /** How likely any other register is valid. */
  density?: number;
  /** Exceptions to leave unmasked (FCW bits 0-5); default all masked. */
  unmasked?: number;
  /** A value for some ST(i). */
  values?: Map<number, Extended>;
  /** Precision and rounding control; random when absent. */
  precision?: number;
  rounding?: number;
}

/** Random rounding and precision control: every mode, the reserved PC value 01 now and then. */
export function randomModes(r: Random): { precision: number; rounding: number } {
  return { precision: r.pick([0, 2, 3, 3, 3, 1]), rounding: r.below(4) };
}

/**
 * An FXSAVE image of a random x87 state: FCW with the modes and masks asked for, FSW with a random
 * TOP, sticky flags only where they are masked (so nothing is pending), condition codes, tags.
 */
export function randomFpuImage(r: Random, options: StateOptions = {}): Uint8Array {
  const image = defaultFpuImage();
  const modes = randomModes(r);
  const precision = options.precision ?? modes.precision;
  const rounding = options.rounding ?? modes.rounding;
  const unmasked = options.unmasked ?? 0;
  const control = 0x40 | (rounding << 10) | (precision << 8) | (0x3f & ~unmasked);
  const top = r.below(8);
  const sticky = r.chance(0.3) ? r.u32() & 0x3f & ~unmasked : 0;
  const conditions = r.u32() & 0x4700;
  const status = (top << 11) | conditions | sticky;
  image[0] = control & 0xff;
  image[1] = control >> 8;
  image[2] = status & 0xff;
  image[3] = status >> 8;
  let validPhysical = 0;
  const density = options.density ?? 0.6;
  for (let i = 0; i < 8; i++) {
    const must = ((options.valid ?? 0) >> i) & 1;
    const mustNot = ((options.empty ?? 0) >> i) & 1;
    const isValid = must === 1 || (mustNot === 0 && r.chance(density));
    if (isValid) validPhysical |= 1 << ((top + i) & 7);
    const value = options.values?.get(i) ?? randomExtended(r);
    putExtended(image, 32 + 16 * i, value);
  }
  image[4] = validPhysical;
  // Last instruction and data pointers as an earlier instruction might have left them.
  if (r.chance(0.5)) {
    const fop = r.below(0x800);
    image[6] = fop & 0xff;
    image[7] = fop >> 8;
    putBytes(image, 8, BigInt(r.u32()), 4);
    putBytes(image, 16, BigInt(r.u32()), 4);
  }
  return image;
}
