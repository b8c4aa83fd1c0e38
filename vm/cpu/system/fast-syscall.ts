// The fast system-call instructions: Intel's SYSENTER/SYSEXIT (SDM Vol. 2B, "SYSENTER" and "SYSEXIT"
// operation sections; Vol. 3A 5.8.7) and AMD's SYSCALL/SYSRET in legacy mode (AMD64 APM Vol. 3).
// And VMCALL, which gate86's kernel uses as the door from guest code to TypeScript services.
//
// SYSENTER does not read the GDT. The seven steps of seed 003, in the SDM's words:
//   1. CS.Selector := IA32_SYSENTER_CS[15:0] AND 0xFFFC, with a fixed flat ring-0 code cache
//   2. EIP := IA32_SYSENTER_EIP
//   3. SS.Selector := CS.Selector + 8, with a fixed flat ring-0 data cache
//   4. ESP := IA32_SYSENTER_ESP
//   5. CPL := 0
//   6. EFLAGS.VM := 0, and also IF := 0 (RF := 0); TF, NT, AC and the rest are kept
//   7. execution continues at CS:EIP. Nothing is saved: user EIP/ESP are user code's business.
// SYSEXIT, the six steps: CS := (IA32_SYSENTER_CS + 16) | 3, EIP := EDX, SS := (IA32_SYSENTER_CS +
// 24) | 3, ESP := ECX, CPL := 3, continue; EFLAGS untouched. Both raise #GP(0) when
// IA32_SYSENTER_CS[15:2] is 0 (Linux's vm86 support relies on it to turn SYSENTER off) or outside
// protected mode; SYSEXIT also at CPL != 0.

import { CS, SS, ESP, ECX, EDX, SEG_DPL_SHIFT, type Cpu } from '../cpu.ts';
import { Vector } from '../fault.ts';
import { IF, RF, VM, materialiseFlags } from '../flags.ts';
import { FEATURE_SEP, MSR_EFER, MSR_STAR } from '../models.ts';
import { SYSENTER_CS_SLOT, SYSENTER_EIP_SLOT, SYSENTER_ESP_SLOT } from '../msr-file.ts';
import type { Binder } from '../op.ts';
import { FLAT_CODE_ACCESS, FLAT_DATA_ACCESS, isProtectedMode, isVirtual8086 } from './descriptors.ts';
import { EFER_SCE } from './msr.ts';
import { systemStateOf, type SystemState } from './state.ts';

const RING3 = 3 << SEG_DPL_SHIFT;

/** Report a completed fast system call to the tracer, if one is installed. */
function traced(cpu: Cpu, state: SystemState, instruction: 'sysenter' | 'sysexit' | 'syscall' | 'sysret'): void {
  const trace = state.onTrace;
  if (trace !== null) trace({ kind: 'fast-syscall', instruction, eip: cpu.eip >>> 0, esp: cpu.regs[ESP]! >>> 0 });
}

/** SYSENTER exists on this model (CPUID SEP) and really works (not on the Pentium Pro). */
function requireSysenter(cpu: Cpu): void {
  if ((cpu.model.features & FEATURE_SEP) === 0 || !cpu.model.sysenterWorks) cpu.raise(Vector.UD);
}

// The system state is found once, when the instruction is bound (a WeakMap lookup per system call
// was a measurable part of its cost); the MSRs are read as numbers (msr-file.ts).

function sysenter(cpu: Cpu, state: SystemState): void {
  requireSysenter(cpu);
  const msr = cpu.msr.sysenter;
  const cs = msr[SYSENTER_CS_SLOT]! & 0xffff;
  if (!isProtectedMode(cpu) || (cs & 0xfffc) === 0) cpu.raise(Vector.GP, 0);
  materialiseFlags(cpu);
  cpu.flags &= ~(VM | IF | RF);
  cpu.loadSegmentCache(CS, cs & 0xfffc, 0, 0xffffffff, FLAT_CODE_ACCESS);
  cpu.setCpl(0);
  cpu.loadSegmentCache(SS, (cs & 0xfffc) + 8, 0, 0xffffffff, FLAT_DATA_ACCESS);
  cpu.regs[ESP] = msr[SYSENTER_ESP_SLOT]!;
  cpu.eip = msr[SYSENTER_EIP_SLOT]!;
  traced(cpu, state, 'sysenter');
}

