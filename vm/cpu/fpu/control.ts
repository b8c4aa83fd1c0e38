// x87 control instructions: FLDCW, FNSTCW, FNSTSW, FNCLEX, FNINIT, FLDENV, FNSTENV, FRSTOR,
// FNSAVE, FWAIT, FNOP; and FXSAVE/FXRSTOR, which save and restore the x87 and SSE state together.
//
// The control instructions do not record themselves in the last instruction/data pointers (they
// would overwrite what an exception handler wants to read), and the FN- forms do not wait for a
// pending exception (FNSTSW must be able to read the status of a failed instruction). Everything
// that reads memory reads it whole first, and everything that writes memory checks the whole
// destination first, so a #PF or #GP leaves the FPU as it was.

import { CR0_PE, SEG_UNUSABLE, SS, type Cpu } from '../cpu.ts';
import { Vector } from '../fault.ts';
import { VM } from '../flags.ts';
import { effectiveAddress, type Executor, type Op } from '../op.ts';
import {
  environmentImage, ENVIRONMENT_SIZE, FXSAVE_SIZE, fxsaveMxcsr, loadEnvironment, loadFxsave, loadSave, SAVE_SIZE,
  saveImage, writeFxsave, type ImageFormat,
} from './images.ts';
import {
  beginWaiting, checkDeviceAvailable, checkPending, CR0_MP, CR0_TS, EXCEPTION_FLAGS, notePointers, recomputeSummary, SW_B, SW_ES, SW_SF,
} from './unit.ts';

/** CR4.OSFXSR: the OS saves SSE state with FXSAVE (and FXSAVE/FXRSTOR then include it). */
export const CR4_OSFXSR = 0x200;

/** Bits of FCW that exist; bit 6 reads as 1 on the 387 and later. */
const CONTROL_DEFINED = 0x1f3f;
const CONTROL_ONE = 0x0040;

function readBytes(cpu: Cpu, op: Op, offset: number, length: number): Uint8Array {
  cpu.checkAlignment(op.seg, offset, length); // the image as one operand: 2 or 4 by its size, as writeBytes
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = cpu.read8(op.seg, (offset + i) | 0);
  return bytes;
}

function writeBytes(cpu: Cpu, op: Op, offset: number, bytes: Uint8Array): void {
  cpu.writableLinear(op.seg, offset, bytes.length);
  for (let i = 0; i < bytes.length; i++) cpu.write8(op.seg, (offset + i) | 0, bytes[i]!);
}

/** The image's layout: its size follows the operand size (op.size), its pointers the mode. */
function imageFormat(cpu: Cpu, op: Op): ImageFormat {
  const realMode = (cpu.cr[0]! & CR0_PE) === 0 || (cpu.flags & VM) !== 0;
  return { operandSize: op.size === 16 ? 16 : 32, realMode };
}

export const fldcw: Executor = (cpu, op) => {
  beginWaiting(cpu);
  const offset = effectiveAddress(cpu, op);
  const value = cpu.read16(op.seg, offset);
  const f = cpu.fpu;
  f.control = (value & CONTROL_DEFINED) | CONTROL_ONE;
  recomputeSummary(cpu);
};

export const fnstcw: Executor = (cpu, op) => {
  checkDeviceAvailable(cpu);
  cpu.write16(op.seg, effectiveAddress(cpu, op), cpu.fpu.control);
};

export const fnstswMemory: Executor = (cpu, op) => {
  checkDeviceAvailable(cpu);
  cpu.write16(op.seg, effectiveAddress(cpu, op), cpu.fpu.statusWord());
};

export const fnstswAx: Executor = (cpu) => {
  checkDeviceAvailable(cpu);
  cpu.regs16[0] = cpu.fpu.statusWord();
};

/** FNCLEX: the exception flags, SF, ES and B are cleared; C0-C3 and TOP stay. */
export const fnclex: Executor = (cpu) => {
  checkDeviceAvailable(cpu);
  const f = cpu.fpu;
  f.status &= ~(EXCEPTION_FLAGS | SW_SF | SW_ES | SW_B);
  f.ignoreErrors = false;
};

export const fninit: Executor = (cpu) => {
  checkDeviceAvailable(cpu);
  cpu.fpu.initializeX87();
};

export const fstenv: Executor = (cpu, op) => {
  checkDeviceAvailable(cpu);
  const format = imageFormat(cpu, op);
  writeBytes(cpu, op, effectiveAddress(cpu, op), environmentImage(cpu.fpu, format));
  cpu.fpu.control |= EXCEPTION_FLAGS; // FNSTENV masks every exception after storing...
  recomputeSummary(cpu); // ...so nothing is pending any more
};

export const fldenv: Executor = (cpu, op) => {
  beginWaiting(cpu);
  const format = imageFormat(cpu, op);
  const bytes = readBytes(cpu, op, effectiveAddress(cpu, op), ENVIRONMENT_SIZE[format.operandSize]);
  loadEnvironment(cpu.fpu, bytes, format);
  recomputeSummary(cpu);
};

export const fnsave: Executor = (cpu, op) => {
  checkDeviceAvailable(cpu);
  const format = imageFormat(cpu, op);
  writeBytes(cpu, op, effectiveAddress(cpu, op), saveImage(cpu.fpu, format));
  cpu.fpu.initializeX87(); // FNSAVE leaves the FPU as FNINIT does
};

