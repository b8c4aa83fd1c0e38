// The instruction decoder: bytes in, one `Instruction` out. Driven entirely by vm/isa/table.ts.
//
// The CPU decodes each instruction once and keeps it in its block cache, so this code favours
// clarity over speed; the disassembler uses it unchanged.

import { instructionForms, prefixes, type InstructionForm, type Operand } from './table.ts';

/** No segment override prefix: the memory operand uses its default segment (DS, or SS for EBP/ESP bases). */
export const NO_SEGMENT_OVERRIDE = -1;
/** No base or index register in a memory operand. */
export const NO_REGISTER = -1;

export const enum Repeat {
  None = 0,
  /** F3: REP, or REPE/REPZ for CMPS and SCAS. */
  RepE = 0xf3,
  /** F2: REPNE/REPNZ. */
  RepNE = 0xf2,
}

/** Why decoding stopped without an instruction. */
export const enum DecodeFailure {
  None = 0,
  /** The bytes do not form an instruction the table knows: the CPU raises #UD. */
  UndefinedOpcode = 1,
  /** The instruction would be longer than 15 bytes: the CPU raises #GP(0). */
  TooLong = 2,
  /** The window of readable bytes ended mid-instruction: the CPU raises #PF on the next byte. */
  NeedMoreBytes = 3,
}

/**
 * One decoded instruction. Fields that an instruction does not use keep their defaults.
 * The CPU attaches its executor to `execute` after decoding; the decoder never looks at it.
 */
export class Instruction {
  form: InstructionForm | null = null;
  failure: DecodeFailure = DecodeFailure.None;
  /** Address (or buffer offset) of the first byte, prefixes included. */
  address = 0;
  length = 0;
  /** 16 or 32: the operand-size attribute after the 0x66 prefix. */
  operandSize: 16 | 32 = 32;
  /** 16 or 32: the address-size attribute after the 0x67 prefix. */
  addressSize: 16 | 32 = 32;
  segmentOverride = NO_SEGMENT_OVERRIDE;
  repeat: Repeat = Repeat.None;
  lock = false;
  /** Count of prefix bytes before the opcode. */
  prefixCount = 0;

  hasModrm = false;
  /** ModRM fields: mod (0-3), reg (0-7, a register or opcode extension), rm (0-7). */
  mod = 0;
  reg = 0;
  rm = 0;
  /** Memory operand, when mod != 3 (or moffs): segment:[base + index << scale + displacement]. */
  base = NO_REGISTER;
  index = NO_REGISTER;
  /** log2 of the SIB scale factor: 0-3. */
  scale = 0;
  displacement = 0;
  hasSib = false;
  /** Bytes of displacement present in the encoding (0, 1, 2 or 4): the disassembler prints them as given. */
  displacementSize = 0;
  /** The first immediate (imm, simm8 sign-extended, rel displacement, moffs, far offset). */
  immediate = 0;
  /** The second immediate: ENTER's nesting level, a far pointer's selector. */
  immediate2 = 0;
  /** The register named by the opcode's low three bits (+r forms). */
  opcodeRegister = 0;

  /** The executor bound by the CPU (see vm/cpu/); undefined until then. */
  execute: ((cpu: never, insn: Instruction) => void) | undefined = undefined;

  /** True when the r/m operand is memory. */
  get isMemory(): boolean {
    return this.hasModrm ? this.mod !== 3 : this.form?.operands.some((o) => o.kind === 'moffs') ?? false;
  }

  /** The width in bits of an operand of the form, resolving 'v' against the operand size. */
  sizeOf(operand: Operand): number {
    return operand.size === 'v' ? this.operandSize : operand.size;
  }
}

// ---------------------------------------------------------------------------------------------
// The opcode index: for each opcode (one byte, or 0F and one byte) the forms that use it.

const oneByteForms: InstructionForm[][] = Array.from({ length: 256 }, () => []);
const twoByteForms: InstructionForm[][] = Array.from({ length: 256 }, () => []);
for (const f of instructionForms) {
  if (f.opcode.length === 1) oneByteForms[f.opcode[0]!]!.push(f);
  else twoByteForms[f.opcode[1]!]!.push(f);
}

