// x87 data movement: FLD, FILD, FBLD and the constants push; FST, FSTP, FIST, FISTP, FBSTP store;
// FXCH, FCMOVcc, FFREE, FFREEP, FINCSTP, FDECSTP move things around on the stack.
//
// Loads of m32real and m64real convert exactly (an SNaN raises IE and loads quieted, a denormal
// raises DE); m80real, FLD ST(i) and FST/FSTP to a register or m80 copy the 80 bits as they are.
// Stores to m32/m64/integers round in the current rounding mode (RC) to the destination's precision;
// an unmasked exception (IE, or OE/UE: "the destination is memory, so nothing can be delivered")
// leaves memory, the stack and TOP as they were. Every memory operand is checked before anything
// changes, so an instruction that faults (#PF, #GP) can be restarted.

import type { Cpu } from '../cpu.ts';
import { testCondition } from '../flags.ts';
import { effectiveAddress, type Executor, type Op } from '../op.ts';
import {
  convert, defaultNaN, extended, fromMagnitude, INDEFINITE_SIG, Kind, quieted, roundPack, toInteger,
  unpackBinary32, unpackBinary64, binary32, binary64, packBinary32, packBinary64, type Unpacked,
} from '../softfloat/index.ts';
import {
  copyStack, isEmpty, pop, push, pushChecked, pushOverflows, readStack, stackOverflow, stackUnderflow, writeRaw, writeStack,
} from './registers.ts';
import {
  beginWaiting, noteDataPointer, notePointers, setC1, signal, status, SW_DE, SW_IE, SW_OE, SW_UE,
} from './unit.ts';

// ---------------------------------------------------------------------------------------------
// Memory helpers: whole operands, checked before use.

function read64(cpu: Cpu, op: Op, offset: number): [low: number, high: number] {
  cpu.checkAlignment(op.seg, offset, 8);
  return [cpu.read32(op.seg, offset) >>> 0, cpu.read32(op.seg, (offset + 4) | 0) >>> 0];
}

function read80(cpu: Cpu, op: Op, offset: number): [low: number, high: number, signExponent: number] {
  cpu.checkAlignment(op.seg, offset, 10);
  const [low, high] = read64(cpu, op, offset);
  return [low, high, cpu.read16(op.seg, (offset + 8) | 0)];
}

/** Check that `bytes` bytes at offset can be written (segment limit, page permissions). */
function probeStore(cpu: Cpu, op: Op, offset: number, bytes: number): void {
  cpu.writableLinear(op.seg, offset, bytes);
}

/**
 * Whether a store's exceptions stop it: unmasked, IE, OE and UE leave the destination untouched —
 * and then the processor does not look at it at all: a store to an unmapped page with an unmasked
 * stack underflow completes (the exception pending) where a masked one is #PF (the host CPU, an
 * Intel P6-family descendant, shows both). So the destination is probed only for a store that happens.
 */
function storeStopped(cpu: Cpu, flags: number): boolean {
  return (flags & ~cpu.fpu.control & (SW_IE | SW_OE | SW_UE)) !== 0;
}

function write64(cpu: Cpu, op: Op, offset: number, value: bigint): void {
  cpu.write32(op.seg, offset, Number(value & 0xffffffffn));
  cpu.write32(op.seg, (offset + 4) | 0, Number((value >> 32n) & 0xffffffffn));
}

function write80(cpu: Cpu, op: Op, offset: number, signExponent: number, sig: bigint): void {
  write64(cpu, op, offset, sig);
  cpu.write16(op.seg, (offset + 8) | 0, signExponent);
}

function writeInteger(cpu: Cpu, op: Op, offset: number, bits: number, value: bigint): void {
  const v = BigInt.asUintN(bits, value);
  if (bits === 16) cpu.write16(op.seg, offset, Number(v));
  else if (bits === 32) cpu.write32(op.seg, offset, Number(v) | 0);
  else write64(cpu, op, offset, v);
}

// ---------------------------------------------------------------------------------------------
// FLD, FILD, FBLD, constants.

