// x87 comparisons: FCOM, FCOMP, FCOMPP, FUCOM, FUCOMP, FUCOMPP, FICOM, FICOMP and FTST set C3, C2,
// C0 like an unsigned integer compare would set ZF, PF, CF (greater 000, less 001, equal 100,
// unordered 111); FCOMI, FCOMIP, FUCOMI, FUCOMIP (P6) set ZF, PF, CF themselves and clear OF, SF,
// AF. FCOM* raise IE for any NaN, FUCOM* only for a signalling one. FXAM classifies ST(0).

import type { Cpu } from '../cpu.ts';
import { setArithmeticFlags, CF, PF, ZF } from '../flags.ts';
import { effectiveAddress, type Executor } from '../op.ts';
import { compare, fromMagnitude, Relation, type Unpacked } from '../softfloat/index.ts';
import { readOperand, type MemoryOperand } from './arithmetic.ts';
import { isEmpty, pop, readStack, stackUnderflow } from './registers.ts';
import {
  beginWaiting, noteDataPointer, notePointers, setConditions, signal, status, SW_C0, SW_C1, SW_C2, SW_C3, SW_DE, SW_IE,
} from './unit.ts';

const CONDITIONS = [SW_C0, SW_C3, 0, SW_C0 | SW_C2 | SW_C3]; // by Relation: less, equal, greater, unordered
const EFLAGS = [CF, ZF, 0, ZF | PF | CF];

/**
 * Compare and set C3 C2 C0 (C1 = 0); an invalid operand gives "unordered". The codes are set even
 * when an unmasked IE or DE stops the instruction — then false is returned and nothing is popped
 * (the host CPU).
 */
function compareToConditions(cpu: Cpu, a: Unpacked, b: Unpacked, signaling: boolean): boolean {
  status.setFromX87Control(cpu.fpu.control);
  const relation = compare(a, b, signaling, status);
  const unmasked = signal(cpu, status.flags);
  setConditions(cpu, CONDITIONS[relation]!);
  return (unmasked & (SW_IE | SW_DE)) === 0;
}

/** A stack underflow in a compare: unordered, and (masked) the instruction goes on to pop. */
function underflowUnordered(cpu: Cpu): boolean {
  const masked = stackUnderflow(cpu);
  setConditions(cpu, SW_C0 | SW_C2 | SW_C3);
  return masked;
}

/** FCOM ST(i), FCOMP, FUCOM, FUCOMP, and FCOMPP/FUCOMPP (ST(1), popping twice). */
export function compareRegister(signaling: boolean, pops: 0 | 1 | 2, fixed?: number): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    notePointers(cpu, op);
    const f = cpu.fpu;
    const i = fixed ?? op.rm;
    if (isEmpty(f, 0) || isEmpty(f, i)) {
      if (!underflowUnordered(cpu)) return;
    } else if (!compareToConditions(cpu, readStack(f, 0), readStack(f, i), signaling)) return;
    for (let n = 0; n < pops; n++) pop(f);
  };
}

/** FCOM m32real/m64real, FICOM m16int/m32int, and their popping forms. */
export function compareMemory(operand: MemoryOperand, popAfter: boolean): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    const offset = effectiveAddress(cpu, op);
    const value = readOperand(cpu, op.seg, offset, operand);
    notePointers(cpu, op);
    noteDataPointer(cpu, op, offset);
    const f = cpu.fpu;
    if (isEmpty(f, 0)) {
      if (!underflowUnordered(cpu)) return;
    } else if (!compareToConditions(cpu, readStack(f, 0), value, true)) return;
    if (popAfter) pop(f);
  };
}

/** FTST: compare ST(0) with +0.0. */
export const ftst: Executor = (cpu, op) => {
  beginWaiting(cpu);
  notePointers(cpu, op);
  const f = cpu.fpu;
  if (isEmpty(f, 0)) {
    underflowUnordered(cpu);
    return;
  }
  compareToConditions(cpu, readStack(f, 0), fromMagnitude(0, 0n), true);
};

/**
 * FCOMI, FUCOMI and their popping forms: the result goes to ZF, PF, CF (OF, SF, AF cleared), also
 * "unordered" when an unmasked IE stops the instruction before its pop. FSW's condition bits, C1
 * included, are left as they were (the host CPU; the SDM says C1 is cleared).
 */
export function compareToEflags(signaling: boolean, popAfter: boolean): Executor {
  return (cpu, op) => {
    beginWaiting(cpu);
    notePointers(cpu, op);
    const f = cpu.fpu;
    let completed: boolean;
    if (isEmpty(f, 0) || isEmpty(f, op.rm)) {
      completed = stackUnderflow(cpu); // C1 = 0, as for every stack fault
      setArithmeticFlags(cpu, ZF | PF | CF);
    } else {
      status.setFromX87Control(f.control);
      const relation = compare(readStack(f, 0), readStack(f, op.rm), signaling, status);
      completed = (signal(cpu, status.flags) & (SW_IE | SW_DE)) === 0;
      setArithmeticFlags(cpu, EFLAGS[relation]!);
    }
    if (completed && popAfter) pop(f);
  };
}

/**
 * FXAM: C3 C2 C0 = class (unsupported 000, NaN 001, normal 010, infinity 011, zero 100, empty 101,
 * denormal 110), C1 = the sign. No exception, not even for an empty register.
 */
export const fxam: Executor = (cpu, op) => {
  beginWaiting(cpu);
  notePointers(cpu, op);
  const f = cpu.fpu;
  const r = f.top;
  const sign = (f.signExponent[r]! & 0x8000) !== 0 ? SW_C1 : 0;
  if (isEmpty(f, 0)) {
    setConditions(cpu, SW_C3 | SW_C0 | sign);
    return;
  }
  const exponent = f.signExponent[r]! & 0x7fff;
  const high = f.significandHigh[r]!;
  const low = f.significandLow[r]!;
  const integerBit = (high & 0x80000000) !== 0;
  let bits: number;
  if (exponent === 0) bits = high === 0 && low === 0 ? SW_C3 : SW_C3 | SW_C2; // zero, denormal (pseudo-denormal too)
  else if (!integerBit) bits = 0; // unnormal, pseudo-NaN, pseudo-infinity: unsupported
  else if (exponent === 0x7fff) bits = (high & 0x7fffffff) === 0 && low === 0 ? SW_C2 | SW_C0 : SW_C0;
  else bits = SW_C2;
  setConditions(cpu, bits | sign);
};

export { Relation };