function sysexit(cpu: Cpu, state: SystemState): void {
  requireSysenter(cpu);
  const cs = cpu.msr.sysenter[SYSENTER_CS_SLOT]! & 0xffff;
  if (!isProtectedMode(cpu) || isVirtual8086(cpu) || cpu.cpl !== 0 || (cs & 0xfffc) === 0) cpu.raise(Vector.GP, 0);
  cpu.loadSegmentCache(CS, ((cs + 16) | 3) & 0xffff, 0, 0xffffffff, FLAT_CODE_ACCESS | RING3);
  cpu.setCpl(3);
  cpu.loadSegmentCache(SS, ((cs + 24) | 3) & 0xffff, 0, 0xffffffff, FLAT_DATA_ACCESS | RING3);
  cpu.regs[ESP] = cpu.regs[ECX]!;
  cpu.eip = cpu.regs[EDX]!;
  traced(cpu, state, 'sysexit');
}

export const bindSysenter: Binder = (op, _insn, bound) => {
  op.isBranch = true;
  const state = systemStateOf(bound);
  return (cpu) => sysenter(cpu, state);
};

export const bindSysexit: Binder = (op, _insn, bound) => {
  op.isBranch = true;
  const state = systemStateOf(bound);
  return (cpu) => sysexit(cpu, state);
};

// SYSCALL/SYSRET, legacy mode (AMD64 APM Vol. 3, "SYSCALL" and "SYSRET"): STAR[31:0] is the entry
// EIP, STAR[47:32] the ring-0 CS (SS = CS + 8), STAR[63:48] the ring-3 CS (SS = CS + 8); the return
// EIP travels in ECX. #UD unless EFER.SCE is set.

function requireSyscall(cpu: Cpu): bigint {
  const efer = cpu.msr.get(MSR_EFER);
  if (efer === undefined || (efer & EFER_SCE) === 0n) cpu.raise(Vector.UD);
  return cpu.msr.get(MSR_STAR) ?? 0n;
}

export const bindSyscall: Binder = (op, _insn, bound) => {
  op.isBranch = true;
  const state = systemStateOf(bound);
  return (cpu, o) => {
    const star = requireSyscall(cpu);
    if (!isProtectedMode(cpu)) cpu.raise(Vector.GP, 0);
    const cs = Number((star >> 32n) & 0xffffn);
    cpu.regs[ECX] = o.next;
    materialiseFlags(cpu);
    cpu.flags &= ~(VM | IF | RF);
    cpu.loadSegmentCache(CS, cs & 0xfffc, 0, 0xffffffff, FLAT_CODE_ACCESS);
    cpu.setCpl(0);
    cpu.loadSegmentCache(SS, (cs + 8) & 0xfffc, 0, 0xffffffff, FLAT_DATA_ACCESS);
    cpu.eip = Number(star & 0xffffffffn) | 0;
    traced(cpu, state, 'syscall');
  };
};

export const bindSysret: Binder = (op, _insn, bound) => {
  op.isBranch = true;
  const state = systemStateOf(bound);
  return (cpu) => {
    const star = requireSyscall(cpu);
    if (!isProtectedMode(cpu) || cpu.cpl !== 0) cpu.raise(Vector.GP, 0);
    const cs = Number((star >> 48n) & 0xffffn);
    cpu.loadSegmentCache(CS, (cs | 3) & 0xffff, 0, 0xffffffff, FLAT_CODE_ACCESS | RING3);
    cpu.setCpl(3);
    cpu.loadSegmentCache(SS, ((cs + 8) | 3) & 0xffff, 0, 0xffffffff, FLAT_DATA_ACCESS | RING3);
    materialiseFlags(cpu);
    cpu.flags |= IF;
    cpu.eip = cpu.regs[ECX]!;
    traced(cpu, state, 'sysret');
  };
};

/** VMCALL: #UD at CPL 3 (and whenever no host hook is installed); at CPL 0 the host hook runs with
 *  EIP already past the instruction, so it may redirect execution. */
export const bindVmcall: Binder = (op, _insn, bound) => {
  op.isBranch = true;
  const state = systemStateOf(bound);
  return (cpu, o) => {
    const hook = state.onVmcall;
    if (hook === null || cpu.cpl !== 0 || isVirtual8086(cpu)) {
      cpu.raise(Vector.UD);
    } else {
      cpu.eip = o.next;
      hook(cpu);
    }
  };
};