export const frstor: Executor = (cpu, op) => {
  beginWaiting(cpu);
  const format = imageFormat(cpu, op);
  const bytes = readBytes(cpu, op, effectiveAddress(cpu, op), SAVE_SIZE[format.operandSize]);
  loadSave(cpu.fpu, bytes, format);
  recomputeSummary(cpu);
};

/**
 * FWAIT: not an x87 instruction, so CR0.EM does not matter; #NM when CR0.TS and CR0.MP are both set
 * (SDM Vol. 3A, Table 2-2), then any pending exception.
 */
export const fwait: Executor = (cpu) => {
  if ((cpu.cr[0]! & (CR0_TS | CR0_MP)) === (CR0_TS | CR0_MP)) cpu.raise(Vector.NM);
  checkPending(cpu);
};

/** FNOP, and the 8087/287 leftovers FNENI, FNDISI, FNSETPM (no-ops on a 387 or later). */
export const fnop: Executor = (cpu, op) => {
  beginWaiting(cpu);
  notePointers(cpu, op);
};

export const fnopLegacy: Executor = (cpu) => {
  checkDeviceAvailable(cpu);
};

/** A reserved escape encoding: #UD (the processor raises it before looking at CR0). */
export const x87Reserved: Executor = (cpu) => {
  cpu.raise(Vector.UD);
};

// ---------------------------------------------------------------------------------------------
// FXSAVE / FXRSTOR: 512 bytes at a 16-byte-aligned address, #GP(0) otherwise; #NM with CR0.TS or EM.

function fxsaveOffset(cpu: Cpu, op: Op): number {
  checkDeviceAvailable(cpu);
  const offset = effectiveAddress(cpu, op);
  // Under EFLAGS.AC the SDM leaves #AC for a misaligned FXSAVE area to the implementation; the host
  // CPU (an Intel P6 descendant) checks it as a doubleword, first of all — +1 and +2 are #AC, +4
  // and +8 #GP, and a CS-override FXSAVE (CS is not writable) at +1 is #AC too, where a MOV there
  // is #GP: the segment's type and limit checks come after (test/kernel/glibc-fault-order.c,
  // against the host). A null segment register (GS at exec) is #GP before anything, as for any access.
  if (cpu.protectedMode && (cpu.segAccess[op.seg]! & SEG_UNUSABLE) !== 0) cpu.raise(op.seg === SS ? Vector.SS : Vector.GP, 0);
  const linear = (cpu.segBase[op.seg]! + offset) | 0;
  if (cpu.alignmentChecking && (linear & 3) !== 0) cpu.raise(Vector.AC, 0);
  if ((linear & 15) !== 0) cpu.raise(Vector.GP, 0);
  return offset;
}

export const fxsave: Executor = (cpu, op) => {
  const offset = fxsaveOffset(cpu, op);
  // The whole 512-byte area must be writable (a page fault on any of it, as on the host CPU, even
  // on the reserved and software bytes it leaves alone); the image itself is its first 288 bytes.
  cpu.writableLinear(op.seg, offset, FXSAVE_SIZE);
  const image = readBytes(cpu, op, offset, 288);
  const sse = (cpu.cr[4]! & CR4_OSFXSR) !== 0;
  writeFxsave(cpu.fpu, image, sse, cpu.model.mxcsrMask);
  for (let i = 0; i < 288; i++) cpu.write8(op.seg, (offset + i) | 0, image[i]!);
};

export const fxrstor: Executor = (cpu, op) => {
  const offset = fxsaveOffset(cpu, op);
  const image = readBytes(cpu, op, offset, FXSAVE_SIZE);
  const sse = (cpu.cr[4]! & CR4_OSFXSR) !== 0;
  if (sse) {
    const allowed = cpu.model.mxcsrMask === 0 ? 0xffbf : cpu.model.mxcsrMask;
    if ((fxsaveMxcsr(image) & ~allowed) !== 0) cpu.raise(Vector.GP, 0);
  }
  loadFxsave(cpu.fpu, image, sse);
  recomputeSummary(cpu);
};

/**
 * FXRSTOR from bytes outside guest memory (a debugger, a test harness loading a state): the same
 * rules, including the MXCSR check (a RangeError here, where the instruction raises #GP).
 */
export function restoreFxsaveImage(cpu: Cpu, image: Uint8Array): void {
  const sse = (cpu.cr[4]! & CR4_OSFXSR) !== 0;
  const allowed = cpu.model.mxcsrMask === 0 ? 0xffbf : cpu.model.mxcsrMask;
  if (sse && (fxsaveMxcsr(image) & ~allowed) !== 0) throw new RangeError(`MXCSR 0x${fxsaveMxcsr(image).toString(16)} has reserved bits set`);
  loadFxsave(cpu.fpu, image, sse);
  recomputeSummary(cpu);
}

/** FXSAVE into a fresh 512-byte image (reserved bytes zero). */
export function saveFxsaveImage(cpu: Cpu): Uint8Array {
  const image = new Uint8Array(FXSAVE_SIZE);
  writeFxsave(cpu.fpu, image, (cpu.cr[4]! & CR4_OSFXSR) !== 0, cpu.model.mxcsrMask);
  return image;
}
