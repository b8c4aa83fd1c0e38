// Saving and restoring one CPU's architectural state (not RAM, not devices: those have their own).
//
// Everything a guest can observe is here: registers, EFLAGS (lazy flags materialised), segment
// descriptor caches, GDTR/IDTR, CPL, CR0-CR4, DR0-DR7, MSRs, the TSC, the x87/MMX/SSE state. The TLB and the decoded-code
// cache are caches: they are flushed on restore and refill themselves.

import { readEflags, writeEflags } from './flags.ts';
import type { Cpu } from './cpu.ts';
import { restoreFpu, saveFpu, type FpuSnapshot } from './fpu/state.ts';

export interface CpuSnapshot {
  model: string;
  regs: number[];
  eip: number;
  eflags: number;
  segments: { selector: number; base: number; limit: number; access: number }[];
  tableBase: number[];
  tableLimit: number[];
  cpl: number;
  cr: number[];
  dr: number[];
  /** MSR index -> value as a decimal string (JSON has no 64-bit integers). */
  msr: [number, string][];
  tscOffset: string;
  instructionCount: number;
  fpu: FpuSnapshot;
}

export function saveCpu(cpu: Cpu): CpuSnapshot {
  const segments = [];
  for (let s = 0; s < 8; s++) {
    segments.push({ selector: cpu.segSelector[s]!, base: cpu.segBase[s]!, limit: cpu.segLimit[s]!, access: cpu.segAccess[s]! });
  }
  return {
    model: cpu.model.name,
    regs: Array.from(cpu.regs.subarray(0, 8)),
    eip: cpu.eip,
    eflags: readEflags(cpu),
    segments,
    tableBase: Array.from(cpu.tableBase),
    tableLimit: Array.from(cpu.tableLimit),
    cpl: cpu.cpl,
    cr: Array.from(cpu.cr),
    dr: Array.from(cpu.dr),
    msr: [...cpu.msr].map(([k, v]) => [k, v.toString()]),
    tscOffset: cpu.tscOffset.toString(),
    instructionCount: cpu.instructionCount,
    fpu: saveFpu(cpu.fpu),
  };
}

export function restoreCpu(cpu: Cpu, s: CpuSnapshot): void {
  if (s.model !== cpu.model.name) throw new Error(`snapshot is of a '${s.model}' CPU, this one is '${cpu.model.name}'`);
  cpu.regs.set(s.regs);
  cpu.regs[8] = 0;
  cpu.eip = s.eip;
  writeEflags(cpu, s.eflags);
  s.segments.forEach((g, i) => cpu.loadSegmentCache(i, g.selector, g.base, g.limit, g.access));
  cpu.tableBase.set(s.tableBase);
  cpu.tableLimit.set(s.tableLimit);
  cpu.cr.set(s.cr);
  cpu.dr.set(s.dr);
  cpu.msr.clear();
  for (const [k, v] of s.msr) cpu.msr.set(k, BigInt(v));
  cpu.tscOffset = BigInt(s.tscOffset);
  cpu.instructionCount = s.instructionCount;
  restoreFpu(cpu.fpu, s.fpu);
  cpu.setCpl(s.cpl);
  cpu.flushTlb();
  cpu.code.invalidateAll();
}
