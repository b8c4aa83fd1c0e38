// MMX, SSE and SSE2: every SIMD form of the ISA table that gate86 executes, generated from the
// table itself, with register and memory operands.
//
// The record the harness compares holds the general registers, EFLAGS and the scratch area, so a
// SIMD case brings its registers in and out through scratch: it loads the registers it uses from
// scratch (MOVDQU, MOVQ, LDMXCSR), runs the instruction under test, and stores the destination and
// MXCSR back into scratch, where both sides' bytes are compared. A fault (#GP for a misaligned
// 16-byte operand, #UD, #XM) ends the case before the stores, and the fault itself is compared.
//
// Register forms are written as .byte from the table row (gas would pick another of the equivalent
// encodings, 0F 28 for 0F 29's movaps, F3 0F 7E for 66 0F D6's movq), memory forms as AT&T text.

import { instructionForms, type InstructionForm, type Operand } from '../../../vm/isa/table.ts';
import { simdOperations } from '../../../vm/cpu/simd/index.ts';
import { write32, type Case, type Random } from '../case.ts';
import { DATA_SIZE, SCRATCH_BASE } from '../layout.ts';
import { Draft, reg, repeat } from './build.ts';

/** Scratch offsets: register images in, the memory operand, results out. */
const IN_DEST = 0x00;
const IN_SOURCE = 0x10;
const IN_MXCSR = 0x20;
const MEMORY_AREA = 0x40; // 0x40-0xaf: aligned slots, with the page boundary at 0x80 for the unaligned ones
const OUT_DEST = 0xc0;
const OUT_MXCSR = 0xd0;
const MASKED_STORE = 0xe0; // MASKMOVQ/MASKMOVDQU target (DS:EDI)

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

function isMmx(o: Operand): boolean { return o.kind === 'mm' || o.kind === 'mmrm'; }
function isXmm(o: Operand): boolean { return o.kind === 'xmm' || o.kind === 'xmmrm'; }
function inReg(o: Operand): boolean { return o.kind === 'mm' || o.kind === 'xmm' || o.kind === 'reg'; }
function inRm(o: Operand): boolean { return o.kind === 'mmrm' || o.kind === 'xmmrm' || o.kind === 'rm' || o.kind === 'mem'; }

/** Lane patterns that reach the saturation, sign and carry edges of every lane width. */
const PATTERNS = [0x00000000, 0xffffffff, 0x7fffffff, 0x80000000, 0x7fff7fff, 0x80008000, 0x7f7f7f7f, 0x80808080, 0x00ff00ff, 0xff00ff00, 0x01010101, 0xfffefffe, 0x00010001, 0x0000ffff];

/** 16 bytes of register image: random, or lane patterns, or a mix. */
function fill(d: Draft, offset: number, bytes: number): void {
  for (let i = 0; i < bytes; i += 4) {
    const v = d.r.chance(0.4) ? d.r.pick(PATTERNS) : d.r.u32();
    write32(d.scratch, offset + i, v);
  }
}

// --- Floating-point operands -----------------------------------------------------------------

type Element = 'single' | 'double' | 'int32' | 'bits';

/** What the elements of a form's registers and memory operand are, from its mnemonic. */
function elementOf(form: InstructionForm): Element {
  const m = form.mnemonic;
  if (m.startsWith('cvt')) {
    if (/^cvtt?(ps|ss)2/.test(m)) return 'single';
    if (/^cvtt?(pd|sd)2/.test(m)) return 'double';
    return 'int32';
  }
  if (floatForm(form)) return /(ps|ss)$/.test(m) ? 'single' : 'double';
  return 'bits';
}

/** A floating-point form: one that reads MXCSR (arithmetic, compares, conversions). */
function floatForm(form: InstructionForm): boolean {
  return /^(add|sub|mul|div|sqrt|min|max|cmp|rcp|rsqrt|u?comi|cvt)/.test(form.mnemonic) && /(ps|ss|pd|sd|pi|si|dq)$/.test(form.mnemonic);
}

