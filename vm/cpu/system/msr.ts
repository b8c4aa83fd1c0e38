// RDMSR and WRMSR (Intel SDM Vol. 2B; Vol. 4 for the MSRs). ECX names the MSR, EDX:EAX holds the
// 64-bit value. Only the MSRs a CPU model lists exist: the Pentium has the TSC; the Pentium II and
// later add IA32_SYSENTER_CS/ESP/EIP (0x174-0x176); the Athlon XP adds EFER and STAR for SYSCALL.
// Any other index, or a reserved bit set in EFER, is #GP(0) — which is how a kernel learns that a
// model lacks a feature it did not check CPUID for.

import { EAX, ECX, EDX, type Cpu } from '../cpu.ts';
import { Vector } from '../fault.ts';
import { MSR_EFER, MSR_TSC } from '../models.ts';
import type { Binder } from '../op.ts';
import { requireCpl0 } from './privilege.ts';
import { systemStateOf } from './state.ts';

/** EFER bits a 32-bit Athlon implements: SCE (SYSCALL enable). */
export const EFER_SCE = 1n;

export function readMsr(cpu: Cpu, index: number): bigint {
  if (!cpu.msr.has(index)) cpu.raise(Vector.GP, 0);
  const value = index === MSR_TSC ? cpu.readTsc() : cpu.msr.get(index)!;
  const trace = systemStateOf(cpu).onTrace;
  if (trace !== null) trace({ kind: 'msr', write: false, index, value });
  return value;
}

export function writeMsr(cpu: Cpu, index: number, value: bigint): void {
  if (!cpu.msr.has(index)) cpu.raise(Vector.GP, 0);
  if (index === MSR_EFER && (value & ~EFER_SCE) !== 0n) cpu.raise(Vector.GP, 0);
  if (index === MSR_TSC) {
    // The TSC counts modelled cycles (or instructions); writing it moves the offset.
    cpu.tscOffset = value - cpu.tscCount();
  }
  cpu.msr.set(index, value);
  const trace = systemStateOf(cpu).onTrace;
  if (trace !== null) trace({ kind: 'msr', write: true, index, value });
}

export const bindRdmsr: Binder = () => (cpu) => {
  requireCpl0(cpu);
  const value = readMsr(cpu, cpu.regs[ECX]! >>> 0);
  cpu.regs[EAX] = Number(value & 0xffffffffn) | 0;
  cpu.regs[EDX] = Number((value >> 32n) & 0xffffffffn) | 0;
};

export const bindWrmsr: Binder = (op) => {
  op.isBranch = true;
  return (cpu, o) => {
    requireCpl0(cpu);
    const value = (BigInt(cpu.regs[EDX]! >>> 0) << 32n) | BigInt(cpu.regs[EAX]! >>> 0);
    writeMsr(cpu, cpu.regs[ECX]! >>> 0, value);
    cpu.eip = o.next;
  };
};
