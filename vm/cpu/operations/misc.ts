// Flag instructions (CLC STC CMC CLD STD), CPUID, RDTSC and RDPMC.

import { EAX, EBX, ECX, EDX, CR4_TSD, type Cpu } from '../cpu.ts';
import { CF, DF, carry } from '../flags.ts';
import { Vector } from '../fault.ts';
import { cpuid } from '../models.ts';
import type { Binder } from '../op.ts';

/** Set CF eagerly and take it out of the lazy mask (the other lazy flags do not depend on it). */
function setCarry(cpu: Cpu, value: number): void {
  cpu.flags = (cpu.flags & ~CF) | value;
  cpu.lazyOp &= ~CF;
}
function clc(cpu: Cpu): void {
  setCarry(cpu, 0);
}
function stc(cpu: Cpu): void {
  setCarry(cpu, CF);
}
function cmc(cpu: Cpu): void {
  setCarry(cpu, carry(cpu) ^ CF);
}
function cld(cpu: Cpu): void {
  cpu.flags &= ~DF;
}
function std(cpu: Cpu): void {
  cpu.flags |= DF;
}
export const bindClc: Binder = () => clc;
export const bindStc: Binder = () => stc;
export const bindCmc: Binder = () => cmc;
export const bindCld: Binder = () => cld;
export const bindStd: Binder = () => std;

const cpuidOut = new Int32Array(4);
function cpuidExecutor(cpu: Cpu): void {
  cpuid(cpu.model, cpu.regs[EAX]!, cpuidOut);
  cpu.regs[EAX] = cpuidOut[0]!;
  cpu.regs[EBX] = cpuidOut[1]!;
  cpu.regs[ECX] = cpuidOut[2]!;
  cpu.regs[EDX] = cpuidOut[3]!;
  cpu.onCpuid?.(cpu);
}
export const bindCpuid: Binder = () => cpuidExecutor;

/** RDTSC: #GP(0) at CPL > 0 when CR4.TSD is set. */
function rdtsc(cpu: Cpu): void {
  if ((cpu.cr[4]! & CR4_TSD) !== 0 && cpu.cpl !== 0) cpu.raise(Vector.GP, 0);
  const tsc = cpu.readTsc();
  cpu.regs[EAX] = Number(tsc & 0xffffffffn);
  cpu.regs[EDX] = Number(tsc >> 32n);
}
export const bindRdtsc: Binder = () => rdtsc;

/**
 * RDPMC: read a performance-monitoring counter. gate86 models no counters, so CR4.PCE cannot be
 * set (control.ts) and at CPL > 0 the instruction is #GP(0) exactly as the SDM says — the only case a
 * Linux process meets (2.6 never sets PCE). At CPL 0 there would be a counter to read, and there is
 * none: #UD, counted as unimplemented as a missing row is (`--trace` shows it).
 */
function rdpmc(cpu: Cpu): void {
  if (cpu.cpl !== 0) cpu.raise(Vector.GP, 0);
  cpu.unimplemented.set('rdpmc', (cpu.unimplemented.get('rdpmc') ?? 0) + 1);
  cpu.raise(Vector.UD);
}
export const bindRdpmc: Binder = () => rdpmc;
