// The three binary floating-point formats of the i386 family and the one unpacked form every
// operation works on.
//
//   format      bits  exponent  bias   significand                        used by
//   binary32     32     8        127   23 stored + hidden integer bit     m32real, SSE single
//   binary64     64    11       1023   52 stored + hidden integer bit     m64real, SSE2 double
//   extended     80    15      16383   64 stored, the integer bit J too   x87 registers, m80real
//
// Unpacking turns bits into an `Unpacked`: a class (zero, finite, infinity, NaN, unsupported), a sign
// and, for finite values, a 64-bit significand normalised so that bit 63 is set together with an
// unbounded exponent: value = sig * 2^(exp - 63). Denormals are normalised on the way in (their `exp`
// goes below the format's emin and `denormal` says they were one); packing does the reverse.
// NaN payloads are kept as an extended significand (J and the quiet bit 62 at the top), which is
// how the hardware converts a NaN between formats: the payload's high bits travel, the low bits are
// cut off or filled with zeroes.
//
// Extended has encodings the other two lack, because its integer bit is explicit (SDM Vol. 1,
// 8.2.2, Table 8-3): with J clear and a nonzero exponent it is an unnormal, pseudo-NaN or
// pseudo-infinity — "unsupported" since the 387, an invalid operand to every arithmetic instruction;
// with J set and a zero exponent it is a pseudo-denormal, which the processor still accepts as a
// denormal operand (its value is sig * 2^(emin - 63), the same as a denormal with that significand).

export const enum Kind {
  Zero = 0,
  Finite = 1,
  Infinity = 2,
  QuietNaN = 3,
  SignalingNaN = 4,
  /** Extended only: unnormal, pseudo-NaN, pseudo-infinity (J clear, exponent nonzero). */
  Unsupported = 5,
}

export interface FloatFormat {
  readonly name: 'binary32' | 'binary64' | 'extended';
  readonly exponentBits: number;
  /** Significand bits including the integer bit: 24, 53, 64. */
  readonly precision: number;
  readonly bias: number;
  /** Smallest and largest unbiased exponent of a normal number. */
  readonly emin: number;
  readonly emax: number;
  /**
   * The x87's exponent adjustment for an unmasked overflow or underflow whose result goes to a
   * register: 3 * 2^(exponentBits - 2) (24576 for extended; SDM Vol. 1, 8.5.4).
   */
  readonly wrapBias: number;
}

function makeFormat(name: FloatFormat['name'], exponentBits: number, precision: number): FloatFormat {
  const bias = (1 << (exponentBits - 1)) - 1;
  return { name, exponentBits, precision, bias, emin: 1 - bias, emax: bias, wrapBias: 3 << (exponentBits - 2) };
}

export const binary32 = makeFormat('binary32', 8, 24);
export const binary64 = makeFormat('binary64', 11, 53);
export const extended = makeFormat('extended', 15, 64);

/** The quiet bit of a NaN, and the J bit, in the 64-bit (extended) significand. */
export const INTEGER_BIT = 1n << 63n;
export const QUIET_BIT = 1n << 62n;
const SIG_MASK = (1n << 64n) - 1n;
/** The significand of the default NaN ("real indefinite"): J, quiet bit, nothing else; sign set. */
export const INDEFINITE_SIG = INTEGER_BIT | QUIET_BIT;

export class Unpacked {
  constructor(
    public kind: Kind,
    public sign: number,
    /** Unbounded, unbiased exponent of bit 63 of `sig` (finite values only). */
    public exp: number,
    /** Finite: 64 bits with bit 63 set. NaN: the payload as an extended significand. */
    public sig: bigint,
    /** The operand was a denormal (or an extended pseudo-denormal): the x87's DE, SSE's DE. */
    public denormal = false,
  ) {}

  get isNaN(): boolean {
    return this.kind === Kind.QuietNaN || this.kind === Kind.SignalingNaN;
  }
}

export function zero(sign: number): Unpacked {
  return new Unpacked(Kind.Zero, sign, 0, 0n);
}

export function infinity(sign: number): Unpacked {
  return new Unpacked(Kind.Infinity, sign, 0, INTEGER_BIT);
}

/** The default NaN that invalid operations return: negative, quiet, no payload. */
export function defaultNaN(): Unpacked {
  return new Unpacked(Kind.QuietNaN, 1, 0, INDEFINITE_SIG);
}

/** Number of bits in a nonnegative bigint (0 for 0). */
export function bitLength(x: bigint): number {
  let n = 0;
  while (x >= 1n << 64n) {
    x >>= 64n;
    n += 64;
  }
  const high = Number(x >> 32n);
  if (high !== 0) return n + 64 - Math.clz32(high);
  return n + 32 - Math.clz32(Number(x));
}

/** A finite nonzero value from a significand whose leading bit (anywhere) weighs 2^leadingExp. */
function normalised(sign: number, leadingExp: number, sig: bigint, denormal: boolean): Unpacked {
  return new Unpacked(Kind.Finite, sign, leadingExp, sig << BigInt(64 - bitLength(sig)), denormal);
}

// ---------------------------------------------------------------------------------------------
// binary32 and binary64: a hidden integer bit.

