// Memory accesses the processor itself makes for system structures: descriptor tables, the TSS, the
// IDT. The SDM calls them "implicit supervisor-mode accesses" (Vol. 3A 4.6): they are checked as if
// CPL were 0 whatever the current CPL, so a ring-3 program's int $0x80 can read the IDT and TSS that
// its own loads could never touch.

import { TLB_READ, TLB_WRITE, type Cpu } from '../cpu.ts';

/**
 * The TLB first, with the supervisor permission bits (an entry was filled by a walk that set the
 * accessed bit, and grants TLB_WRITE only once the page is dirty and holds no decoded code), then a
 * page walk on a miss. Every INT, IRET and segment load reads the IDT, GDT or TSS: walking the page
 * tables for each of those reads cost more than the checks themselves, a cost real processors avoid
 * with the same TLB.
 */
function physical(cpu: Cpu, linear: number, write: boolean): number {
  const entry = cpu.tlb[linear >>> 12]!;
  if ((entry & (write ? TLB_WRITE : TLB_READ)) !== 0) return (entry & ~0xfff) | (linear & 0xfff);
  return cpu.translate(linear | 0, write, false);
}

export function systemRead8(cpu: Cpu, linear: number): number {
  return cpu.physicalRead8(physical(cpu, linear, false));
}

export function systemRead16(cpu: Cpu, linear: number): number {
  return systemRead8(cpu, linear) | (systemRead8(cpu, linear + 1) << 8);
}

export function systemRead32(cpu: Cpu, linear: number): number {
  if ((linear & 0xfff) <= 0xffc) {
    const p = physical(cpu, linear, false);
    if ((p & 3) === 0 && p >= 0 && p < cpu.ramSize) return cpu.ram32[p >>> 2]!; // descriptors and TSS fields are aligned
    return cpu.physicalRead8(p) | (cpu.physicalRead8(p + 1) << 8) | (cpu.physicalRead8(p + 2) << 16) | (cpu.physicalRead8(p + 3) << 24);
  }
  return systemRead16(cpu, linear) | (systemRead16(cpu, linear + 2) << 16);
}

export function systemWrite8(cpu: Cpu, linear: number, value: number): void {
  cpu.physicalWrite8(physical(cpu, linear, true), value);
}

export function systemWrite16(cpu: Cpu, linear: number, value: number): void {
  systemWrite8(cpu, linear, value);
  systemWrite8(cpu, linear + 1, value >>> 8);
}

export function systemWrite32(cpu: Cpu, linear: number, value: number): void {
  systemWrite16(cpu, linear, value);
  systemWrite16(cpu, linear + 2, value >>> 16);
}
