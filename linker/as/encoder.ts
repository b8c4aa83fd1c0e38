// Encoding one instruction from vm/isa/table.ts, making the choices GNU as makes.
//
// The assembler has no opcode map: a mnemonic is looked up among the table's forms (after taking
// off a b/w/l size suffix and translating the aliases the table lists), every form whose operands
// fit is encoded, and the shortest encoding wins — ties go to the form that comes first in the
// table. That one rule reproduces gas's choices: `add $1,%eax` takes 83 /0 ib over 05 id, `add
// $1000,%eax` takes 05 id over 81 /0 id, `add %eax,%ebx` takes 01 (the first of the 01/03 pair),
// `mov x,%eax` takes A1 (moffs), `shl $1,%eax` takes D1, `push %eax` takes 50+r.
//
// Two refinements of "shortest wins", both gas's: with no suffix and no register to size the
// operand, the default operand size (32, or 16 after .code16) wins over shorter 8-bit forms
// (`rol %cl,(%eax)` is roll); and between equally long encodings the sign-extended imm8 form wins.
//
// AT&T operands are written source first; the table lists them in Intel order (destination
// first), so they are reversed — except for the forms gas keeps in Intel order (enter, bound: the
// table's `attIntelOrder`) and far pointers `ljmp $sel,$off`.

import {
  comparePredicates, conditionAliases, conditionNames, instructionForms, mnemonicAliases, prefixes,
  type InstructionForm, type Operand,
} from '../../vm/isa/table.ts';
import type { Value } from './model.ts';
import { NONE, type MemoryOperand, type ParsedOperand } from './operands.ts';

export class EncodeError extends Error {}

/** A place in the instruction's bytes that holds (part of) an expression's value. */
export interface InstructionFixup {
  offset: number;
  size: 1 | 2 | 4;
  value: Value;
  pcrel: boolean;
  /** A relaxable jmp/jcc: gas resolves it inside its section even when the target is global. */
  relaxable?: boolean;
}

export interface Encoding {
  bytes: number[];
  fixups: InstructionFixup[];
  form: InstructionForm;
}

/** How to encode a relaxable branch (jmp/jcc to a label): decided by the assembler's relaxation. */
export type BranchSize = 'short' | 'long';

export const PREFIX_NAMES: Readonly<Record<string, number>> = {
  lock: prefixes.lock, rep: prefixes.rep, repe: prefixes.rep, repz: prefixes.rep,
  repne: prefixes.repne, repnz: prefixes.repne, data16: prefixes.operandSize, addr16: prefixes.addressSize,
  cs: prefixes.cs, ds: prefixes.ds, es: prefixes.es, ss: prefixes.ss, fs: prefixes.fs, gs: prefixes.gs,
};

// ---------------------------------------------------------------------------------------------
// Looking forms up by mnemonic.

const formsByMnemonic = new Map<string, InstructionForm[]>();
for (const f of instructionForms) {
  for (const name of [f.mnemonic, f.mnemonic16, f.operation === 'jecxz' || f.mnemonic === 'jecxz' ? f.mnemonicAddress16 : undefined]) {
    if (name === undefined) continue;
    const list = formsByMnemonic.get(name) ?? [];
    if (!list.includes(f)) list.push(f);
    formsByMnemonic.set(name, list);
  }
}

/** One way to read a mnemonic: the forms it names, and the operand size its suffix demands. */
interface Reading {
  forms: InstructionForm[];
  base: string;
  suffix: 8 | 16 | 32 | null;
}

function canonical(name: string): string {
  const alias = mnemonicAliases[name];
  if (alias) return alias;
  const m = /^(j|set|cmov)(.+)$/.exec(name);
  if (m && conditionAliases[m[2]!]) return m[1]! + conditionAliases[m[2]!]!;
  return name;
}

