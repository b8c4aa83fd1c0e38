// The descriptor-table registers and the instructions that inspect descriptors (Intel SDM Vol. 3A
// 2.4 "Memory-management registers"; Vol. 2 LGDT/SGDT, LIDT/SIDT, LLDT/SLDT, LTR/STR, LAR, LSL,
// VERR/VERW, ARPL).

import { LDTR, TR, type Cpu } from '../cpu.ts';
import { Vector } from '../fault.ts';
import { ZF, materialiseFlags } from '../flags.ts';
import { effectiveAddress, type Binder, type Op } from '../op.ts';
import {
  Descriptor, isProtectedMode, isVirtual8086, loadCache, loadNull, readDescriptor,
  TYPE_CALL_GATE16, TYPE_CALL_GATE32, TYPE_LDT, TYPE_TASK_GATE, TYPE_TSS16_AVAILABLE, TYPE_TSS16_BUSY,
  TYPE_TSS32_AVAILABLE, TYPE_TSS32_BUSY,
} from './descriptors.ts';
import { requireCpl0 } from './privilege.ts';
import { systemWrite8 } from './system-memory.ts';

const GDT = 0;
const IDT = 1;

/** LGDT/LIDT m16&32: a 16-bit limit then a 32-bit base (24 bits with a 16-bit operand size). */
function bindLoadTable(table: number): Binder {
  return () => (cpu, o) => {
    requireCpl0(cpu);
    const address = effectiveAddress(cpu, o);
    const limit = cpu.read16(o.seg, address);
    let base = cpu.read32(o.seg, (address + 2) | 0);
    if (o.size === 16) base &= 0xffffff;
    cpu.tableBase[table] = base;
    cpu.tableLimit[table] = limit;
  };
}

/** SGDT/SIDT: allowed at any CPL (a known leak the SDM documents; UMIP came much later). */
function bindStoreTable(table: number): Binder {
  return () => (cpu, o) => {
    const address = effectiveAddress(cpu, o);
    const base = cpu.tableBase[table]!;
    // The SDM's alignment table asks 4 of "GDTR, IDTR, LDTR or task register contents", so the dword
    // base at +2 is not checked on its own.
    cpu.asOneOperand(o.seg, address, 6, true, () => {
      cpu.write16(o.seg, address, cpu.tableLimit[table]!);
      cpu.write32(o.seg, (address + 2) | 0, o.size === 16 ? base & 0xffffff : base);
    });
  };
}

export const bindLgdt = bindLoadTable(GDT);
export const bindLidt = bindLoadTable(IDT);
export const bindSgdt = bindStoreTable(GDT);
export const bindSidt = bindStoreTable(IDT);

function requireProtectedMode(cpu: Cpu): void {
  if (!isProtectedMode(cpu) || isVirtual8086(cpu)) cpu.raise(Vector.UD);
}

function readSelectorOperand(cpu: Cpu, o: Op): number {
  return o.isMemory ? cpu.read16(o.seg, effectiveAddress(cpu, o)) : cpu.regs16[o.rm * 2]!;
}

/** SLDT/STR: to memory 16 bits; to a 32-bit register, zero-extended. */
function bindStoreSelector(seg: number): Binder {
  return () => (cpu, o) => {
    requireProtectedMode(cpu);
    const selector = cpu.segSelector[seg]!;
    if (o.isMemory) cpu.write16(o.seg, effectiveAddress(cpu, o), selector);
    else if (o.size === 32) cpu.regs[o.rm] = selector;
    else cpu.regs16[o.rm * 2] = selector;
  };
}

export const bindSldt = bindStoreSelector(LDTR);
export const bindStr = bindStoreSelector(TR);

const scratch = new Descriptor();

export const bindLldt: Binder = () => (cpu, o) => {
  requireProtectedMode(cpu);
  requireCpl0(cpu);
  const selector = readSelectorOperand(cpu, o);
  const error = selector & 0xfffc;
  if (error === 0) { loadNull(cpu, LDTR, selector); return; }
  if ((selector & 4) !== 0 || !readDescriptor(cpu, selector, scratch)) cpu.raise(Vector.GP, error);
  if (scratch.isSegment || scratch.systemType !== TYPE_LDT) cpu.raise(Vector.GP, error);
  if (!scratch.present) cpu.raise(Vector.NP, error);
  loadCache(cpu, LDTR, selector, scratch);
};

