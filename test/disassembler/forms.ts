// Byte encodings of every form in the ISA table, generated from the table itself: for each form, a
// handful of instances covering its ModRM shapes (register, [reg], disp8, disp32, SIB with and
// without index, absolute, 16-bit addressing), its immediates and the prefixes it honours.
// The disassembler test feeds them to GNU objdump and to gate86's disassembler and compares.

import { instructionForms, type InstructionForm, type Operand } from '../../vm/isa/table.ts';

export interface FormInstance {
  form: InstructionForm;
  bytes: number[];
}

interface Addressing {
  /** ModRM mod and rm, then the SIB and displacement bytes that follow. */
  mod: number;
  rm: number;
  tail: number[];
}

const REGISTER: Addressing = { mod: 3, rm: 1, tail: [] };
const MEMORY32: Addressing[] = [
  { mod: 0, rm: 0, tail: [] }, // (%eax)
  { mod: 1, rm: 5, tail: [0xfc] }, // -0x4(%ebp)
  { mod: 2, rm: 6, tail: [0x78, 0x56, 0x34, 0x12] }, // 0x12345678(%esi)
  { mod: 0, rm: 4, tail: [0x9e] }, // (%esi,%ebx,4)
  { mod: 1, rm: 4, tail: [0x24, 0x08] }, // 0x8(%esp)
  { mod: 0, rm: 5, tail: [0x10, 0xa0, 0x04, 0x08] }, // 0x804a010
  { mod: 0, rm: 4, tail: [0xcd, 0xf0, 0xff, 0xff, 0xff] }, // -0x10(,%ecx,8)
  { mod: 0, rm: 4, tail: [0x25, 0x00, 0x10, 0x00, 0x00] }, // 0x1000(,%eiz,1)
  { mod: 1, rm: 4, tail: [0x26, 0x00] }, // 0x0(%esi,%eiz,1)
];
const MEMORY16: Addressing[] = [
  { mod: 0, rm: 0, tail: [] }, // (%bx,%si)
  { mod: 1, rm: 6, tail: [0xfe] }, // -0x2(%bp)
  { mod: 0, rm: 6, tail: [0x34, 0x12] }, // 0x1234
  { mod: 2, rm: 7, tail: [0x00, 0x80] }, // -0x8000(%bx)
];

function littleEndian(value: number, bytes: number): number[] {
  return Array.from({ length: bytes }, (_, i) => (value >>> (8 * i)) & 0xff);
}

/** Immediate bytes for the form's operands, in operand order. */
function immediates(operands: Operand[], operandSize: 16 | 32, addressSize: 16 | 32): number[] {
  const out: number[] = [];
  const bits = (o: Operand): number => (o.size === 'v' ? operandSize : (o.size as number));
  for (const o of operands) {
    if (o.kind === 'imm') {
      const size = bits(o);
      out.push(...littleEndian(size === 8 ? 0x85 : size === 16 ? 0x89ab : 0x12345678, size / 8));
    } else if (o.kind === 'simm8') out.push(0xf0);
    else if (o.kind === 'rel') out.push(...littleEndian(0x10, bits(o) / 8));
    else if (o.kind === 'moffs') out.push(...littleEndian(addressSize === 32 ? 0x0804a010 : 0x1234, addressSize / 8));
    else if (o.kind === 'far') out.push(...littleEndian(0x1000, operandSize / 8), 0x60, 0x00);
  }
  return out;
}

function usesOperandSize(form: InstructionForm): boolean {
  return form.operands.some((o) => o.size === 'v' || o.kind === 'far' || o.kind === 'farmem' || o.kind === 'mem')
    || form.mnemonic16 !== undefined || form.suffix !== undefined || form.spelling16 !== undefined || form.registerByOperandSize === true;
}

function hasMemory(form: InstructionForm): boolean {
  return form.operands.some((o) => ['rm', 'mem', 'farmem', 'moffs', 'srcstr', 'dststr', 'mmrm', 'xmmrm'].includes(o.kind));
}

/** The ModRM.reg value to use: the /digit, or a register number valid for the operand kind. */
function regField(form: InstructionForm, variant: number): number {
  if (form.extension !== undefined) return form.extension;
  if (form.operands.some((o) => o.kind === 'sreg')) return [3, 0, 4, 5][variant % 4]!; // ds es fs gs
  if (form.operands.some((o) => o.kind === 'creg')) return [0, 2, 3, 4][variant % 4]!;
  return (2 + variant * 3) % 8;
}

function encode(form: InstructionForm, prefix: number[], addressing: Addressing | null, variant: number): number[] {
  const operandSize: 16 | 32 = prefix.includes(0x66) ? 16 : 32;
  const addressSize: 16 | 32 = prefix.includes(0x67) ? 16 : 32;
  const bytes = [...prefix];
  if (form.mandatoryPrefix !== undefined) bytes.push(form.mandatoryPrefix);
  bytes.push(...form.opcode);
  if (form.modrm && addressing) {
    const rm = form.modrmRm ?? addressing.rm;
    bytes.push((addressing.mod << 6) | (regField(form, variant) << 3) | rm, ...addressing.tail);
  }
  bytes.push(...immediates(form.operands, operandSize, addressSize));
  return bytes;
}

