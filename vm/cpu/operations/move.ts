// Data movement: MOV, MOVZX/MOVSX, LEA, XCHG, XADD, CMPXCHG, CMPXCHG8B, BSWAP, CBW/CWD, XLAT,
// LAHF/SAHF, SETcc, CMOVcc, and the NOP forms.

import { EAX, EBX, ECX, EDX, type Cpu } from '../cpu.ts';
import { effectiveAddress, type Binder, type Op } from '../op.ts';
import { Vector } from '../fault.ts';
import { testCondition, readEflags, materialiseFlags, ZF, ARITHMETIC_FLAGS, AF, CF, PF, SF } from '../flags.ts';
import { getRegister, setRegister, readRm, readRmSized, modifyRm, commitRm, operandKinds, signExtend } from './operands.ts';
import { arithmetic, ADD, SUB } from './alu.ts';
import { bindRow, formRow, register, memory, immediate, constant, address, type FormRow, type Operand } from './rows.ts';

// --- MOV ---------------------------------------------------------------------------------------

/** MOV's row (rows.ts): the 8-, 16- and 32-bit forms' executors are generated from it, and compiled
 *  blocks emit it in line. */
const MOV: FormRow = formRow({ result: 'b', readsDestination: false });
type Bits = 8 | 16 | 32;

/** MOV in all its integer forms. Normalised like the ALU: op.rm = destination register, op.reg = source. */
export const bindMov: Binder = (op, insn) => {
  const [dst, src] = operandKinds(insn);
  const bits = op.size as Bits;
  const mov = (destination: Operand, source: Operand) => bindRow(op, 'mov', MOV, destination, source);
  if (dst === 'moffs' || src === 'moffs') {
    // A0-A3: the address is an absolute offset; base and index are "none".
    op.isMemory = true;
    if (dst === 'moffs') {
      op.reg = EAX;
      return mov(memory(bits), register('reg', bits));
    }
    op.rm = EAX;
    return mov(register('rm', bits), memory(bits));
  }
  if (dst === 'opreg') {
    op.rm = op.reg;
    return mov(register('rm', bits), immediate('imm'));
  }
  if (src === 'imm') return mov(op.isMemory ? memory(bits) : register('rm', bits), immediate('imm'));
  if (dst === 'reg') {
    const destination = op.reg;
    op.reg = op.rm;
    op.rm = destination;
    return mov(register('rm', bits), op.isMemory ? memory(bits) : register('reg', bits));
  }
  return mov(op.isMemory ? memory(bits) : register('rm', bits), register('reg', bits));
};

// --- MOVZX, MOVSX, LEA -------------------------------------------------------------------------

/** MOVZX/MOVSX into a 32-bit register: the source is read zero-extended; MOVSX then extends its sign. */
const MOVZX: FormRow = MOV;
const MOVSX8: FormRow = formRow({ result: '(b << 24) >> 24', readsDestination: false });
const MOVSX16: FormRow = formRow({ result: '(b << 16) >> 16', readsDestination: false });
function movzx(cpu: Cpu, op: Op): void {
  setRegister(cpu, op.reg, op.size, readRmSized(cpu, op, op.kind));
}
function movsx(cpu: Cpu, op: Op): void {
  setRegister(cpu, op.reg, op.size, signExtend(readRmSized(cpu, op, op.kind), op.kind));
}
const extendSource = (op: Op): Operand => (op.isMemory ? memory(op.kind as Bits) : register('rm', op.kind as Bits));
export const bindMovzx: Binder = (op, insn) => {
  op.kind = insn.form!.operands[1]!.size as number;
  return op.size === 32 ? bindRow(op, 'movzx', MOVZX, register('reg'), extendSource(op)) : movzx;
};
export const bindMovsx: Binder = (op, insn) => {
  op.kind = insn.form!.operands[1]!.size as number;
  if (op.size !== 32) return movsx;
  return bindRow(op, 'movsx', op.kind === 8 ? MOVSX8 : MOVSX16, register('reg'), extendSource(op));
};

function lea16(cpu: Cpu, op: Op): void {
  cpu.regs16[op.reg << 1] = effectiveAddress(cpu, op);
}
export const bindLea: Binder = (op) => (op.size === 32 ? bindRow(op, 'lea', MOV, register('reg'), address()) : lea16);

// --- XCHG, XADD, CMPXCHG, CMPXCHG8B, BSWAP ------------------------------------------------------

function xchg(cpu: Cpu, op: Op): void {
  const a = modifyRm(cpu, op);
  const b = getRegister(cpu, op.reg, op.size);
  commitRm(cpu, op, b);
  setRegister(cpu, op.reg, op.size, a);
}
export const bindXchg: Binder = (op, insn) => {
  if (insn.form!.operands[0]!.kind === 'opreg') {
    op.rm = op.reg; // xchg reg, eAX
    op.reg = EAX;
    op.isMemory = false;
  }
  return xchg;
};

function xadd(cpu: Cpu, op: Op): void {
  const a = modifyRm(cpu, op);
  const b = getRegister(cpu, op.reg, op.size);
  const sum = arithmetic(cpu, ADD, a, b, op.size);
  setRegister(cpu, op.reg, op.size, a);
  commitRm(cpu, op, sum);
}
export const bindXadd: Binder = () => xadd;

