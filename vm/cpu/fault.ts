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
}

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
