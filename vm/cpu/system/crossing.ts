// Crossings: every change of CPL, reported with where the CPU was before and where it is after.
//
// A ring change happens in exactly these places, each of which reports itself here when someone
// listens (SystemState.onCrossing; one null check otherwise):
//   in  (outer -> inner ring)  INT n / INT3 / INTO, exceptions and external interrupts through an IDT
//                              gate (interrupts.ts), SYSENTER and SYSCALL (fast-syscall.ts), a far
//                              CALL through a call gate (far-transfers.ts);
//   out (inner -> outer ring)  IRET (interrupts.ts), SYSEXIT and SYSRET, a far RET to an outer ring;
//   either                     a hardware task switch (task-switch.ts).
// `--trace crossing` and the step view's "run to the next ring change" are built on these events.

import { CS, ESP, SS, type Cpu } from '../cpu.ts';
import type { SystemState } from './state.ts';

/** Where the CPU is: the code and stack selectors and pointers, and CPL. */
export interface CpuPoint {
  cs: number;
  eip: number;
  ss: number;
  esp: number;
  cpl: number;
}

/** The door a crossing went through. `vector` is set for INT n, exceptions and interrupts. */
export type Door =
  | 'int80' | 'int' | 'exception' | 'interrupt' | 'sysenter' | 'syscall' | 'call-gate'
  | 'iret' | 'sysexit' | 'sysret' | 'lret' | 'task-switch';

export interface CrossingEvent {
  door: Door;
  vector: number;
  /** Before: at the instruction that crossed (for an interrupt: the instruction it came before). */
  from: CpuPoint;
  /** After: the first instruction on the other side. */
  to: CpuPoint;
  /** Instructions retired before the crossing instruction (for an event, before its delivery). */
  instructions: number;
  /** Modelled cycles (vm/cpu/cycles/) when the crossing completed, its own cost included. */
  cycles: number;
}

/** The address of the instruction executing now (between instructions: EIP). */
export function currentInstructionAddress(cpu: Cpu): number {
  const block = cpu.block;
  return block !== null && cpu.opIndex >= 0 ? block.ops[cpu.opIndex]!.address : cpu.eip;
}

/** Instructions retired so far, counting those of the running block that completed. */
export function retiredInstructions(cpu: Cpu): number {
  return cpu.instructionCount + (cpu.block !== null && cpu.opIndex >= 0 ? cpu.opIndex : 0);
}

/**
 * Where the CPU is now, if anybody listens for crossings (else null: nothing is allocated). `eip`
 * defaults to the instruction executing now. `state` is the CPU's system state (bound once by the
 * caller: looking it up per system call would cost more than the check).
 */
export function crossingStart(state: SystemState, cpu: Cpu, eip?: number): CpuPoint | null {
  if (state.onCrossing === null) return null; // (before the defaults: every system call passes here)
  return { cs: cpu.segSelector[CS]!, eip: (eip ?? currentInstructionAddress(cpu)) >>> 0, ss: cpu.segSelector[SS]!, esp: cpu.regs[ESP]! >>> 0, cpl: cpu.cpl };
}

/** Report the crossing that began at `from`, if CPL changed. */
export function crossingEnd(state: SystemState, cpu: Cpu, from: CpuPoint | null, door: Door, vector = -1, instructions?: number): void {
  if (from === null || from.cpl === cpu.cpl) return;
  const listener = state.onCrossing;
  if (listener === null) return;
  const to: CpuPoint = { cs: cpu.segSelector[CS]!, eip: cpu.eip >>> 0, ss: cpu.segSelector[SS]!, esp: cpu.regs[ESP]! >>> 0, cpl: cpu.cpl };
  listener({ door, vector, from, to, instructions: instructions ?? retiredInstructions(cpu), cycles: cpu.modelledCycles() });
}
