// Shifts and rotates: ROL ROR RCL RCR SHL SHR SAR (C0/C1/D0-D3, /6 is SHL), SHLD, SHRD.
//
// The count is masked to 5 bits (i386 and later). A masked count of 0 changes nothing, flags
// included. CF and OF are computed here eagerly; ZF/SF/PF stay lazy for the shifts (rotates do not
// touch them). OF is computed with the count-1 formula for every count (the SDM leaves it undefined
// for other counts), and AF is cleared by shifts (undefined).

import type { Cpu } from '../cpu.ts';
import { CF, OF, AF, RESULT_FLAGS, LAZY_SIZE_SHIFT, carry, materialiseFlags, sizeCode } from '../flags.ts';
import type { Binder, Op } from '../op.ts';
import { getRegister, modifyRm, commitRm, operandKinds, sizeMask } from './operands.ts';
import { ECX } from '../cpu.ts';
import { bindRow, formRow, register, immediate, FLAGS_SHIFT, FLAGS_ROTATE, type FormRow } from './rows.ts';

const ROL = 0, ROR = 1, RCL = 2, RCR = 3, SHL = 4, SHR = 5, SAR = 7;
const NAMES = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'];

/** Set CF and OF eagerly, keep the other flags. */
function setCarryOverflow(cpu: Cpu, cf: number, of: number): void {
  materialiseFlags(cpu);
  cpu.flags = (cpu.flags & ~(CF | OF)) | (cf !== 0 ? CF : 0) | (of !== 0 ? OF : 0);
}

/** Shifts (not rotates): CF/OF eager, AF cleared, SF/ZF/PF lazy from the result. */
function setShiftFlags(cpu: Cpu, result: number, bits: number, cf: number, of: number): void {
  cpu.flags = (cpu.flags & ~(CF | OF | AF)) | (cf !== 0 ? CF : 0) | (of !== 0 ? OF : 0);
  cpu.lazyOp = RESULT_FLAGS | (sizeCode(bits) << LAZY_SIZE_SHIFT);
  cpu.lazyResult = result;
}

/** value (zero-extended to `bits`) shifted by `count` (already masked to 0-31) — the semantics. */
export function shift(cpu: Cpu, kind: number, value: number, count: number, bits: number): number {
  if (count === 0) return value;
  const mask = sizeMask(bits);
  const v = (value & mask) >>> 0;
  const top = bits - 1;
  switch (kind) {
    case ROL: {
      const n = count % bits;
      const r = n === 0 ? v : ((v << n) | (v >>> (bits - n))) & mask;
      const cf = r & 1;
      setCarryOverflow(cpu, cf, ((r >>> top) & 1) ^ cf);
      return r;
    }
    case ROR: {
      const n = count % bits;
      const r = n === 0 ? v : ((v >>> n) | (v << (bits - n))) & mask;
      setCarryOverflow(cpu, (r >>> top) & 1, ((r >>> top) ^ (r >>> (top - 1))) & 1);
      return r;
    }
    case RCL: {
      const n = count % (bits + 1);
      if (n === 0) return v;
      const c = carry(cpu);
      // (CF:value) rotated left by n through a (bits+1)-bit register.
      const r = (shl(v, n) | shl(c, n - 1) | shr(v, bits + 1 - n)) & mask;
      const cf = (v >>> (bits - n)) & 1;
      setCarryOverflow(cpu, cf, ((r >>> top) & 1) ^ cf);
      return r;
    }
    case RCR: {
      const n = count % (bits + 1);
      if (n === 0) return v;
      const c = carry(cpu);
      const r = (shr(v, n) | shl(c, bits - n) | shl(v, bits + 1 - n)) & mask;
      const cf = (v >>> (n - 1)) & 1;
      setCarryOverflow(cpu, cf, ((r >>> top) ^ (r >>> (top - 1))) & 1);
      return r;
    }
    case SHL: {
      const r = shl(v, count) & mask;
      const cf = count > bits ? 0 : (v >>> (bits - count)) & 1;
      setShiftFlags(cpu, r, bits, cf, ((r >>> top) & 1) ^ cf);
      return r;
    }
    case SHR: {
      const r = shr(v, count);
      const cf = (shr(v, count - 1)) & 1;
      setShiftFlags(cpu, r, bits, cf, (v >>> top) & 1);
      return r;
    }
    default: { // SAR
      const s = bits === 32 ? v | 0 : bits === 16 ? (v << 16) >> 16 : (v << 24) >> 24;
      const r = (s >> Math.min(count, 31)) & mask;
      const cf = (s >> Math.min(count - 1, 31)) & 1;
      setShiftFlags(cpu, r, bits, cf, 0);
      return r;
    }
  }
}

/** Shifts by 32 or more give 0 (JavaScript would shift by the count mod 32). */
function shl(v: number, n: number): number {
  return n >= 32 ? 0 : v << n;
}
function shr(v: number, n: number): number {
  return n >= 32 ? 0 : v >>> n;
}

