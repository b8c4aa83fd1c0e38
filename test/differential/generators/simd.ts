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
  const usesMmx = form.operands.some(isMmx);
  const imm = form.operands.some((o) => o.kind === 'imm') ? (r.chance(0.3) ? r.pick([0, 1, 7, 8, 15, 16, 31, 32, 63, 64, 0xff]) : r.below(256)) : -1;
  // Register numbers: ModRM.reg and ModRM.rm (distinct most of the time, the same now and then).
  const regNumber = form.extension ?? r.below(8);
  let rmNumber = form.modrmRm ?? r.below(8);
  if (r.chance(0.85) && rmNumber === regNumber) rmNumber = (rmNumber + 1 + r.below(7)) & 7;
  const gpr = (n: number): number => (n === 4 ? 0 : n); // never ESP
  const regOperand = form.operands.find(inReg);
  const rmOperandKind = form.operands.find(inRm);
  const regIndex = regOperand?.kind === 'reg' ? gpr(regNumber) : regNumber;
  const rmIndex = rmOperandKind?.kind === 'rm' ? gpr(rmNumber) : rmNumber;

  // Bring the SIMD registers in from scratch; give general registers values.
  fill(d, IN_DEST, 16);
  fill(d, IN_SOURCE, 16);
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
    fill(d, at, memoryBytes);
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