/**
 * On 0F AE (MXCSR, fences, CLFLUSH) objdump reads 66 as the mandatory prefix of later instructions
 * outside every gate86 model (66 0F AE /7 is clflushopt, /6 with mod 3 tpause): no 66 there.
 */
function dataPrefixMeansNewer(form: InstructionForm): boolean {
  return form.opcode[0] === 0x0f && form.opcode[1] === 0xae;
}

/** Every form of the table, a few instances each. */
export function formInstances(): FormInstance[] {
  const out: FormInstance[] = [];
  for (const form of instructionForms) {
    const prefixSets: number[][] = [[]];
    if (usesOperandSize(form) && !dataPrefixMeansNewer(form)) prefixSets.push([0x66]);
    if (hasMemory(form)) prefixSets.push([0x67], [0x64]);
    if (form.branchHint) prefixSets.push([0x2e], [0x3e]);
    if (form.repeat) prefixSets.push([0xf3], [0xf2]);
    if (form.lockable) prefixSets.push([0xf0], [0xf0, 0xf2], [0xf3, 0xf0]);
    if (form.hle !== undefined) prefixSets.push([0xf2], [0xf3], [0xf3, 0xf2]);
    for (const prefix of prefixSets) {
      if (!form.modrm) {
        out.push({ form, bytes: encode(form, prefix, null, 0) });
        continue;
      }
      const registerOnly = form.modrmMod === 'register' || form.modrmRm !== undefined
        || form.operands.some((o) => o.kind === 'rmreg');
      const memoryOnly = form.modrmMod === 'memory' || form.operands.some((o) => o.kind === 'mem' || o.kind === 'farmem');
      const memory = prefix.includes(0x67) ? MEMORY16 : MEMORY32;
      const shapes = [...(memoryOnly ? [] : [REGISTER]), ...(registerOnly ? [] : memory)];
      // Without prefixes every shape; with a prefix, two shapes are enough.
      const chosen = prefix.length === 0 ? shapes : shapes.slice(0, 2);
      chosen.forEach((shape, i) => out.push({ form, bytes: encode(form, prefix, shape, i) }));
    }
  }
  return out;
}

/** An assembler source with one labelled `.byte` line per instance, so a length disagreement cannot spread. */
export function formsAssembly(instances: FormInstance[]): string {
  const lines = ['\t.text'];
  instances.forEach((instance, i) => {
    lines.push(`f${i}:\t.byte ${instance.bytes.map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(',')}`);
  });
  return lines.join('\n') + '\n';
}

/**
 * Random instances: a random form with random ModRM, SIB, displacement and immediate bytes, behind a
 * random mix of prefixes. REP prefixes only go on one-byte opcodes: on 0F opcodes objdump reads F2/F3
 * as SSE-era mandatory prefixes (F3 0F BC is tzcnt), instructions outside the i386 ISA.
 */
export function randomInstances(count: number, seed: number): FormInstance[] {
  let state = seed >>> 0;
  const random = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.floor((state / 2 ** 32) * n);
  };
  const out: FormInstance[] = [];
  const prefixChoices = [0x66, 0x67, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0xf0, 0xf2, 0xf3];
  while (out.length < count) {
    const form = instructionForms[random(instructionForms.length)]!;
    const twoByte = form.opcode.length > 1;
    const prefix: number[] = [];
    const group15 = dataPrefixMeansNewer(form);
    for (let n = random(4); n > 0; n--) {
      const p = prefixChoices[random(prefixChoices.length)]!;
      if (twoByte && (p === 0xf2 || p === 0xf3)) continue;
      if (group15 && p === 0x66) continue;
      prefix.push(p);
    }
    const bytes = [...prefix];
    if (form.mandatoryPrefix !== undefined) bytes.push(form.mandatoryPrefix);
    bytes.push(...form.opcode);
    const operandSize: 16 | 32 = prefix.includes(0x66) ? 16 : 32;
    const addressSize: 16 | 32 = prefix.includes(0x67) ? 16 : 32;
    if (form.modrm) {
      const registerOnly = form.modrmMod === 'register' || form.modrmRm !== undefined || form.operands.some((o) => o.kind === 'rmreg');
      const memoryOnly = form.modrmMod === 'memory' || form.operands.some((o) => o.kind === 'mem' || o.kind === 'farmem');
      let mod = registerOnly ? 3 : memoryOnly ? random(3) : random(4);
      const reg = form.extension ?? (form.operands.some((o) => o.kind === 'sreg') ? random(6) : random(8));
      const rm = form.modrmRm ?? random(8);
      if (registerOnly) mod = 3;
      bytes.push((mod << 6) | (reg << 3) | rm);
      if (mod !== 3) {
        if (addressSize === 32) {
          let base = rm;
          if (rm === 4) {
            const sib = random(256);
            bytes.push(sib);
            base = sib & 7;
          }
          const disp = mod === 1 ? 1 : mod === 2 || (mod === 0 && base === 5) ? 4 : 0;
          for (let i = 0; i < disp; i++) bytes.push(random(256));
        } else {
          const disp = mod === 1 ? 1 : mod === 2 || (mod === 0 && rm === 6) ? 2 : 0;
          for (let i = 0; i < disp; i++) bytes.push(random(256));
        }
      }
    }
    for (const b of immediates(form.operands, operandSize, addressSize)) bytes.push(b === 0 ? 0 : random(256));
    out.push({ form, bytes });
  }
  return out;
}
