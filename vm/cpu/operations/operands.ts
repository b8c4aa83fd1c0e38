// Operand access shared by the executors: registers by size, the r/m operand, immediates.
//
// The hottest forms have executors written for one size (see alu.ts); everything else reads operands
// through these helpers, which switch on op.size (8, 16 or 32).

import { BYTE_REGISTER_OFFSET, type Cpu } from '../cpu.ts';
import { effectiveAddress, type Op } from '../op.ts';
import type { Instruction } from '../../isa/decoder.ts';

export function getRegister(cpu: Cpu, n: number, bits: number): number {
  if (bits === 32) return cpu.regs[n]!;
  if (bits === 16) return cpu.regs16[n << 1]!;
  return cpu.regs8[BYTE_REGISTER_OFFSET[n]!]!;
}

export function setRegister(cpu: Cpu, n: number, bits: number, value: number): void {
  if (bits === 32) cpu.regs[n] = value;
  else if (bits === 16) cpu.regs16[n << 1] = value;
  else cpu.regs8[BYTE_REGISTER_OFFSET[n]!] = value;
}

/** The r/m operand's value (op.rm register or memory), at op.size. */
export function readRm(cpu: Cpu, op: Op): number {
  return op.isMemory ? cpu.readSized(op.seg, effectiveAddress(cpu, op), op.size) : getRegister(cpu, op.rm, op.size);
}

/** The r/m operand's value at an explicit size (MOVZX's source, MOV Sreg's 16-bit memory...). */
export function readRmSized(cpu: Cpu, op: Op, bits: number): number {
  return op.isMemory ? cpu.readSized(op.seg, effectiveAddress(cpu, op), bits) : getRegister(cpu, op.rm, bits);
}

export function writeRm(cpu: Cpu, op: Op, value: number): void {
  if (op.isMemory) cpu.writeSized(op.seg, effectiveAddress(cpu, op), op.size, value);
  else setRegister(cpu, op.rm, op.size, value);
}

/** Read-modify-write of the r/m operand: `modifyRm` then `commitRm`. */
export function modifyRm(cpu: Cpu, op: Op): number {
  return op.isMemory ? cpu.modifySized(op.seg, effectiveAddress(cpu, op), op.size) : getRegister(cpu, op.rm, op.size);
}

export function commitRm(cpu: Cpu, op: Op, value: number): void {
  if (op.isMemory) cpu.commitSized(op.size, value);
  else setRegister(cpu, op.rm, op.size, value);
}

/** Mask of an operand size: 0xFF, 0xFFFF or 0xFFFFFFFF (as -1). */
export function sizeMask(bits: number): number {
  return bits === 32 ? -1 : bits === 16 ? 0xffff : 0xff;
}

/** Sign bit of an operand size. */
export function signBit(bits: number): number {
  return bits === 32 ? 0x80000000 | 0 : bits === 16 ? 0x8000 : 0x80;
}

/** Sign-extend a value of `bits` bits to 32. */
export function signExtend(value: number, bits: number): number {
  return bits === 32 ? value | 0 : bits === 16 ? (value << 16) >> 16 : (value << 24) >> 24;
}

/** The operand kinds of a form, for binders choosing an executor. */
export function operandKinds(insn: Instruction): string[] {
  return insn.form!.operands.map((o) => o.kind);
}