function shiftExecutor(cpu: Cpu, op: Op): void {
  // op.imm2 < 0: count from CL; otherwise the constant count (1 or imm8).
  const count = (op.imm2 < 0 ? cpu.regs8[4]! : op.imm2) & 31;
  if (count === 0) {
    modifyRm(cpu, op); // the operand is still accessed (and may fault)
    return;
  }
  commitRm(cpu, op, shift(cpu, op.kind, modifyRm(cpu, op), count, op.size));
}

/**
 * The 32-bit register forms by a constant count (1-31), as rows (rows.ts): `b` is the count. The
 * same values as `shift` above computes for them, CF and OF included (the count-1 OF formula).
 */
const shiftRow = (result: string, carry: string, overflow: string): FormRow =>
  formRow({ result, flags: FLAGS_SHIFT, lazyOp: RESULT_FLAGS | (2 << LAZY_SIZE_SHIFT), carry, overflow });
const rotateRow = (result: string, carry: string, overflow: string): FormRow => formRow({ result, flags: FLAGS_ROTATE, carry, overflow });
const SHIFT_ROWS: Record<number, FormRow> = {
  [SHL]: shiftRow('a << b', '(a >>> (32 - b)) & 1', '((v >>> 31) ^ (a >>> (32 - b))) & 1'),
  [SHR]: shiftRow('(a >>> b) | 0', '(a >>> (b - 1)) & 1', 'a >>> 31'),
  [SAR]: shiftRow('a >> b', '(a >> (b - 1)) & 1', '0'),
  [ROL]: rotateRow('(a << b) | (a >>> (32 - b))', 'v & 1', '((v >>> 31) ^ v) & 1'),
  [ROR]: rotateRow('(a >>> b) | (a << (32 - b))', '(v >>> 31) & 1', '((v >>> 31) ^ (v >>> 30)) & 1'),
};

export const bindShift: Binder = (op, insn) => {
  op.kind = NAMES.indexOf(insn.form!.operation);
  if (op.kind === 6) op.kind = SHL;
  const countKind = operandKinds(insn)[1];
  op.imm2 = countKind === 'cl' ? -1 : countKind === 'one' ? 1 : op.imm & 31;
  const row = SHIFT_ROWS[op.kind];
  if (!op.isMemory && op.size === 32 && op.imm2 > 0 && row !== undefined) return bindRow(op, NAMES[op.kind]!, row, register('rm'), immediate('imm2'));
  return shiftExecutor;
};

// --- SHLD, SHRD --------------------------------------------------------------------------------

/**
 * Double-precision shift (SDM SHLD/SHRD). For 16-bit operands with counts above 16 the result is
 * undefined; this follows the usual hardware behaviour of shifting through the 32-bit (dest:src:dest)
 * pattern.
 */
export function doubleShift(cpu: Cpu, left: boolean, dest: number, source: number, count: number, bits: number): number {
  const mask = sizeMask(bits);
  const top = bits - 1;
  const d = (dest & mask) >>> 0;
  const s = (source & mask) >>> 0;
  let r: number;
  let cf: number;
  if (bits === 32) {
    if (left) {
      r = (d << count) | (s >>> (32 - count));
      cf = (d >>> (32 - count)) & 1;
    } else {
      r = (d >>> count) | (s << (32 - count));
      cf = (d >>> (count - 1)) & 1;
    }
  } else {
    // 16 bits: work on the 32-bit value dest:src (left) or src:dest (right), repeated for counts > 16.
    if (left) {
      const wide = ((d << 16) | s) >>> 0;
      const ext = count > 16 ? ((s << 16) | d) >>> 0 : wide;
      const n = count > 16 ? count - 16 : count;
      const src = count > 16 ? wide : wide;
      r = count === 16 ? s : (((ext << n) | (count > 16 ? (src >>> (32 - n)) : 0)) >>> 16) & mask;
      cf = count > 16 ? (s >>> (32 - count)) & 1 : (d >>> (16 - count)) & 1;
    } else {
      const wide = ((s << 16) | d) >>> 0;
      const n = count;
      if (n <= 16) {
        r = (wide >>> n) & mask;
        cf = (d >>> (n - 1)) & 1;
      } else {
        const ext = ((d << 16) | s) >>> 0;
        r = ((ext >>> (n - 16)) | (wide << (32 - (n - 16)))) & mask;
        cf = (s >>> (n - 17)) & 1;
      }
    }
  }
  r &= mask;
  setShiftFlags(cpu, r, bits, cf, ((r ^ d) >>> top) & 1);
  return r;
}

function doubleShiftExecutor(cpu: Cpu, op: Op): void {
  const count = (op.imm2 < 0 ? cpu.regs8[ECX * 4]! : op.imm2) & 31;
  const dest = modifyRm(cpu, op);
  if (count === 0) return;
  commitRm(cpu, op, doubleShift(cpu, op.kind === 0, dest, getRegister(cpu, op.reg, op.size), count, op.size));
}

export const bindDoubleShift: Binder = (op, insn) => {
  op.kind = insn.form!.operation === 'shld' ? 0 : 1;
  op.imm2 = operandKinds(insn)[2] === 'cl' ? -1 : op.imm & 31;
  return doubleShiftExecutor;
};