function cmpxchg(cpu: Cpu, op: Op): void {
  // The destination is always written (with its own value on failure), as the locked bus cycle does.
  const dest = modifyRm(cpu, op);
  const acc = getRegister(cpu, EAX, op.size);
  arithmetic(cpu, SUB, acc, dest, op.size);
  if (((acc ^ dest) & sizeMaskOf(op.size)) === 0) {
    commitRm(cpu, op, getRegister(cpu, op.reg, op.size));
  } else {
    commitRm(cpu, op, dest);
    setRegister(cpu, EAX, op.size, dest);
  }
}
function sizeMaskOf(bits: number): number {
  return bits === 32 ? -1 : bits === 16 ? 0xffff : 0xff;
}
export const bindCmpxchg: Binder = () => cmpxchg;

function cmpxchg8b(cpu: Cpu, op: Op): void {
  const address = effectiveAddress(cpu, op);
  cpu.checkAlignment(op.seg, address, 8, true); // one quadword to the alignment check (and always a write: CS is #GP first)
  const low = cpu.read32(op.seg, address);
  const high = cpu.read32(op.seg, (address + 4) & op.addressMask);
  cpu.writableLinear(op.seg, address, 4);
  cpu.writableLinear(op.seg, (address + 4) & op.addressMask, 4);
  const r = cpu.regs;
  materialiseFlags(cpu);
  if (low === r[EAX] && high === r[EDX]) {
    cpu.write32(op.seg, address, r[EBX]!);
    cpu.write32(op.seg, (address + 4) & op.addressMask, r[ECX]!);
    cpu.flags |= ZF;
  } else {
    cpu.write32(op.seg, address, low);
    cpu.write32(op.seg, (address + 4) & op.addressMask, high);
    r[EAX] = low;
    r[EDX] = high;
    cpu.flags &= ~ZF;
  }
}
export const bindCmpxchg8b: Binder = () => cmpxchg8b;

function bswap(cpu: Cpu, op: Op): void {
  const v = cpu.regs[op.reg]!;
  cpu.regs[op.reg] = (v >>> 24) | ((v >>> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}
function bswap16(cpu: Cpu, op: Op): void {
  // BSWAP with a 16-bit operand is undefined; real CPUs (and QEMU) clear the low word.
  cpu.regs16[op.reg << 1] = 0;
}
export const bindBswap: Binder = (op) => (op.size === 32 ? bswap : bswap16);

// --- CBW/CWDE, CWD/CDQ, XLAT, LAHF, SAHF ---------------------------------------------------------

function cwde(cpu: Cpu): void {
  cpu.regs[EAX] = (cpu.regs[EAX]! << 16) >> 16;
}
function cbw(cpu: Cpu): void {
  cpu.regs16[0] = (cpu.regs[EAX]! << 24) >> 24;
}
function cdq(cpu: Cpu): void {
  cpu.regs[EDX] = cpu.regs[EAX]! >> 31;
}
function cwd(cpu: Cpu): void {
  cpu.regs16[EDX << 1] = (cpu.regs[EAX]! << 16) >> 31;
}
export const bindCbw: Binder = (op) => (op.size === 32 ? cwde : cbw);
export const bindCwd: Binder = (op) => (op.size === 32 ? cdq : cwd);

function xlat(cpu: Cpu, op: Op): void {
  const address = (cpu.regs[EBX]! + cpu.regs8[0]!) & op.addressMask;
  cpu.regs8[0] = cpu.read8(op.seg, address);
}
export const bindXlat: Binder = (op) => {
  op.base = 3; // the default segment rule: DS unless overridden
  return xlat;
};

function lahf(cpu: Cpu): void {
  cpu.regs8[1] = (readEflags(cpu) & (SF | ZF | AF | PF | CF)) | 2;
}
function sahf(cpu: Cpu): void {
  materialiseFlags(cpu);
  const mask = SF | ZF | AF | PF | CF;
  cpu.flags = (cpu.flags & ~mask) | (cpu.regs8[1]! & mask);
}
export const bindLahf: Binder = () => lahf;
export const bindSahf: Binder = () => sahf;
void ARITHMETIC_FLAGS;

// --- SETcc, CMOVcc -------------------------------------------------------------------------------

/** SETcc r/m8: 1 or 0 by the condition `c`. CMOVcc r32, r/m32: the source when `c`; the source is read
 *  (and may fault) whatever the condition, and the destination written with its own value otherwise. */
const SETCC: FormRow = formRow({ result: 'c ? 1 : 0', readsDestination: false, readsCondition: true });
const CMOVCC: FormRow = formRow({ result: 'c ? b : a', readsCondition: true });
export const bindSetcc: Binder = (op) => bindRow(op, 'setcc', SETCC, op.isMemory ? memory(8) : register('rm', 8), constant(0));

function cmovcc(cpu: Cpu, op: Op): void {
  const value = readRm(cpu, op); // the source is read (and may fault) whatever the condition
  if (testCondition(cpu, op.condition)) setRegister(cpu, op.reg, op.size, value);
}
export const bindCmovcc: Binder = (op) => (op.size === 32 ? bindRow(op, 'cmovcc', CMOVCC, register('reg'), op.isMemory ? memory() : register('rm')) : cmovcc);

// --- NOP, PAUSE, FWAIT, UD2 ----------------------------------------------------------------------

function nop(): void {}
export const bindNop: Binder = () => nop;

function ud2(cpu: Cpu): void {
  cpu.raise(Vector.UD);
}
export const bindUd2: Binder = () => ud2;
