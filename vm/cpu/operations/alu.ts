// The eight ALU operations (ADD OR ADC SBB AND SUB XOR CMP), TEST, INC, DEC, NEG, NOT.
//
// `arithmetic` is the semantics, in one place for the interpreter and a future block compiler: it
// returns the result and leaves the flags lazy (flags.ts). Executors differ only in where operands
// come from; the 32-bit register and memory forms have their own functions because they are most of
// what compiled code executes.

import { CF, OF, AF, ADD32, SUB32, INC32, DEC32, RESULT32, LAZY_CARRY_IN, LAZY_SIZE_SHIFT, ARITHMETIC_FLAGS, RESULT_FLAGS, LAZY_SUB, carry, keepCarry, sizeCode } from '../flags.ts';
import type { Cpu } from '../cpu.ts';
import { effectiveAddress, type Op, type Binder } from '../op.ts';
import { getRegister, setRegister, modifyRm, commitRm, operandKinds } from './operands.ts';

export const ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7, TEST = 8;
const NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp', 'test'];

/** a OP b at `bits` bits; sets the lazy flags; returns the result (only its low `bits` matter). */
export function arithmetic(cpu: Cpu, kind: number, a: number, b: number, bits: number): number {
  const size = sizeCode(bits) << LAZY_SIZE_SHIFT;
  let r: number;
  switch (kind) {
    case ADD:
      r = (a + b) | 0;
      cpu.lazyOp = ARITHMETIC_FLAGS | size;
      break;
    case ADC: {
      const c = carry(cpu);
      r = (a + b + c) | 0;
      cpu.lazyOp = ARITHMETIC_FLAGS | size | (c !== 0 ? LAZY_CARRY_IN : 0);
      break;
    }
    case SBB: {
      const c = carry(cpu);
      r = (a - b - c) | 0;
      cpu.lazyOp = ARITHMETIC_FLAGS | LAZY_SUB | size | (c !== 0 ? LAZY_CARRY_IN : 0);
      break;
    }
    case SUB:
    case CMP:
      r = (a - b) | 0;
      cpu.lazyOp = ARITHMETIC_FLAGS | LAZY_SUB | size;
      break;
    case OR:
      return logicResult(cpu, a | b, size);
    case XOR:
      return logicResult(cpu, a ^ b, size);
    default: // AND, TEST
      return logicResult(cpu, a & b, size);
  }
  cpu.lazyA = a;
  cpu.lazyB = b;
  cpu.lazyResult = r;
  return r;
}

function logicResult(cpu: Cpu, r: number, size: number): number {
  cpu.flags &= ~(CF | OF | AF);
  cpu.lazyOp = RESULT_FLAGS | size;
  cpu.lazyResult = r;
  return r;
}

// --- 32-bit executors. op.rm is the destination register, op.reg the source register. -----------

function alu32RegReg(cpu: Cpu, op: Op): void {
  const r = cpu.regs;
  const v = arithmetic(cpu, op.kind, r[op.rm]!, r[op.reg]!, 32);
  if (op.kind < CMP) r[op.rm] = v;
}
function alu32RegImm(cpu: Cpu, op: Op): void {
  const r = cpu.regs;
  const v = arithmetic(cpu, op.kind, r[op.rm]!, op.imm, 32);
  if (op.kind < CMP) r[op.rm] = v;
}
function alu32RegMem(cpu: Cpu, op: Op): void {
  const r = cpu.regs;
  const v = arithmetic(cpu, op.kind, r[op.rm]!, cpu.read32(op.seg, effectiveAddress(cpu, op)), 32);
  if (op.kind < CMP) r[op.rm] = v;
}
function alu32MemReg(cpu: Cpu, op: Op): void {
  if (op.kind >= CMP) {
    arithmetic(cpu, op.kind, cpu.read32(op.seg, effectiveAddress(cpu, op)), cpu.regs[op.reg]!, 32);
    return;
  }
  const a = cpu.modify32(op.seg, effectiveAddress(cpu, op));
  cpu.commit32(arithmetic(cpu, op.kind, a, cpu.regs[op.reg]!, 32));
}
function alu32MemImm(cpu: Cpu, op: Op): void {
  if (op.kind >= CMP) {
    arithmetic(cpu, op.kind, cpu.read32(op.seg, effectiveAddress(cpu, op)), op.imm, 32);
    return;
  }
  const a = cpu.modify32(op.seg, effectiveAddress(cpu, op));
  cpu.commit32(arithmetic(cpu, op.kind, a, op.imm, 32));
}