/**
 * FLD m32real / m64real: push a converted value (exact: every binary32/64 value is an extended one).
 * An SNaN raises IE (unmasked: nothing is pushed); a denormal raises DE but is loaded even when DE
 * is unmasked — the conversion is exact, the host CPU shows it (the exception is then pending).
 */
function loadConverted(cpu: Cpu, u: Unpacked): void {
  const f = cpu.fpu;
  if (pushOverflows(f)) {
    if (stackOverflow(cpu)) push(f, defaultNaN());
    return;
  }
  const flags = (u.kind === Kind.SignalingNaN ? SW_IE : 0) | (u.denormal ? SW_DE : 0);
  const unmasked = signal(cpu, flags);
  setC1(cpu, false);
  if ((unmasked & SW_IE) !== 0) return;
  push(f, u.kind === Kind.SignalingNaN ? quieted(u) : u);
}

export const fldSingle: Executor = (cpu, op) => {
  beginWaiting(cpu);
  const offset = effectiveAddress(cpu, op);
  const bits = cpu.read32(op.seg, offset);
  notePointers(cpu, op);
  noteDataPointer(cpu, op, offset);
  loadConverted(cpu, unpackBinary32(bits));
};

export const fldDouble: Executor = (cpu, op) => {
  beginWaiting(cpu);
  const offset = effectiveAddress(cpu, op);
  const [low, high] = read64(cpu, op, offset);
  notePointers(cpu, op);
  noteDataPointer(cpu, op, offset);
  loadConverted(cpu, unpackBinary64(low, high));
};

/** FLD m80real: the bits as they are, whatever they encode (no IE for an SNaN, no DE). */
export const fldExtended: Executor = (cpu, op) => {
  beginWaiting(cpu);
  const offset = effectiveAddress(cpu, op);
  const [low, high, signExponent] = read80(cpu, op, offset);
  notePointers(cpu, op);
  noteDataPointer(cpu, op, offset);
  const f = cpu.fpu;
  if (pushOverflows(f)) {
    if (stackOverflow(cpu)) push(f, defaultNaN());
    return;
  }
  setC1(cpu, false);
  f.top = (f.top - 1) & 7;
  writeRaw(f, 0, signExponent, high, low);
};

/** FLD ST(i): push a copy of ST(i) (read before the push moves the stack). */
export const fldRegister: Executor = (cpu, op) => {
  beginWaiting(cpu);
  notePointers(cpu, op);
  const f = cpu.fpu;
  // The source is read first: an empty ST(i) is an underflow (C1 = 0) even when the push would
  // also overflow.
  if (isEmpty(f, op.rm)) {
    if (stackUnderflow(cpu)) push(f, defaultNaN());
    return;
  }
  if (pushOverflows(f)) {
    if (stackOverflow(cpu)) push(f, defaultNaN());
    return;
  }
  setC1(cpu, false);
  f.top = (f.top - 1) & 7;
  copyStack(f, op.rm + 1, 0);
};

function loadInteger(cpu: Cpu, n: bigint): void {
  if (pushChecked(cpu, fromMagnitude(n < 0n ? 1 : 0, n < 0n ? -n : n))) setC1(cpu, false);
}

export function fildExecutor(bits: 16 | 32 | 64): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    const offset = effectiveAddress(cpu, op);
    let n: bigint;
    if (bits === 16) n = BigInt((cpu.read16(op.seg, offset) << 16) >> 16);
    else if (bits === 32) n = BigInt(cpu.read32(op.seg, offset) | 0);
    else {
      const [low, high] = read64(cpu, op, offset);
      n = BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(low));
    }
    notePointers(cpu, op);
    noteDataPointer(cpu, op, offset);
    loadInteger(cpu, n);
  };
}

/**
 * FBLD: 18 packed BCD digits (two per byte, least significant byte first) and a sign in bit 7 of
 * byte 9. The SDM leaves digits above 9 undefined; they are taken at their nibble value here.
 */
