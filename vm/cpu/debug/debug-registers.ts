// The debug registers DR0-DR7 as the i386 defines them (Intel SDM Vol. 3A, 17.2 "Debug registers").
//
//   DR0-DR3  four linear addresses (or I/O ports), one per breakpoint;
//   DR6      the status: which breakpoint hit (B0-B3), a MOV DR caught by general detect (BD), a
//            single-step trap (BS), a task switch into a TSS with its T bit set (BT);
//   DR7      the control: per breakpoint a local and a global enable (L0/G0 ... L3/G3), a kind
//            (R/W: 00 instruction, 01 data write, 10 I/O read or write — only with CR4.DE —, 11 data
//            read or write) and a length (LEN: 00 one byte, 01 two, 11 four; 10 is undefined on the
//            i386); GD, general detect, makes any MOV to or from a debug register a #DB.
//
// This file is the registers' encoding and what a MOV to one of them does; debug-unit.ts turns DR7
// into the breakpoints the run loop checks, and checked-run.ts checks them.

import type { Cpu } from '../cpu.ts';
import { Vector } from '../fault.ts';

/** CR4.DE: debugging extensions (I/O breakpoints; DR4/DR5 references are #UD instead of aliases). */
export const CR4_DE = 0x8;

// DR6 bits.
export const DR6_B0 = 0x1;
/** B0-B3: breakpoint n's condition was met. */
export const DR6_BREAKPOINTS = 0xf;
/** BD: the next instruction reads or writes a debug register, and DR7.GD was set. */
export const DR6_BD = 0x2000;
/** BS: a single-step trap (EFLAGS.TF). */
export const DR6_BS = 0x4000;
/** BT: a task switch into a TSS whose T bit is set. */
export const DR6_BT = 0x8000;
/** Bits of DR6 that read as 1 whatever was written (bits 4-11 and 16-31; bit 12 reads 0 from the Pentium on). */
export const DR6_FIXED_ONES = 0xffff0ff0 | 0;
/** Bits of DR6 a MOV can change. */
export const DR6_WRITABLE = DR6_BREAKPOINTS | DR6_BD | DR6_BS | DR6_BT;

// DR7 bits.
/** L0 G0 L1 G1 L2 G2 L3 G3: bit 2n is breakpoint n's local enable, 2n+1 its global enable. */
export const DR7_ENABLES = 0xff;
/** The local enables, which a hardware task switch clears (so that a breakpoint stays with its task). */
export const DR7_LOCAL_ENABLES = 0x55;
export const DR7_LE = 0x100;
export const DR7_GE = 0x200;
/** Bit 10 reads as 1. */
export const DR7_FIXED_ONE = 0x400;
/** GD: general detect. */
export const DR7_GD = 0x2000;
/** Bits 11, 12, 14 and 15 are reserved (read 0). */
const DR7_RESERVED = 0x800 | 0x1000 | 0x4000 | 0x8000;

/** DR7 R/W field values. */
export const enum BreakKind {
  Execute = 0,
  Write = 1,
  Io = 2,
  ReadWrite = 3,
}

/** Whether breakpoint n (0-3) is enabled, locally or globally. */
export function breakpointEnabled(dr7: number, n: number): boolean {
  return ((dr7 >>> (2 * n)) & 3) !== 0;
}

/** Breakpoint n's R/W field. */
export function breakpointKind(dr7: number, n: number): BreakKind {
  return ((dr7 >>> (16 + 4 * n)) & 3) as BreakKind;
}

/**
 * Breakpoint n's length in bytes. LEN 10 is undefined on IA-32 processors (8 bytes in 64-bit mode);
 * it is taken as 8 here, as the processors that define it do, rather than made up.
 */
export function breakpointLength(dr7: number, n: number): number {
  const len = (dr7 >>> (18 + 4 * n)) & 3;
  return len === 0 ? 1 : len === 1 ? 2 : len === 3 ? 4 : 8;
}

/** DR4 and DR5 alias DR6 and DR7 while CR4.DE is clear; with it set, naming them is #UD. */
export function debugRegisterIndex(cpu: Cpu, n: number): number {
  if (n === 4 || n === 5) {
    if ((cpu.cr[4]! & CR4_DE) !== 0) cpu.raise(Vector.UD);
    return n + 2;
  }
  return n;
}

/**
 * General detection (SDM 17.2.4): with DR7.GD set, an instruction that is about to read or write a
 * debug register raises #DB (a fault, before it executes) with DR6.BD set. GD is cleared on the way
 * into the handler, so that the handler itself may use the debug registers.
 */
export function checkGeneralDetect(cpu: Cpu): void {
  if ((cpu.dr[7]! & DR7_GD) === 0) return;
  cpu.dr[6] = cpu.dr[6]! | DR6_BD;
  writeDebugRegister(cpu, 7, cpu.dr[7]! & ~DR7_GD);
  cpu.raise(Vector.DB);
}

/** MOV DRn, r32 (n already resolved by debugRegisterIndex): the value as the register holds it. */
export function writeDebugRegister(cpu: Cpu, n: number, value: number): void {
  if (n === 6) value = (value & DR6_WRITABLE) | DR6_FIXED_ONES;
  else if (n === 7) value = (value & ~DR7_RESERVED) | DR7_FIXED_ONE;
  cpu.dr[n] = value;
  // Any change to DR0-DR3 or DR7 may change which breakpoints are armed.
  if (n !== 6) cpu.debug.refreshGuestBreakpoints();
}