// Dedicated forms of the commonest instructions of all.
function add32RegReg(cpu: Cpu, op: Op): void {
  const r = cpu.regs;
  const a = r[op.rm]!;
  const b = r[op.reg]!;
  const v = (a + b) | 0;
  cpu.lazyA = a;
  cpu.lazyB = b;
  cpu.lazyResult = v;
  cpu.lazyOp = ADD32;
  r[op.rm] = v;
}
function add32RegImm(cpu: Cpu, op: Op): void {
  const r = cpu.regs;
  const a = r[op.rm]!;
  const b = op.imm;
  const v = (a + b) | 0;
  cpu.lazyA = a;
  cpu.lazyB = b;
  cpu.lazyResult = v;
  cpu.lazyOp = ADD32;
  r[op.rm] = v;
}
function sub32RegImm(cpu: Cpu, op: Op): void {
  const r = cpu.regs;
  const a = r[op.rm]!;
  const b = op.imm;
  const v = (a - b) | 0;
  cpu.lazyA = a;
  cpu.lazyB = b;
  cpu.lazyResult = v;
  cpu.lazyOp = SUB32;
  r[op.rm] = v;
}
function cmp32RegReg(cpu: Cpu, op: Op): void {
  const r = cpu.regs;
  const a = r[op.rm]!;
  const b = r[op.reg]!;
  cpu.lazyA = a;
  cpu.lazyB = b;
  cpu.lazyResult = (a - b) | 0;
  cpu.lazyOp = SUB32;
}
function cmp32RegImm(cpu: Cpu, op: Op): void {
  const a = cpu.regs[op.rm]!;
  const b = op.imm;
  cpu.lazyA = a;
  cpu.lazyB = b;
  cpu.lazyResult = (a - b) | 0;
  cpu.lazyOp = SUB32;
}
function xor32RegReg(cpu: Cpu, op: Op): void {
  const r = cpu.regs;
  const v = r[op.rm]! ^ r[op.reg]!;
  cpu.flags &= ~(CF | OF | AF);
  cpu.lazyResult = v;
  cpu.lazyOp = RESULT32;
  r[op.rm] = v;
}
function test32RegReg(cpu: Cpu, op: Op): void {
  const r = cpu.regs;
  cpu.flags &= ~(CF | OF | AF);
  cpu.lazyResult = r[op.rm]! & r[op.reg]!;
  cpu.lazyOp = RESULT32;
}

// --- Any size (8 and 16 bits, through the sized helpers) ---------------------------------------

function aluRegReg(cpu: Cpu, op: Op): void {
  const v = arithmetic(cpu, op.kind, getRegister(cpu, op.rm, op.size), getRegister(cpu, op.reg, op.size), op.size);
  if (op.kind < CMP) setRegister(cpu, op.rm, op.size, v);
}
function aluRegImm(cpu: Cpu, op: Op): void {
  const v = arithmetic(cpu, op.kind, getRegister(cpu, op.rm, op.size), op.imm, op.size);
  if (op.kind < CMP) setRegister(cpu, op.rm, op.size, v);
}
function aluRegMem(cpu: Cpu, op: Op): void {
  const b = cpu.readSized(op.seg, effectiveAddress(cpu, op), op.size);
  const v = arithmetic(cpu, op.kind, getRegister(cpu, op.rm, op.size), b, op.size);
  if (op.kind < CMP) setRegister(cpu, op.rm, op.size, v);
}
function aluMemReg(cpu: Cpu, op: Op): void {
  if (op.kind >= CMP) {
    arithmetic(cpu, op.kind, cpu.readSized(op.seg, effectiveAddress(cpu, op), op.size), getRegister(cpu, op.reg, op.size), op.size);
    return;
  }
  const a = cpu.modifySized(op.seg, effectiveAddress(cpu, op), op.size);
  cpu.commitSized(op.size, arithmetic(cpu, op.kind, a, getRegister(cpu, op.reg, op.size), op.size));
}
function aluMemImm(cpu: Cpu, op: Op): void {
  if (op.kind >= CMP) {
    arithmetic(cpu, op.kind, cpu.readSized(op.seg, effectiveAddress(cpu, op), op.size), op.imm, op.size);
    return;
  }
  const a = cpu.modifySized(op.seg, effectiveAddress(cpu, op), op.size);
  cpu.commitSized(op.size, arithmetic(cpu, op.kind, a, op.imm, op.size));
}