const SINGLES = [
  0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00800000, 0x80800000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x40200000,
  0x3f000000, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fc12345, 0x7f800001, 0xffa00000,
  0x4f000000, 0xcf000000, 0x4effffff, 0xcf000001, 0x4b800001, 0x33800000, 0x0c000000, 0x72000000, 0x3eaaaaab, 0x40490fdb,
];
const DOUBLES: Array<[number, number]> = [
  [0, 0], [0, 0x80000000], [1, 0], [0xffffffff, 0x800fffff], [0, 0x00100000], [0, 0x80100000], [0, 0x3ff00000], [0, 0xbff00000],
  [0, 0x3ff80000], [0, 0x40040000], [0, 0x3fe00000], [0xffffffff, 0x7fefffff], [0xffffffff, 0xffefffff], [0, 0x7ff00000],
  [0, 0xfff00000], [0, 0x7ff80000], [0, 0xfff80000], [0x12345678, 0x7ff80000], [1, 0x7ff00000], [0, 0xfff40000],
  [0, 0x41e00000], [0, 0xc1e00000], [0xffc00000, 0x41dfffff], [0x00200000, 0xc1e00000], [1, 0x43400000], [0x55555555, 0x3fd55555],
  [0x54442d18, 0x400921fb], [0, 0x36a00000], [0, 0x47e00000], [0xe0000000, 0x3810000f], [0x20000000, 0x47efffff],
];
const INTEGERS = [0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 0x01000001, 0x00ffffff, 0xff000001, 0x7fffffc0, 0x12345678];

/** A random finite value with an exponent anywhere (so products and quotients overflow and underflow). */
function randomSingle(r: Random): number {
  return r.chance(0.5) ? r.u32() : ((r.u32() & 0x807fffff) | ((r.chance(0.5) ? r.below(40) + (r.chance(0.5) ? 0 : 215) : 100 + r.below(56)) << 23)) >>> 0;
}

function fillElements(d: Draft, offset: number, bytes: number, element: Element): void {
  const r = d.r;
  if (element === 'bits') return fill(d, offset, bytes);
  if (element === 'double') {
    for (let i = 0; i < bytes; i += 8) {
      const [lo, hi] = r.chance(0.5) ? r.pick(DOUBLES) : [r.u32(), r.chance(0.5) ? r.u32() : ((r.u32() & 0x800fffff) | ((r.chance(0.5) ? r.below(60) + (r.chance(0.5) ? 0 : 1985) : 900 + r.below(250)) << 20)) >>> 0];
      write32(d.scratch, offset + i, lo);
      if (i + 4 < bytes) write32(d.scratch, offset + i + 4, hi);
    }
    return;
  }
  for (let i = 0; i < bytes; i += 4) {
    const v = element === 'single' ? (r.chance(0.5) ? r.pick(SINGLES) : randomSingle(r)) : (r.chance(0.5) ? r.pick(INTEGERS) : r.u32());
    write32(d.scratch, offset + i, v);
  }
}

/** Whether an operand of the case (the two register images, the memory operand) holds a denormal. */
function hasDenormal(scratch: Uint8Array, element: Element, memoryAt: [number, number] | null): boolean {
  if (element !== 'single' && element !== 'double') return false;
  const view = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);
  const ranges: Array<[number, number]> = [[IN_DEST, 16], [IN_SOURCE, 16], ...(memoryAt ? [memoryAt] : [])];
  for (const [at, bytes] of ranges) {
    if (element === 'single') {
      for (let i = 0; i + 4 <= bytes; i += 4) {
        const v = view.getUint32(at + i, true);
        if ((v & 0x7f800000) === 0 && (v & 0x7fffff) !== 0) return true;
      }
    } else {
      for (let i = 0; i + 8 <= bytes; i += 8) {
        const lo = view.getUint32(at + i, true), hi = view.getUint32(at + i + 4, true);
        if ((hi & 0x7ff00000) === 0 && ((hi & 0xfffff) !== 0 || lo !== 0)) return true;
      }
    }
  }
  return false;
}