/** LTR: load the task register and mark the TSS busy. */
export const bindLtr: Binder = () => (cpu, o) => {
  requireProtectedMode(cpu);
  requireCpl0(cpu);
  const selector = readSelectorOperand(cpu, o);
  const error = selector & 0xfffc;
  if (error === 0) cpu.raise(Vector.GP, 0);
  if ((selector & 4) !== 0 || !readDescriptor(cpu, selector, scratch)) cpu.raise(Vector.GP, error);
  const type = scratch.isSegment ? -1 : scratch.systemType;
  if (type !== TYPE_TSS32_AVAILABLE && type !== TYPE_TSS16_AVAILABLE) cpu.raise(Vector.GP, error);
  if (!scratch.present) cpu.raise(Vector.NP, error);
  scratch.high |= 0x200; // busy
  systemWrite8(cpu, scratch.address + 5, scratch.high >>> 8);
  loadCache(cpu, TR, selector, scratch);
};

function setZero(cpu: Cpu, zero: boolean): void {
  materialiseFlags(cpu);
  cpu.flags = zero ? cpu.flags | ZF : cpu.flags & ~ZF;
}

/**
 * The descriptor a LAR/LSL/VERR/VERW selector names, if the current privilege may see it: null
 * selectors, selectors beyond the table and (except for conforming code) descriptors with DPL below
 * CPL or RPL give null, and the instruction clears ZF instead of faulting.
 */
function visibleDescriptor(cpu: Cpu, selector: number, systemTypes: readonly number[]): Descriptor | null {
  if ((selector & 0xfffc) === 0 || !readDescriptor(cpu, selector, scratch)) return null;
  const d = scratch;
  if (!d.isSegment && !systemTypes.includes(d.systemType)) return null;
  if (!d.isConforming && (d.dpl < cpu.cpl || d.dpl < (selector & 3))) return null;
  return d;
}

const LAR_SYSTEM_TYPES = [TYPE_TSS16_AVAILABLE, TYPE_LDT, TYPE_TSS16_BUSY, TYPE_CALL_GATE16, TYPE_TASK_GATE,
  TYPE_TSS32_AVAILABLE, TYPE_TSS32_BUSY, TYPE_CALL_GATE32];
const LSL_SYSTEM_TYPES = [TYPE_TSS16_AVAILABLE, TYPE_LDT, TYPE_TSS16_BUSY, TYPE_TSS32_AVAILABLE, TYPE_TSS32_BUSY];

export const bindLar: Binder = () => (cpu, o) => {
  requireProtectedMode(cpu);
  const d = visibleDescriptor(cpu, readSelectorOperand(cpu, o), LAR_SYSTEM_TYPES);
  if (d === null) { setZero(cpu, false); return; }
  if (o.size === 32) cpu.regs[o.reg] = d.high & 0x00f0ff00;
  else cpu.regs16[o.reg * 2] = d.high & 0xff00;
  setZero(cpu, true);
};

export const bindLsl: Binder = () => (cpu, o) => {
  requireProtectedMode(cpu);
  const d = visibleDescriptor(cpu, readSelectorOperand(cpu, o), LSL_SYSTEM_TYPES);
  if (d === null) { setZero(cpu, false); return; }
  if (o.size === 32) cpu.regs[o.reg] = d.limit;
  else cpu.regs16[o.reg * 2] = d.limit & 0xffff;
  setZero(cpu, true);
};

export const bindVerr: Binder = () => (cpu, o) => {
  requireProtectedMode(cpu);
  const d = visibleDescriptor(cpu, readSelectorOperand(cpu, o), []);
  setZero(cpu, d !== null && (!d.isCode || d.readWrite));
};

export const bindVerw: Binder = () => (cpu, o) => {
  requireProtectedMode(cpu);
  const d = visibleDescriptor(cpu, readSelectorOperand(cpu, o), []);
  setZero(cpu, d !== null && !d.isCode && d.readWrite);
};

/** ARPL r/m16, r16: raise the destination selector's RPL to the source's. */
export const bindArpl: Binder = () => (cpu, o) => {
  requireProtectedMode(cpu);
  const address = o.isMemory ? effectiveAddress(cpu, o) : 0;
  const dest = o.isMemory ? cpu.read16(o.seg, address) : cpu.regs16[o.rm * 2]!;
  const sourceRpl = cpu.regs16[o.reg * 2]! & 3;
  if ((dest & 3) < sourceRpl) {
    const value = (dest & ~3) | sourceRpl;
    if (o.isMemory) cpu.write16(o.seg, address, value);
    else cpu.regs16[o.rm * 2] = value;
    setZero(cpu, true);
  } else {
    setZero(cpu, false);
  }
};
