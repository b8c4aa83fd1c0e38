// What every x87 instruction does around its own work (SDM Vol. 1 chapter 8, Vol. 3A 2.5):
//
//   1. #NM when CR0.EM or CR0.TS is set: the FPU is absent, or belongs to another task (lazy
//      switching: the kernel's device_not_available handler restores this task's state, CLTS).
//   2. A waiting instruction (all but FNINIT, FNCLEX, FNSTSW, FNSTCW, FNSTENV, FNSAVE) first
//      delivers a pending unmasked exception — FSW.ES set by an earlier instruction — as #MF
//      (CR0.NE = 1), or, with CR0.NE = 0, through the FERR# pin and IRQ 13 unless IGNNE# is held:
//      the system half decides which (vm/cpu/system/interrupts.ts).
//   3. The work, on the stack (registers.ts) with the softfloat core (vm/cpu/softfloat/).
//   4. The exception flags of the work go into FSW. An unmasked one sets ES (and B) and is the
//      pending exception of step 2 for the next waiting instruction; unmasked IE, DE and ZE are
//      detected before any result is written, so the destination and the stack are left unchanged.
//   5. A non-control instruction records itself in the last instruction and data pointers
//      (FCS:FIP, FDS:FDP) and the opcode (FOP), which FNSTENV, FNSAVE and FXSAVE store.

import { CS, type Cpu } from '../cpu.ts';
import { Vector } from '../fault.ts';
import type { Op } from '../op.ts';
import type { Instruction } from '../../isa/decoder.ts';
import { FloatStatus } from '../softfloat/status.ts';

export const CR0_MP = 0x2;
export const CR0_EM = 0x4;
export const CR0_TS = 0x8;
export const CR0_NE = 0x20;

// FSW bits.
export const SW_IE = 0x1;
export const SW_DE = 0x2;
export const SW_ZE = 0x4;
export const SW_OE = 0x8;
export const SW_UE = 0x10;
export const SW_PE = 0x20;
/** Stack fault: with IE, a push onto a full register (C1 = 1) or a read of an empty one (C1 = 0). */
export const SW_SF = 0x40;
/** Error summary: an unmasked exception flag is set. B (bit 15) mirrors it on the 387 and later. */
export const SW_ES = 0x80;
export const SW_C0 = 0x100;
export const SW_C1 = 0x200;
export const SW_C2 = 0x400;
export const SW_C3 = 0x4000;
export const SW_B = 0x8000;
export const SW_CONDITION = SW_C0 | SW_C1 | SW_C2 | SW_C3;
export const EXCEPTION_FLAGS = 0x3f;

/** The one FloatStatus the x87 instructions compute with (scratch: set from FCW before each use). */
export const status = new FloatStatus();

/** #NM: the x87 is emulated (CR0.EM) or its state belongs to another task (CR0.TS). */
export function checkDeviceAvailable(cpu: Cpu): void {
  if ((cpu.cr[0]! & (CR0_EM | CR0_TS)) !== 0) cpu.raise(Vector.NM);
}

/** Steps 1 and 2 for a waiting instruction. */
export function beginWaiting(cpu: Cpu): void {
  if ((cpu.cr[0]! & (CR0_EM | CR0_TS)) !== 0) cpu.raise(Vector.NM);
  if ((cpu.fpu.status & SW_ES) !== 0) pendingException(cpu);
}

/** Step 2 alone (FWAIT, which has its own #NM rule). */
export function checkPending(cpu: Cpu): void {
  if ((cpu.fpu.status & SW_ES) !== 0) pendingException(cpu);
}

/**
 * A pending unmasked exception at a waiting instruction. With CR0.NE = 0 and IGNNE# asserted (the
 * PC's port F0 latch) the processor ignores it and goes on; otherwise the instruction faults with
 * vector 16, which the system half turns into #MF (NE = 1) or FERR#/IRQ 13 (NE = 0).
 */
function pendingException(cpu: Cpu): void {
  if ((cpu.cr[0]! & CR0_NE) === 0 && cpu.fpu.ignoreErrors) return;
  cpu.raise(Vector.MF);
}

/**
 * The FOP field of an instruction: the low 3 bits of its escape opcode, then its ModRM byte. x87
 * instructions have no immediate operand, so their binders keep FOP in `op.imm` (see bindX87).
 */
export function opcodeOf(insn: Instruction): number {
  const modrm = (insn.mod << 6) | (insn.reg << 3) | insn.rm;
  return ((insn.form!.opcode[0]! & 7) << 8) | modrm;
}

/** Step 5, the code half: FCS:FIP and FOP. */
export function notePointers(cpu: Cpu, op: Op): void {
  const f = cpu.fpu;
  f.lastCodeSelector = cpu.segSelector[CS]!;
  f.lastCodeOffset = op.address;
  f.lastOpcode = op.imm;
}

/** Step 5, the data half, for an instruction with a memory operand at `offset` of segment op.seg. */
export function noteDataPointer(cpu: Cpu, op: Op, offset: number): void {
  const f = cpu.fpu;
  f.lastDataSelector = cpu.segSelector[op.seg]!;
  f.lastDataOffset = offset;
}

/**
 * Step 4: OR exception flags into FSW; an unmasked one sets ES and B. Returns the unmasked flags
 * among them, so that the caller can leave the destination alone for IE, DE and ZE.
 */
export function signal(cpu: Cpu, flags: number): number {
  const f = cpu.fpu;
  const unmasked = flags & ~f.control & EXCEPTION_FLAGS;
  f.status |= flags | (unmasked !== 0 ? SW_ES | SW_B : 0);
  return unmasked;
}

/** Set C1 (the rounding direction, or the kind of stack fault); C0, C2, C3 are left alone. */
export function setC1(cpu: Cpu, on: boolean): void {
  const f = cpu.fpu;
  f.status = on ? f.status | SW_C1 : f.status & ~SW_C1;
}

/** Replace the four condition bits. */
export function setConditions(cpu: Cpu, bits: number): void {
  const f = cpu.fpu;
  f.status = (f.status & ~SW_CONDITION) | bits;
}

/** The unmasked exceptions that stop an instruction before it writes a result. */
export const PRE_COMPUTATION = SW_IE | SW_DE | SW_ZE;

/** Re-derive ES and B from the flags and masks (FLDCW, FLDENV, FRSTOR, FXRSTOR load them). */
export function recomputeSummary(cpu: Cpu): void {
  const f = cpu.fpu;
  const pending = (f.status & ~f.control & EXCEPTION_FLAGS) !== 0;
  f.status = pending ? f.status | SW_ES | SW_B : f.status & ~(SW_ES | SW_B);
  if (!pending) f.ignoreErrors = false;
}

/**
 * Step 4 for an operation computed with `status`: an unmasked IE, DE or ZE is detected before any
 * result exists, so only those flags are raised, C1 is cleared and false is returned (the caller
 * writes nothing, pops nothing). Otherwise every flag is raised, C1 tells the rounding direction,
 * and the result may be delivered.
 */
export function acceptResult(cpu: Cpu): boolean {
  const flags = status.flags;
  if ((flags & ~cpu.fpu.control & PRE_COMPUTATION) !== 0) {
    signal(cpu, flags & PRE_COMPUTATION);
    setC1(cpu, false);
    return false;
  }
  signal(cpu, flags);
  setC1(cpu, status.roundedUp);
  return true;
}
