// SIMD operands: MMX and XMM registers, their memory operands, and the checks every SIMD instruction
// makes before it touches them (Intel SDM Vol. 1 chapters 9-11, Vol. 3A 13.1 and 2.5).
//
// Registers live in cpu.fpu (vm/cpu/fpu/state.ts): MMi is the 64-bit significand of x87 physical
// register Ri (significandLow/High[i]), XMMi is fpu.xmm[4i .. 4i+3]. The executors do their lane
// arithmetic on `Lanes`, a 16-byte scratch with views of every lane width: an instruction loads its
// operands into two of them, computes, and stores the destination back. MMX uses the low 8 bytes.
//
// The order of the checks is the SDM's: #UD (CR0.EM; CR4.OSFXSR for the XMM instructions), #NM
// (CR0.TS), #MF (a pending x87 exception, for instructions that touch MMX registers), then the
// memory operand (#GP/#SS/#PF, and #GP(0) for a misaligned 16-byte operand of an aligned form).

import { CR0_EM, CR0_NE, CR0_TS, CR4_OSFXSR, type Cpu } from '../cpu.ts';
import { Vector } from '../fault.ts';
import { effectiveAddress, type Op } from '../op.ts';
/** FSW.ES: an unmasked x87 exception is pending (the next waiting x87 or MMX instruction takes #MF). */
const FSW_ERROR_SUMMARY = 0x80;

/** A 16-byte scratch register with a view for every lane width. */
export class Lanes {
  readonly u8 = new Uint8Array(16);
  readonly i8 = new Int8Array(this.u8.buffer);
  readonly u16 = new Uint16Array(this.u8.buffer);
  readonly i16 = new Int16Array(this.u8.buffer);
  readonly u32 = new Uint32Array(this.u8.buffer);
  readonly i32 = new Int32Array(this.u8.buffer);
  readonly f32 = new Float32Array(this.u8.buffer);
  readonly f64 = new Float64Array(this.u8.buffer);
}

/** What an instruction's operands are, worked out once by its binder. */
export const enum Register { Mmx = 0, Xmm = 1 }

// ---------------------------------------------------------------------------------------------
// The checks before an instruction runs.

/** An MMX instruction (or SSE's integer additions on MMX registers): #UD, #NM, #MF, then the MMX transition. */
export function enterMmx(cpu: Cpu): void {
  const cr0 = cpu.cr[0]!;
  if ((cr0 & CR0_EM) !== 0) cpu.raise(Vector.UD);
  if ((cr0 & CR0_TS) !== 0) cpu.raise(Vector.NM);
  pendingX87Error(cpu);
}

/** An instruction that touches XMM registers or MXCSR: #UD without OSFXSR or with EM, #NM with TS. */
export function enterSse(cpu: Cpu): void {
  const cr0 = cpu.cr[0]!;
  if ((cr0 & CR0_EM) !== 0 || (cpu.cr[4]! & CR4_OSFXSR) === 0) cpu.raise(Vector.UD);
  if ((cr0 & CR0_TS) !== 0) cpu.raise(Vector.NM);
}

/**
 * A pending unmasked x87 exception is taken before an MMX instruction, as before a waiting x87 one:
 * #MF with CR0.NE. With NE clear the PC's FERR#/IRQ 13 path belongs to the x87 unit (vm/cpu/fpu/),
 * which raises it at the next waiting x87 instruction; the MMX instruction does not wait for it.
 */
function pendingX87Error(cpu: Cpu): void {
  if ((cpu.fpu.status & FSW_ERROR_SUMMARY) !== 0 && (cpu.cr[0]! & CR0_NE) !== 0) cpu.raise(Vector.MF);
}

/**
 * The x87-to-MMX transition every instruction that touches an MMX register makes (SDM Vol. 1 9.5.1):
 * TOP = 0 and every register tagged valid. EMMS empties them instead.
 */
export function mmxTransition(cpu: Cpu): void {
  const fpu = cpu.fpu;
  fpu.top = 0;
  fpu.validRegisters = 0xff;
}

// ---------------------------------------------------------------------------------------------
// Registers.

export function loadMmx(cpu: Cpu, n: number, into: Lanes): void {
  into.u32[0] = cpu.fpu.significandLow[n]!;
  into.u32[1] = cpu.fpu.significandHigh[n]!;
}

