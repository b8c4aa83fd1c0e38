// The memory images of the x87 (and SSE) state: what FNSTENV/FLDENV, FNSAVE/FRSTOR and
// FXSAVE/FXRSTOR write and read (SDM Vol. 1, 8.1.10, Figures 8-9 to 8-12; Vol. 2A "FXSAVE").
// Pure functions over bytes: the instructions (control.ts) move them to and from guest memory, the
// kernel's signal frames and the differential tests read the same layouts.
//
// Environment (FNSTENV), 32-bit protected mode, 28 bytes — each field in a doubleword:
//    0 FCW    4 FSW    8 FTW (two bits per PHYSICAL register)   12 FIP
//   16 FCS | FOP << 16 (11 bits)    20 FDP    24 FDS
// The unused upper halves of FCW/FSW/FTW/FDS are written as ones, as Intel processors do.
// 16-bit protected mode, 14 bytes: FCW FSW FTW FIP FCS FDP FDS, one word each (no FOP).
// Real mode keeps 20- or 32-bit linear pointers, split: the low 16 bits in one word, the rest
// shifted left by 12 next to FOP (32-bit format: 12 FIP[15:0], 16 FOP | FIP[31:16] << 12,
// 20 FDP[15:0], 24 FDP[31:16] << 12; 16-bit format the same in words).
// FNSAVE: the environment, then ST(0)..ST(7), 10 bytes each (94 or 108 bytes in all).
//
// FXSAVE, 512 bytes, 16-byte aligned:
//    0 FCW  2 FSW  4 FTW abridged (one bit per physical register)  6 FOP  8 FIP  12 FCS
//   16 FDP  20 FDS  24 MXCSR  28 MXCSR_MASK  32 + 16 i: ST(i) (10 bytes, 6 zero)  160 + 16 n: XMMn
// Bytes 288-511 are reserved (288-463) or left for software (464-511): FXSAVE does not touch them.

import { FpuState } from './state.ts';

/** Bytes of the environment image for an operand size. */
export const ENVIRONMENT_SIZE = { 16: 14, 32: 28 } as const;
/** Bytes of the FNSAVE image for an operand size. */
export const SAVE_SIZE = { 16: 94, 32: 108 } as const;
export const FXSAVE_SIZE = 512;
/** Where the MXCSR and XMM registers are in the FXSAVE image (the part CR4.OSFXSR governs). */
export const FXSAVE_MXCSR = 24;
export const FXSAVE_XMM = 160;

export interface ImageFormat {
  operandSize: 16 | 32;
  /** CR0.PE clear (or virtual-8086 mode): the pointers are linear addresses, split. */
  realMode: boolean;
}

// ---------------------------------------------------------------------------------------------
// The full tag word: computed from the register contents, as the processor does for FNSTENV.

/** The two-bit tag of a valid physical register: 0 valid, 1 zero, 2 special (NaN, infinity, denormal, unsupported). */
export function tagOf(f: FpuState, r: number): number {
  const exponent = f.signExponent[r]! & 0x7fff;
  const high = f.significandHigh[r]!;
  const low = f.significandLow[r]!;
  if (exponent === 0) return high === 0 && low === 0 ? 1 : 2;
  if (exponent === 0x7fff || (high & 0x80000000) === 0) return 2; // NaN, infinity, unnormal...
  return 0;
}

/** The 16-bit tag word: physical register r in bits 2r+1:2r, 3 = empty. */
export function fullTagWord(f: FpuState): number {
  let word = 0;
  for (let r = 0; r < 8; r++) word |= ((f.validRegisters >> r) & 1 ? tagOf(f, r) : 3) << (2 * r);
  return word;
}

/** The abridged tags a full tag word stands for: a register is valid unless tagged 11. */
export function validFromTagWord(word: number): number {
  let valid = 0;
  for (let r = 0; r < 8; r++) if (((word >> (2 * r)) & 3) !== 3) valid |= 1 << r;
  return valid;
}

