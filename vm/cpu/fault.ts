// Exceptions: how a fault leaves an instruction.
//
// Anything that detects an exception (an executor, a memory access, the block fetcher) calls
// `cpu.raise(vector, errorCode)` for a fault or `cpu.raiseTrap(vector, software)` for a trap. Both fill
// in the CPU's one preallocated `CpuFault` and throw it. The run loop (vm/cpu/run.ts) catches it
// outside the block loop, puts EIP back at the faulting instruction (faults) or after it (traps), and
// calls `cpu.deliverException`. Exceptions are rare, so a throw is cheaper than checking a status after
// every memory access; nothing is allocated when one happens.

/** Exception vectors (Intel SDM Vol. 3A, 6.3.1). */
export const enum Vector {
  DE = 0, // divide error
  DB = 1, // debug
  NMI = 2,
  BP = 3, // INT3
  OF = 4, // INTO
  BR = 5, // BOUND range exceeded
  UD = 6, // invalid opcode
  NM = 7, // device not available
  DF = 8, // double fault
  TS = 10, // invalid TSS
  NP = 11, // segment not present
  SS = 12, // stack-segment fault
  GP = 13, // general protection
  PF = 14, // page fault
  MF = 16, // x87 error
  AC = 17, // alignment check
  MC = 18, // machine check
  XM = 19, // SIMD floating-point exception
}

/**
 * What kind of event is being delivered, which decides where EIP points (SDM Vol. 3A 6.5) and what
 * the pushed EFLAGS image says (RF, below).
 */
export const enum EventKind {
  /** A fault: EIP is the faulting instruction, which can be restarted. */
  Fault = 0,
  /** A trap raised by the processor (single-step, INT1/ICEBP): EIP is the next instruction. */
  Trap = 1,
  /** INT n, INT3, INTO: a trap whose gate DPL is checked against CPL. */
  SoftwareInterrupt = 2,
  /** An external interrupt (INTR), taken between instructions. */
  ExternalInterrupt = 3,
}

/**
 * The EFLAGS image an event pushes, and the subtle part of it: the resume flag (SDM Vol. 3B
 * 17.3.1.1). RF set means "do not take an instruction breakpoint on the next instruction"; the
 * processor clears it at the end of every instruction but IRET. So:
 *   - a fault (the instruction did not complete) pushes RF set on P6 and later processors, except a
 *     #DB for an instruction breakpoint, so that IRET back to the faulting instruction does not hit its
 *     breakpoint again; the 486 and Pentium push RF as it is (their handlers had to set it themselves);
 *   - a trap or INT n comes after its instruction completed, which cleared RF: the image has RF clear;
 *   - an external interrupt comes between instructions: RF as it is (still set if IRET just loaded it
 *     and the instruction it resumes has not run yet), and set when it arrives between two iterations
 *     of a REP string instruction (`resumesString`) on P6 and later, for the same reason as a fault.
 * #DF and #MC are aborts, not faults.
 */
export function pushedEflags(eflags: number, vector: number, kind: EventKind, faultFramesSetRf: boolean, resumesString: boolean): number {
  if (kind === EventKind.Trap || kind === EventKind.SoftwareInterrupt) return eflags & ~RESUME_FLAG;
  if (!faultFramesSetRf) return eflags;
  const faultClass = kind === EventKind.Fault && vector !== Vector.DB && vector !== Vector.DF && vector !== Vector.MC && vector !== Vector.NMI;
  const midString = kind === EventKind.ExternalInterrupt && resumesString;
  return faultClass || midString ? eflags | RESUME_FLAG : eflags;
}
const RESUME_FLAG = 1 << 16;

/** errorCode value meaning "this exception pushes no error code". */
export const NO_ERROR_CODE = -1;

/** #PF error code bits. */
export const PF_PRESENT = 1;
export const PF_WRITE = 2;
export const PF_USER = 4;

export class CpuFault {
  vector = 0;
  errorCode = NO_ERROR_CODE;
  /** True for traps: EIP is left after the instruction (INT n, INT3, INTO, single-step). */
  trap = false;
  /** True for INT n / INT3 / INTO: the gate's DPL is checked against CPL. */
  software = false;
}