/**
 * Binder for ADD..CMP and TEST. Normalises the operands so that op.rm is the destination register
 * (or memory when op.isMemory and the destination is r/m) and op.reg the source register.
 */
export const bindArithmetic: Binder = (op, insn) => {
  const kind = NAMES.indexOf(insn.form!.operation);
  op.kind = kind;
  const [dst, src] = operandKinds(insn);
  // The immediate of an 8-bit form is a byte; of a 16-bit form, 16 bits (simm8 already sign-extended).
  if (dst === 'al' || dst === 'acc') {
    op.rm = 0;
    op.isMemory = false;
  }
  const immediate = src === 'imm' || src === 'simm8';
  if (dst === 'reg') {
    // reg, r/m: the destination is ModRM.reg; the source is r/m (register or memory).
    const destination = op.reg;
    op.reg = op.rm;
    op.rm = destination;
    if (op.isMemory) return op.size === 32 ? alu32RegMem : aluRegMem;
  } else if (op.isMemory) {
    if (immediate) return op.size === 32 ? alu32MemImm : aluMemImm;
    return op.size === 32 ? alu32MemReg : aluMemReg;
  }
  if (immediate) {
    if (op.size !== 32) return aluRegImm;
    if (kind === ADD) return add32RegImm;
    if (kind === SUB) return sub32RegImm;
    if (kind === CMP) return cmp32RegImm;
    return alu32RegImm;
  }
  if (op.size !== 32) return aluRegReg;
  if (kind === ADD) return add32RegReg;
  if (kind === CMP) return cmp32RegReg;
  if (kind === XOR) return xor32RegReg;
  if (kind === TEST) return test32RegReg;
  return alu32RegReg;
};

// --- INC, DEC ----------------------------------------------------------------------------------

/** INC/DEC semantics: like ADD/SUB of 1, but CF is kept. */
export function incDec(cpu: Cpu, value: number, bits: number, decrement: boolean): number {
  keepCarry(cpu);
  const r = decrement ? (value - 1) | 0 : (value + 1) | 0;
  cpu.lazyA = value;
  cpu.lazyB = 1;
  cpu.lazyResult = r;
  cpu.lazyOp = (ARITHMETIC_FLAGS & ~CF) | (sizeCode(bits) << LAZY_SIZE_SHIFT) | (decrement ? LAZY_SUB : 0);
  return r;
}

function inc32Reg(cpu: Cpu, op: Op): void {
  const r = cpu.regs;
  const a = r[op.reg]!;
  keepCarry(cpu);
  const v = (a + 1) | 0;
  cpu.lazyA = a;
  cpu.lazyB = 1;
  cpu.lazyResult = v;
  cpu.lazyOp = INC32;
  r[op.reg] = v;
}
function dec32Reg(cpu: Cpu, op: Op): void {
  const r = cpu.regs;
  const a = r[op.reg]!;
  keepCarry(cpu);
  const v = (a - 1) | 0;
  cpu.lazyA = a;
  cpu.lazyB = 1;
  cpu.lazyResult = v;
  cpu.lazyOp = DEC32;
  r[op.reg] = v;
}
function incDecOpreg16(cpu: Cpu, op: Op): void {
  setRegister(cpu, op.reg, 16, incDec(cpu, getRegister(cpu, op.reg, 16), 16, op.kind === 1));
}
function incDecRm(cpu: Cpu, op: Op): void {
  commitRm(cpu, op, incDec(cpu, modifyRm(cpu, op), op.size, op.kind === 1));
}

export const bindIncDec: Binder = (op, insn) => {
  op.kind = insn.form!.operation === 'dec' ? 1 : 0;
  if (insn.form!.operands[0]!.kind === 'opreg') {
    if (op.size === 32) return op.kind === 1 ? dec32Reg : inc32Reg;
    return incDecOpreg16;
  }
  return incDecRm;
};

// --- NEG, NOT ----------------------------------------------------------------------------------

function neg(cpu: Cpu, op: Op): void {
  const a = modifyRm(cpu, op);
  commitRm(cpu, op, arithmetic(cpu, SUB, 0, a, op.size));
}
function not(cpu: Cpu, op: Op): void {
  commitRm(cpu, op, ~modifyRm(cpu, op));
}
export const bindNeg: Binder = () => neg;
export const bindNot: Binder = () => not;
