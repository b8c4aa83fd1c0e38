// SIMD state and memory-ordering instructions: EMMS, LDMXCSR/STMXCSR, SFENCE/LFENCE/MFENCE,
// CLFLUSH (Intel SDM Vol. 2; MXCSR in Vol. 1 10.2.3).
//
// This machine executes one instruction at a time against one coherent memory, so every store is
// globally visible before the next instruction: the fences have nothing to wait for, and CLFLUSH has
// no cache to write back. What remains of them is architectural: their #UD on models without SSE or
// SSE2 (the table's `feature`), and CLFLUSH's checks of its memory operand (a byte read: #GP, #SS, #PF).

import type { Binder } from '../op.ts';
import { effectiveAddress } from '../op.ts';
import { Vector } from '../fault.ts';
import { mxcsrWritableBits } from '../models.ts';
import { enterMmx, enterSse } from './operands.ts';

/** EMMS: every x87 register tagged empty, so x87 code can follow MMX code. */
export const bindEmms: Binder = () => (cpu) => {
  enterMmx(cpu);
  cpu.fpu.validRegisters = 0;
};

/** LDMXCSR m32: #GP(0) when a bit outside the model's MXCSR_MASK is set (DAZ on a P6 without it). */
export const bindLdmxcsr: Binder = () => (cpu, o) => {
  enterSse(cpu);
  const value = cpu.read32(o.seg, effectiveAddress(cpu, o));
  if ((value & ~mxcsrWritableBits(cpu.model)) !== 0) cpu.raise(Vector.GP, 0);
  cpu.fpu.mxcsr = value >>> 0;
};

export const bindStmxcsr: Binder = () => (cpu, o) => {
  enterSse(cpu);
  cpu.write32(o.seg, effectiveAddress(cpu, o), cpu.fpu.mxcsr);
};

/** SFENCE, LFENCE, MFENCE: ordered already (see the header). No CR0/CR4 dependence (SDM: none listed). */
export const bindFence: Binder = () => () => {};

/** CLFLUSH m8: the operand is checked like a byte read; there is no cache line to flush. */
export const bindClflush: Binder = () => (cpu, o) => {
  cpu.read8(o.seg, effectiveAddress(cpu, o));
};