export const fbld: Executor = (cpu, op) => {
  beginWaiting(cpu);
  const offset = effectiveAddress(cpu, op);
  const bytes: number[] = [];
  cpu.checkAlignment(op.seg, offset, 10);
  for (let i = 0; i < 10; i++) bytes.push(cpu.read8(op.seg, (offset + i) | 0));
  notePointers(cpu, op);
  noteDataPointer(cpu, op, offset);
  let n = 0n;
  for (let i = 8; i >= 0; i--) n = n * 100n + BigInt((bytes[i]! >> 4) * 10 + (bytes[i]! & 15));
  const sign = bytes[9]! >> 7;
  if (pushChecked(cpu, fromMagnitude(sign, n))) setC1(cpu, false);
};

/**
 * The constants FLD1 ... FLDZ push. The irrational ones are kept to 128 bits and rounded to 64 in
 * the current rounding mode, as the 387 and later do; no exception, not even PE, is raised.
 */
const CONSTANTS: Array<[sig: bigint, exp: number]> = [
  [1n << 127n, 0], // 1
  [0xd49a784bcd1b8afe492bf6ff4dafdb4cn, 1], // log2(10)
  [0xb8aa3b295c17f0bbbe87fed0691d3e89n, 0], // log2(e)
  [0xc90fdaa22168c234c4c6628b80dc1cd1n, 1], // pi
  [0x9a209a84fbcff7988f8959ac0b7c9178n, -2], // log10(2)
  [0xb17217f7d1cf79abc9e3b39803f2f6afn, -1], // ln(2)
];

export function constantExecutor(which: number): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    notePointers(cpu, op);
    let value: Unpacked;
    if (which === 6) value = fromMagnitude(0, 0n); // FLDZ: +0
    else {
      const [sig, exp] = CONSTANTS[which]!;
      status.setFromX87Control(cpu.fpu.control);
      value = roundPack(0, sig, exp - 127, extended, 64, status);
    }
    if (pushChecked(cpu, value)) setC1(cpu, false);
  };
}

// ---------------------------------------------------------------------------------------------
// FST, FSTP to memory and registers.

const INDEFINITE_32 = 0xffc00000 | 0;
const INDEFINITE_64 = 0xfff8000000000000n;

/**
 * The result of a store that has been checked: write it unless an unmasked exception stops it,
 * then pop for FSTP. `write` stores the value; `flags` are the exceptions of the conversion.
 */
function finishStore(cpu: Cpu, flags: number, roundedUp: boolean, popAfter: boolean, write: () => void): void {
  // Unmasked, IE, OE and UE stop a store to memory: nothing can be delivered there, so only that
  // flag is raised (no PE), C1 is cleared, memory and the stack stay as they were.
  const stopping = flags & ~cpu.fpu.control & (SW_IE | SW_OE | SW_UE);
  if (stopping !== 0) {
    signal(cpu, flags & (SW_IE | SW_OE | SW_UE));
    setC1(cpu, false);
    return;
  }
  signal(cpu, flags);
  setC1(cpu, roundedUp);
  write();
  if (popAfter) pop(cpu.fpu);
}