function unpackBinary(format: FloatFormat, sign: number, biased: number, fraction: bigint): Unpacked {
  const fractionBits = format.precision - 1;
  const maxBiased = (1 << format.exponentBits) - 1;
  if (biased === maxBiased) {
    if (fraction === 0n) return infinity(sign);
    const sig = INTEGER_BIT | (fraction << BigInt(63 - fractionBits));
    return new Unpacked((sig & QUIET_BIT) !== 0n ? Kind.QuietNaN : Kind.SignalingNaN, sign, 0, sig);
  }
  if (biased === 0) {
    if (fraction === 0n) return zero(sign);
    // A denormal: fraction * 2^(emin - fractionBits).
    return normalised(sign, format.emin - fractionBits + bitLength(fraction) - 1, fraction, true);
  }
  const sig = (fraction | (1n << BigInt(fractionBits))) << BigInt(63 - fractionBits);
  return new Unpacked(Kind.Finite, sign, biased - format.bias, sig);
}

/** Bits of a finite or special value in a hidden-bit format. `u` must be representable (rounded). */
function packBinary(format: FloatFormat, u: Unpacked): bigint {
  const fractionBits = BigInt(format.precision - 1);
  const maxBiased = BigInt((1 << format.exponentBits) - 1);
  const signBit = BigInt(u.sign) << BigInt(format.exponentBits + format.precision - 1);
  const fractionMask = (1n << fractionBits) - 1n;
  switch (u.kind) {
    case Kind.Zero: return signBit;
    case Kind.Infinity: return signBit | (maxBiased << fractionBits);
    case Kind.QuietNaN:
    case Kind.SignalingNaN:
    case Kind.Unsupported:
      return signBit | (maxBiased << fractionBits) | ((u.sig >> (63n - fractionBits)) & fractionMask);
    default: {
      if (u.exp >= format.emin) {
        return signBit | (BigInt(u.exp + format.bias) << fractionBits) | ((u.sig >> (63n - fractionBits)) & fractionMask);
      }
      // Denormal: the integer bit moves down into the fraction; the bits shifted out are zero.
      return signBit | (u.sig >> (63n - fractionBits + BigInt(format.emin - u.exp)));
    }
  }
}

export function unpackBinary32(bits: number): Unpacked {
  return unpackBinary(binary32, bits >>> 31, (bits >>> 23) & 0xff, BigInt(bits & 0x7fffff));
}

export function packBinary32(u: Unpacked): number {
  return Number(packBinary(binary32, u));
}

/** binary64 from its two 32-bit halves (low word first, as memory and XMM registers hold it). */
export function unpackBinary64(low: number, high: number): Unpacked {
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low >>> 0);
  return unpackBinary(binary64, high >>> 31, (high >>> 20) & 0x7ff, fraction);
}

/** binary64 bits as a 64-bit bigint. */
export function packBinary64(u: Unpacked): bigint {
  return packBinary(binary64, u);
}

// ---------------------------------------------------------------------------------------------
// extended: the integer bit is stored.

/** Classify and unpack an 80-bit value: the sign/exponent word and the 64-bit significand. */
export function unpackExtended(signExponent: number, sig: bigint): Unpacked {
  const sign = (signExponent >>> 15) & 1;
  const biased = signExponent & 0x7fff;
  const j = (sig & INTEGER_BIT) !== 0n;
  if (biased === 0x7fff) {
    if (!j) return new Unpacked(Kind.Unsupported, sign, biased - extended.bias, sig); // pseudo-infinity, pseudo-NaN
    if ((sig & ~INTEGER_BIT) === 0n) return infinity(sign);
    return new Unpacked((sig & QUIET_BIT) !== 0n ? Kind.QuietNaN : Kind.SignalingNaN, sign, 0, sig);
  }
  if (biased === 0) {
    if (sig === 0n) return zero(sign);
    // Denormal (J clear) or pseudo-denormal (J set): both are sig * 2^(emin - 63).
    return normalised(sign, extended.emin - 64 + bitLength(sig), sig, true);
  }
  if (!j) return new Unpacked(Kind.Unsupported, sign, biased - extended.bias, sig); // unnormal
  return new Unpacked(Kind.Finite, sign, biased - extended.bias, sig);
}

/** The 80-bit encoding of a value: [sign/exponent word, 64-bit significand]. */
export function packExtended(u: Unpacked): [number, bigint] {
  const signBit = u.sign << 15;
  switch (u.kind) {
    case Kind.Zero: return [signBit, 0n];
    case Kind.Infinity: return [signBit | 0x7fff, INTEGER_BIT];
    case Kind.QuietNaN:
    case Kind.SignalingNaN:
      return [signBit | 0x7fff, u.sig & SIG_MASK];
    case Kind.Unsupported:
      return [signBit | ((u.exp + extended.bias) & 0x7fff), u.sig & SIG_MASK];
    default:
      if (u.exp >= extended.emin) return [signBit | (u.exp + extended.bias), u.sig];
      return [signBit, u.sig >> BigInt(extended.emin - u.exp)];
  }
}

/** A quiet copy of a NaN (the quiet bit set): what an operation returns for a signalling NaN. */
export function quieted(u: Unpacked): Unpacked {
  return new Unpacked(Kind.QuietNaN, u.sign, 0, u.sig | QUIET_BIT | INTEGER_BIT);
}