/** Whether some element is a NaN in the destination image and in the source (register image or memory). */
function hasNaNPair(scratch: Uint8Array, element: Element, source: [number, number]): boolean {
  if (element !== 'single' && element !== 'double') return false;
  const view = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);
  const size = element === 'single' ? 4 : 8;
  const isNaN = (at: number): boolean => element === 'single'
    ? (view.getUint32(at, true) & 0x7fffffff) > 0x7f800000
    : ((view.getUint32(at + 4, true) & 0x7fffffff) > 0x7ff00000 || ((view.getUint32(at + 4, true) & 0x7fffffff) === 0x7ff00000 && view.getUint32(at, true) !== 0));
  for (let i = 0; i + size <= Math.min(16, source[1]); i += size) if (isNaN(IN_DEST + i) && isNaN(source[0] + i)) return true;
  return false;
}

/** MXCSR for a case: every rounding mode, DAZ and FTZ, usually all exceptions masked, now and then some unmasked, sticky flags. */
function mxcsrFor(r: Random): number {
  let v = r.below(4) << 13;
  if (r.chance(0.25)) v |= 0x40; // DAZ
  if (r.chance(0.25)) v |= 0x8000; // FTZ
  v |= r.chance(0.75) ? 0x1f80 : (r.u32() & 0x1f80);
  if (r.chance(0.2)) v |= r.u32() & 0x3f;
  return v;
}

// --- RCP and RSQRT --------------------------------------------------------------------------------
// The SDM defines their results only to a relative error of 1.5 * 2^-12 (and exactly for the special
// inputs): each processor has its own bits. A case with special inputs (zeros, denormals, infinities,
// NaNs, |x| >= 2^127, negative x for RSQRT) compares the results as usual; a case with ordinary
// inputs compares whether each result is within the bound: the snippet computes |r*x - 1| (|r*r*x - 1|
// for RSQRT) <= the bound (plus the 2^-24 of the check's own rounding) into an all-ones mask.

function approximationInputs(d: Draft, offset: number, bytes: number, special: boolean, rsqrt: boolean): void {
  const r = d.r;
  // Zeros, denormals (read as zeros), infinities, NaNs; for RCP |x| >= 2^127 (a tiny result, flushed
  // to zero); for RSQRT negative numbers (the default NaN).
  const specials = [0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001,
    ...(rsqrt ? [0xbf800000, 0xc2f00000, 0xff000000, 0x80800000] : [0x7f7fffff, 0xff000000, 0x7f000000])];
  for (let i = 0; i < bytes; i += 4) {
    const sign = rsqrt ? 0 : r.below(2) << 31;
    const normal = (sign | ((127 + r.below(240) - 120) << 23) | (r.u32() & 0x7fffff)) >>> 0;
    write32(d.scratch, offset + i, special ? r.pick(specials) : normal);
  }
}

