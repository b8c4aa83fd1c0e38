// Helpers the case generators share: a case under construction, registers of any size, operands.

import { memoryOperand, memoryOperand16, operandValue, Random, randomStart, write32, type Case } from '../case.ts';
import { SCRATCH_BASE, type MachineState, type RegisterName } from '../layout.ts';

export type Size = 8 | 16 | 32;
export const SIZES: readonly Size[] = [8, 16, 32];
export const V_SIZES: readonly Size[] = [16, 32];

/** A case being built: its starting state, scratch bytes, and the registers already spoken for. */
export class Draft {
  readonly initial: MachineState;
  readonly scratch: Uint8Array;
  /** Registers holding addresses: operand choices must not clobber them. */
  readonly pinned: RegisterName[] = [];
  constructor(readonly r: Random) {
    const s = randomStart(r);
    this.initial = s.initial;
    this.scratch = s.scratch;
  }

  /** A register number (0-7) at a size, not ESP/SP, not pinned. 8-bit numbers 4-7 are AH..BH. */
  register(size: Size, extraAvoid: readonly number[] = []): number {
    const ok: number[] = [];
    for (let n = 0; n < 8; n++) {
      if (extraAvoid.includes(n)) continue;
      if (size !== 8 && n === 4) continue;
      if (this.pinned.includes(this.full(n, size))) continue;
      ok.push(n);
    }
    return this.r.pick(ok);
  }

  /** The 32-bit register that holds register n of a size (AH is in EAX). */
  full(n: number, size: Size): RegisterName {
    const names: RegisterName[] = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
    return size === 8 ? names[n & 3]! : names[n]!;
  }

  /** Set register n of a size to a value, leaving the rest of the 32-bit register as it was. */
  set(n: number, size: Size, value: number): void {
    const name = this.full(n, size);
    const old = this.initial[name];
    if (size === 32) this.initial[name] = value >>> 0;
    else if (size === 16) this.initial[name] = ((old & 0xffff0000) | (value & 0xffff)) >>> 0;
    else if (n < 4) this.initial[name] = ((old & ~0xff) | (value & 0xff)) >>> 0;
    else this.initial[name] = ((old & ~0xff00) | ((value & 0xff) << 8)) >>> 0;
  }

  /** Give register n of a size an operand value (edge values often). */
  randomize(n: number, size: Size): void { this.set(n, size, operandValue(this.r, size)); }

  /**
   * A memory operand for `width` bytes of data, with an operand value stored there. Sometimes 16-bit
   * addressing and sometimes a DS/ES/SS segment override (all flat, as on the oracle).
   */
  memory(width: number, options: { allow16?: boolean; value?: number; override?: boolean; at?: number } = {}): { text: string; address: number } {
    const use16 = (options.allow16 ?? true) && this.r.chance(0.15);
    const m = use16 ? memoryOperand16(this.r, this.initial, width, this.pinned, options.at) : memoryOperand(this.r, this.initial, width, this.pinned, options.at);
    this.pinned.push(...m.uses);
    const value = options.value ?? operandValue(this.r, 32);
    const offset = m.address - SCRATCH_BASE;
    if (width >= 4) write32(this.scratch, offset, value);
    else for (let i = 0; i < width; i++) this.scratch[offset + i] = (value >>> (8 * i)) & 0xff;
    const override = (options.override ?? true) && this.r.chance(0.15) ? `%${this.r.pick(['ds', 'es', 'ss'])}:` : '';
    return { text: `${override}${m.text}`, address: m.address };
  }

  /** Write a 32-bit value into scratch at an absolute address. */
  poke32(address: number, value: number): void { write32(this.scratch, address - SCRATCH_BASE, value); }

  finish(name: string, asm: string): Case {
    return { name, asm, initial: this.initial, scratch: this.scratch };
  }
}

export function reg(n: number, size: Size): string {
  return `%${(size === 32 ? ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] : size === 16 ? ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'] : ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'])[n]}`;
}
export function sfx(size: Size): string { return size === 8 ? 'b' : size === 16 ? 'w' : 'l'; }
export function mask(size: Size): number { return size === 32 ? 0xffffffff : (1 << size) - 1; }
export function imm(value: number, size: Size): string { return `$0x${((value & mask(size)) >>> 0).toString(16)}`; }
/** An immediate that fits a sign-extended imm8 (so `as` picks the 83 / 6B form). */
export function simm8(r: Random): number { return r.chance(0.5) ? r.pick([0, 1, -1, 2, -2, 127, -128]) : r.below(256) - 128; }
/** .byte text for an instruction `as` will not emit (aliases, C1 /n with count 1...). */
export function bytes(...values: number[]): string { return `.byte ${values.map((v) => `0x${(v & 0xff).toString(16)}`).join(', ')}`; }
export function modrmReg(digit: number, rm: number): number { return 0xc0 | (digit << 3) | rm; }
/** The operand-size prefix a size needs in 32-bit code. */
export function osPrefix(size: Size): number[] { return size === 16 ? [0x66] : []; }

/** Run `make` `count` times with fresh drafts. */
export function repeat(r: Random, count: number, make: (d: Draft, i: number) => Case | null): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    const c = make(new Draft(r), i);
    if (c) out.push(c);
  }
  return out;
}
