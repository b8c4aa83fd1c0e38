// MUL, IMUL (one, two and three operands), DIV, IDIV.
//
// 32x32 products are formed exactly from 16-bit halves (no BigInt on the hot path); 64/32 divisions
// use doubles when the dividend fits in 53 bits and BigInt otherwise. #DE on a zero divisor or a
// quotient that does not fit (SDM DIV/IDIV).
//
// Flags: MUL/IMUL define CF = OF = "the high half is significant"; SF/ZF/AF/PF are undefined. They are
// set here as QEMU sets them (SF/ZF/PF from the low half of the result, AF clear) so that differential
// runs can compare them too.

import { EAX, EDX, type Cpu } from '../cpu.ts';
import { CF, OF, AF, RESULT_FLAGS, LAZY_SIZE_SHIFT, sizeCode } from '../flags.ts';
import { Vector } from '../fault.ts';
import type { Binder, Op } from '../op.ts';
import { getRegister, setRegister, readRm, operandKinds, signExtend } from './operands.ts';

function setMultiplyFlags(cpu: Cpu, low: number, bits: number, overflowed: boolean): void {
  cpu.flags = (cpu.flags & ~(CF | OF | AF)) | (overflowed ? CF | OF : 0);
  cpu.lazyOp = RESULT_FLAGS | (sizeCode(bits) << LAZY_SIZE_SHIFT);
  cpu.lazyResult = low;
}

/** Unsigned 32x32 -> 64: returns the low half, leaves the high half in `product.high`. */
const product = { high: 0 };
function multiplyUnsigned32(a: number, b: number): number {
  const aLo = a & 0xffff, aHi = a >>> 16, bLo = b & 0xffff, bHi = b >>> 16;
  const lolo = aLo * bLo;
  const hilo = aHi * bLo;
  const lohi = aLo * bHi;
  const mid = (lolo >>> 16) + (hilo & 0xffff) + (lohi & 0xffff);
  product.high = (aHi * bHi + (hilo >>> 16) + (lohi >>> 16) + Math.floor(mid / 0x10000)) | 0;
  return ((mid & 0xffff) << 16) | (lolo & 0xffff);
}

function mul(cpu: Cpu, op: Op): void {
  const src = readRm(cpu, op);
  const r = cpu.regs;
  if (op.size === 8) {
    const p = cpu.regs8[0]! * (src & 0xff);
    cpu.regs16[0] = p;
    setMultiplyFlags(cpu, p & 0xff, 8, p > 0xff);
  } else if (op.size === 16) {
    const p = cpu.regs16[0]! * (src & 0xffff);
    cpu.regs16[0] = p;
    cpu.regs16[EDX << 1] = p >>> 16;
    setMultiplyFlags(cpu, p & 0xffff, 16, p > 0xffff);
  } else {
    const low = multiplyUnsigned32(r[EAX]! >>> 0, src >>> 0);
    r[EAX] = low;
    r[EDX] = product.high;
    setMultiplyFlags(cpu, low, 32, product.high !== 0);
  }
}

