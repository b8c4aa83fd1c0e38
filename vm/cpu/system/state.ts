// The system half's own per-CPU state: what the SDM describes as processor state but the integer
// core has no use for. One `SystemState` per Cpu, created by installSystem (index.ts) and reached
// from every system operation through the WeakMap below, so the Cpu class needs no fields for it.

import type { Cpu } from '../cpu.ts';
import { IF } from '../flags.ts';
import type { CrossingEvent } from './crossing.ts';

/** The source of external interrupts: the 8259A pair on a PC. */
export interface InterruptController {
  /** INTR is asserted. */
  interruptPending(): boolean;
  /** The interrupt-acknowledge cycle: returns the vector. */
  acknowledge(): number;
}

export class SystemState {
  /** HLT executed; cleared when an interrupt (or reset) wakes the CPU. */
  halted = false;
  /**
   * STI's interrupt shadow (and MOV SS / POP SS's): external interrupts are not taken before the
   * instruction that follows. Holds the instruction count after which they may be taken again.
   */
  interruptShadowUntil = -1;
  /** The vector whose delivery is in progress, or -1 (to recognise a fault during delivery: #DF). */
  delivering = -1;
  /** Whether that delivery was of an external event or exception (decides the EXT bit of nested
   *  error codes); false for INT n, INT3 and INTO. */
  deliveringExternal = false;
  /** Whether that delivery was of a software INT n / INT3 / INTO. */
  deliveringSoftware = false;
  /**
   * Address of the INT n / INT3 / INTO instruction being delivered. INT is a trap (EIP points past
   * it) but a fault while delivering it — #GP from a DPL-0 gate, #NP — reports the INT itself.
   */
  softwareInterruptAddress = 0;
  /** The external interrupt source; none means INTR is never asserted. */
  interrupts: InterruptController | null = null;
  /**
   * VMCALL at CPL 0 calls this (the kernel maps hypercall stub addresses to TypeScript services through it).
   * Unset, VMCALL raises #UD as on a CPU without VMX.
   */
  onVmcall: ((cpu: Cpu) => void) | null = null;
  /** The FERR# pin: asserted when a pending x87 exception meets a waiting instruction with CR0.NE = 0. */
  onNumericError: (() => void) | null = null;
  /** Called when the CPU shuts down after a triple fault. */
  onShutdown: ((cpu: Cpu) => void) | null = null;
  /** Set when the CPU has shut down (triple fault): it executes nothing more until reset. */
  shutdown = false;
  /** The tracer, or null (tracing off). */
  onTrace: ((event: SystemTraceEvent) => void) | null = null;
  /** Told of every change of CPL (crossing.ts), or null. */
  onCrossing: ((event: CrossingEvent) => void) | null = null;
}

/**
 * What the system half reports to a tracer (`--trace fault,msr,...`): each event is built only when a
 * tracer is installed, so tracing costs one null check when off.
 */
export type SystemTraceEvent =
  | { kind: 'exception'; vector: number; errorCode: number; eip: number; cpl: number; software: boolean }
  | { kind: 'interrupt'; vector: number; eip: number; cpl: number }
  | { kind: 'msr'; write: boolean; index: number; value: bigint }
  | { kind: 'fast-syscall'; instruction: 'sysenter' | 'sysexit' | 'syscall' | 'sysret'; eip: number; esp: number };

const states = new WeakMap<Cpu, SystemState>();

/** The last CPU asked about and its state: one compare instead of a WeakMap lookup on every INT. */
let lastCpu: Cpu | null = null;
let lastState: SystemState | null = null;

export function systemStateOf(cpu: Cpu): SystemState {
  if (cpu === lastCpu) return lastState!;
  let state = states.get(cpu);
  if (state === undefined) {
    state = new SystemState();
    states.set(cpu, state);
  }
  lastCpu = cpu;
  lastState = state;
  return state;
}

/**
 * Re-arm the between-blocks interrupt check after an instruction may have set IF (STI, POPF, IRET,
 * a task switch): with IF clear the check drops itself until then. Only when INTR is asserted: a
 * request that comes later sets the check itself (the controller's onInterruptRequest), so the
 * `sti` of every system call does not send the CPU back to its dispatcher to find nothing there.
 */
export function armInterruptCheck(cpu: Cpu): void {
  if ((cpu.flags & IF) === 0) return;
  const controller = systemStateOf(cpu).interrupts;
  if (controller !== null && controller.interruptPending()) cpu.pendingEvents = 1;
}