/**
 * Choose among the forms sharing an opcode using the ModRM byte and a mandatory prefix. The prefix
 * that selects a SIMD variant is the last F2/F3, else 66 (SDM Vol. 2, 2.1.1; objdump reads them the
 * same way): F3 0F 58 is addss even after a 66, which then is a stray operand-size prefix. When no
 * form has that prefix, the form without one is taken (the prefix is then ignored, as the processor
 * does for the older opcodes).
 */
function selectForm(candidates: InstructionForm[], modrm: number, repeatPrefix: number, dataPrefix: boolean): InstructionForm | null {
  const mod = modrm >> 6;
  const reg = (modrm >> 3) & 7;
  const rm = modrm & 7;
  let fallback: InstructionForm | null = null;
  let withData: InstructionForm | null = null;
  for (const f of candidates) {
    if (f.extension !== undefined && f.extension !== reg) continue;
    if (f.modrmMod === 'memory' && mod === 3) continue;
    if (f.modrmMod === 'register' && mod !== 3) continue;
    if (f.modrmRm !== undefined && f.modrmRm !== rm) continue;
    if (f.operands.some((o) => o.kind === 'mem' || o.kind === 'farmem') && mod === 3) continue;
    if (f.mandatoryPrefix !== undefined) {
      if (f.mandatoryPrefix === repeatPrefix) return f;
      if (f.mandatoryPrefix === prefixes.operandSize && dataPrefix) withData ??= f;
      continue;
    }
    fallback ??= f;
  }
  return withData ?? fallback;
}

/**
 * The prefix that chooses among an opcode's SIMD variants (`prefixSelects` forms): the last F2/F3,
 * else 66, else none.
 */
export function selectingPrefix(insn: Instruction, defaultSize32: boolean): number | undefined {
  const dataPrefix = (insn.operandSize === 32) !== defaultSize32;
  return insn.repeat !== 0 ? insn.repeat : dataPrefix ? prefixes.operandSize : undefined;
}

/**
 * A SIMD opcode whose choosing prefix names none of its variants (f2 0f 29, 66 0f 77): objdump's
 * `(bad)`, and #UD on the processor (the opcode map's empty cell). The decoder still hands back the
 * form without the prefix, so that the disassembler can print what objdump prints.
 */
export function namesNoVariant(form: InstructionForm, insn: Instruction, defaultSize32: boolean): boolean {
  return form.prefixSelects !== undefined && selectingPrefix(insn, defaultSize32) !== form.mandatoryPrefix;
}

/** Whether any candidate needs a ModRM byte to be told apart (or to be decoded at all). */
function needsModrm(candidates: InstructionForm[]): boolean {
  return candidates.length > 0 && candidates[0]!.modrm;
}

/** Bytes an immediate operand occupies. */
function immediateBytes(operand: Operand, insn: Instruction): number {
  switch (operand.kind) {
    case 'imm':
    case 'rel':
      return insn.sizeOf(operand) / 8;
    case 'simm8':
      return 1;
    case 'moffs':
      return insn.addressSize / 8;
    case 'far':
      return insn.operandSize / 8 + 2;
    default:
      return 0;
  }
}

const MAX_INSTRUCTION_LENGTH = 15;

/**
 * Decode one instruction from `bytes[start .. start+available)`.
 * `defaultSize32` is the D bit of the code segment: true in 32-bit code.
 * On failure `insn.failure` says why and `insn.form` is null.
 */