// ---------------------------------------------------------------------------------------------
// Little-endian helpers.

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}
function put32(b: Uint8Array, at: number, v: number): void {
  put16(b, at, v);
  put16(b, at + 2, v >>> 16);
}
function get16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}
function get32(b: Uint8Array, at: number): number {
  return (get16(b, at) | (get16(b, at + 2) << 16)) >>> 0;
}

/** ST(i) as 10 bytes at `at`: significand low, high, then sign/exponent. */
function putRegister(f: FpuState, i: number, b: Uint8Array, at: number): void {
  const r = (f.top + i) & 7;
  put32(b, at, f.significandLow[r]!);
  put32(b, at + 4, f.significandHigh[r]!);
  put16(b, at + 8, f.signExponent[r]!);
}
function getRegister(f: FpuState, i: number, b: Uint8Array, at: number): void {
  const r = (f.top + i) & 7;
  f.significandLow[r] = get32(b, at);
  f.significandHigh[r] = get32(b, at + 4);
  f.signExponent[r] = get16(b, at + 8);
}

// ---------------------------------------------------------------------------------------------
// Environment: FNSTENV / FLDENV, and the first part of FNSAVE / FRSTOR.

/** The environment image (14 or 28 bytes). */
export function environmentImage(f: FpuState, format: ImageFormat): Uint8Array {
  const wide = format.operandSize === 32;
  const b = new Uint8Array(ENVIRONMENT_SIZE[format.operandSize]);
  const w = wide ? 4 : 2; // the stride of the fields
  const tags = fullTagWord(f);
  if (wide) {
    put32(b, 0, 0xffff0000 | f.control);
    put32(b, 4, 0xffff0000 | f.statusWord());
    put32(b, 8, 0xffff0000 | tags);
  } else {
    put16(b, 0, f.control);
    put16(b, 2, f.statusWord());
    put16(b, 4, tags);
  }
  if (format.realMode) {
    const ip = (f.lastCodeSelector * 16 + f.lastCodeOffset) >>> 0;
    const dp = (f.lastDataSelector * 16 + f.lastDataOffset) >>> 0;
    const put = wide ? put32 : put16;
    put(b, 3 * w, ip & 0xffff);
    put(b, 4 * w, (f.lastOpcode & 0x7ff) | ((ip >>> 16) << 12));
    put(b, 5 * w, dp & 0xffff);
    put(b, 6 * w, (dp >>> 16) << 12);
  } else if (wide) {
    put32(b, 12, f.lastCodeOffset);
    put32(b, 16, f.lastCodeSelector | ((f.lastOpcode & 0x7ff) << 16));
    put32(b, 20, f.lastDataOffset);
    put32(b, 24, 0xffff0000 | f.lastDataSelector);
  } else {
    put16(b, 6, f.lastCodeOffset);
    put16(b, 8, f.lastCodeSelector);
    put16(b, 10, f.lastDataOffset);
    put16(b, 12, f.lastDataSelector);
  }
  return b;
}

/** FLDENV: control, status (with TOP), which registers are empty, the pointers. */
export function loadEnvironment(f: FpuState, b: Uint8Array, format: ImageFormat): void {
  const wide = format.operandSize === 32;
  const w = wide ? 4 : 2;
  f.control = get16(b, 0);
  f.setStatusWord(get16(b, w));
  f.validRegisters = validFromTagWord(get16(b, 2 * w));
  const get = wide ? get32 : get16;
  if (format.realMode) {
    const opcodeWord = get(b, 4 * w);
    f.lastCodeSelector = 0;
    f.lastCodeOffset = ((get(b, 3 * w) & 0xffff) | ((opcodeWord >>> 12) << 16)) >>> 0;
    f.lastOpcode = opcodeWord & 0x7ff;
    f.lastDataSelector = 0;
    f.lastDataOffset = ((get(b, 5 * w) & 0xffff) | ((get(b, 6 * w) >>> 12) << 16)) >>> 0;
  } else if (wide) {
    f.lastCodeOffset = get32(b, 12);
    f.lastCodeSelector = get16(b, 16);
    f.lastOpcode = get16(b, 18) & 0x7ff;
    f.lastDataOffset = get32(b, 20);
    f.lastDataSelector = get16(b, 24);
  } else {
    f.lastCodeOffset = get16(b, 6);
    f.lastCodeSelector = get16(b, 8);
    f.lastOpcode = 0;
    f.lastDataOffset = get16(b, 10);
    f.lastDataSelector = get16(b, 12);
  }
}