function approximationCheck(result: number, sourceRegister: number | null, loadSource: string, rsqrt: boolean, scalar: boolean): string[] {
  const free = [0, 1, 2, 3, 4, 5, 6, 7].filter((n) => n !== result && n !== sourceRegister);
  const x = sourceRegister ?? free.shift()!;
  const [t, b] = [free[0]!, free[1]!];
  const bound = rsqrt ? 0x3a410000 : 0x39c10000; // 3 * 2^-12 and 1.5 * 2^-12, a little over
  const out = [
    `stmxcsr ${hex(SCRATCH_BASE + OUT_MXCSR)}`,
    `movl $0x1f80, ${hex(SCRATCH_BASE + IN_MXCSR)}`,
    `ldmxcsr ${hex(SCRATCH_BASE + IN_MXCSR)}`,
    ...(sourceRegister === null ? [`${loadSource}, %xmm${x}`] : []),
    `movaps %xmm${result}, %xmm${t}`,
    ...(rsqrt ? [`mulps %xmm${result}, %xmm${t}`] : []),
    `mulps %xmm${x}, %xmm${t}`,
    `pcmpeqd %xmm${b}, %xmm${b}`, `pslld $25, %xmm${b}`, `psrld $2, %xmm${b}`, // 1.0 in every lane
    `subps %xmm${b}, %xmm${t}`,
    `pcmpeqd %xmm${b}, %xmm${b}`, `psrld $1, %xmm${b}`, `andps %xmm${b}, %xmm${t}`,
    `movl $${hex(bound)}, %eax`, `movd %eax, %xmm${b}`, `pshufd $0, %xmm${b}, %xmm${b}`,
    `cmpleps %xmm${b}, %xmm${t}`,
  ];
  // The result register's own bits are the processor's: cleared, so that a record of the whole SIMD
  // state (FXSAVE) compares only the checks.
  if (!scalar) return [...out, `movdqu %xmm${t}, ${hex(SCRATCH_BASE + OUT_DEST)}`, `xorps %xmm${result}, %xmm${result}`];
  // RCPSS/RSQRTSS: the check of element 0, and elements 1-3 of the destination as they must be kept.
  return [...out, `movss %xmm${t}, ${hex(SCRATCH_BASE + OUT_MXCSR + 4)}`,
    `pcmpeqd %xmm${b}, %xmm${b}`, `pslldq $4, %xmm${b}`, `andps %xmm${b}, %xmm${result}`, `movdqu %xmm${result}, ${hex(SCRATCH_BASE + OUT_DEST)}`,
    `xorps %xmm${result}, %xmm${result}`];
}

/** The forms this family covers: SIMD rows whose operation gate86 executes. */
export function simdFormsExecuted(): InstructionForm[] {
  return instructionForms.filter((f) => f.feature !== undefined && simdOperations[f.operation] !== undefined);
}

/** Load instruction text for a SIMD register from scratch. */
function loadText(o: Operand, n: number, offset: number): string {
  return isMmx(o) ? `movq ${hex(SCRATCH_BASE + offset)}, %mm${n}` : `movdqu ${hex(SCRATCH_BASE + offset)}, %xmm${n}`;
}

function storeText(o: Operand, n: number, offset: number): string {
  return isMmx(o) ? `movq %mm${n}, ${hex(SCRATCH_BASE + offset)}` : `movdqu %xmm${n}, ${hex(SCRATCH_BASE + offset)}`;
}

