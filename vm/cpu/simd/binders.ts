// How a SIMD instruction's operands are read and written: the shared shape of every SIMD executor.
//
// A binder looks at the table form once (MMX or XMM registers, a register or memory source and its
// width, an immediate) and returns an executor that checks the CPU state (operands.ts), loads the
// destination and source into two scratch `Lanes`, applies the operation, and stores the result.

import type { Cpu } from '../cpu.ts';
import type { Binder, Executor, Op } from '../op.ts';
import type { Operand } from '../../isa/table.ts';
import {
  enterMmx, enterSse, Lanes, loadMemory, loadRegister, mmxTransition, Register, storeMemory, storeRegister,
} from './operands.ts';

/** The scratch registers: destination (and first source), second source. One CPU runs at a time. */
export const D = new Lanes();
export const S = new Lanes();

export function registerKindOf(o: Operand): Register {
  return o.kind === 'mm' || o.kind === 'mmrm' ? Register.Mmx : Register.Xmm;
}

export function isSimdRegister(o: Operand): boolean {
  return o.kind === 'mm' || o.kind === 'mmrm' || o.kind === 'xmm' || o.kind === 'xmmrm';
}

/**
 * The checks an instruction makes before it runs, from the registers it names: an MMX operand that
 * is a register (not memory) means the MMX checks and, at the end, the x87-to-MMX transition (a
 * CVTPI2PS from memory makes neither, SDM Vol. 2 CVTPI2PS); an XMM operand means the SSE checks.
 */
export interface Entry {
  sse: boolean;
  mmx: boolean;
}

export function entryOf(operands: readonly Operand[], isMemory: boolean): Entry {
  let sse = false;
  let mmx = false;
  for (const o of operands) {
    if (o.kind === 'xmm' || o.kind === 'xmmrm') sse = true;
    if (o.kind === 'mm' || (o.kind === 'mmrm' && !isMemory)) mmx = true;
  }
  return { sse, mmx };
}

export function enter(cpu: Cpu, e: Entry): void {
  if (e.sse) enterSse(cpu);
  if (e.mmx) enterMmx(cpu);
}

export function leave(cpu: Cpu, e: Entry): void {
  if (e.mmx) mmxTransition(cpu);
}

/** Bytes of a register of this kind. */
export function widthOf(kind: Register): number {
  return kind === Register.Mmx ? 8 : 16;
}

/** A lane operation: `d` is the destination and first source, `s` the second, `imm` the imm8. */
export type LaneOperation = (d: Lanes, s: Lanes, bytes: number, imm: number) => void;

/**
 * The common form `op reg, reg/mem [, imm8]`: destination ModRM.reg, source ModRM.rm (register or
 * memory of the form's source width, aligned unless the form says otherwise). With an imm8 and no
 * r/m source (the shift-by-immediate group) the destination is ModRM.rm and the count goes in `s`.
 */
export function bindLanes(operation: LaneOperation): Binder {
  return (op, insn) => {
    const form = insn.form!;
    const [dest, source] = form.operands as [Operand, Operand];
    const kind = registerKindOf(dest);
    const bytes = widthOf(kind);
    const e = entryOf(form.operands, op.isMemory);
    const imm = op.imm & 0xff;
    if (source.kind === 'imm') {
      return (cpu, o) => {
        enter(cpu, e);
        loadRegister(cpu, kind, o.rm, D);
        S.u32[0] = imm;
        S.u32[1] = 0;
        operation(D, S, bytes, imm);
        storeRegister(cpu, kind, o.rm, D);
        leave(cpu, e);
      };
    }
    const sourceKind = registerKindOf(source);
    const memoryBytes = (source.size as number) / 8;
    const aligned = form.unaligned !== true;
    return (cpu, o) => {
      enter(cpu, e);
      if (o.isMemory) loadMemory(cpu, o, memoryBytes, S, aligned);
      else loadRegister(cpu, sourceKind, o.rm, S);
      loadRegister(cpu, kind, o.reg, D);
      operation(D, S, bytes, imm);
      storeRegister(cpu, kind, o.reg, D);
      leave(cpu, e);
    };
  };
}

/** The source operand (ModRM.rm) into `S`: a register of its kind, or memory of its width. */
export function loadSource(cpu: Cpu, o: Op, source: Operand, aligned: boolean): void {
  if (o.isMemory) loadMemory(cpu, o, (source.size as number) / 8, S, aligned);
  else loadRegister(cpu, registerKindOf(source), o.rm, S);
}

/** Store `D`'s low bytes to the destination operand (ModRM.rm): a register of its kind, or memory. */
export function storeDestination(cpu: Cpu, o: Op, dest: Operand, aligned: boolean): void {
  if (o.isMemory) storeMemory(cpu, o, (dest.size as number) / 8, D, aligned);
  else storeRegister(cpu, registerKindOf(dest), o.rm, D);
}

/** An executor that only makes the entry checks around `body` (for instructions with odd shapes). */
export function checked(e: Entry, body: Executor): Executor {
  return (cpu, o) => {
    enter(cpu, e);
    body(cpu, o);
    leave(cpu, e);
  };
}