export function fstRealExecutor(bits: 32 | 64 | 80, popAfter: boolean): Executor {
  const bytes = bits / 8;
  return (cpu, op) => {
    beginWaiting(cpu);
    const offset = effectiveAddress(cpu, op);
    const f = cpu.fpu;
    const empty = isEmpty(f, 0);
    let converted: Unpacked | null = null;
    if (!empty && bits !== 80) {
      status.setFromX87Control(f.control);
      converted = convert(readStack(f, 0), bits === 32 ? binary32 : binary64, bits === 32 ? 24 : 53, status);
    }
    if (!storeStopped(cpu, empty ? SW_IE : converted === null ? 0 : status.flags)) probeStore(cpu, op, offset, bytes);
    notePointers(cpu, op);
    noteDataPointer(cpu, op, offset);
    if (empty) {
      if (!stackUnderflow(cpu)) return;
      if (bits === 32) cpu.write32(op.seg, offset, INDEFINITE_32);
      else if (bits === 64) write64(cpu, op, offset, INDEFINITE_64);
      else write80(cpu, op, offset, 0xffff, INDEFINITE_SIG);
      if (popAfter) pop(f);
      return;
    }
    if (bits === 80) {
      const r = f.top;
      setC1(cpu, false);
      cpu.write32(op.seg, offset, f.significandLow[r]! | 0);
      cpu.write32(op.seg, (offset + 4) | 0, f.significandHigh[r]! | 0);
      cpu.write16(op.seg, (offset + 8) | 0, f.signExponent[r]!);
      if (popAfter) pop(f);
      return;
    }
    const value = converted!;
    finishStore(cpu, status.flags, status.roundedUp, popAfter, () => {
      if (bits === 32) cpu.write32(op.seg, offset, packBinary32(value) | 0);
      else write64(cpu, op, offset, packBinary64(value));
    });
  };
}

/**
 * FST/FSTP ST(i): a copy of ST(0), then pop for FSTP (FSTP ST(0) just pops). `quietAlias` is the
 * undocumented D9 D8+i form: with ST(0) empty it raises nothing, clears C1 and only pops (the host
 * CPU; the DF D0+i and DF D8+i aliases fault like FSTP).
 */
export function fstRegisterExecutor(popAfter: boolean, quietAlias = false): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    notePointers(cpu, op);
    const f = cpu.fpu;
    if (isEmpty(f, 0)) {
      if (quietAlias) {
        setC1(cpu, false);
        pop(f);
        return;
      }
      if (!stackUnderflow(cpu)) return;
      writeStack(f, op.rm, defaultNaN());
      if (popAfter) pop(f);
      return;
    }
    setC1(cpu, false);
    copyStack(f, 0, op.rm);
    if (popAfter) pop(f);
  };
}

// ---------------------------------------------------------------------------------------------
// FIST, FISTP, FBSTP.

export function fistExecutor(bits: 16 | 32 | 64, popAfter: boolean): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    const offset = effectiveAddress(cpu, op);
    const f = cpu.fpu;
    const empty = isEmpty(f, 0);
    let n = 0n;
    if (!empty) {
      status.setFromX87Control(f.control);
      n = toInteger(readStack(f, 0), bits, status.rounding, status);
    }
    if (!storeStopped(cpu, empty ? SW_IE : status.flags)) probeStore(cpu, op, offset, bits / 8);
    notePointers(cpu, op);
    noteDataPointer(cpu, op, offset);
    if (empty) {
      if (!stackUnderflow(cpu)) return;
      writeInteger(cpu, op, offset, bits, -(1n << BigInt(bits - 1)));
      if (popAfter) pop(f);
      return;
    }
    finishStore(cpu, status.flags, status.roundedUp, popAfter, () => writeInteger(cpu, op, offset, bits, n));
  };
}

const BCD_LIMIT = 10n ** 18n;

