// The elementary functions behind the x87 transcendental instructions, in bigint fixed point.
//
// A real number is a bigint m standing for m / 2^P, P = 200 bits: far more than the 64 bits of a
// result and the few guard bits its rounding needs, so that rounding the computed value gives the
// correctly rounded one (a tie closer than 2^-130 relative is not a risk worth a bigger P). Every
// function that is small near a point is computed as (its argument) x (a series near a constant) —
// sin r = r S(r^2), atan t = t A(t^2), 2^x - 1 = x ln2 E(x ln2), ln(1 + x) = 2 z B(z^2) — so that a
// tiny argument keeps its full relative precision. The constants (pi, ln 2, ln 10) are computed here
// at start-up from their series, not copied from a table.

import { integerSqrt } from '../softfloat/arithmetic.ts';

export const P = 200;
const ONE = 1n << BigInt(P);

/** a * b in fixed point. */
function mul(a: bigint, b: bigint): bigint {
  return (a * b) >> BigInt(P);
}

/** a / b in fixed point. */
function div(a: bigint, b: bigint): bigint {
  return (a << BigInt(P)) / b;
}

/** Σ c_n y^n for y in fixed point, with c_n = numerators[n] / denominators(n), until the terms vanish. */
function series(y: bigint, term: (n: number) => [bigint, bigint], limit = 400): bigint {
  let sum = 0n;
  let power = ONE;
  for (let n = 0; n < limit; n++) {
    const [num, den] = term(n);
    const t = (power * num) / den;
    if (t === 0n && n > 0) break;
    sum += t;
    power = mul(power, y);
    if (power === 0n) break;
  }
  return sum;
}

/** atanh-style series B(w) = Σ w^n / (2n + 1), for w = z^2 small. */
function oddReciprocals(w: bigint): bigint {
  return series(w, (n) => [1n, BigInt(2 * n + 1)]);
}

/** atan(1/n) for an integer n > 1 (Machin's formula's pieces): (1/n) Σ (-1/n^2)^k / (2k + 1). */
function arctanInverse(n: bigint): bigint {
  const x = ONE / n;
  const w = ONE / (n * n);
  let sum = 0n;
  let power = x;
  for (let k = 0; power !== 0n; k++) {
    const t = power / BigInt(2 * k + 1);
    sum += k % 2 === 0 ? t : -t;
    power = mul(power, w);
  }
  return sum;
}

/** pi = 16 atan(1/5) - 4 atan(1/239). */
export const PI = 16n * arctanInverse(5n) - 4n * arctanInverse(239n);
/** ln 2 = 2 atanh(1/3) = (2/3) B(1/9). */
export const LN2 = (2n * oddReciprocals(ONE / 9n)) / 3n;
/** ln 10 = 3 ln 2 + ln(5/4) = 3 ln 2 + 2 atanh(1/9) = 3 ln 2 + (2/9) B(1/81). */
export const LN10 = 3n * LN2 + (2n * oddReciprocals(ONE / 81n)) / 9n;

/** sin r / r = Σ (-1)^n r^(2n) / (2n+1)!, for w = r^2 (|r| <= pi/4). */
export function sinOverArgument(w: bigint): bigint {
  let sum = 0n;
  let t = ONE;
  for (let n = 1; t !== 0n; n++) {
    sum += t;
    t = -mul(t, w) / BigInt((2 * n) * (2 * n + 1));
  }
  return sum;
}

/** cos r = Σ (-1)^n r^(2n) / (2n)!, for w = r^2. */
export function cosine(w: bigint): bigint {
  let sum = 0n;
  let t = ONE;
  for (let n = 1; t !== 0n; n++) {
    sum += t;
    t = -mul(t, w) / BigInt((2 * n - 1) * (2 * n));
  }
  return sum;
}

/** (e^y - 1) / y = Σ y^n / (n + 1)!, for |y| below 1. */
export function expm1OverArgument(y: bigint): bigint {
  let sum = 0n;
  let t = ONE;
  for (let n = 2; t !== 0n; n++) {
    sum += t;
    t = mul(t, y) / BigInt(n);
  }
  return sum;
}

/** e^y for fixed-point y (|y| below 1). */
export function exp(y: bigint): bigint {
  return ONE + mul(y, expm1OverArgument(y));
}

/** ln(m) for a fixed-point m in [1, 2): 2 z B(z^2), z = (m - 1) / (m + 1). */
export function lnMantissa(m: bigint): bigint {
  const z = div(m - ONE, m + ONE);
  return 2n * mul(z, oddReciprocals(mul(z, z)));
}

/** atan t for fixed-point t in [0, 1]: halve the angle twice (t / (1 + sqrt(1 + t^2))), then the series. */
export function atan(t: bigint): bigint {
  let x = t;
  let doublings = 0n;
  while (x > ONE >> 3n) {
    const root = sqrtFixed(ONE + mul(x, x));
    x = div(x, ONE + root);
    doublings++;
  }
  return mul(x, atanOverArgument(mul(x, x))) << doublings;
}

/** atan t / t = Σ (-1)^n t^(2n) / (2n + 1), for w = t^2 small. */
export function atanOverArgument(w: bigint): bigint {
  let sum = 0n;
  let power = ONE;
  for (let n = 0; power !== 0n; n++) {
    const t = power / BigInt(2 * n + 1);
    sum += n % 2 === 0 ? t : -t;
    power = mul(power, w);
  }
  return sum;
}

/** sqrt of a fixed-point value. */
export function sqrtFixed(x: bigint): bigint {
  return x <= 0n ? 0n : integerSqrt(x << BigInt(P));
}

export { ONE, mul, div };