function readings(mnemonic: string): Reading[] {
  const out: Reading[] = [];
  const whole = canonical(mnemonic);
  const exact = formsByMnemonic.get(whole);
  if (exact) out.push({ forms: exact, base: whole, suffix: null });
  const last = mnemonic[mnemonic.length - 1];
  const suffix = last === 'b' ? 8 : last === 'w' ? 16 : last === 'l' ? 32 : null;
  if (suffix !== null && mnemonic.length > 1) {
    const base = canonical(mnemonic.slice(0, -1));
    const forms = formsByMnemonic.get(base);
    if (forms) out.push({ forms, base, suffix });
  }
  return out;
}

export function isKnownMnemonic(mnemonic: string): boolean {
  return readings(mnemonic).length > 0 || predicateOf(mnemonic) !== null;
}

/** cmpltps names cmpps with predicate 1: the predicate and the table's mnemonic, or null. */
function predicateOf(mnemonic: string): { value: number; mnemonic: string } | null {
  const m = /^cmp([a-z]+)(ps|ss|pd|sd)$/.exec(mnemonic);
  const value = m ? (comparePredicates as readonly string[]).indexOf(m[1]!) : -1;
  return value < 0 ? null : { value, mnemonic: `cmp${m![2]}` };
}

// ---------------------------------------------------------------------------------------------
// Matching operands to a form.

const STRING_KINDS = new Set(['srcstr', 'dststr']);
const SEGMENT_KINDS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];

function isIndirectForm(f: InstructionForm): boolean {
  return f.operation.endsWith('-indirect');
}

/** The size a b/w/l suffix talks about: the first operand whose size is not implied by its kind. */
function suffixSize(f: InstructionForm): 8 | 16 | 32 | 'v' | null {
  for (const o of f.operands) {
    if (o.kind === 'al') return 8; // written without a size in the table: it is AL
    if (o.kind === 'dx' || o.kind === 'one' || o.kind === 'cl' || o.kind === 'sreg' || SEGMENT_KINDS.includes(o.kind)) continue;
    if (o.size === 'v') return 'v';
    if (o.size === 8 || o.size === 16 || o.size === 32) {
      if (o.kind === 'imm' && f.operands.length > 1) continue; // in $imm8,%eax the imm does not say the size
      return o.size;
    }
  }
  return null;
}

function resolveSize(o: Operand, opsize: 16 | 32): number {
  return o.size === 'v' ? opsize : o.size;
}

function fitsSigned8(v: number, size: number): boolean {
  const wrapped = size === 16 ? (v << 16) >> 16 : v | 0;
  return wrapped >= -128 && wrapped <= 127 && (size !== 16 || (v & 0xffff) === (wrapped & 0xffff));
}

/** A constant: an absolute value known at this point of the pass (gas sizes unknown values for the worst case). */
function constant(v: Value): number | null {
  return v.symbol === null && v.known ? v.addend : null;
}

function isAbsoluteAddress(m: MemoryOperand): boolean {
  return m.base === NONE && m.index === NONE;
}