export function decode(bytes: Uint8Array, start: number, available: number, defaultSize32: boolean, insn = new Instruction()): Instruction {
  let p = start;
  const end = start + Math.min(available, MAX_INSTRUCTION_LENGTH);
  const limitEnd = start + MAX_INSTRUCTION_LENGTH;
  let opsize32 = defaultSize32;
  let adsize32 = defaultSize32;
  insn.address = start;
  insn.segmentOverride = NO_SEGMENT_OVERRIDE;
  insn.repeat = Repeat.None;
  insn.lock = false;
  insn.form = null;
  insn.failure = DecodeFailure.None;

  const fail = (why: DecodeFailure): Instruction => {
    insn.failure = why;
    insn.form = null;
    insn.length = Math.max(1, p - start);
    return insn;
  };
  // Running out of bytes means the instruction is too long when the window was cut by the 15-byte
  // limit; when it was cut by the end of readable memory, the CPU must fetch more (and may #PF).
  const windowIsLengthLimit = end === limitEnd;
  const outOfBytes = (): Instruction => fail(windowIsLengthLimit ? DecodeFailure.TooLong : DecodeFailure.NeedMoreBytes);

  // Prefixes: any number, in any order; the last segment override and repeat prefix win.
  for (;;) {
    if (p >= end) return outOfBytes();
    const b = bytes[p]!;
    if (b === prefixes.operandSize) opsize32 = !defaultSize32;
    else if (b === prefixes.addressSize) adsize32 = !defaultSize32;
    else if (b === prefixes.lock) insn.lock = true;
    else if (b === prefixes.rep) insn.repeat = Repeat.RepE;
    else if (b === prefixes.repne) insn.repeat = Repeat.RepNE;
    else if (b === prefixes.es) insn.segmentOverride = 0;
    else if (b === prefixes.cs) insn.segmentOverride = 1;
    else if (b === prefixes.ss) insn.segmentOverride = 2;
    else if (b === prefixes.ds) insn.segmentOverride = 3;
    else if (b === prefixes.fs) insn.segmentOverride = 4;
    else if (b === prefixes.gs) insn.segmentOverride = 5;
    else break;
    p++;
  }
  insn.prefixCount = p - start;
  insn.operandSize = opsize32 ? 32 : 16;
  insn.addressSize = adsize32 ? 32 : 16;

  let opcode = bytes[p++]!;
  let candidates = oneByteForms[opcode]!;
  if (opcode === 0x0f) {
    if (p >= end) return outOfBytes();
    opcode = bytes[p++]!;
    candidates = twoByteForms[opcode]!;
  }
  if (candidates.length === 0) return fail(DecodeFailure.UndefinedOpcode);
  insn.opcodeRegister = opcode & 7;

  let form: InstructionForm | null;
  insn.hasModrm = needsModrm(candidates);
  insn.hasSib = false;
  insn.base = NO_REGISTER;
  insn.index = NO_REGISTER;
  insn.scale = 0;
  insn.displacement = 0;
  insn.displacementSize = 0;
  insn.mod = 0;
  insn.reg = 0;
  insn.rm = 0;
  if (insn.hasModrm) {
    if (p >= end) return outOfBytes();
    const modrm = bytes[p++]!;
    form = selectForm(candidates, modrm, insn.repeat, opsize32 !== defaultSize32);
    insn.mod = modrm >> 6;
    insn.reg = (modrm >> 3) & 7;
    insn.rm = modrm & 7;
    if (form === null) return fail(DecodeFailure.UndefinedOpcode);
    // An rmreg operand (MOV to/from CRn/DRn) always names a register, whatever mod says.
    if (form.operands.some((o) => o.kind === 'rmreg')) insn.mod = 3;
    if (insn.mod !== 3) {
      const r = adsize32 ? decodeAddress32(bytes, p, end, insn) : decodeAddress16(bytes, p, end, insn);
      if (r < 0) return outOfBytes();
      p = r;
    }
  } else {
    form = selectForm(candidates, 0xc0, insn.repeat, opsize32 !== defaultSize32);
    if (form === null) return fail(DecodeFailure.UndefinedOpcode);
  }

  // Immediates, in operand order (ENTER: imm16 then imm8; far pointers: offset then selector).
  insn.immediate = 0;
  insn.immediate2 = 0;
  let immediateCount = 0;
  for (const operand of form.operands) {
    const n = immediateBytes(operand, insn);
    if (n === 0) continue;
    if (p + n > end) return outOfBytes();
    if (operand.kind === 'far') {
      const offsetBytes = n - 2;
      insn.immediate = readLittleEndian(bytes, p, offsetBytes);
      insn.immediate2 = readLittleEndian(bytes, p + offsetBytes, 2);
    } else {
      let value = readLittleEndian(bytes, p, n);
      if (operand.kind === 'simm8') value = (value << 24) >> 24;
      else if (operand.kind === 'rel') value = n === 1 ? (value << 24) >> 24 : n === 2 ? (value << 16) >> 16 : value | 0;
      if (immediateCount === 0) insn.immediate = value;
      else insn.immediate2 = value;
      immediateCount++;
    }
    p += n;
  }
  if (form.operands.some((o) => o.kind === 'moffs')) {
    insn.displacement = insn.immediate;
    insn.displacementSize = insn.addressSize / 8;
  }
  if (p - start > MAX_INSTRUCTION_LENGTH) return fail(DecodeFailure.TooLong);
  insn.form = form;
  insn.length = p - start;
  return insn;
}