/** Write MMn: the significand of Rn, and its sign/exponent field set to all ones (SDM Vol. 1 9.5.2). */
export function storeMmx(cpu: Cpu, n: number, from: Lanes): void {
  cpu.fpu.significandLow[n] = from.u32[0]!;
  cpu.fpu.significandHigh[n] = from.u32[1]!;
  cpu.fpu.signExponent[n] = 0xffff;
}

export function loadXmm(cpu: Cpu, n: number, into: Lanes): void {
  const x = cpu.fpu.xmm;
  const b = n << 2;
  into.u32[0] = x[b]!;
  into.u32[1] = x[b + 1]!;
  into.u32[2] = x[b + 2]!;
  into.u32[3] = x[b + 3]!;
}

export function storeXmm(cpu: Cpu, n: number, from: Lanes): void {
  const x = cpu.fpu.xmm;
  const b = n << 2;
  x[b] = from.u32[0]!;
  x[b + 1] = from.u32[1]!;
  x[b + 2] = from.u32[2]!;
  x[b + 3] = from.u32[3]!;
}

export function loadRegister(cpu: Cpu, kind: Register, n: number, into: Lanes): void {
  if (kind === Register.Mmx) loadMmx(cpu, n, into);
  else loadXmm(cpu, n, into);
}

export function storeRegister(cpu: Cpu, kind: Register, n: number, from: Lanes): void {
  if (kind === Register.Mmx) storeMmx(cpu, n, from);
  else storeXmm(cpu, n, from);
}

// ---------------------------------------------------------------------------------------------
// Memory operands: 4, 8 or 16 bytes, read or written as doublewords after every check.

/** #GP(0) when a 16-byte operand of an aligned form is not on a 16-byte boundary (linear address). */
export function checkAlignment(cpu: Cpu, op: Op, address: number): void {
  if (((cpu.segBase[op.seg]! + address) & 15) !== 0) cpu.raise(Vector.GP, 0);
}

/** Read `bytes` (4, 8 or 16) from the op's memory operand into the low lanes; the rest are left alone. */
export function loadMemory(cpu: Cpu, op: Op, bytes: number, into: Lanes, aligned: boolean): void {
  const address = effectiveAddress(cpu, op);
  if (aligned && bytes === 16) checkAlignment(cpu, op, address);
  loadMemoryAt(cpu, op.seg, address, bytes, into);
}

export function loadMemoryAt(cpu: Cpu, seg: number, address: number, bytes: number, into: Lanes): void {
  if (cpu.alignmentChecking && bytes !== 4) return cpu.asOneOperand(seg, address, operandRule(bytes), false, () => loadPieces(cpu, seg, address, bytes, into));
  loadPieces(cpu, seg, address, bytes, into);
}

/**
 * The alignment rule of an 8- or 16-byte operand under EFLAGS.AC: a quadword wants 8 (MOVQ, MOVSD,
 * MOVLPS... on the host CPU, as the SDM's table says), a 16-byte one none (an aligned form has
 * already checked 16 for its #GP; MOVUPS, MOVDQU and the arithmetic on m128 are never #AC).
 */
function operandRule(bytes: number): number {
  return bytes === 8 ? 8 : 0;
}

function loadPieces(cpu: Cpu, seg: number, address: number, bytes: number, into: Lanes): void {
  // The last doubleword first: if the operand crosses into an unmapped page, nothing is half-read.
  for (let i = (bytes >> 2) - 1; i >= 0; i--) into.u32[i] = cpu.read32(seg, (address + 4 * i) | 0);
}

/** Write the low `bytes` (4, 8 or 16) of `from` to the op's memory operand, all of it checked first. */
export function storeMemory(cpu: Cpu, op: Op, bytes: number, from: Lanes, aligned: boolean): void {
  const address = effectiveAddress(cpu, op);
  if (aligned && bytes === 16) checkAlignment(cpu, op, address);
  storeMemoryAt(cpu, op.seg, address, bytes, from);
}

export function storeMemoryAt(cpu: Cpu, seg: number, address: number, bytes: number, from: Lanes): void {
  if (cpu.alignmentChecking && bytes !== 4) return cpu.asOneOperand(seg, address, operandRule(bytes), true, () => storePieces(cpu, seg, address, bytes, from));
  storePieces(cpu, seg, address, bytes, from);
}

function storePieces(cpu: Cpu, seg: number, address: number, bytes: number, from: Lanes): void {
  cpu.writableLinear(seg, address, bytes);
  for (let i = 0; i < bytes >> 2; i++) cpu.write32(seg, (address + 4 * i) | 0, from.u32[i]!);
}
