// The eight ALU operations (ADD OR ADC SBB AND SUB XOR CMP), TEST, INC, DEC, NEG, NOT.
//
// `arithmetic` is the semantics, in one place for the interpreter and a future block compiler: it
// returns the result and leaves the flags lazy (flags.ts). Executors differ only in where operands
// come from; the 32-bit register and memory forms have their own functions because they are most of
// what compiled code executes.

import { CF, OF, AF, ADD32, SUB32, INC32, DEC32, RESULT32, LAZY_CARRY_IN, LAZY_SIZE_SHIFT, ARITHMETIC_FLAGS, RESULT_FLAGS, LAZY_SUB, carry, keepCarry, sizeCode } from '../flags.ts';
import type { Cpu } from '../cpu.ts';
import { effectiveAddress, type Op, type Binder } from '../op.ts';
import { bindForm, type FormRow } from './register-forms.ts';
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

// --- The 32-bit register forms, as rows (register-forms.ts generates their executors) -----------
//
// The commonest instructions of all. Each row states one instruction's semantics once: the result as
// an expression over `a` (the destination's value) and `b` (the source's), and the lazy-flags record
// it leaves. The interpreter's executors for these forms are generated from the rows, and the block
// compiler emits the same rows in line. (`arithmetic` above is the general statement for every size
// and operand kind; the differential suite checks both against the oracle.)

const row = (result: string, lazyOp: number, arithmetic: boolean, writesDestination = true, keepsCarry = false): FormRow =>
  ({ result, setsFlags: true, lazyOp, arithmetic, keepsCarry, writesDestination, readsDestination: true });
export const REGISTER_FORMS: Record<string, FormRow> = {
  add: row('(a + b) | 0', ADD32, true),
  sub: row('(a - b) | 0', SUB32, true),
  cmp: row('(a - b) | 0', SUB32, true, false),
  and: row('a & b', RESULT32, false),
  or: row('a | b', RESULT32, false),
  xor: row('a ^ b', RESULT32, false),
  test: row('a & b', RESULT32, false, false),
  inc: row('(a + 1) | 0', INC32, true, true, true),
  dec: row('(a - 1) | 0', DEC32, true, true, true),
};

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
    if (op.isMemory) {
      if (op.size !== 32) return aluRegMem;
      const form = REGISTER_FORMS[NAMES[kind]!];
      return form !== undefined ? bindForm(op, NAMES[kind]!, form, 'rm', 'mem') : alu32RegMem;
    }
  } else if (op.isMemory) {
    // CMP and TEST only read their memory operand: a row can state them (a read-modify-write stays
    // with alu32Mem*, which checks the write before reading).
    const readOnly = op.size === 32 && (kind === CMP || kind === TEST);
    if (immediate) return readOnly ? bindForm(op, NAMES[kind]!, REGISTER_FORMS[NAMES[kind]!]!, 'mem', 'imm') : op.size === 32 ? alu32MemImm : aluMemImm;
    return readOnly ? bindForm(op, NAMES[kind]!, REGISTER_FORMS[NAMES[kind]!]!, 'mem', 'reg') : op.size === 32 ? alu32MemReg : aluMemReg;
  }
  const name = NAMES[kind]!;
  if (immediate) {
    if (op.size !== 32) return aluRegImm;
    return REGISTER_FORMS[name] !== undefined ? bindForm(op, name, REGISTER_FORMS[name]!, 'rm', 'imm') : alu32RegImm;
  }
  if (op.size !== 32) return aluRegReg;
  return REGISTER_FORMS[name] !== undefined ? bindForm(op, name, REGISTER_FORMS[name]!, 'rm', 'reg') : alu32RegReg;
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

function incDecOpreg16(cpu: Cpu, op: Op): void {
  setRegister(cpu, op.reg, 16, incDec(cpu, getRegister(cpu, op.reg, 16), 16, op.kind === 1));
}
function incDecRm(cpu: Cpu, op: Op): void {
  commitRm(cpu, op, incDec(cpu, modifyRm(cpu, op), op.size, op.kind === 1));
}

export const bindIncDec: Binder = (op, insn) => {
  op.kind = insn.form!.operation === 'dec' ? 1 : 0;
  if (insn.form!.operands[0]!.kind === 'opreg') {
    if (op.size === 32) {
      const name = op.kind === 1 ? 'dec' : 'inc';
      return bindForm(op, name, REGISTER_FORMS[name]!, 'reg', 'one');
    }
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
