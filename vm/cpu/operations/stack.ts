// Stack operations: PUSH, POP, PUSHA, POPA, PUSHF, POPF, ENTER, LEAVE.
//
// Instructions that write several stack slots write them at offsets from ESP first and move ESP last,
// so a fault half-way leaves ESP as it was (the SDM's "the instruction is restartable").

import { ESP, EBP, SS, type Cpu } from '../cpu.ts';
import { effectiveAddress, STACK_POP_REGISTER, STACK_PUSH_IMMEDIATE, STACK_PUSH_REGISTER, type Binder, type Op } from '../op.ts';
import { readEflags, writeEflags, materialiseFlags, IF, IOPL, VM, RF, AC, ID, NT, VIF, VIP, FLAGS_ALWAYS_ONE } from '../flags.ts';
import { getRegister, setRegister, readRm, operandKinds } from './operands.ts';
import { Vector } from '../fault.ts';

function push32Reg(cpu: Cpu, op: Op): void {
  cpu.push32(cpu.regs[op.reg]!);
}
function pop32Reg(cpu: Cpu, op: Op): void {
  const v = cpu.pop32();
  cpu.regs[op.reg] = v;
}
function push16Reg(cpu: Cpu, op: Op): void {
  cpu.push16(cpu.regs16[op.reg << 1]!);
}
function pop16Reg(cpu: Cpu, op: Op): void {
  const v = cpu.pop16();
  cpu.regs16[op.reg << 1] = v;
}
function pushImm(cpu: Cpu, op: Op): void {
  if (op.size === 32) cpu.push32(op.imm);
  else cpu.push16(op.imm);
}
function pushRm(cpu: Cpu, op: Op): void {
  const v = readRm(cpu, op);
  if (op.size === 32) cpu.push32(v);
  else cpu.push16(v);
}
/** POP r/m: the address is computed with ESP already incremented (SDM POP: "If the ESP register is used as a base register..."). */
function popRm(cpu: Cpu, op: Op): void {
  const bytes = op.size >> 3;
  const v = cpu.readSized(SS, cpu.stackOffset(0), op.size);
  if (!op.isMemory) {
    cpu.setStackPointer(cpu.stackOffset(bytes));
    setRegister(cpu, op.rm, op.size, v);
    return;
  }
  const oldEsp = cpu.regs[ESP]!;
  cpu.setStackPointer(cpu.stackOffset(bytes));
  const address = effectiveAddress(cpu, op);
  cpu.regs[ESP] = oldEsp;
  cpu.writableLinear(op.seg, address, bytes);
  cpu.setStackPointer(cpu.stackOffset(bytes));
  cpu.writeSized(op.seg, address, op.size, v);
}

export const bindPush: Binder = (op, insn) => {
  const [src] = operandKinds(insn);
  if (src === 'opreg') {
    if (op.size !== 32) return push16Reg;
    op.stackForm = STACK_PUSH_REGISTER;
    return push32Reg;
  }
  if (src === 'imm' || src === 'simm8') {
    if (op.size === 32) op.stackForm = STACK_PUSH_IMMEDIATE;
    return pushImm;
  }
  return pushRm;
};
export const bindPop: Binder = (op, insn) => {
  const [dst] = operandKinds(insn);
  if (dst === 'opreg') {
    if (op.size !== 32) return pop16Reg;
    op.stackForm = STACK_POP_REGISTER;
    return pop32Reg;
  }
  return popRm;
};

function pusha(cpu: Cpu, op: Op): void {
  const bytes = op.size >> 3;
  for (let r = 0; r < 8; r++) {
    cpu.writeSized(SS, cpu.stackOffset(-bytes * (r + 1)), op.size, getRegister(cpu, r, op.size));
  }
  cpu.setStackPointer(cpu.stackOffset(-bytes * 8));
}
function popa(cpu: Cpu, op: Op): void {
  const bytes = op.size >> 3;
  const values = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let r = 0; r < 8; r++) values[7 - r] = cpu.readSized(SS, cpu.stackOffset(bytes * r), op.size);
  cpu.setStackPointer(cpu.stackOffset(bytes * 8));
  for (let r = 0; r < 8; r++) if (r !== ESP) setRegister(cpu, r, op.size, values[r]!);
}
export const bindPusha: Binder = () => pusha;
export const bindPopa: Binder = () => popa;

