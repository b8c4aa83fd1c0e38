// The x87 register stack: ST(i) is physical register (TOP + i) mod 8, valid or empty by its tag.
//
// Values are read as softfloat `Unpacked` (classified, ready to compute with) or copied as raw bits
// (FLD ST(i), FXCH, FST ST(i), FLD/FSTP m80: no conversion, so signalling NaNs and unsupported
// encodings travel unchanged). A stack fault (SDM Vol. 1, 8.5.1.1) is IE with SF: C1 = 1 for an
// overflow (a push onto a valid register), C1 = 0 for an underflow (an empty source or destination).
// Masked, the instruction delivers the default NaN where its result would go; unmasked, it changes
// nothing but FSW.

import type { Cpu } from '../cpu.ts';
import { defaultNaN, packExtended, unpackExtended, type Unpacked } from '../softfloat/format.ts';
import type { FpuState } from './state.ts';
import { setC1, signal, SW_IE, SW_SF } from './unit.ts';

export function physical(f: FpuState, i: number): number {
  return (f.top + i) & 7;
}

export function isEmpty(f: FpuState, i: number): boolean {
  return (f.validRegisters & (1 << ((f.top + i) & 7))) === 0;
}

/** ST(i) unpacked for arithmetic. */
export function readStack(f: FpuState, i: number): Unpacked {
  const r = (f.top + i) & 7;
  return unpackExtended(f.signExponent[r]!, (BigInt(f.significandHigh[r]!) << 32n) | BigInt(f.significandLow[r]!));
}

/** Write a value to ST(i) and tag it valid. */
export function writeStack(f: FpuState, i: number, u: Unpacked): void {
  const r = (f.top + i) & 7;
  const [signExponent, sig] = packExtended(u);
  f.signExponent[r] = signExponent;
  f.significandHigh[r] = Number(sig >> 32n);
  f.significandLow[r] = Number(sig & 0xffffffffn);
  f.validRegisters |= 1 << r;
}

/** Copy ST(from) to ST(to) bit for bit (both in stack terms, evaluated before the copy). */
export function copyStack(f: FpuState, from: number, to: number): void {
  const a = (f.top + from) & 7;
  const b = (f.top + to) & 7;
  f.signExponent[b] = f.signExponent[a]!;
  f.significandHigh[b] = f.significandHigh[a]!;
  f.significandLow[b] = f.significandLow[a]!;
  f.validRegisters |= 1 << b;
}

/** Write raw 80-bit contents to ST(i), tagged valid. */
export function writeRaw(f: FpuState, i: number, signExponent: number, high: number, low: number): void {
  const r = (f.top + i) & 7;
  f.signExponent[r] = signExponent;
  f.significandHigh[r] = high >>> 0;
  f.significandLow[r] = low >>> 0;
  f.validRegisters |= 1 << r;
}

/** Make room for a push: TOP - 1 (the register there must have been checked to be empty). */
export function pushSlot(f: FpuState): void {
  f.top = (f.top - 1) & 7;
}

export function push(f: FpuState, u: Unpacked): void {
  f.top = (f.top - 1) & 7;
  writeStack(f, 0, u);
}

/** Pop: ST(0) becomes empty and TOP + 1. */
export function pop(f: FpuState): void {
  f.validRegisters &= ~(1 << f.top);
  f.top = (f.top + 1) & 7;
}

/** Whether a push would overflow: the register below TOP (the next ST(0)) is valid. */
export function pushOverflows(f: FpuState): boolean {
  return (f.validRegisters & (1 << ((f.top - 1) & 7))) !== 0;
}

/** Stack underflow: IE and SF, C1 = 0. Returns whether IE is masked (then write the default NaN). */
export function stackUnderflow(cpu: Cpu): boolean {
  const unmasked = signal(cpu, SW_IE | SW_SF);
  setC1(cpu, false);
  return unmasked === 0;
}

/** Stack overflow: IE and SF, C1 = 1. Returns whether IE is masked (then push the default NaN). */
export function stackOverflow(cpu: Cpu): boolean {
  const unmasked = signal(cpu, SW_IE | SW_SF);
  setC1(cpu, true);
  return unmasked === 0;
}

/**
 * A push with its overflow check (FLD, FILD, FBLD, the constants, FXTRACT...). Returns false when
 * the push could not happen (overflow with IE unmasked); on a masked overflow the default NaN is
 * pushed and false returned too, so the caller computes nothing more.
 */
export function pushChecked(cpu: Cpu, u: Unpacked): boolean {
  const f = cpu.fpu;
  if (pushOverflows(f)) {
    if (stackOverflow(cpu)) push(f, defaultNaN());
    return false;
  }
  push(f, u);
  return true;
}
