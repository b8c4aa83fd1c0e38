// Control registers, debug registers, and the processor-control instructions: MOV CRn/DRn, CLTS,
// LMSW/SMSW, INVLPG, HLT, CLI/STI (Intel SDM Vol. 3A 2.5 "Control registers", Vol. 2 for each
// instruction). All of them but SMSW are CPL-0 only.

import { CR0_PE, CR0_PG, CR0_TS, CR0_WP, CR4_OSFXSR, CR4_OSXMMEXCPT, CR4_PSE, CR4_TSD, StopKind, type Cpu } from '../cpu.ts';
import { Vector } from '../fault.ts';
import { IF } from '../flags.ts';
import { FEATURE_DE, FEATURE_PSE, FEATURE_TSC, modelHasFeature } from '../models.ts';
import { checkGeneralDetect, CR4_DE, debugRegisterIndex, writeDebugRegister } from '../debug/debug-registers.ts';
import { effectiveAddress, type Binder, type Executor } from '../op.ts';
import { inhibitInterruptsForOneInstruction } from './far-transfers.ts';
import { cplWithinIopl, requireCpl0 } from './privilege.ts';
import { armInterruptCheck, systemStateOf } from './state.ts';

const CR0_ET = 0x10;
const CR0_NW = 0x20000000;
const CR0_CD = 0x40000000;
/** CR0 bits that exist on the i486 and later: PE MP EM TS ET NE WP AM NW CD PG. */
const CR0_DEFINED = 0x0000003f | 0x00010000 | 0x00040000 | 0x60000000 | 0x80000000;

/** Write CR0 with the checks of MOV CR0 (SDM Vol. 2B "MOV—Move to/from Control Registers"). */
export function writeCr0(cpu: Cpu, value: number): void {
  value = (value & CR0_DEFINED) | CR0_ET; // ET is hardwired to 1 since the i486
  if ((value & CR0_PG) !== 0 && (value & CR0_PE) === 0) cpu.raise(Vector.GP, 0);
  if ((value & CR0_NW) !== 0 && (value & CR0_CD) === 0) cpu.raise(Vector.GP, 0);
  const old = cpu.cr[0]!;
  cpu.cr[0] = value;
  cpu.updateAlignmentCheck();
  // Translations cached under the old paging mode or WP rule are wrong now.
  if (((old ^ value) & (CR0_PG | CR0_WP | CR0_PE)) !== 0) cpu.flushTlb();
}

/**
 * CR4 bits this model has (only what the machine implements: PSE, DE, TSD with the TSC, OSFXSR with
 * FXSAVE/FXRSTOR, OSXMMEXCPT with SSE).
 */
function cr4Allowed(cpu: Cpu): number {
  let allowed = 0;
  if ((cpu.model.features & FEATURE_DE) !== 0) allowed |= CR4_DE;
  if ((cpu.model.features & FEATURE_PSE) !== 0) allowed |= CR4_PSE;
  if ((cpu.model.features & FEATURE_TSC) !== 0) allowed |= CR4_TSD;
  if (modelHasFeature(cpu.model, 'fxsr')) allowed |= CR4_OSFXSR;
  if (modelHasFeature(cpu.model, 'sse')) allowed |= CR4_OSXMMEXCPT;
  return allowed;
}

/** Whether the model has CR4 at all (the Pentium introduced it). */
function hasCr4(cpu: Cpu): boolean {
  return cpu.model.family >= 5;
}

export function writeControlRegister(cpu: Cpu, n: number, value: number): void {
  switch (n) {
    case 0: writeCr0(cpu, value); return;
    case 2: cpu.cr[2] = value; return;
    case 3: cpu.cr[3] = value & 0xfffff018; cpu.flushTlb(); return;
    case 4: {
      if (!hasCr4(cpu)) cpu.raise(Vector.UD);
      if ((value & ~cr4Allowed(cpu)) !== 0) cpu.raise(Vector.GP, 0);
      const old = cpu.cr[4]!;
      cpu.cr[4] = value;
      if (((old ^ value) & CR4_PSE) !== 0) cpu.flushTlb();
      if (((old ^ value) & CR4_DE) !== 0) cpu.debug.refreshGuestBreakpoints(); // I/O breakpoints
      return;
    }
    default: cpu.raise(Vector.UD);
  }
}

/** CR0, CR2, CR3, and CR4 where the model has it: MOV of any other is #UD. */
function requireControlRegister(cpu: Cpu, n: number): void {
  if (n === 1 || n > 4 || (n === 4 && !hasCr4(cpu))) cpu.raise(Vector.UD);
}

export function readControlRegister(cpu: Cpu, n: number): number {
  requireControlRegister(cpu, n);
  return cpu.cr[n]!;
}