function pushf(cpu: Cpu, op: Op): void {
  // The image has VM and RF clear (SDM PUSHF).
  const f = readEflags(cpu) & ~(VM | RF);
  if (op.size === 32) cpu.push32(f);
  else cpu.push16(f);
}

/**
 * POPF in protected mode (SDM POPF, "protected mode" column): VM, RF, VIP and VIF are never changed
 * (RF is cleared); IOPL changes only at CPL 0; IF only when CPL <= IOPL. The system half can refine
 * this (virtual-8086 mode) by registering its own 'popf'.
 */
function popf(cpu: Cpu, op: Op): void {
  const value = op.size === 32 ? cpu.pop32() : cpu.pop16();
  materialiseFlags(cpu);
  const old = cpu.flags;
  const iopl = (old & IOPL) >> 12;
  let changeable = 0x0fd5 | NT | AC | ID; // OF DF IF TF SF ZF AF PF CF and the always-writable bits
  changeable &= ~IF;
  if (cpu.cpl <= iopl) changeable |= IF;
  changeable &= ~IOPL;
  if (cpu.cpl === 0) changeable |= IOPL;
  if (op.size === 16) changeable &= 0xffff;
  const next = ((old & ~changeable) | (value & changeable)) & ~(RF) & ~0x8028;
  writeEflags(cpu, (next & ~(VIF | VIP | VM)) | (old & (VIF | VIP | VM)) | FLAGS_ALWAYS_ONE);
}
export const bindPushf: Binder = () => pushf;
export const bindPopf: Binder = () => popf;

/** ENTER size, level (SDM ENTER): push EBP, copy level-1 outer frame pointers, push the new frame pointer. */
function enter(cpu: Cpu, op: Op): void {
  const size = op.imm & 0xffff;
  const level = op.imm2 & 31;
  const bytes = op.size >> 3;
  let offset = -bytes;
  cpu.writeSized(SS, cpu.stackOffset(offset), op.size, getRegister(cpu, EBP, op.size));
  const frameTemp = cpu.stackOffset(offset);
  if (level > 0) {
    let ebp = cpu.regs[EBP]!;
    for (let i = 1; i < level; i++) {
      ebp = cpu.stack32 ? (ebp - bytes) | 0 : (ebp - bytes) & 0xffff;
      const outer = cpu.readSized(SS, ebp, op.size);
      offset -= bytes;
      cpu.writeSized(SS, cpu.stackOffset(offset), op.size, outer);
    }
    offset -= bytes;
    cpu.writeSized(SS, cpu.stackOffset(offset), op.size, frameTemp);
  }
  // The new ESP must be writable too (the SDM checks it before committing), as a push there would be:
  // with EFLAGS.AC a misaligned final ESP is #AC, as on the host CPU.
  const newEsp = cpu.stackOffset(offset - size);
  if (size > 0) cpu.writableLinear(SS, newEsp, bytes);
  setRegister(cpu, EBP, op.size, frameTemp);
  cpu.setStackPointer(newEsp);
}
export const bindEnter: Binder = () => enter;

function leave(cpu: Cpu, op: Op): void {
  const ebp = cpu.stack32 ? cpu.regs[EBP]! : cpu.regs16[EBP << 1]!;
  const v = cpu.readSized(SS, ebp, op.size);
  cpu.setStackPointer((ebp + (op.size >> 3)) | 0);
  setRegister(cpu, EBP, op.size, v);
}
export const bindLeave: Binder = () => leave;

/** BOUND: #BR when the signed index is outside [lower, upper] read from memory. */
function bound(cpu: Cpu, op: Op): void {
  const address = effectiveAddress(cpu, op);
  const bytes = op.size >> 3;
  let lower = cpu.readSized(op.seg, address, op.size);
  let upper = cpu.readSized(op.seg, (address + bytes) & op.addressMask, op.size);
  let index = getRegister(cpu, op.reg, op.size);
  if (op.size === 16) {
    lower = (lower << 16) >> 16;
    upper = (upper << 16) >> 16;
    index = (index << 16) >> 16;
  }
  if (index < lower || index > upper) cpu.raise(Vector.BR);
}
export const bindBound: Binder = () => bound;
