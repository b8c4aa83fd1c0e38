// Segment descriptors and the loading of segment registers (Intel SDM Vol. 3A chapter 3 and 5;
// Vol. 2B, MOV/POP "Loading a segment register while in protected mode").
//
// A descriptor is 8 bytes in the GDT or the LDT (selector bit 2 chooses). Loading a segment register
// reads it, checks type, privilege and presence, sets its accessed bit, and copies base, limit and
// attributes into the register's hidden cache (cpu.segBase/segLimit/segAccess) where every later
// access finds them. The checks and their error codes are the SDM's, in the SDM's order: the error
// code of a selector fault is the selector with its RPL bits cleared (bit 0 EXT, bit 1 IDT, bit 2 TI).

import {
  CS, SS, LDTR, SEG_ACCESSED, SEG_CODE, SEG_DIRECTION, SEG_NOT_SYSTEM, SEG_PRESENT,
  SEG_READ_WRITE, SEG_UNUSABLE, SEG_DPL_SHIFT, SEG_BIG, SEG_GRANULARITY, CR0_PE, type Cpu,
} from '../cpu.ts';
import { Vector } from '../fault.ts';
import { VM } from '../flags.ts';
import { systemRead32, systemWrite8 } from './system-memory.ts';

/** System descriptor types (the 4-bit type field when S = 0). */
export const TYPE_TSS16_AVAILABLE = 1;
export const TYPE_LDT = 2;
export const TYPE_TSS16_BUSY = 3;
export const TYPE_CALL_GATE16 = 4;
export const TYPE_TASK_GATE = 5;
export const TYPE_INTERRUPT_GATE16 = 6;
export const TYPE_TRAP_GATE16 = 7;
export const TYPE_TSS32_AVAILABLE = 9;
export const TYPE_TSS32_BUSY = 11;
export const TYPE_CALL_GATE32 = 12;
export const TYPE_INTERRUPT_GATE32 = 14;
export const TYPE_TRAP_GATE32 = 15;

/** A descriptor as read from a table: its two words, where it lives, and decoded fields. */
export class Descriptor {
  low = 0;
  high = 0;
  /** Linear address of the descriptor (to set its accessed or busy bit). */
  address = 0;

  get base(): number { return ((this.low >>> 16) | ((this.high & 0xff) << 16) | (this.high & 0xff000000)) | 0; }
  /** Byte-granular limit (scaled by G). */
  get limit(): number {
    const raw = (this.low & 0xffff) | (this.high & 0xf0000);
    return (this.high & 0x800000) !== 0 ? ((raw << 12) | 0xfff) >>> 0 : raw;
  }
  /** The core's attribute word: access byte in bits 0-7, flags nibble (AVL L D/B G) in bits 12-15. */
  get access(): number { return (this.high >>> 8) & 0xf0ff; }
  get present(): boolean { return (this.high & 0x8000) !== 0; }
  get dpl(): number { return (this.high >>> 13) & 3; }
  /** S bit: code or data (else a system descriptor or gate). */
  get isSegment(): boolean { return (this.high & 0x1000) !== 0; }
  get isCode(): boolean { return this.isSegment && (this.high & 0x800) !== 0; }
  get isConforming(): boolean { return this.isCode && (this.high & 0x400) !== 0; }
  /** Code: readable. Data: writable. */
  get readWrite(): boolean { return (this.high & 0x200) !== 0; }
  /** System descriptor type (S = 0). */
  get systemType(): number { return (this.high >>> 8) & 0xf; }
  /** Gates: the target selector, offset and (call gates) parameter count. */
  get gateSelector(): number { return this.low >>> 16; }
  get gateOffset(): number { return ((this.high & 0xffff0000) | (this.low & 0xffff)) | 0; }
  get gateParameterCount(): number { return this.high & 0x1f; }
}

/** The hidden cache values of a flat segment, as SYSENTER/SYSEXIT/SYSCALL load them. */
export const FLAT_CODE_ACCESS = SEG_PRESENT | SEG_NOT_SYSTEM | SEG_CODE | SEG_READ_WRITE | SEG_ACCESSED | SEG_BIG | SEG_GRANULARITY;
export const FLAT_DATA_ACCESS = SEG_PRESENT | SEG_NOT_SYSTEM | SEG_READ_WRITE | SEG_ACCESSED | SEG_BIG | SEG_GRANULARITY;

export function isProtectedMode(cpu: Cpu): boolean {
  return (cpu.cr[0]! & CR0_PE) !== 0;
}

export function isVirtual8086(cpu: Cpu): boolean {
  return (cpu.flags & VM) !== 0;
}

/**
 * Read the descriptor a selector names into `out`. Returns false when the selector points outside
 * its table (the caller raises the fault its instruction defines, usually #GP(selector)).
 */
export function readDescriptor(cpu: Cpu, selector: number, out: Descriptor): boolean {
  const index = selector & 0xfff8;
  let base: number;
  let limit: number;
  if ((selector & 4) !== 0) {
    if ((cpu.segAccess[LDTR]! & SEG_UNUSABLE) !== 0 || cpu.segSelector[LDTR] === 0) return false;
    base = cpu.segBase[LDTR]!;
    limit = cpu.segLimit[LDTR]!;
  } else {
    base = cpu.tableBase[0]!;
    limit = cpu.tableLimit[0]!;
  }
  if (index + 7 > limit) return false;
  out.address = (base + index) | 0;
  out.low = systemRead32(cpu, out.address);
  out.high = systemRead32(cpu, out.address + 4);
  return true;
}