/** FBSTP: round to an integer (RC), store as 18 BCD digits; |value| >= 10^18 is invalid. */
export const fbstp: Executor = (cpu, op) => {
  beginWaiting(cpu);
  const offset = effectiveAddress(cpu, op);
  const f = cpu.fpu;
  const empty = isEmpty(f, 0);
  let n = 0n, flags = SW_IE, negative = false, roundedUp = false;
  if (!empty) {
    status.setFromX87Control(f.control);
    const a = readStack(f, 0);
    // A 65-bit integer conversion cannot overflow for |a| < 2^64; 10^18 < 2^60 is checked after.
    n = toInteger(a, 65, status.rounding, status);
    flags = status.flags;
    roundedUp = status.roundedUp;
    negative = n < 0n || (n === 0n && a.sign === 1);
    if (n < 0n) n = -n;
    if ((flags & SW_IE) !== 0 || n >= BCD_LIMIT) flags = (flags & ~0x20) | SW_IE;
  }
  if (!storeStopped(cpu, flags)) probeStore(cpu, op, offset, 10);
  notePointers(cpu, op);
  noteDataPointer(cpu, op, offset);
  const writeBcd = (sign: number, magnitude: bigint | null): void => {
    if (magnitude === null) { // the BCD indefinite: FFFF C000 0000 0000 0000
      for (let i = 0; i < 7; i++) cpu.write8(op.seg, (offset + i) | 0, 0);
      cpu.write8(op.seg, (offset + 7) | 0, 0xc0);
      cpu.write8(op.seg, (offset + 8) | 0, 0xff);
      cpu.write8(op.seg, (offset + 9) | 0, 0xff);
      return;
    }
    let m = magnitude;
    for (let i = 0; i < 9; i++) {
      const low = Number(m % 10n);
      m /= 10n;
      const high = Number(m % 10n);
      m /= 10n;
      cpu.write8(op.seg, (offset + i) | 0, (high << 4) | low);
    }
    cpu.write8(op.seg, (offset + 9) | 0, sign << 7);
  };
  if (empty) {
    if (!stackUnderflow(cpu)) return;
    writeBcd(0, null);
    pop(f);
    return;
  }
  const invalid = (flags & SW_IE) !== 0;
  finishStore(cpu, flags, invalid ? false : roundedUp, true, () => writeBcd(negative ? 1 : 0, invalid ? null : n));
};

// ---------------------------------------------------------------------------------------------
// FXCH, FCMOVcc, FFREE, FFREEP, FINCSTP, FDECSTP.

export const fxch: Executor = (cpu, op) => {
  beginWaiting(cpu);
  notePointers(cpu, op);
  const f = cpu.fpu;
  const i = op.rm;
  if (isEmpty(f, 0) || isEmpty(f, i)) {
    if (!stackUnderflow(cpu)) return;
    if (isEmpty(f, 0)) writeStack(f, 0, defaultNaN());
    if (isEmpty(f, i)) writeStack(f, i, defaultNaN());
  } else {
    setC1(cpu, false);
  }
  const a = f.top, b = (f.top + i) & 7;
  const se = f.signExponent[a]!, high = f.significandHigh[a]!, low = f.significandLow[a]!;
  f.signExponent[a] = f.signExponent[b]!;
  f.significandHigh[a] = f.significandHigh[b]!;
  f.significandLow[a] = f.significandLow[b]!;
  f.signExponent[b] = se;
  f.significandHigh[b] = high;
  f.significandLow[b] = low;
};

export const fcmov: Executor = (cpu, op) => {
  beginWaiting(cpu);
  notePointers(cpu, op);
  const f = cpu.fpu;
  const move = testCondition(cpu, op.condition);
  if (isEmpty(f, 0) || isEmpty(f, op.rm)) {
    // Masked, ST(0) receives the default NaN whether or not the condition holds (the host CPU).
    if (stackUnderflow(cpu)) writeStack(f, 0, defaultNaN());
    return;
  }
  if (move) copyStack(f, op.rm, 0); // C1 is left alone (the SDM only says what an underflow does)
};

/** FFREE ST(i): tag it empty. The SDM leaves C0-C3 undefined; the processor clears C1. */
export const ffree: Executor = (cpu, op) => {
  beginWaiting(cpu);
  notePointers(cpu, op);
  const f = cpu.fpu;
  f.validRegisters &= ~(1 << ((f.top + op.rm) & 7));
  setC1(cpu, false);
};

/** FFREEP ST(i): FFREE, then a pop (which empties ST(0) too). */
export const ffreep: Executor = (cpu, op) => {
  beginWaiting(cpu);
  notePointers(cpu, op);
  const f = cpu.fpu;
  f.validRegisters &= ~(1 << ((f.top + op.rm) & 7));
  pop(f);
  setC1(cpu, false);
};

export function stackPointerExecutor(delta: 1 | -1): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    notePointers(cpu, op);
    const f = cpu.fpu;
    f.top = (f.top + delta) & 7;
    setC1(cpu, false);
  };
}