// ---------------------------------------------------------------------------------------------
// FNSAVE / FRSTOR.

export function saveImage(f: FpuState, format: ImageFormat): Uint8Array {
  const env = environmentImage(f, format);
  const b = new Uint8Array(SAVE_SIZE[format.operandSize]);
  b.set(env);
  for (let i = 0; i < 8; i++) putRegister(f, i, b, env.length + 10 * i);
  return b;
}

export function loadSave(f: FpuState, b: Uint8Array, format: ImageFormat): void {
  loadEnvironment(f, b, format); // TOP first: the registers are stored in stack order
  const at = ENVIRONMENT_SIZE[format.operandSize];
  for (let i = 0; i < 8; i++) getRegister(f, i, b, at + 10 * i);
}

// ---------------------------------------------------------------------------------------------
// FXSAVE / FXRSTOR.

/**
 * Write the FXSAVE image into `b` (512 bytes; bytes 288-511 are left as they are). With `sse`
 * (CR4.OSFXSR) MXCSR, MXCSR_MASK and XMM0-7 are stored too; without it those bytes are not written.
 */
export function writeFxsave(f: FpuState, b: Uint8Array, sse: boolean, mxcsrMask: number): void {
  put16(b, 0, f.control);
  put16(b, 2, f.statusWord());
  b[4] = f.validRegisters & 0xff;
  b[5] = 0;
  put16(b, 6, f.lastOpcode & 0x7ff);
  put32(b, 8, f.lastCodeOffset);
  put16(b, 12, f.lastCodeSelector);
  put16(b, 14, 0);
  put32(b, 16, f.lastDataOffset);
  put16(b, 20, f.lastDataSelector);
  put16(b, 22, 0);
  if (sse) {
    put32(b, FXSAVE_MXCSR, f.mxcsr);
    put32(b, FXSAVE_MXCSR + 4, mxcsrMask);
  }
  for (let i = 0; i < 8; i++) {
    putRegister(f, i, b, 32 + 16 * i);
    b.fill(0, 32 + 16 * i + 10, 32 + 16 * i + 16);
  }
  if (sse) b.set(f.xmm8, FXSAVE_XMM);
}

/** The MXCSR an FXRSTOR image holds (for the #GP check on reserved bits before anything is loaded). */
export function fxsaveMxcsr(b: Uint8Array): number {
  return get32(b, FXSAVE_MXCSR);
}

/** FXRSTOR: the x87 state, and with `sse` MXCSR and XMM0-7. The caller has checked MXCSR. */
export function loadFxsave(f: FpuState, b: Uint8Array, sse: boolean): void {
  f.control = get16(b, 0);
  f.setStatusWord(get16(b, 2));
  f.validRegisters = b[4]!;
  f.lastOpcode = get16(b, 6) & 0x7ff;
  f.lastCodeOffset = get32(b, 8);
  f.lastCodeSelector = get16(b, 12);
  f.lastDataOffset = get32(b, 16);
  f.lastDataSelector = get16(b, 20);
  for (let i = 0; i < 8; i++) getRegister(f, i, b, 32 + 16 * i);
  if (sse) {
    f.mxcsr = get32(b, FXSAVE_MXCSR);
    f.xmm8.set(b.subarray(FXSAVE_XMM, FXSAVE_XMM + 128));
  }
}
