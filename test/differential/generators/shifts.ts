// Shifts and rotates (C0/C1 imm8, D0/D1 by one, D2/D3 by CL; /6, the SAL alias) and SHLD/SHRD,
// with the counts where the flag rules change: 0, 1, size-1, size, size+1, 31, 32 (masks to 0), more.

import type { Case, Random } from '../case.ts';
import { bytes, modrmReg, osPrefix, reg, repeat, sfx, SIZES, V_SIZES, type Size, Draft } from './build.ts';

const SHIFTS = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'] as const;

/** A count worth testing for an operand of `size` bits (the CPU masks it to 5 bits). */
function count(r: Random, size: Size): number {
  return r.pick([0, 1, 2, 3, size - 1, size, size + 1, size * 2 - 1, size * 2, 9, 17, 31, 32, 33, 63, 64, 255, r.below(256), r.below(32)]) & 0xff;
}

/** The operand: a register (by number) or a memory operand text. */
function destination(d: Draft, size: Size, useMemory: boolean): { text: string; rm: number | null } {
  if (useMemory) return { text: d.memory(size / 8).text, rm: null };
  const n = d.register(size, [1]); // not CL/CX/ECX: it may hold the count
  d.randomize(n, size);
  return { text: reg(n, size), rm: n };
}

function shiftCase(d: Draft, op: string, digit: number, size: Size, how: 'imm' | 'one' | 'cl', useMemory: boolean, i: number): Case {
  const name = `shift/${op}${sfx(size)} ${how} ${useMemory ? 'mem' : 'reg'}#${i}`;
  const c = count(d.r, size);
  const dst = destination(d, size, useMemory);
  const opcode = { imm: size === 8 ? 0xc0 : 0xc1, one: size === 8 ? 0xd0 : 0xd1, cl: size === 8 ? 0xd2 : 0xd3 }[how];
  if (how === 'cl') d.set(1, 8, c);
  // `as` spells /6 as /4 and shortens "$1" to the D0/D1 form, so those encodings are written as bytes.
  const needsBytes = op === 'sal' || (how === 'imm' && c === 1);
  if (needsBytes && dst.rm !== null) {
    return d.finish(name, bytes(...osPrefix(size), opcode, modrmReg(digit, dst.rm), ...(how === 'imm' ? [c] : [])));
  }
  const mnemonic = op === 'sal' ? 'shl' : op;
  if (how === 'imm') return d.finish(name, `${mnemonic}${sfx(size)} $${c === 1 ? 2 : c}, ${dst.text}`);
  if (how === 'one') return d.finish(name, `${mnemonic}${sfx(size)} ${dst.text}`);
  return d.finish(name, `${mnemonic}${sfx(size)} %cl, ${dst.text}`);
}

/**
 * SHLD/SHRD. With a 16-bit operand and a masked count above 16 the SDM calls the RESULT undefined,
 * not just the flags, so those counts are not generated (nothing about them could be compared).
 */
function doubleShiftCase(d: Draft, op: 'shld' | 'shrd', size: Size, how: 'imm' | 'cl', useMemory: boolean, i: number): Case | null {
  let c = count(d.r, size);
  if (size === 16 && (c & 31) > 16) c = d.r.pick([0, 1, 15, 16, 48]);
  const dst = destination(d, size, useMemory);
  const src = d.register(size, [1, ...(dst.rm !== null ? [dst.rm] : [])]);
  d.randomize(src, size);
  if (how === 'cl') d.set(1, 8, c);
  const countText = how === 'cl' ? '%cl' : `$${c}`;
  return d.finish(`shift/${op}${sfx(size)} ${how} ${useMemory ? 'mem' : 'reg'}#${i}`, `${op}${sfx(size)} ${countText}, ${reg(src, size)}, ${dst.text}`);
}

export function generateShifts(r: Random): Case[] {
  const out: Case[] = [];
  SHIFTS.forEach((op, digit) => {
    for (const size of SIZES) {
      for (const how of ['imm', 'one', 'cl'] as const) {
        // SAL (/6) has no `as` spelling, so only its register forms are generated (as bytes).
        for (const useMemory of op === 'sal' ? [false] : [false, true]) {
          const per = op === 'sal' ? 25 : useMemory ? 22 : 40;
          out.push(...repeat(r, how === 'one' ? Math.ceil(per / 2) : per, (d, i) => shiftCase(d, op, digit, size, how, useMemory, i)));
        }
      }
    }
  });
  for (const op of ['shld', 'shrd'] as const) {
    for (const size of V_SIZES) {
      for (const how of ['imm', 'cl'] as const) {
        for (const useMemory of [false, true]) out.push(...repeat(r, useMemory ? 50 : 90, (d, i) => doubleShiftCase(d, op, size, how, useMemory, i)));
      }
    }
  }
  return out;
}
