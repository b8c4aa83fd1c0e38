// Control transfer within the code segment: Jcc, JMP, CALL, RET, LOOPcc, JECXZ, and the software
// interrupts INT n / INT3 / INTO / INT1, which leave through the exception hook.
//
// Every executor here sets cpu.eip (the binders mark op.isBranch). A near transfer to an offset past
// the CS limit raises #GP(0) (SDM JMP/CALL/RET: "If the target operand is beyond the code segment
// limit"); with a flat CS the check is skipped.

import { ECX, ESP, CS, type Cpu } from '../cpu.ts';
import { STACK_CALL, STACK_RET, type Binder, type Op } from '../op.ts';
import { testCondition, zero, overflow, ZF, LAZY_SIZE_SHIFT } from '../flags.ts';
import { Vector } from '../fault.ts';
import { readRm } from './operands.ts';

/** Set EIP to a near target, checking the CS limit when CS is not flat. */
export function jumpNear(cpu: Cpu, target: number): void {
  if (cpu.segFast[CS] === 0 && target >>> 0 > cpu.segLimit[CS]!) cpu.raise(Vector.GP, 0);
  cpu.eip = target;
}

function jcc(cpu: Cpu, op: Op): void {
  cpu.eip = testCondition(cpu, op.condition) ? op.target : op.next;
}
/** JZ/JNZ: the commonest conditions, reading ZF straight from the lazy result when it is lazy. */
function jz(cpu: Cpu, op: Op): void {
  const lazy = cpu.lazyOp;
  const z = (lazy & ZF) !== 0 ? (cpu.lazyResult & SIZE_MASKS[(lazy >>> LAZY_SIZE_SHIFT) & 3]!) === 0 : (cpu.flags & ZF) !== 0;
  cpu.eip = z ? op.target : op.next;
}
function jnz(cpu: Cpu, op: Op): void {
  const lazy = cpu.lazyOp;
  const z = (lazy & ZF) !== 0 ? (cpu.lazyResult & SIZE_MASKS[(lazy >>> LAZY_SIZE_SHIFT) & 3]!) === 0 : (cpu.flags & ZF) !== 0;
  cpu.eip = z ? op.next : op.target;
}
const SIZE_MASKS = [0xff, 0xffff, -1];
function jccChecked(cpu: Cpu, op: Op): void {
  if (testCondition(cpu, op.condition)) jumpNear(cpu, op.target);
  else cpu.eip = op.next;
}
export const bindJcc: Binder = (op, _insn, cpu) => {
  op.isBranch = true;
  if (cpu.segFast[CS] === 0) return jccChecked;
  op.conditionalJump = true;
  if (op.condition === 4) return jz;
  if (op.condition === 5) return jnz;
  return jcc;
};

function jmp(cpu: Cpu, op: Op): void {
  jumpNear(cpu, op.target);
}
export const bindJmp: Binder = (op) => {
  op.isBranch = true;
  return jmp;
};

function jmpIndirect(cpu: Cpu, op: Op): void {
  jumpNear(cpu, readRm(cpu, op));
}
export const bindJmpIndirect: Binder = (op) => {
  op.isBranch = true;
  return jmpIndirect;
};

function call(cpu: Cpu, op: Op): void {
  if (cpu.segFast[CS] === 0 && op.target >>> 0 > cpu.segLimit[CS]!) cpu.raise(Vector.GP, 0);
  if (op.size === 32) cpu.push32(op.next);
  else cpu.push16(op.next);
  cpu.eip = op.target;
}
export const bindCall: Binder = (op) => {
  op.isBranch = true;
  if (op.size === 32) op.stackForm = STACK_CALL;
  return call;
};

function callIndirect(cpu: Cpu, op: Op): void {
  const target = readRm(cpu, op);
  if (cpu.segFast[CS] === 0 && target >>> 0 > cpu.segLimit[CS]!) cpu.raise(Vector.GP, 0);
  if (op.size === 32) cpu.push32(op.next);
  else cpu.push16(op.next);
  cpu.eip = target;
}
export const bindCallIndirect: Binder = (op) => {
  op.isBranch = true;
  return callIndirect;
};

function ret32(cpu: Cpu): void {
  const esp = cpu.regs[ESP]!;
  if (cpu.stack32 && cpu.segFast[CS] !== 0) {
    cpu.eip = cpu.read32(2, esp);
    cpu.regs[ESP] = (esp + 4) | 0;
    return;
  }
  const target = cpu.readSized(2, cpu.stackOffset(0), 32);
  jumpNear(cpu, target);
  cpu.setStackPointer(cpu.stackOffset(4));
}
function ret(cpu: Cpu, op: Op): void {
  const bytes = op.size >> 3;
  const target = cpu.readSized(2, cpu.stackOffset(0), op.size);
  jumpNear(cpu, target);
  cpu.setStackPointer(cpu.stackOffset(bytes + (op.imm & 0xffff)));
}
export const bindRet: Binder = (op, insn) => {
  op.isBranch = true;
  if (insn.form!.operands.length === 0) {
    op.imm = 0;
    if (op.size === 32) {
      op.stackForm = STACK_RET;
      return ret32;
    }
  }
  return ret;
};

/** LOOP/LOOPE/LOOPNE decrement (E)CX by the address size, then branch. op.kind: 0 loop, 1 loope, 2 loopne. */
function loop(cpu: Cpu, op: Op): void {
  let count: number;
  if (op.addressSize === 32) count = cpu.regs[ECX] = (cpu.regs[ECX]! - 1) | 0;
  else count = cpu.regs16[ECX << 1] = (cpu.regs16[ECX << 1]! - 1) & 0xffff;
  let taken = count !== 0;
  if (op.kind === 1) taken &&= zero(cpu) !== 0;
  else if (op.kind === 2) taken &&= zero(cpu) === 0;
  if (taken) jumpNear(cpu, op.target);
  else cpu.eip = op.next;
}
export const bindLoop: Binder = (op, insn) => {
  op.isBranch = true;
  const name = insn.form!.operation;
  op.kind = name === 'loope' ? 1 : name === 'loopne' ? 2 : 0;
  return loop;
};

function jecxz(cpu: Cpu, op: Op): void {
  const count = op.addressSize === 32 ? cpu.regs[ECX]! : cpu.regs16[ECX << 1]!;
  if (count === 0) jumpNear(cpu, op.target);
  else cpu.eip = op.next;
}
export const bindJecxz: Binder = (op) => {
  op.isBranch = true;
  return jecxz;
};

// --- Software interrupts: traps, so EIP is left after the instruction --------------------------

function intN(cpu: Cpu, op: Op): void {
  cpu.trapAfter(op, op.imm & 0xff, true);
}
function int3(cpu: Cpu, op: Op): void {
  cpu.trapAfter(op, Vector.BP, true);
}
function into(cpu: Cpu, op: Op): void {
  if (overflow(cpu) !== 0) cpu.trapAfter(op, Vector.OF, true);
  else cpu.eip = op.next;
}
/** INT1 (ICEBP, F1): a #DB trap delivered like a hardware exception (no gate DPL check). */
function int1(cpu: Cpu, op: Op): void {
  cpu.trapAfter(op, Vector.DB, false);
}
export const bindInt: Binder = (op) => {
  op.isBranch = true;
  return intN;
};
export const bindInt3: Binder = (op) => {
  op.isBranch = true;
  return int3;
};
export const bindInto: Binder = (op) => {
  op.isBranch = true;
  return into;
};
export const bindInt1: Binder = (op) => {
  op.isBranch = true;
  return int1;
};
