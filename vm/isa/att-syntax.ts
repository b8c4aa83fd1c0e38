// AT&T syntax, spelled exactly as GNU objdump (binutils 2.40) prints i386 code.
//
// The decoder says what an instruction is; this file says how objdump writes it. Every spelling rule
// that depends on the instruction comes from a field of its table row (vm/isa/table.ts: `suffix`,
// `attIntelOrder`, `indirect`, `branchHint`, `mnemonic16`, `mnemonicAddress16`, ...); what is left
// here are the rules objdump applies to all instructions alike:
//
//   - operands are printed source first (the reverse of Intel order), registers as %eax, immediates
//     as $0x..., memory as seg:disp(base,index,scale);
//   - a size suffix (b, w, l) appears only when nothing else tells the operand size;
//   - every prefix byte the instruction did not "use" is printed by name before the mnemonic
//     (`data16`, `addr16`, `cs`, `repz`, `lock`), in the order of the bytes.

import { DecodeFailure, type Instruction, NO_REGISTER, NO_SEGMENT_OVERRIDE, selectingPrefix } from './decoder.ts';
import {
  comparePredicates, prefixes, registerNames16, registerNames32, registerNames8, segmentNames, type InstructionForm, type Operand,
} from './table.ts';

/** Gives the text of a direct branch target: objdump prints `8049010 <foo+0x10>`, or `0x8049010` without symbols. */
export type TargetNamer = (target: number) => string;

export const plainTarget: TargetNamer = (target) => `0x${target.toString(16)}`;

/** The text of one instruction, and where it branches (for tools that follow the flow). */
export interface AttText {
  text: string;
  /** The address a direct jump/call/loop goes to, or null. */
  target: number | null;
  /** objdump says `(bad)` over the prefixes and opcode only (a SIMD opcode with a prefix that selects none of its variants). */
  badOpcode?: boolean;
}


/**
 * objdump's PREFIX_OPCODE rule: the prefix that selects a SIMD variant (the last F2/F3, else 66) must
 * be the one the decoded form was selected by.
 */

/**
 * objdump's MMX operands (its MX/EM modes) name an XMM register when a 66 prefix is there: on
 * movq2dq/movdq2q, whose F3/F2 selected the form, a stray 66 turns %mm1 into %xmm1 and is used up.
 */
function mmxAsXmm(form: InstructionForm, insn: Instruction, defaultSize32: boolean): boolean {
  return form.prefixSelects !== undefined && form.mandatoryPrefix !== prefixes.operandSize && (insn.operandSize === 32) !== defaultSize32
    && form.operands.some((o) => o.kind === 'mm' || o.kind === 'mmrm');
}

const hex = (value: number): string => `0x${(value >>> 0).toString(16)}`;

/** objdump's print_displacement: a signed hexadecimal number (-0x4, 0x8). */
function signedHex(value: number): string {
  return value < 0 ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
}

function mask(value: number, bits: number): number {
  return bits >= 32 ? value >>> 0 : value & ((1 << bits) - 1);
}

function registerName(n: number, bits: number): string {
  if (bits === 8) return `%${registerNames8[n]}`;
  if (bits === 16) return `%${registerNames16[n]}`;
  return `%${registerNames32[n]}`;
}

const SIZE_LETTER: Record<number, string> = { 8: 'b', 16: 'w', 32: 'l', 64: 'q' };

/** Operand kinds that name a register whose width states the operation size. */
const SIZING_REGISTERS = new Set(['reg', 'rmreg', 'opreg', 'acc', 'al', 'sreg', 'creg', 'dreg']);