/** One case of one form, with a register (mod 3) or memory r/m operand. */
function simdCase(d: Draft, form: InstructionForm, memory: boolean, name: string): Case {
  const r = d.r;
  const lines: string[] = [];
  let qemuCannotJudge: string | undefined;
  let approximationSource = '';
  let memoryAt: [number, number] | null = null;
  const usesMmx = form.operands.some(isMmx);
  const imm = form.operands.some((o) => o.kind === 'imm') ? (r.chance(0.3) ? r.pick([0, 1, 7, 8, 15, 16, 31, 32, 63, 64, 0xff]) : r.below(256)) : -1;
  // Register numbers: ModRM.reg and ModRM.rm (distinct most of the time, the same now and then).
  const regNumber = form.extension ?? r.below(8);
  let rmNumber = form.modrmRm ?? r.below(8);
  if (r.chance(0.85) && rmNumber === regNumber) rmNumber = (rmNumber + 1 + r.below(7)) & 7;
  const approximation = /^(rcp|rsqrt)/.test(form.mnemonic) ? { special: r.chance(0.3), rsqrt: form.mnemonic.startsWith('rsqrt') } : null;
  if (approximation && rmNumber === regNumber) rmNumber = (regNumber + 1) & 7;
  const gpr = (n: number): number => (n === 4 ? 0 : n); // never ESP
  const regOperand = form.operands.find(inReg);
  const rmOperandKind = form.operands.find(inRm);
  const regIndex = regOperand?.kind === 'reg' ? gpr(regNumber) : regNumber;
  const rmIndex = rmOperandKind?.kind === 'rm' ? gpr(rmNumber) : rmNumber;

  // Bring the SIMD registers in from scratch; give general registers values.
  const element = elementOf(form);
  const isFloat = floatForm(form);
  fillElements(d, IN_DEST, 16, element);
  fillElements(d, IN_SOURCE, 16, element);
  if (approximation) approximationInputs(d, IN_SOURCE, 16, approximation.special, approximation.rsqrt);
  // Every case sets MXCSR first (an earlier case's #XM leaves it set on one side only: the oracle's
  // signal handler starts from a clean FPU state).
  const mxcsr = isFloat ? mxcsrFor(r) : 0x1f80;
  write32(d.scratch, IN_MXCSR, mxcsr);
  if ((mxcsr & 0x1f80) !== 0x1f80) qemuCannotJudge = 'an unmasked SIMD floating-point exception';
  lines.unshift(`ldmxcsr ${hex(SCRATCH_BASE + IN_MXCSR)}`);
  if (regOperand && (isMmx(regOperand) || isXmm(regOperand))) lines.push(loadText(regOperand, regIndex, IN_DEST));
  if (rmOperandKind && (isMmx(rmOperandKind) || isXmm(rmOperandKind)) && !memory && form.extension === undefined) lines.push(loadText(rmOperandKind, rmIndex, IN_SOURCE));
  if (form.extension !== undefined && rmOperandKind) lines.push(loadText(rmOperandKind, rmIndex, IN_DEST));
  if (regOperand?.kind === 'reg') {
    d.randomize(regIndex, 32);
    d.pinned.push(d.full(regIndex, 32));
  }
  if (rmOperandKind?.kind === 'rm' && !memory) d.randomize(rmIndex, 32);

  let text: string;
  if (form.operation === 'maskmovq' || form.operation === 'maskmovdqu') {
    // DS:EDI is the destination: sometimes misaligned, sometimes across the page boundary at 0x80.
    const at = r.chance(0.3) ? 0x78 + r.below(8) : MASKED_STORE + r.below(DATA_SIZE - MASKED_STORE - 16);
    d.initial.edi = SCRATCH_BASE + at;
    d.pinned.push('edi');
  }
  if (!memory) {
    const modrm = form.modrm ? [0xc0 | (regIndex << 3) | rmIndex] : [];
    const bytes = [...(form.mandatoryPrefix !== undefined ? [form.mandatoryPrefix] : []), ...form.opcode, ...modrm, ...(imm >= 0 ? [imm] : [])];
    text = `.byte ${bytes.map(hex).join(', ')}`;
  } else {
    const width = ((rmOperandKind!.size as number) || 8) / 8;
    const memoryBytes = form.memorySize !== undefined ? form.memorySize / 8 : width;
    const aligned = memoryBytes === 16 && form.unaligned !== true;
    // Aligned forms: a 16-byte slot, misaligned one time in eight (#GP). Others anywhere, across the page now and then.
    let at = MEMORY_AREA + 16 * r.below(4);
    if (aligned ? r.chance(0.125) : r.chance(0.5)) at = MEMORY_AREA + r.below(0x70 - memoryBytes);
    if (aligned && at % 16 !== 0) qemuCannotJudge = 'misaligned 16-byte operand of an aligned SSE instruction';
    if (!aligned && r.chance(0.2)) at = 0x80 - 1 - r.below(memoryBytes - 1 || 1);
    const m = d.memory(memoryBytes, { at });
    memoryAt = [at, memoryBytes];
    fillElements(d, at, memoryBytes, element);
    if (approximation) approximationInputs(d, at, memoryBytes, approximation.special, approximation.rsqrt);
    if (approximation) approximationSource = `${memoryBytes === 4 ? 'movss' : 'movups'} ${m.text}`;
    const operands = form.operands.map((o) => {
      if (inRm(o)) return m.text;
      if (o.kind === 'imm') return `$${hex(imm)}`;
      if (o.kind === 'reg') return reg(regIndex, 32);
      return isMmx(o) ? `%mm${regIndex}` : `%xmm${regIndex}`;
    });
    text = `${form.mnemonic} ${operands.reverse().join(', ')}`;
    if (form.operation === 'ldmxcsr') {
      // A valid MXCSR most of the time (every rounding mode, DAZ, FTZ, masks, sticky flags), a reserved bit now and then.
      const value = r.chance(0.1) ? (0x10000 << r.below(16)) >>> 0 : r.u32() & 0xffff;
      write32(d.scratch, at, value);
      if (value > 0xffff) qemuCannotJudge = 'LDMXCSR with a reserved bit set';
    }
  }
  lines.push(text);
  if (isFloat && (mxcsr & 0x40) === 0 && hasDenormal(d.scratch, element, memoryAt)) qemuCannotJudge ??= 'a denormal operand of an SSE instruction (DE)';
  if (/^(min|max)/.test(form.mnemonic) && (mxcsr & 0x40) !== 0 && hasDenormal(d.scratch, element, memoryAt)) qemuCannotJudge ??= 'MIN/MAX returning a denormal operand under DAZ';
  if (isFloat && hasNaNPair(d.scratch, element, memoryAt ?? [IN_SOURCE, 16])) qemuCannotJudge ??= 'two NaN operands of an SSE instruction';
  if (approximation && approximation.special) qemuCannotJudge ??= 'RCP/RSQRT of a denormal or a negative number';
  // The bound check runs with DAZ clear whatever the case's MXCSR, so a denormal anywhere raises DE there.
  if (approximation && hasDenormal(d.scratch, element, memoryAt)) qemuCannotJudge ??= 'a denormal operand of an SSE instruction (DE)';
  if (approximation && !approximation.special) {
    lines.push(...approximationCheck(regIndex, memory ? null : rmIndex, approximationSource, approximation.rsqrt, form.mnemonic.endsWith('ss')));
    return d.finish(name, lines.join('\n'));
  }
  // Results out: the destination register (if SIMD) and MXCSR.
  const dest = form.operands[0];
  if (dest !== undefined && (isMmx(dest) || isXmm(dest)) && !(memory && inRm(dest))) {
    const destIndex = inReg(dest) && form.extension === undefined ? regIndex : rmIndex;
    lines.push(storeText(dest, destIndex, OUT_DEST));
  }
  if (!usesMmx || form.operands.some(isXmm)) lines.push(`stmxcsr ${hex(SCRATCH_BASE + OUT_MXCSR)}`);
  if (usesMmx) lines.push('emms');
  const c = d.finish(name, lines.join('\n'));
  return qemuCannotJudge === undefined ? c : { ...c, qemuCannotJudge };
}

export function generateSimd(r: Random): Case[] {
  const out: Case[] = [];
  for (const form of simdFormsExecuted()) {
    const label = `${form.mnemonic}${form.mandatoryPrefix !== undefined ? `/${form.mandatoryPrefix.toString(16)}` : ''} ${form.opcode.map((b) => b.toString(16)).join(' ')}${form.extension !== undefined ? `/${form.extension}` : ''}`;
    const hasRm = form.operands.some(inRm);
    const registerForm = hasRm && form.modrmMod !== 'memory' && !form.operands.some((o) => o.kind === 'mem');
    const memoryForm = hasRm && form.modrmMod !== 'register';
    const count = form.operation === 'emms' || form.operation.endsWith('fence') ? 5 : 30;
    if (!hasRm) out.push(...repeat(r, count, (d, i) => simdCase(d, form, false, `simd/${label}#${i}`)));
    if (registerForm) out.push(...repeat(r, count, (d, i) => simdCase(d, form, false, `simd/${label} reg#${i}`)));
    if (memoryForm) out.push(...repeat(r, count, (d, i) => simdCase(d, form, true, `simd/${label} mem#${i}`)));
  }
  return out;
}