function imul1(cpu: Cpu, op: Op): void {
  const src = readRm(cpu, op);
  const r = cpu.regs;
  if (op.size === 8) {
    const p = ((cpu.regs8[0]! << 24) >> 24) * ((src << 24) >> 24);
    cpu.regs16[0] = p;
    setMultiplyFlags(cpu, p & 0xff, 8, p !== (p << 24) >> 24);
  } else if (op.size === 16) {
    const p = ((cpu.regs16[0]! << 16) >> 16) * ((src << 16) >> 16);
    cpu.regs16[0] = p;
    cpu.regs16[EDX << 1] = p >>> 16;
    setMultiplyFlags(cpu, p & 0xffff, 16, p !== (p << 16) >> 16);
  } else {
    const a = r[EAX]! | 0;
    const b = src | 0;
    const low = multiplyUnsigned32(a >>> 0, b >>> 0);
    // Signed high half = unsigned high half - (a < 0 ? b : 0) - (b < 0 ? a : 0), modulo 2^32.
    const high = (product.high - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
    r[EAX] = low;
    r[EDX] = high;
    setMultiplyFlags(cpu, low, 32, high !== low >> 31);
  }
}

/** Truncating signed multiply into a register (IMUL r, r/m and IMUL r, r/m, imm). */
export function imulTruncating(cpu: Cpu, a: number, b: number, bits: number): number {
  if (bits === 32) {
    const low = Math.imul(a, b);
    setMultiplyFlags(cpu, low, 32, (a | 0) * (b | 0) !== low);
    return low;
  }
  const p = signExtend(a, 16) * signExtend(b, 16);
  setMultiplyFlags(cpu, p & 0xffff, 16, p !== (p << 16) >> 16);
  return p;
}

function imul2(cpu: Cpu, op: Op): void {
  setRegister(cpu, op.reg, op.size, imulTruncating(cpu, getRegister(cpu, op.reg, op.size), readRm(cpu, op), op.size));
}
function imul3(cpu: Cpu, op: Op): void {
  setRegister(cpu, op.reg, op.size, imulTruncating(cpu, readRm(cpu, op), op.imm, op.size));
}

function div(cpu: Cpu, op: Op): void {
  const divisor = readRm(cpu, op) >>> 0;
  const r = cpu.regs;
  if (op.size === 8) {
    const d = divisor & 0xff;
    if (d === 0) cpu.raise(Vector.DE);
    const n = cpu.regs16[0]!;
    const q = Math.floor(n / d);
    if (q > 0xff) cpu.raise(Vector.DE);
    cpu.regs8[0] = q;
    cpu.regs8[1] = n % d;
  } else if (op.size === 16) {
    const d = divisor & 0xffff;
    if (d === 0) cpu.raise(Vector.DE);
    const n = ((cpu.regs16[EDX << 1]! << 16) | cpu.regs16[0]!) >>> 0;
    const q = Math.floor(n / d);
    if (q > 0xffff) cpu.raise(Vector.DE);
    cpu.regs16[0] = q;
    cpu.regs16[EDX << 1] = n % d;
  } else {
    if (divisor === 0) cpu.raise(Vector.DE);
    const high = r[EDX]! >>> 0;
    const low = r[EAX]! >>> 0;
    if (high >= divisor) cpu.raise(Vector.DE); // the quotient would not fit in 32 bits
    if (high < 0x100000) {
      // The dividend is below 2^52, so the double quotient is exact enough to floor.
      const n = high * 0x100000000 + low;
      const q = Math.floor(n / divisor);
      r[EAX] = q;
      r[EDX] = n - q * divisor;
    } else {
      const n = (BigInt(high) << 32n) | BigInt(low);
      const d = BigInt(divisor);
      r[EAX] = Number(n / d);
      r[EDX] = Number(n % d);
    }
  }
}

function idiv(cpu: Cpu, op: Op): void {
  const raw = readRm(cpu, op);
  const r = cpu.regs;
  if (op.size === 8) {
    const d = (raw << 24) >> 24;
    if (d === 0) cpu.raise(Vector.DE);
    const n = (cpu.regs16[0]! << 16) >> 16;
    const q = Math.trunc(n / d);
    if (q > 127 || q < -128) cpu.raise(Vector.DE);
    cpu.regs8[0] = q;
    cpu.regs8[1] = n - q * d;
  } else if (op.size === 16) {
    const d = (raw << 16) >> 16;
    if (d === 0) cpu.raise(Vector.DE);
    const n = (cpu.regs16[EDX << 1]! << 16) | cpu.regs16[0]!;
    const q = Math.trunc(n / d);
    if (q > 32767 || q < -32768) cpu.raise(Vector.DE);
    cpu.regs16[0] = q;
    cpu.regs16[EDX << 1] = n - q * d;
  } else {
    const d = raw | 0;
    if (d === 0) cpu.raise(Vector.DE);
    const high = r[EDX]! | 0;
    const low = r[EAX]! >>> 0;
    let q: number;
    let rem: number;
    if (high >= -0x100000 && high < 0x100000) {
      const n = high * 0x100000000 + low;
      q = Math.trunc(n / d);
      rem = n - q * d;
    } else {
      const n = (BigInt(high) << 32n) | BigInt(low);
      const bq = n / BigInt(d);
      if (bq > 0x7fffffffn || bq < -0x80000000n) cpu.raise(Vector.DE);
      q = Number(bq);
      rem = Number(n - bq * BigInt(d));
    }
    if (q > 0x7fffffff || q < -0x80000000) cpu.raise(Vector.DE);
    r[EAX] = q;
    r[EDX] = rem;
  }
}

export const bindMul: Binder = () => mul;
export const bindImul: Binder = () => imul1;
export const bindImul2: Binder = () => imul2;
export const bindImul3: Binder = (op, insn) => {
  void operandKinds(insn);
  return imul3;
};
export const bindDiv: Binder = () => div;
export const bindIdiv: Binder = () => idiv;
