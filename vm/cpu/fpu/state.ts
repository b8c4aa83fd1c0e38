// The floating-point and SIMD state of one CPU: the x87 FPU, the MMX view of it, and SSE's XMM
// registers with MXCSR (Intel SDM Vol. 1 chapters 8-11; the layout FXSAVE writes is Vol. 2A "FXSAVE").
//
// Everything is in typed arrays so that snapshots, FXSAVE/FNSAVE and a debugger see one copy.
//
// x87 registers are kept by PHYSICAL number R0..R7, as the hardware does: ST(i) is R((TOP + i) & 7).
// Each is an 80-bit extended-precision value split into three fields:
//   significandLow[r]   bits 0-31 of the 64-bit significand
//   significandHigh[r]  bits 32-63 (bit 63 is the explicit integer bit)
//   signExponent[r]     bit 15 the sign, bits 0-14 the biased exponent (bias 16383)
// MMX register MMi is the significand of physical register Ri (bits 0-63). An MMX instruction that
// writes MMi also sets signExponent[i] to 0xffff; any MMX instruction sets TOP to 0 and marks every
// register valid; EMMS marks them all empty (SDM Vol. 1, 9.5 "MMX Instructions and the x87 FPU").
//
// The tag word is kept abridged, one bit per physical register (1 = valid, 0 = empty), exactly as
// FXSAVE stores it; the full two-bit tags that FNSTENV/FNSAVE write (valid, zero, special, empty) are
// derived from the register contents when they are needed, as the processor itself does.

/** Control word after FNINIT: all exceptions masked, 64-bit precision, round to nearest. */
export const FPU_CONTROL_DEFAULT = 0x037f;
/** Control word after RESET (SDM Vol. 3A table 9-1). */
export const FPU_CONTROL_RESET = 0x0040;
/** MXCSR after RESET and as Linux's exec leaves it: all exceptions masked, round to nearest. */
export const MXCSR_DEFAULT = 0x1f80;

export class FpuState {
  /** Physical registers R0..R7: see the header. */
  readonly significandLow = new Uint32Array(8);
  readonly significandHigh = new Uint32Array(8);
  readonly signExponent = new Uint16Array(8);
  /** FPU control word (FCW). */
  control = FPU_CONTROL_DEFAULT;
  /** FPU status word (FSW) without the TOP field (bits 11-13), which lives in `top`. */
  status = 0;
  /** TOP: the physical register number of ST(0). */
  top = 0;
  /** Abridged tag word: bit r set when physical register r is valid (not empty). */
  validRegisters = 0;
  /** Last x87 instruction's opcode (11 bits), code pointer (FCS:FIP) and data pointer (FDS:FDP). */
  lastOpcode = 0;
  lastCodeSelector = 0;
  lastCodeOffset = 0;
  lastDataSelector = 0;
  lastDataOffset = 0;

  /** XMM0..XMM7: register n is xmm[4n .. 4n+3], least significant doubleword first. */
  readonly xmm = new Uint32Array(32);
  /** The same bytes as bytes, words and (unsigned) doublewords: views for the SIMD executors. */
  readonly xmm8 = new Uint8Array(this.xmm.buffer);
  readonly xmm16 = new Uint16Array(this.xmm.buffer);
  mxcsr = MXCSR_DEFAULT;
  /**
   * The IGNNE# input (added for CR0.NE = 0): a PC asserts it when software writes port F0 after an
   * FERR# interrupt, and drops it when the error is cleared. While it is held a waiting instruction
   * ignores a pending x87 exception instead of freezing (vm/cpu/fpu/unit.ts).
   */
  ignoreErrors = false;

  /** The state after RESET (SDM Vol. 3A table 9-1): registers +0, FCW 0x0040, FSW 0, FTW 0x5555. */
  powerOn(): void {
    this.significandLow.fill(0);
    this.significandHigh.fill(0);
    this.signExponent.fill(0);
    this.control = FPU_CONTROL_RESET;
    this.status = 0;
    this.top = 0;
    this.validRegisters = 0xff; // FTW 0x5555: every register tagged "zero", i.e. valid
    this.clearPointers();
    this.xmm.fill(0);
    this.mxcsr = MXCSR_DEFAULT;
    this.ignoreErrors = false;
  }

  /** FNINIT: the x87 part only; the register contents stay, every tag becomes empty. */
  initializeX87(): void {
    this.control = FPU_CONTROL_DEFAULT;
    this.status = 0;
    this.top = 0;
    this.validRegisters = 0;
    this.clearPointers();
    this.ignoreErrors = false;
  }

  /** The status word as FNSTSW reads it: `status` with TOP in bits 11-13. */
  statusWord(): number {
    return (this.status & ~0x3800) | ((this.top & 7) << 11);
  }

  /** Load a whole status word (FLDENV, FRSTOR, FXRSTOR): TOP goes to `top`. */
  setStatusWord(value: number): void {
    this.top = (value >>> 11) & 7;
    this.status = value & 0xffff & ~0x3800;
  }

  private clearPointers(): void {
    this.lastOpcode = 0;
    this.lastCodeSelector = 0;
    this.lastCodeOffset = 0;
    this.lastDataSelector = 0;
    this.lastDataOffset = 0;
  }
}

/** The FPU/SIMD part of a CPU snapshot (vm/cpu/snapshot.ts). */
export interface FpuSnapshot {
  significandLow: number[];
  significandHigh: number[];
  signExponent: number[];
  control: number;
  status: number;
  top: number;
  validRegisters: number;
  pointers: [opcode: number, codeSelector: number, codeOffset: number, dataSelector: number, dataOffset: number];
  xmm: number[];
  mxcsr: number;
  ignoreErrors?: boolean;
}

export function saveFpu(f: FpuState): FpuSnapshot {
  return {
    significandLow: Array.from(f.significandLow),
    significandHigh: Array.from(f.significandHigh),
    signExponent: Array.from(f.signExponent),
    control: f.control,
    status: f.status,
    top: f.top,
    validRegisters: f.validRegisters,
    pointers: [f.lastOpcode, f.lastCodeSelector, f.lastCodeOffset, f.lastDataSelector, f.lastDataOffset],
    xmm: Array.from(f.xmm),
    mxcsr: f.mxcsr,
    ignoreErrors: f.ignoreErrors,
  };
}

export function restoreFpu(f: FpuState, s: FpuSnapshot): void {
  f.significandLow.set(s.significandLow);
  f.significandHigh.set(s.significandHigh);
  f.signExponent.set(s.signExponent);
  f.control = s.control;
  f.status = s.status;
  f.top = s.top;
  f.validRegisters = s.validRegisters;
  [f.lastOpcode, f.lastCodeSelector, f.lastCodeOffset, f.lastDataSelector, f.lastDataOffset] = s.pointers;
  f.xmm.set(s.xmm);
  f.mxcsr = s.mxcsr;
  f.ignoreErrors = s.ignoreErrors ?? false;
}