// A MOV naming a control register that does not exist is #UD even at CPL 3: the processor rejects the
// encoding before it looks at the privilege level (the host CPU raises #UD, not #GP, for MOV CR5 in
// ring 3; the ring-3 fuzzer found it: test/fuzz/corpus/ring3/).
export const bindMovToCr: Binder = (op) => {
  op.isBranch = true; // paging or protection may change: the next instruction is fetched afresh
  return (cpu, o) => {
    requireControlRegister(cpu, o.reg);
    requireCpl0(cpu);
    writeControlRegister(cpu, o.reg, cpu.regs[o.rm]!);
    cpu.eip = o.next;
  };
};

export const bindMovFromCr: Binder = () => (cpu, o) => {
  requireControlRegister(cpu, o.reg);
  requireCpl0(cpu);
  cpu.regs[o.rm] = readControlRegister(cpu, o.reg);
};

// MOV to and from DR0-DR7 (vm/cpu/debug/debug-registers.ts has what the registers mean). The
// checks come in the SDM's order: CPL 0 (#GP), DR4/DR5 with CR4.DE (#UD), then general detect (#DB).

export const bindMovToDr: Binder = () => (cpu, o) => {
  requireCpl0(cpu);
  const n = debugRegisterIndex(cpu, o.reg);
  checkGeneralDetect(cpu);
  writeDebugRegister(cpu, n, cpu.regs[o.rm]!);
  cpu.exitBlock = 1; // breakpoints armed now apply from the next instruction: let the run loop look
};

export const bindMovFromDr: Binder = () => (cpu, o) => {
  requireCpl0(cpu);
  const n = debugRegisterIndex(cpu, o.reg);
  checkGeneralDetect(cpu);
  cpu.regs[o.rm] = cpu.dr[n]!;
};

export const cltsExecutor: Executor = (cpu) => {
  requireCpl0(cpu);
  cpu.cr[0] = cpu.cr[0]! & ~CR0_TS;
};

/** LMSW: loads PE MP EM TS; it can set PE but never clear it. */
export const bindLmsw: Binder = (op) => {
  op.isBranch = true;
  return (cpu, o) => {
    requireCpl0(cpu);
    const value = o.isMemory ? cpu.read16(o.seg, effectiveAddress(cpu, o)) : cpu.regs16[o.rm * 2]!;
    const old = cpu.cr[0]!;
    writeCr0(cpu, (old & ~0xe) | (value & 0xf) | (old & CR0_PE));
    cpu.eip = o.next;
  };
};

/** SMSW: the low 16 bits of CR0 to memory; all of CR0 to a 32-bit register. Any CPL. */
export const bindSmsw: Binder = () => (cpu, o) => {
  const cr0 = cpu.cr[0]!;
  if (o.isMemory) cpu.write16(o.seg, effectiveAddress(cpu, o), cr0 & 0xffff);
  else if (o.size === 32) cpu.regs[o.rm] = cr0;
  else cpu.regs16[o.rm * 2] = cr0 & 0xffff;
};

export const bindInvlpg: Binder = (op) => {
  op.isBranch = true;
  return (cpu, o) => {
    requireCpl0(cpu);
    cpu.invalidatePage((cpu.segBase[o.seg]! + effectiveAddress(cpu, o)) | 0);
    cpu.eip = o.next;
  };
};

/** HLT: stop until an interrupt. The machine's run loop sleeps (Atomics.wait) while halted. */
export const bindHlt: Binder = (op) => {
  op.isBranch = true;
  return (cpu, o) => {
    requireCpl0(cpu);
    cpu.eip = o.next;
    systemStateOf(cpu).halted = true;
    cpu.requestStop(StopKind.Halt);
  };
};

// CLI and STI change IF only, which always lives in cpu.flags (the lazy record holds the arithmetic
// flags alone): the record need not be materialised first.
export const cliExecutor: Executor = (cpu, op) => {
  if (!cplWithinIopl(cpu)) cpu.raise(Vector.GP, 0);
  cpu.flags &= ~IF;
  cpu.eip = op.next;
};

/** STI: interrupts become enabled after the NEXT instruction (the interrupt shadow), which is why
 *  `sti; hlt` cannot miss a wake-up and `sti; sysexit` returns to user mode before any interrupt. */
export const bindSti: Binder = (op) => {
  op.isBranch = true;
  return (cpu, o) => {
    if (!cplWithinIopl(cpu)) cpu.raise(Vector.GP, 0);
    if ((cpu.flags & IF) === 0) inhibitInterruptsForOneInstruction(cpu);
    cpu.flags |= IF;
    armInterruptCheck(cpu);
    cpu.eip = o.next;
  };
};