function isMemoryOperand(operand: Operand, insn: Instruction): boolean {
  switch (operand.kind) {
    case 'rm': case 'mmrm': case 'xmmrm': return insn.mod !== 3;
    case 'mem': case 'farmem': case 'moffs': case 'srcstr': case 'dststr': return true;
    default: return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Which prefixes the instruction consumed. objdump prints the others by name.

interface PrefixUse {
  operandSize: boolean;
  addressSize: boolean;
  segment: boolean;
  /** ',pt' / ',pn' when a branch hint was taken from a CS/DS prefix. */
  hint: string;
}

function usesOperandSize(form: InstructionForm, insn: Instruction): boolean {
  if (form.mnemonic16 !== undefined || form.suffix === 'when16' || form.suffix === 'always' || form.suffix === 'x87env') return true;
  if (form.registerByOperandSize && (!insn.hasModrm || insn.mod === 3)) return true;
  return form.operands.some((o) => {
    if (o.kind === 'far' || o.kind === 'farmem') return true;
    if (o.kind === 'mem' && o.size === 0) return form.suffix === undefined; // sgdtl / sgdtw
    if (o.size !== 'v') return false;
    // MOV from Sreg, SLDT, SMSW...: a memory operand is 16 bits whatever the operand size says.
    return !(o.kind === 'rm' && form.memorySize !== undefined && insn.mod !== 3);
  });
}

function usesAddressSize(form: InstructionForm, insn: Instruction): boolean {
  if (form.mnemonicAddress16 !== undefined || form.addressSuffix) return true;
  // objdump decodes a 16-bit moffs after 0x67 but still prints the prefix as `addr16`.
  return form.operands.some((o) => o.kind !== 'moffs' && isMemoryOperand(o, insn));
}

function usesSegment(form: InstructionForm, insn: Instruction): boolean {
  // The ES of a string destination cannot be overridden, so a prefix there is unused.
  return form.operands.some((o) => o.kind !== 'dststr' && isMemoryOperand(o, insn));
}

const NO_NAMES: string[] = [];
const SEGMENT_PREFIXES: readonly number[] = [prefixes.es, prefixes.cs, prefixes.ss, prefixes.ds, prefixes.fs, prefixes.gs];

/** A prefix byte's name; 66 and 67 are named by the size they switch to (data16 in 32-bit code). */
function prefixName(byte: number, code32: boolean): string | null {
  switch (byte) {
    case prefixes.operandSize: return code32 ? 'data16' : 'data32';
    case prefixes.addressSize: return code32 ? 'addr16' : 'addr32';
    case prefixes.lock: return 'lock';
    case prefixes.rep: return 'repz';
    case prefixes.repne: return 'repnz';
    default: {
      const segment = SEGMENT_PREFIXES.indexOf(byte);
      return segment >= 0 ? segmentNames[segment]! : null;
    }
  }
}

function prefixBytes(bytes: Uint8Array, start: number, insn: Instruction): number[] {
  return Array.from(bytes.subarray(start, start + insn.prefixCount));
}

/** The names of the prefix bytes the instruction did not consume, in byte order. */
function unusedPrefixNames(bytes: Uint8Array, start: number, insn: Instruction, form: InstructionForm | null, use: PrefixUse, code32: boolean, notrack = false): string[] {
  if (insn.prefixCount === 0) return NO_NAMES;
  const end = start + insn.prefixCount;
  const last = (match: (b: number) => boolean): number => {
    for (let p = end - 1; p >= start; p--) if (match(bytes[p]!)) return p;
    return -1;
  };
  const lastData = last((b) => b === prefixes.operandSize);
  const lastLock = form?.lockExtendsRegister ? last((b) => b === prefixes.lock) : -1;
  const lastAddress = last((b) => b === prefixes.addressSize);
  const lastSegment = last((b) => SEGMENT_PREFIXES.includes(b));
  const lastRepeat = last((b) => b === prefixes.rep || b === prefixes.repne);
  const lastRep = last((b) => b === prefixes.rep);
  const lastRepne = last((b) => b === prefixes.repne);
  const hle = form ? hardwareLockElision(insn, form, last) : new Map<number, string>();
  const names: string[] = [];
  for (let p = start; p < end; p++) {
    const b = bytes[p]!;
    if (p === lastData && use.operandSize) continue;
    if (p === lastAddress && use.addressSize) continue;
    if (p === lastSegment && use.segment) continue;
    const elision = hle.get(p);
    if (elision !== undefined) {
      names.push(elision);
      continue;
    }
    if (p === lastSegment && notrack) {
      names.push('notrack');
      continue;
    }
    if (p === lastRepeat && form?.mandatoryPrefix === b) continue;
    if (p === lastData && form?.mandatoryPrefix === b) continue; // 66 0F 58 is addpd, not data16 addps
    if (p === lastRep && form?.repeat === 'rep') {
      names.push('rep');
      continue;
    }
    if (p === lastRepne && form?.bnd) {
      names.push('bnd');
      continue;
    }
    if (p === lastLock) continue; // LOCK was the high bit of the control register
    names.push(prefixName(b, code32)!);
  }
  return names;
}

/**
 * Hardware lock elision (TSX): on a locked memory operation F2 and F3 are XACQUIRE and XRELEASE.
 * Lockable forms need the LOCK prefix; XCHG does not (it always locks); a MOV store takes XRELEASE
 * only (objdump's HLE_Fixup1/2/3). Returns the new names by prefix position.
 */
function hardwareLockElision(insn: Instruction, form: InstructionForm, last: (match: (b: number) => boolean) => number): Map<number, string> {
  const names = new Map<number, string>();
  if (!insn.hasModrm || insn.mod === 3) return names;
  const lastRelease = last((b) => b === prefixes.rep);
  const lastAcquire = last((b) => b === prefixes.repne);
  const policy = form.hle ?? (form.lockable && insn.lock ? 'always' : undefined);
  if (policy === 'always') {
    if (lastRelease >= 0) names.set(lastRelease, 'xrelease');
    if (lastAcquire >= 0) names.set(lastAcquire, 'xacquire');
  } else if (policy === 'release' && lastRelease > lastAcquire) {
    names.set(lastRelease, 'xrelease');
  }
  return names;
}

const NO_HINT = { hint: '', segmentUsed: false } as const;

/** objdump's H macro: exactly one of CS (not taken) and DS (taken) among the prefixes is a hint. */
function branchHint(bytes: Uint8Array, start: number, insn: Instruction): { hint: string; segmentUsed: boolean } {
  let cs = false;
  let ds = false;
  for (let p = start; p < start + insn.prefixCount; p++) {
    if (bytes[p] === prefixes.cs) cs = true;
    if (bytes[p] === prefixes.ds) ds = true;
  }
  if (cs === ds) return { hint: '', segmentUsed: false };
  // objdump then counts the last segment prefix as used, whichever it is: 3e 26 74 is `ds je,pt`.
  return { hint: ds ? ',pt' : ',pn', segmentUsed: true };
}

// ---------------------------------------------------------------------------------------------
// Mnemonic and suffix.

function suffixLetter(form: InstructionForm, insn: Instruction, defaultSize32: boolean): string {
  const operationSize = (): number => {
    const sized = form.operands.find((o) => o.size === 'v') ?? form.operands.find((o) => isMemoryOperand(o, insn));
    if (sized === undefined || sized.size === 0) return insn.operandSize;
    return insn.sizeOf(sized);
  };
  const sizedByRegister = form.operands.some((o) => SIZING_REGISTERS.has(o.kind) || (o.kind === 'rm' && insn.mod === 3));
  switch (form.suffix) {
    case 'never': return '';
    // The x87 environment images: 14/94 bytes with a 16-bit operand size, 28/108 with 32.
    case 'x87env': return (insn.operandSize === 32) !== defaultSize32 ? (insn.operandSize === 16 ? 's' : 'l') : '';
    case 'always': return SIZE_LETTER[operationSize()] ?? '';
    // Only the size the code segment does not default to shows: pushw in 32-bit code, pushl in 16-bit.
    case 'when16': return (insn.operandSize === 32) !== defaultSize32 && !sizedByRegister ? SIZE_LETTER[insn.operandSize]! : '';
    default: {
      const memory = form.operands.some((o) => isMemoryOperand(o, insn));
      return memory && !sizedByRegister ? SIZE_LETTER[operationSize()] ?? '' : '';
    }
  }
}

/** `waitPrefixed`: FWAIT came first, which makes fnstsw `fstsw` (InstructionForm.waitMnemonic). */
function mnemonicOf(form: InstructionForm, insn: Instruction, defaultSize32: boolean, waitPrefixed = false): string {
  let name = waitPrefixed && form.waitMnemonic !== undefined ? form.waitMnemonic : form.mnemonic;
  if (insn.addressSize === 16 && form.mnemonicAddress16 !== undefined) name = form.mnemonicAddress16;
  if (form.addressSuffix && (insn.addressSize === 32) !== defaultSize32) name += SIZE_LETTER[insn.addressSize]!;
  if (form.mnemonic16 !== undefined) {
    // pushaw/pushfw/iretw are the mnemonic plus a size suffix: like every suffix, only the size the
    // code does not default to shows (pusha/pushaw in 32-bit code, pusha/pushal in 16-bit code).
    // cbtw/cwtl and cwtd/cltd are names of their own, one per size.
    if (form.mnemonic16 === `${form.mnemonic}w`) return (insn.operandSize === 32) === defaultSize32 ? form.mnemonic : name + SIZE_LETTER[insn.operandSize]!;
    if (insn.operandSize === 16) return form.mnemonic16;
  }
  return name + suffixLetter(form, insn, defaultSize32);
}

// ---------------------------------------------------------------------------------------------
// Operands.

function memoryText(insn: Instruction, segmentOverride: number): string {
  const segment = segmentOverride === NO_SEGMENT_OVERRIDE ? '' : `%${segmentNames[segmentOverride]}:`;
  return segment + (insn.addressSize === 32 ? address32(insn) : address16(insn));
}

/** 32-bit ModRM/SIB addressing, following objdump's rules for when %eiz and 0x0 appear. */
function address32(insn: Instruction): string {
  const haveBase = insn.base !== NO_REGISTER;
  const haveIndex = insn.index !== NO_REGISTER;
  // With a SIB byte but neither base nor index, %eiz tells [disp32] apart from [eiz*1 + disp32].
  const needIndex = insn.hasSib && !haveBase && !haveIndex;
  const haveParens = haveBase || needIndex || (insn.hasSib && (haveIndex || insn.scale !== 0));
  let text = '';
  if (insn.displacementSize > 0) text = haveParens ? signedHex(insn.displacement) : hex(insn.displacement);
  if (!haveParens) return text;
  text += '(';
  if (haveBase) text += registerName(insn.base, 32);
  if (insn.hasSib && (insn.scale !== 0 || needIndex || haveIndex || (haveBase && insn.base !== 4))) {
    text += `,${haveIndex ? registerName(insn.index, 32) : '%eiz'},${1 << insn.scale}`;
  }
  return text + ')';
}

function address16(insn: Instruction): string {
  // Every 16-bit displacement prints signed, even an absolute [disp16]: 0x8000 is -0x8000.
  let text = insn.displacementSize > 0 ? signedHex(insn.displacementSize === 1 ? insn.displacement : (insn.displacement << 16) >> 16) : '';
  if (insn.base === NO_REGISTER) return text;
  text += `(${registerName(insn.base, 16)}`;
  if (insn.index !== NO_REGISTER) text += `,${registerName(insn.index, 16)}`;
  return text + ')';
}

function stringOperand(insn: Instruction, form: InstructionForm, destination: boolean): string {
  const wide = insn.addressSize === 32;
  if (destination) return wide ? '%es:(%edi)' : '%es:(%di)';
  const segment = insn.segmentOverride === NO_SEGMENT_OVERRIDE ? 'ds' : segmentNames[insn.segmentOverride]!;
  const base = form.sourceBaseBx ? (wide ? '%ebx' : '%bx') : (wide ? '%esi' : '%si');
  return `%${segment}:(${base})`;
}

interface OperandContext {
  insn: Instruction;
  form: InstructionForm;
  address: number;
  nameTarget: TargetNamer;
  /** The segment override that applies to memory operands (NO_SEGMENT_OVERRIDE after `notrack`). */
  segment: number;
  /** Which of the instruction's immediates the next imm/simm8/rel/moffs operand takes. */
  immediateIndex: number;
  target: number | null;
  /** See mmxAsXmm. */
  mmxAsXmm: boolean;
}

function operandText(operand: Operand, ctx: OperandContext): string | null {
  const { insn, form } = ctx;
  const bits = insn.sizeOf(operand);
  const nextImmediate = (): number => (ctx.immediateIndex++ === 0 ? insn.immediate : insn.immediate2);
  switch (operand.kind) {
    case 'rm':
      if (insn.mod !== 3) return memoryText(insn, ctx.segment);
      return registerName(insn.rm, form.registerByOperandSize ? insn.operandSize : bits);
    case 'mem':
    case 'farmem':
      return memoryText(insn, ctx.segment);
    case 'reg': return registerName(insn.reg, bits);
    case 'rmreg': return registerName(insn.rm, bits);
    case 'opreg': return registerName(insn.opcodeRegister, form.registerByOperandSize ? insn.operandSize : bits);
    case 'acc': return registerName(0, bits);
    case 'al': return '%al';
    case 'cl': return '%cl';
    case 'dx': return '(%dx)';
    case 'one': return null; // D0-D3 shifts by 1: objdump leaves the count out
    case 'imm': return `$${hex(mask(nextImmediate(), bits))}`;
    case 'simm8': return `$${hex(mask(nextImmediate(), bits))}`;
    case 'rel': {
      const displacement = nextImmediate();
      let target = (ctx.address + insn.length + displacement) >>> 0;
      if (operand.size === 'v' && insn.operandSize === 16) target &= 0xffff;
      ctx.target = target;
      return ctx.nameTarget(target);
    }
    case 'moffs': {
      nextImmediate();
      const segment = insn.segmentOverride === NO_SEGMENT_OVERRIDE ? '' : `%${segmentNames[insn.segmentOverride]}:`;
      return segment + hex(mask(insn.displacement, insn.addressSize));
    }
    case 'far': return `$${hex(insn.immediate2)},$${hex(insn.immediate)}`;
    case 'sreg': return insn.reg < 6 ? `%${segmentNames[insn.reg]}` : '%?';
    case 'creg': return `%cr${insn.reg + (form.lockExtendsRegister && insn.lock ? 8 : 0)}`;
    case 'dreg': return `%db${insn.reg}`;
    case 'es': case 'cs': case 'ss': case 'ds': case 'fs': case 'gs': return `%${operand.kind}`;
    case 'srcstr': return stringOperand(insn, form, false);
    case 'dststr': return stringOperand(insn, form, true);
    case 'st': return '%st';
    case 'sti': return `%st(${insn.rm})`;
    case 'mm': return ctx.mmxAsXmm ? `%xmm${insn.reg}` : `%mm${insn.reg}`;
    case 'xmm': return `%xmm${insn.reg}`;
    case 'mmrm': return insn.mod !== 3 ? memoryText(insn, ctx.segment) : ctx.mmxAsXmm ? `%xmm${insn.rm}` : `%mm${insn.rm}`;
    case 'xmmrm': return insn.mod !== 3 ? memoryText(insn, ctx.segment) : `%xmm${insn.rm}`;
  }
}

// ---------------------------------------------------------------------------------------------

/** The text objdump prints when an instruction runs past the end of the bytes it may read. */
function truncatedText(firstByte: number, code32: boolean): string {
  return prefixName(firstByte, code32) ?? `.byte ${hex(firstByte)}`;
}

/** Joins mnemonic and operands the way objdump lays them out: the mnemonic padded to 6 columns. */
export function layout(mnemonic: string, operands: string[]): string {
  return operands.length === 0 ? mnemonic : `${mnemonic.padEnd(6)} ${operands.join(',')}`;
}

/**
 * The AT&T text of the instruction decoded at `bytes[start]` and loaded at `address`.
 * A failed decode prints as objdump does: `(bad)` for an undefined opcode, `.byte 0xNN` (or the
 * prefix's name) when the bytes ran out; `instructionLength` gives how many bytes that text covers.
 */
export function formatAtt(insn: Instruction, bytes: Uint8Array, start: number, address: number, defaultSize32: boolean, nameTarget: TargetNamer = plainTarget, waitPrefixed = false): AttText {
  const form = insn.form;
  if (form === null) {
    if (insn.failure !== DecodeFailure.UndefinedOpcode) return { text: truncatedText(bytes[start]!, defaultSize32), target: null };
    const names = unusedPrefixNames(bytes, start, insn, null, { operandSize: false, addressSize: false, segment: false, hint: '' }, defaultSize32);
    return { text: [...names, '(bad)'].join(' '), target: null };
  }
  const hint = form.branchHint && insn.prefixCount > 0 ? branchHint(bytes, start, insn) : NO_HINT;
  const use: PrefixUse = {
    operandSize: usesOperandSize(form, insn),
    addressSize: usesAddressSize(form, insn),
    segment: hint.segmentUsed || usesSegment(form, insn),
    hint: hint.hint,
  };
  // 90 is `nop` at the default operand size and `xchg` of the accumulator at the other one.
  const otherSize = (insn.operandSize === 32) !== defaultSize32;
  if (form.spelling16 !== undefined && otherSize) use.operandSize = true;
  // CET: a DS prefix on a near indirect branch is NOTRACK, not a segment override.
  const notrack = form.notrack === true && insn.prefixCount > 0 && prefixBytes(bytes, start, insn).includes(prefixes.ds);
  if (notrack) use.segment = false;
  const segment = notrack ? NO_SEGMENT_OVERRIDE : insn.segmentOverride;
  const selecting = form.prefixSelects ? selectingPrefix(insn, defaultSize32) : undefined;
  if (form.prefixSelects && selecting !== form.mandatoryPrefix) {
    // The prefix that chose the variant is used up; the others print by name before `(bad)`.
    const none: PrefixUse = { operandSize: false, addressSize: false, segment: false, hint: '' };
    const names = form.prefixSelects === 'table' ? unusedPrefixNames(bytes, start, insn, { ...form, mandatoryPrefix: selecting }, none, defaultSize32) : [];
    return { text: [...names, '(bad)'].join(' '), target: null, badOpcode: true };
  }
  const ctx: OperandContext = { insn, form, address, nameTarget, segment, immediateIndex: 0, target: null, mmxAsXmm: mmxAsXmm(form, insn, defaultSize32) };
  if (ctx.mmxAsXmm) use.operandSize = true;
  const operands: string[] = [];
  for (const operand of form.operands) {
    const text = operandText(operand, ctx);
    if (text !== null) operands.push(form.indirect && (operand.kind === 'rm' || operand.kind === 'farmem') ? `*${text}` : text);
  }
  if (!form.attIntelOrder) operands.reverse();
  const names = unusedPrefixNames(bytes, start, insn, form, use, defaultSize32, notrack);
  if (form.spelling16 !== undefined && otherSize) {
    const spelling = insn.operandSize === 16 ? form.spelling16 : form.spelling16.replace(/%(ax|cx|dx|bx|sp|bp|si|di)\b/g, '%e$1');
    const [name, ...rest] = spelling.split(' ');
    return { text: layout([...names, name!].join(' '), rest.join(' ').split(',')), target: null };
  }
  if (form.dataPrefixIsBad && (insn.operandSize === 32) !== defaultSize32) {
    const used = unusedPrefixNames(bytes, start, insn, form, { ...use, operandSize: true }, defaultSize32, notrack);
    return { text: [...used, '(bad)'].join(' '), target: null };
  }
  if (form.comparePredicate && (insn.immediate & 0xff) < comparePredicates.length) {
    // cmpps $0x1,%xmm1,%xmm0 is cmpltps %xmm1,%xmm0: the immediate moves into the mnemonic.
    const name = form.mnemonic.replace(/^cmp/, `cmp${comparePredicates[insn.immediate & 0xff]}`);
    const mnemonic = names.length === 0 ? name : `${names.join(' ')} ${name}`;
    return { text: layout(mnemonic, operands.filter((o) => !o.startsWith('$'))), target: null };
  }
  // objdump's x87 tables hold (bad) for the reserved escape encodings and the undocumented aliases:
  // the ModRM byte (and displacement) is still consumed, and a memory operand still printed.
  const name = form.objdumpBad ? '(bad)' : mnemonicOf(form, insn, defaultSize32, waitPrefixed) + use.hint;
  const shown = form.objdumpBad ? operands.filter(() => insn.mod !== 3) : operands;
  const mnemonic = names.length === 0 ? name : `${names.join(' ')} ${name}`;
  return { text: layout(mnemonic, shown), target: ctx.target };
}

// ---------------------------------------------------------------------------------------------
// Runs of prefixes. objdump keeps at most 14 prefixes (MAX_CODE_LENGTH - 1) and reads at most 15
// bytes of one instruction.

export const MAX_PREFIXES = 14;
export const MAX_INSTRUCTION_BYTES = 15;

/** The number of prefix bytes at bytes[start..end). */
export function countPrefixes(bytes: Uint8Array, start: number, end: number): number {
  let p = start;
  while (p < end && prefixName(bytes[p]!, true) !== null) p++;
  return p - start;
}

/** Fourteen prefixes in a row: objdump prints their names as one line and starts again after them. */
export function prefixRunText(bytes: Uint8Array, start: number, count: number, code32: boolean): string {
  return Array.from(bytes.subarray(start, start + count), (b) => prefixName(b, code32)!).join(' ');
}

/**
 * An instruction longer than 15 bytes: objdump names its unused prefixes, then says (bad).
 * `insn` is the instruction decoded without the repeated prefixes, with `prefixCount` set back to
 * the number of prefix bytes at `bytes[start]`.
 */
export function tooLongText(insn: Instruction, bytes: Uint8Array, start: number, code32: boolean): string {
  const form = insn.form;
  const use: PrefixUse = form === null
    ? { operandSize: false, addressSize: false, segment: false, hint: '' }
    : { operandSize: usesOperandSize(form, insn), addressSize: usesAddressSize(form, insn), segment: usesSegment(form, insn), hint: '' };
  return [...unusedPrefixNames(bytes, start, insn, form, use, code32), '(bad)'].join(' ');
}

/** How many bytes objdump consumes for a failed decode: the prefixes and opcode for `(bad)`, else one. */
export function failedLength(insn: Instruction, bytes: Uint8Array, start: number): number {
  if (insn.failure !== DecodeFailure.UndefinedOpcode) return 1;
  const opcodeAt = start + insn.prefixCount;
  return insn.prefixCount + (bytes[opcodeAt] === 0x0f ? 2 : 1);
}