function readLittleEndian(bytes: Uint8Array, p: number, n: number): number {
  if (n === 1) return bytes[p]!;
  if (n === 2) return bytes[p]! | (bytes[p + 1]! << 8);
  return (bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24)) >>> 0;
}

/** 32-bit addressing: ModRM with optional SIB and disp8/disp32. Returns the new position, or -1 when out of bytes. */
function decodeAddress32(bytes: Uint8Array, p: number, end: number, insn: Instruction): number {
  let base = insn.rm;
  if (insn.rm === 4) {
    if (p >= end) return -1;
    const sib = bytes[p++]!;
    insn.hasSib = true;
    insn.scale = sib >> 6;
    const index = (sib >> 3) & 7;
    insn.index = index === 4 ? NO_REGISTER : index; // index 4 (ESP) means "no index"
    base = sib & 7;
    if (base === 5 && insn.mod === 0) {
      base = NO_REGISTER; // [index*scale + disp32]
      if (p + 4 > end) return -1;
      insn.displacement = readLittleEndian(bytes, p, 4) | 0;
      insn.displacementSize = 4;
      insn.base = NO_REGISTER;
      return p + 4;
    }
  } else if (insn.rm === 5 && insn.mod === 0) {
    if (p + 4 > end) return -1;
    insn.displacement = readLittleEndian(bytes, p, 4) | 0; // [disp32]
    insn.displacementSize = 4;
    insn.base = NO_REGISTER;
    return p + 4;
  }
  insn.base = base;
  if (insn.mod === 1) {
    if (p >= end) return -1;
    insn.displacement = (bytes[p++]! << 24) >> 24;
    insn.displacementSize = 1;
  } else if (insn.mod === 2) {
    if (p + 4 > end) return -1;
    insn.displacement = readLittleEndian(bytes, p, 4) | 0;
    insn.displacementSize = 4;
    p += 4;
  }
  return p;
}

/** The 16-bit ModRM base/index pairs: [BX+SI], [BX+DI], [BP+SI], [BP+DI], [SI], [DI], [BP], [BX]. */
const base16 = [3, 3, 5, 5, 6, 7, 5, 3];
const index16 = [6, 7, 6, 7, NO_REGISTER, NO_REGISTER, NO_REGISTER, NO_REGISTER];

function decodeAddress16(bytes: Uint8Array, p: number, end: number, insn: Instruction): number {
  if (insn.mod === 0 && insn.rm === 6) {
    if (p + 2 > end) return -1;
    insn.displacement = readLittleEndian(bytes, p, 2); // [disp16]
    insn.displacementSize = 2;
    return p + 2;
  }
  insn.base = base16[insn.rm]!;
  insn.index = index16[insn.rm]!;
  if (insn.mod === 1) {
    if (p >= end) return -1;
    insn.displacement = (bytes[p++]! << 24) >> 24;
    insn.displacementSize = 1;
  } else if (insn.mod === 2) {
    if (p + 2 > end) return -1;
    insn.displacement = (readLittleEndian(bytes, p, 2) << 16) >> 16;
    insn.displacementSize = 2;
    p += 2;
  }
  return p;
}

/** Every form of the table, for tools that enumerate instructions (tests, the assembler). */
export { instructionForms };