/** Set the accessed bit of a code/data descriptor in memory (the processor does on every load). */
export function markAccessed(cpu: Cpu, d: Descriptor): void {
  if ((d.high & 0x100) === 0) {
    d.high |= 0x100;
    systemWrite8(cpu, d.address + 5, d.high >>> 8);
  }
}

/** Copy a descriptor into a segment register's cache. */
export function loadCache(cpu: Cpu, seg: number, selector: number, d: Descriptor): void {
  cpu.loadSegmentCache(seg, selector, d.base, d.limit, d.access);
}

/** Whether `seg` was last loaded from this selector, these descriptor words, at this CPL (Cpu.segLoadedFrom). */
function alreadyLoaded(cpu: Cpu, seg: number, selector: number, d: Descriptor): boolean {
  const m = cpu.segLoadedFrom, i = seg * 4;
  return m[i] === selector + 1 && m[i + 1] === d.low && m[i + 2] === d.high && m[i + 3] === cpu.cpl;
}

/** Checks passed, accessed bit set: fill the cache and remember what from. */
function loadCacheFrom(cpu: Cpu, seg: number, selector: number, d: Descriptor): void {
  loadCache(cpu, seg, selector, d);
  const m = cpu.segLoadedFrom, i = seg * 4;
  m[i] = selector + 1;
  m[i + 1] = d.low;
  m[i + 2] = d.high;
  m[i + 3] = cpu.cpl;
}

/** A null selector in DS/ES/FS/GS: the register loads, but any access through it will #GP(0). */
export function loadNull(cpu: Cpu, seg: number, selector: number): void {
  cpu.loadSegmentCache(seg, selector, 0, 0, SEG_UNUSABLE);
}

/** Real mode and virtual-8086 mode: the selector is a paragraph number; limits and rights stay. */
function loadRealMode(cpu: Cpu, seg: number, selector: number): void {
  const access = isVirtual8086(cpu)
    ? SEG_PRESENT | SEG_NOT_SYSTEM | SEG_READ_WRITE | SEG_ACCESSED | (seg === CS ? SEG_CODE : 0) | (3 << SEG_DPL_SHIFT)
    : cpu.segAccess[seg]! & ~SEG_UNUSABLE;
  const limit = isVirtual8086(cpu) ? 0xffff : cpu.segLimit[seg]!;
  cpu.loadSegmentCache(seg, selector, selector << 4, limit, access);
}

const scratch = new Descriptor();

/**
 * MOV Sreg / POP Sreg / LDS... / a far transfer's stack: load a data segment register (or SS) with
 * the protected-mode checks. CS is never loaded here (see far-transfers.ts).
 */
export function loadDataSegment(cpu: Cpu, seg: number, selector: number): void {
  selector &= 0xffff;
  if (!isProtectedMode(cpu) || isVirtual8086(cpu)) { loadRealMode(cpu, seg, selector); return; }
  const error = selector & 0xfffc;
  const rpl = selector & 3;
  const cpl = cpu.cpl;
  if (seg === SS) {
    if (error === 0) cpu.raise(Vector.GP, 0);
    if (!readDescriptor(cpu, selector, scratch)) cpu.raise(Vector.GP, error);
    const d = scratch;
    if (alreadyLoaded(cpu, SS, selector, d)) return;
    if (rpl !== cpl || !d.isSegment || d.isCode || !d.readWrite || d.dpl !== cpl) cpu.raise(Vector.GP, error);
    if (!d.present) cpu.raise(Vector.SS, error);
    markAccessed(cpu, d);
    loadCacheFrom(cpu, SS, selector, d);
    return;
  }
  if (error === 0) { loadNull(cpu, seg, selector); return; }
  if (!readDescriptor(cpu, selector, scratch)) cpu.raise(Vector.GP, error);
  const d = scratch;
  if (alreadyLoaded(cpu, seg, selector, d)) return;
  // Data or readable code only; and unless conforming code, both RPL and CPL must be <= DPL.
  if (!d.isSegment || (d.isCode && !d.readWrite)) cpu.raise(Vector.GP, error);
  if (!d.isConforming && (rpl > d.dpl || cpl > d.dpl)) cpu.raise(Vector.GP, error);
  if (!d.present) cpu.raise(Vector.NP, error);
  markAccessed(cpu, d);
  loadCacheFrom(cpu, seg, selector, d);
}

/**
 * After a return to an outer (less privileged) level (RET far, IRET): a data segment register whose
 * segment the new CPL could not load is nulled, so ring 3 keeps no ring-0 data segment
 * (SDM Vol. 2A, RET: "FOR each of segment register (ES, FS, GS, and DS) ...").
 */
const DATA_SEGMENT_REGISTERS = [0, 3, 4, 5] as const; // ES DS FS GS

export function nullInaccessibleSegments(cpu: Cpu): void {
  for (const seg of DATA_SEGMENT_REGISTERS) {
    const access = cpu.segAccess[seg]!;
    if ((access & SEG_UNUSABLE) !== 0) continue;
    const dpl = (access >>> SEG_DPL_SHIFT) & 3;
    const conformingCode = (access & (SEG_CODE | SEG_DIRECTION)) === (SEG_CODE | SEG_DIRECTION);
    if (!conformingCode && dpl < cpu.cpl) loadNull(cpu, seg, 0);
  }
}