function operandMatches(form: InstructionForm, o: Operand, u: ParsedOperand, opsize: 16 | 32): boolean {
  const size = resolveSize(o, opsize);
  const indirect = isIndirectForm(form);
  if (u.indirect !== (indirect && (o.kind === 'rm' || o.kind === 'farmem'))) return false;
  switch (o.kind) {
    case 'rm':
      if (u.kind === 'mem') return true;
      if (u.kind !== 'reg') return false;
      if (u.size === size) return true;
      // mov %eax,%ds / lar %eax,%eax: a register operand of an rm/16 form may be named at 32 bits.
      return size === 16 && u.size === 32 && form.registerByOperandSize === true;
    case 'mem':
    case 'farmem':
      return u.kind === 'mem';
    case 'reg':
    case 'rmreg':
      return u.kind === 'reg' && u.size === size;
    case 'opreg':
      return u.kind === 'reg' && u.size === size && u.reg === (form.opcode[form.opcode.length - 1]! & 7);
    case 'imm':
      return u.kind === 'imm';
    case 'simm8': {
      if (u.kind !== 'imm') return false;
      const c = constant(u.value);
      return c !== null && fitsSigned8(c, size);
    }
    case 'moffs':
      return u.kind === 'mem' && isAbsoluteAddress(u);
    case 'sreg':
      return u.kind === 'sreg';
    case 'creg':
      return u.kind === 'creg';
    case 'dreg':
      return u.kind === 'dreg';
    case 'al':
      return u.kind === 'reg' && u.size === 8 && u.reg === 0;
    case 'cl':
      return u.kind === 'reg' && u.size === 8 && u.reg === 1;
    case 'dx':
      return u.kind === 'reg' && u.size === 16 && u.reg === 2;
    case 'acc':
      return u.kind === 'reg' && u.size === size && u.reg === 0;
    case 'one': {
      if (u.kind !== 'imm') return false;
      return constant(u.value) === 1;
    }
    case 'es': case 'cs': case 'ss': case 'ds': case 'fs': case 'gs':
      return u.kind === 'sreg' && u.reg === SEGMENT_KINDS.indexOf(o.kind);
    case 'mm':
      return u.kind === 'mmx';
    case 'xmm':
      return u.kind === 'xmm';
    case 'mmrm':
      return u.kind === 'mmx' || (u.kind === 'mem' && form.modrmMod !== 'register');
    case 'xmmrm':
      return u.kind === 'xmm' || (u.kind === 'mem' && form.modrmMod !== 'register');
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Producing bytes.

class Builder {
  bytes: number[] = [];
  fixups: InstructionFixup[] = [];

  byte(b: number): void {
    this.bytes.push(b & 0xff);
  }

  /** A little-endian field holding `value`; a fixup when it is not a plain number. */
  field(value: Value, size: 1 | 2 | 4, pcrel = false): void {
    const at = this.bytes.length;
    if (value.symbol !== null || pcrel) this.fixups.push({ offset: at, size, value, pcrel });
    const n = value.symbol === null && !pcrel ? value.addend : 0;
    for (let i = 0; i < size; i++) this.bytes.push(Math.floor(n / 2 ** (8 * i)) & 0xff);
  }
}

/** ModRM (+SIB, displacement) for a memory operand, with gas's choices of the shortest form. */
function encodeMemory(b: Builder, reg: number, m: MemoryOperand): void {
  const disp = m.disp;
  const c = disp === null ? 0 : constant(disp);
  if (m.base === NONE && m.index === NONE) {
    b.byte((reg << 3) | 5);
    b.field(disp ?? { symbol: null, addend: 0, known: true }, 4);
    return;
  }
  let mod: number;
  if (disp === null || (c === 0 && m.base !== 5 && m.base !== NONE)) mod = 0;
  else if (c !== null && fitsSigned8(c, 32)) mod = 1;
  else mod = 2;
  if (m.base === 5 && mod === 0) mod = 1; // (%ebp) has no mod-0 form: disp8 of 0
  const needsSib = m.index !== NONE || m.base === 4 || m.base === NONE;
  if (!needsSib) {
    b.byte((mod << 6) | (reg << 3) | m.base);
  } else if (m.base === NONE) {
    b.byte((reg << 3) | 4);
    b.byte((m.scale << 6) | (m.index << 3) | 5);
    b.field(disp ?? { symbol: null, addend: 0, known: true }, 4);
    return;
  } else {
    b.byte((mod << 6) | (reg << 3) | 4);
    b.byte((m.scale << 6) | ((m.index === NONE ? 4 : m.index) << 3) | m.base);
  }
  if (mod === 1) b.byte(c!);
  else if (mod === 2) b.field(disp!, 4);
}

const ZERO: Value = { symbol: null, addend: 0, known: true };

/** The eight 16-bit address forms, by ModRM.rm: [base, index] (bx=3, bp=5, si=6, di=7). */
const ADDRESS16: [number, number][] = [[3, 6], [3, 7], [5, 6], [5, 7], [6, NONE], [7, NONE], [5, NONE], [3, NONE]];

function address16Rm(m: MemoryOperand): number {
  // (%si) and (%di) are written as a base; the table lists them in the base column too.
  return ADDRESS16.findIndex(([b, i]) => b === m.base && i === m.index);
}

function validAddress16(m: MemoryOperand): boolean {
  return m.scale === 0 && (m.base === NONE && m.index === NONE || address16Rm(m) >= 0);
}

/** ModRM and displacement for 16-bit addressing: [bx+si] ... [bx], disp8 or disp16, absolute disp16. */
function encodeMemory16(b: Builder, reg: number, m: MemoryOperand): void {
  const disp = m.disp;
  const c = disp === null ? 0 : constant(disp);
  if (m.base === NONE && m.index === NONE) {
    b.byte((reg << 3) | 6);
    b.field(disp ?? ZERO, 2);
    return;
  }
  const rm = address16Rm(m);
  let mod: number;
  if (disp === null || (c === 0 && rm !== 6)) mod = 0;
  else if (c !== null && fitsSigned8(c, 16)) mod = 1;
  else mod = 2;
  if (rm === 6 && mod === 0) mod = 1; // (%bp) has no mod-0 form: disp8 of 0
  b.byte((mod << 6) | (reg << 3) | rm);
  if (mod === 1) b.byte(c!);
  else if (mod === 2) b.field(disp!, 2);
}

/**
 * Encode `form` with the user's operands (already in Intel order), or return null if they do not
 * fit. `opsize` is the operand size being tried.
 */
function tryForm(form: InstructionForm, ops: ParsedOperand[], opsize: 16 | 32, userPrefixes: number[], code16: boolean): Encoding | null {
  const stringForm = form.operands.some((o) => STRING_KINDS.has(o.kind));
  let formOperands = stringForm ? [] : form.operands;
  if (form.operands.length === 1 && form.operands[0]!.kind === 'far') {
    // ljmp $selector, $offset: two immediates for one far-pointer operand.
    if (ops.length !== 2 || ops[0]!.kind !== 'imm' || ops[1]!.kind !== 'imm' || ops[0]!.indirect) return null;
  } else {
    if (formOperands.length === ops.length + 1 && formOperands.some((o) => o.kind === 'one')) {
      formOperands = formOperands.filter((o) => o.kind !== 'one'); // `shl %eax` means shift by one
    }
    if (formOperands.length !== ops.length) return null;
    for (let i = 0; i < ops.length; i++) if (!operandMatches(form, formOperands[i]!, ops[i]!, opsize)) return null;
  }

  const b = new Builder();
  const memory = ops.find((o): o is MemoryOperand => o.kind === 'mem');
  // 16-bit addressing ((%bx,%si)) is the default in .code16 code and needs 0x67 in 32-bit code.
  const address16 = memory ? (memory.addressSize ?? (code16 ? 16 : 32)) === 16 : code16;
  if (memory && address16 && !validAddress16(memory)) return null;
  // Prefixes in gas's order: segment, address size, operand size, then rep/lock.
  // gas drops an override naming the segment the address uses anyway (%ss with %esp/%ebp, else %ds).
  const defaultSegment = memory && (memory.base === 4 || memory.base === 5 || (address16 && memory.index === 5)) ? 2 : 3;
  if (memory && memory.segment !== NONE && memory.segment !== defaultSegment) b.byte([prefixes.es, prefixes.cs, prefixes.ss, prefixes.ds, prefixes.fs, prefixes.gs][memory.segment]!);
  if (memory && address16 !== code16) b.byte(prefixes.addressSize);
  for (const p of userPrefixes) if (p === prefixes.addressSize) b.byte(p);
  // The operand size matters to forms with v-sized operands, to those with a 16-bit spelling, and to
  // the ones the table marks as taking a `w` in 16-bit (ret, lret, push %ds...: the stack width).
  const usesOperandSize = form.operands.some((o) => o.size === 'v') || form.mnemonic16 !== undefined || form.suffix === 'when16';
  const memoryIsFixedSize = form.memorySize !== undefined && memory !== undefined;
  // BSWAP names a 32-bit register through the operand size: in 16-bit code it needs the prefix.
  const bswap32In16 = code16 && form.operands.some((o) => o.kind === 'opreg' && o.size === 32);
  if (((opsize === 16) !== code16 && usesOperandSize && !memoryIsFixedSize) || bswap32In16) b.byte(prefixes.operandSize);
  for (const p of userPrefixes) if (p !== prefixes.addressSize) b.byte(p);
  if (form.mandatoryPrefix !== undefined) b.byte(form.mandatoryPrefix);
  for (const byte of form.opcode) b.byte(byte);

  if (form.modrm) {
    let reg = form.extension ?? 0;
    let rm: ParsedOperand | null = null;
    formOperands.forEach((o, i) => {
      const u = ops[i]!;
      if (o.kind === 'reg' || o.kind === 'sreg' || o.kind === 'creg' || o.kind === 'dreg' || o.kind === 'mm' || o.kind === 'xmm') reg = (u as { reg: number }).reg;
      else if (o.kind === 'rm' || o.kind === 'rmreg' || o.kind === 'mem' || o.kind === 'farmem' || o.kind === 'mmrm' || o.kind === 'xmmrm') rm = u;
    });
    const target = rm as ParsedOperand | null;
    if (form.modrmRm !== undefined) b.byte(0xc0 | (reg << 3) | form.modrmRm);
    else if (target === null) b.byte(0xc0 | (reg << 3));
    else if (target.kind === 'mem') (address16 ? encodeMemory16 : encodeMemory)(b, reg, target);
    else b.byte(0xc0 | (reg << 3) | (target as { reg: number }).reg);
  }

  // Immediates in form order.
  formOperands.forEach((o, i) => {
    const u = ops[i]!;
    const size = resolveSize(o, opsize);
    if (o.kind === 'imm' && u.kind === 'imm') b.field(u.value, (size / 8) as 1 | 2 | 4);
    else if (o.kind === 'simm8' && u.kind === 'imm') b.field(u.value, 1);
    else if (o.kind === 'moffs' && u.kind === 'mem') b.field(u.disp ?? ZERO, address16 ? 2 : 4);
  });
  if (form.operands[0]?.kind === 'far') {
    const [selector, offset] = ops;
    if (selector?.kind === 'imm' && offset?.kind === 'imm') {
      b.field(offset.value, opsize === 16 ? 2 : 4);
      b.field(selector.value, 2);
    }
  }
  for (const f of b.fixups) {
    // `$_GLOBAL_OFFSET_TABLE_` is the GOT's distance from the instruction (R_386_GOTPC): the field
    // holds its own offset in the instruction, so that adding the instruction's address works.
    if (f.value.symbol?.name === GOT_SYMBOL && f.value.reloc === undefined) {
      f.value = { ...f.value, reloc: 'gotpc', addend: f.value.addend + f.offset };
    }
    // gas marks the @GOT loads a linker may relax into direct ones (mov, call/jmp *, test, binops).
    if (f.value.reloc === 'got' && relaxableGotLoad(form)) f.value = { ...f.value, reloc: 'got32x' };
  }
  return { bytes: b.bytes, fixups: b.fixups, form };
}

const GOT_SYMBOL = '_GLOBAL_OFFSET_TABLE_';

function relaxableGotLoad(form: InstructionForm): boolean {
  const [first] = form.opcode;
  if (form.opcode.length !== 1) return false;
  if (first === 0x8b || first === 0x85) return true;
  if (first === 0xff) return form.extension === 2 || form.extension === 4;
  return [0x03, 0x0b, 0x13, 0x1b, 0x23, 0x2b, 0x33, 0x3b].includes(first!);
}

/** Encode a branch to a target (jmp/jcc/call/loop/jecxz with a rel operand). */
function tryBranch(form: InstructionForm, target: Value, userPrefixes: number[], relaxable: boolean, code16: boolean, mnemonic: string): Encoding {
  const b = new Builder();
  // jecxz tests ECX (32-bit address size), jcxz CX: the one that is not the mode's default takes 0x67.
  if (form.mnemonicAddress16 !== undefined && form.mnemonic === 'jecxz' && (mnemonic === form.mnemonicAddress16) !== code16) b.byte(prefixes.addressSize);
  for (const p of userPrefixes) b.byte(p);
  for (const byte of form.opcode) b.byte(byte);
  const size = form.operands[0]!.size === 8 ? 1 : code16 ? 2 : 4;
  const end = b.bytes.length + size;
  b.field({ ...target, addend: target.addend - (end - b.bytes.length) }, size, true);
  if (relaxable) b.fixups[0]!.relaxable = true;
  return { bytes: b.bytes, fixups: b.fixups, form };
}

/** Whether a register operand fixes the operand size (the shift count %cl and port %dx do not). */
function sizedByRegister(form: InstructionForm, ops: ParsedOperand[]): boolean {
  const operands = form.operands.some((o) => STRING_KINDS.has(o.kind)) ? [] : form.operands.filter((o) => o.kind !== 'one' || ops.length === form.operands.length);
  return operands.some((o, i) => ops[i]?.kind === 'reg' && (o.kind === 'rm' || o.kind === 'reg' || o.kind === 'opreg' || o.kind === 'acc' || o.kind === 'al'));
}

/** The form's memory operand size is other than the 32-bit default. */
function hasOtherSize(form: InstructionForm, opsize: 16 | 32, code16: boolean): boolean {
  return form.operands.some((o) => (o.kind === 'rm' || o.kind === 'moffs') && (o.size === 8 || (o.size === 'v' && (opsize === 16) !== code16)));
}

export interface InstructionRequest {
  mnemonic: string;
  operands: ParsedOperand[];
  prefixes: number[];
  /** For jmp/jcc: which form relaxation chose. */
  branch: BranchSize;
  /** .code16: 16-bit operand and address size by default. */
  code16?: boolean;
}

/** True when the instruction is a jmp/jcc to a direct target: the ones gas relaxes. */
export function isRelaxable(mnemonic: string, operands: ParsedOperand[]): boolean {
  if (operands.length !== 1 || operands[0]!.indirect || operands[0]!.kind !== 'mem' || !isAbsoluteAddress(operands[0]!)) return false;
  for (const r of readings(mnemonic)) {
    if (r.forms.some((f) => f.operands.length === 1 && f.operands[0]!.kind === 'rel' && f.operands[0]!.size === 8) &&
        r.forms.some((f) => f.operands.length === 1 && f.operands[0]!.kind === 'rel' && f.operands[0]!.size === 'v')) return true;
  }
  return false;
}

export function encodeInstruction(request: InstructionRequest): Encoding {
  const { mnemonic, prefixes: userPrefixes } = request;
  const code16 = request.code16 === true;
  let ops = request.operands;
  // cmpltps %xmm1,%xmm0 is cmpps $1,%xmm1,%xmm0: the predicate named in the mnemonic is the imm8.
  const predicate = predicateOf(mnemonic);
  if (predicate !== null) {
    const imm: ParsedOperand = { kind: 'imm', value: { symbol: null, addend: predicate.value, known: true }, indirect: false };
    return encodeInstruction({ ...request, mnemonic: predicate.mnemonic, operands: [imm, ...ops] });
  }
  const list = readings(mnemonic);
  if (list.length === 0) throw new EncodeError(`unknown instruction '${mnemonic}'`);

  // A direct branch target: `jmp label`, `call func` (a bare expression, parsed as an address).
  const direct = ops.length === 1 && ops[0]!.kind === 'mem' && !ops[0]!.indirect && isAbsoluteAddress(ops[0]!) && ops[0]!.segment === NONE;
  let best: Encoding | null = null;
  let bestRank = Infinity;
  for (const reading of list) {
    const relForms = reading.forms.filter((f) => f.operands.length === 1 && f.operands[0]!.kind === 'rel');
    if (direct && relForms.length > 0) {
      const wanted = relForms.length === 1 ? relForms[0]! : relForms.find((f) => (f.operands[0]!.size === 8) === (request.branch === 'short'))!;
      return tryBranch(wanted, (ops[0] as MemoryOperand).disp ?? ZERO, userPrefixes, relForms.length > 1, code16, mnemonic);
    }
  }

  // imul $3,%eax is imul $3,%eax,%eax.
  if (/^imul[wl]?$/.test(mnemonic) && ops.length === 2 && ops[0]!.kind === 'imm') ops = [ops[0]!, ops[1]!, ops[1]!];
  // shld/shrd with two operands shift by %cl.
  if (/^sh[lr]d[wl]?$/.test(mnemonic) && ops.length === 2) ops = [{ kind: 'reg', reg: 1, size: 8, indirect: false }, ...ops];
  // gas writes `int $3` as the one-byte breakpoint int3 (CC), not CD 03.
  if (mnemonic === 'int' && ops.length === 1 && ops[0]!.kind === 'imm' && constant(ops[0]!.value) === 3) return encodeInstruction({ ...request, mnemonic: 'int3', operands: [] });
  // aam/aad without an operand divide by ten.
  if (/^aa[md]$/.test(mnemonic) && ops.length === 0) ops = [{ kind: 'imm', value: { symbol: null, addend: 10, known: true }, indirect: false }];

  const allImmediate = ops.length > 1 && ops.every((o) => o.kind === 'imm');
  const orders: ParsedOperand[][] = [];
  const reversed = [...ops].reverse();
  const commutative = /^(xchg|test)[bwl]?$/.test(mnemonic) && ops.length === 2;
  orders.push(reversed);
  if (commutative) orders.push(ops);

  for (const reading of list) {
    for (const form of reading.forms) {
      const formSize = suffixSize(form);
      const sizes: (16 | 32)[] = [];
      if (reading.suffix !== null) {
        if (reading.base === form.mnemonic16 && reading.base !== form.mnemonic) continue;
        if (formSize === 'v') {
          if (reading.suffix === 8) continue;
          sizes.push(reading.suffix);
        } else if (formSize === null) {
          if (reading.suffix === 8) continue;
          if (reading.suffix === 16 && form.mnemonic16 === undefined && form.suffix !== 'when16' && !form.operands.some((o) => o.size === 'v')) continue;
          sizes.push(reading.suffix);
        } else {
          if (formSize !== reading.suffix && form.memorySize === undefined && !form.registerByOperandSize) continue;
          sizes.push(32);
        }
      } else if (form.mnemonic16 !== undefined && reading.base === form.mnemonic16 && reading.base !== form.mnemonic) {
        sizes.push(16);
      } else if (form.mnemonic16 !== undefined && reading.base === form.mnemonic && !form.mnemonic16.startsWith(form.mnemonic)) {
        sizes.push(32); // cwtl/cltd name the 32-bit form in any mode (pusha/pushf/iret follow the mode)
      } else {
        sizes.push(...(code16 ? [16, 32] as const : [32, 16] as const));
      }
      const formOrders = allImmediate || form.attIntelOrder ? [ops] : orders;
      for (const order of formOrders) {
        for (const size of sizes) {
          const e = tryForm(form, order, size, userPrefixes, code16);
          if (e) {
            // Without a suffix or a register to size it, gas takes the default 32-bit operand size
            // (`rol %cl,(%eax)` is roll): forms of another size only win when nothing else fits.
            const preferred = reading.suffix !== null || sizedByRegister(form, order) || !hasOtherSize(form, size, code16);
            // Between equally long encodings gas prefers the sign-extended imm8 one (66 83 C0 01
            // over 66 05 01 00 for addw $1,%ax); otherwise the table's order decides.
            const simm8 = form.operands.some((o) => o.kind === 'simm8') ? 0 : 1;
            const rank = (preferred ? 0 : 1000) + e.bytes.length * 2 + simm8;
            if (best === null || rank < bestRank) {
              best = e;
              bestRank = rank;
            }
          }
          if (e) break;
        }
      }
    }
  }
  if (!best) throw new EncodeError(`invalid operands for '${mnemonic}'`);
  return best;
}

/** The condition names, for tools that list every spelling (the generated test corpus). */
export { conditionNames };
