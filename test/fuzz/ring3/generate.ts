// The ring-3 fuzzer's two generators, each a pure function of (seed, case number):
//   - bytes: random bytes (with prefixes and the 0F escape more likely than chance would make them);
//   - forms: instructions encoded from rows of the ONE ISA table (vm/isa/table.ts): prefixes, opcode,
//     ModRM/SIB/displacement and immediates as the row's operands say, every row the CPU model has.
// Registers point into the data page most of the time, so memory operands often work and sometimes
// run off the page; the stack pointer sits inside the data page.
//
// For the forms generator the result should be the same on every correct i386: after a row that
// leaves flags undefined (table: flagsUndefined, flagsUndefinedByCount) the generator writes
// `cmp %eax,%eax`, which defines all six, so no later instruction can branch on an undefined flag.
// Rows whose result depends on the machine by design (selector values, CPUID, the TSC, the system
// tables' addresses, a hypervisor's VMCALL) mark the case: it still runs, and the kernel must
// survive it, but its exit code is not compared.

import { instructionForms, type InstructionForm, type Operand } from '../../../vm/isa/table.ts';
import { cpuModels, modelHasInstruction, type CpuModel } from '../../../vm/cpu/models.ts';
import { Random, operandValue } from '../../differential/case.ts';
import { DATA_ADDR, DATA_SIZE } from './layout.ts';
import type { Registers, Ring3Case } from './case.ts';

/** DATA_SIZE is 1 << DATA_SHIFT. */
const DATA_SHIFT = Math.log2(DATA_SIZE);
if (!Number.isInteger(DATA_SHIFT)) throw new Error('the data page size must be a power of two');
const AC = 1 << 18, ID = 1 << 21, NT = 1 << 14, DF = 1 << 10, IF = 1 << 9, FIXED = 1 << 1;
const ARITHMETIC = 0x8d5;   // OF SF ZF AF PF CF

/** A case's own generator: seeded by the run's seed and the case number only. */
export function caseRandom(seed: number, index: number): Random {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return new Random((h ^ (h >>> 16)) >>> 0);
}

/** An address in or near the data page, or a value for arithmetic. */
function registerValue(r: Random): number {
  const roll = r.below(10);
  if (roll < 5) return (DATA_ADDR + r.below(DATA_SIZE)) >>> 0;
  if (roll < 6) return (DATA_ADDR + r.below(DATA_SIZE) * (r.chance(0.5) ? 1 : -1) + (r.chance(0.5) ? DATA_SIZE : 0)) >>> 0;
  return operandValue(r, 32);
}

function randomRegisters(r: Random): Registers {
  const eflags = FIXED | IF | (r.u32() & ARITHMETIC) | (r.chance(0.1) ? DF : 0) | (r.chance(0.05) ? AC : 0) |
    (r.chance(0.02) ? NT : 0) | (r.chance(0.1) ? ID : 0);
  return {
    eax: registerValue(r), ecx: registerValue(r), edx: registerValue(r), ebx: registerValue(r),
    esp: r.chance(0.9) ? (DATA_ADDR + 0x800 + 4 * r.below(0x1f0)) >>> 0 : registerValue(r),
    ebp: registerValue(r), esi: registerValue(r), edi: registerValue(r), eflags: eflags >>> 0,
  };
}

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * The data page: random bytes, pointers back into itself, zeros. A word at a time, each drawn as
 * r.below(8) and r.below(DATA_SIZE) would draw it (below(2^k) is the top k bits of u32): the
 * judging thread makes a page for every case, and a DataView store per word was most of the time
 * it spent generating them.
 */
function randomData(r: Random): Uint8Array {
  const words = new Uint32Array(DATA_SIZE / 4);
  for (let i = 0; i < words.length; i++) {
    const roll = r.u32() >>> 29;                                       // r.below(8)
    if (roll < 3) words[i] = r.u32();
    else if (roll < 5) words[i] = DATA_ADDR + (r.u32() >>> (32 - DATA_SHIFT));   // DATA_ADDR + r.below(DATA_SIZE)
    else if (roll < 6) words[i] = operandValue(r, 32);
  }
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(words.buffer);
  const data = new Uint8Array(DATA_SIZE);
  const view = new DataView(data.buffer);
  words.forEach((w, i) => view.setUint32(4 * i, w, true));
  return data;
}

// ---------------------------------------------------------------------------------------------
// Random bytes

const LIKELY_BYTES = [0x0f, 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0xff, 0x00];

export function bytesCase(seed: number, index: number): Ring3Case {
  const r = caseRandom(seed, index);
  const length = 1 + r.below(r.chance(0.8) ? 24 : 96);
  const code = new Uint8Array(length);
  for (let i = 0; i < length; i++) code[i] = r.chance(0.2) ? r.pick(LIKELY_BYTES) : r.below(256);
  return { kind: 'bytes', regs: randomRegisters(r), code, data: randomData(r), compareExitCode: false, environment: '' };
}

// ---------------------------------------------------------------------------------------------
// Instructions from the ISA table

/**
 * Rows whose result depends on which machine and kernel run it, by design and not by the SDM: an
 * i386 Linux's user selectors are 0x73/0x7b, an x86-64 host's 0x23/0x2b; CPUID and the TSC differ;
 * SGDT/SIDT/SMSW/SLDT/STR show (or, with UMIP, fake) the system tables; a hypervisor answers VMCALL.
 */
export const ENVIRONMENT_OPERATIONS: ReadonlySet<string> = new Set([
  'cpuid', 'rdtsc', 'rdpmc', 'sgdt', 'sidt', 'sldt', 'str', 'smsw', 'vmcall', 'lar', 'lsl', 'verr', 'verw', 'arpl',
  'mov-from-sreg', 'push-sreg', 'mov-to-sreg', 'pop-sreg', 'load-far-pointer', 'jmp-far', 'jmp-far-indirect',
  'call-far', 'call-far-indirect', 'ret-far', 'iret',
]);

/** Rows that enter the kernel: never generated (the runner's children make no system calls). */
const SYSTEM_CALL_OPERATIONS = new Set(['sysenter', 'syscall']);

function formsOf(model: CpuModel): InstructionForm[] {
  return instructionForms.filter((f) => modelHasInstruction(model, f.since, f.operation, f.feature) && !SYSTEM_CALL_OPERATIONS.has(f.operation));
}
const formsByModel = new Map<string, InstructionForm[]>();

const SEGMENT_PREFIXES = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];

function bytesOf(value: number, size: number): number[] {
  return Array.from({ length: size }, (_, i) => (value >>> (8 * i)) & 0xff);
}

/** A displacement: small, or an absolute address in the data page. */
function displacement(r: Random, size: 1 | 2 | 4): number[] {
  if (size === 1) return [r.chance(0.6) ? r.below(64) : r.below(256)];
  if (size === 2) return bytesOf(r.chance(0.5) ? r.below(0x200) : r.u32(), 2);
  return bytesOf(r.chance(0.5) ? DATA_ADDR + r.below(DATA_SIZE) : r.chance(0.5) ? r.below(0x200) - 0x100 : r.u32(), 4);
}

/** ModRM (and SIB and displacement) for a row: mod, reg and rm as its constraints allow. */
function modrmBytes(r: Random, f: InstructionForm, address16: boolean): { bytes: number[]; memory: boolean } {
  const needsMemory = f.modrmMod === 'memory' || f.operands.some((o) => o.kind === 'mem' || o.kind === 'farmem');
  const mod = f.modrmMod === 'register' ? 3 : needsMemory ? r.below(3) : r.chance(0.5) ? 3 : r.below(3);
  const reg = f.extension ?? r.below(8);
  const rm = f.modrmRm ?? r.below(8);
  const bytes = [(mod << 6) | (reg << 3) | rm];
  if (mod === 3) return { bytes, memory: false };
  if (address16) {
    if (mod === 1) bytes.push(...displacement(r, 1));
    else if (mod === 2 || rm === 6) bytes.push(...displacement(r, 2));
    return { bytes, memory: true };
  }
  let base = rm;
  if (rm === 4) {
    const sib = r.below(256);
    bytes.push(sib);
    base = sib & 7;
  }
  if (mod === 1) bytes.push(...displacement(r, 1));
  else if (mod === 2 || (mod === 0 && base === 5)) bytes.push(...displacement(r, 4));
  return { bytes, memory: true };
}

/** A branch displacement: mostly a few bytes forward, sometimes back, sometimes anywhere. */
function branch(r: Random, size: 1 | 2 | 4): number[] {
  const roll = r.below(10);
  const value = roll < 6 ? r.below(24) : roll < 8 ? -1 - r.below(24) : r.u32();
  return bytesOf(value, size);
}

function immediates(r: Random, f: InstructionForm, operandSize: 16 | 32, addressSize: 16 | 32): number[] {
  const out: number[] = [];
  const sized = (o: Operand): 1 | 2 | 4 => (o.size === 'v' ? operandSize / 8 : (o.size as number) / 8) as 1 | 2 | 4;
  for (const o of f.operands) {
    if (o.kind === 'imm') out.push(...bytesOf(operandValue(r, 32), sized(o)));
    else if (o.kind === 'simm8') out.push(...bytesOf(operandValue(r, 8), 1));
    else if (o.kind === 'rel') out.push(...branch(r, sized(o)));
    else if (o.kind === 'moffs') out.push(...bytesOf(DATA_ADDR + r.below(DATA_SIZE), addressSize / 8));
    else if (o.kind === 'far') out.push(...bytesOf(r.u32(), operandSize / 8), ...bytesOf(r.below(0x10000), 2));
  }
  return out;
}

/** One instruction of a row, with random prefixes that the row allows (and now and then one it does not). */
function encode(r: Random, f: InstructionForm): number[] {
  const prefix: number[] = [];
  const hasV = f.operands.some((o) => o.size === 'v');
  const operandSize = hasV && r.chance(0.15) ? 16 : 32;
  if (operandSize === 16) prefix.push(0x66);
  const address16 = r.chance(0.04);
  if (address16) prefix.push(0x67);
  if (r.chance(0.1)) prefix.push(r.pick(SEGMENT_PREFIXES));
  if (f.mandatoryPrefix !== undefined) prefix.push(f.mandatoryPrefix);
  else if (f.repeat !== undefined && r.chance(0.4)) prefix.push(r.pick(f.repeat === 'rep' ? [0xf3] : [0xf3, 0xf2]));
  const modrm = f.modrm ? modrmBytes(r, f, address16) : { bytes: [], memory: f.operands.some((o) => o.kind === 'moffs') };
  if (r.chance(f.lockable === true && modrm.memory ? 0.3 : 0.01)) prefix.unshift(0xf0);
  // Prefixes go in any order before the opcode; a mandatory prefix must stay the last.
  return [...prefix, ...f.opcode, ...modrm.bytes, ...immediates(r, f, operandSize, address16 ? 16 : 32)];
}

const CMP_EAX_EAX = [0x39, 0xc0];

export function formsCase(seed: number, index: number, cpu: string): Ring3Case {
  const r = caseRandom(seed, index);
  const model = cpuModels[cpu]!;
  let forms = formsByModel.get(cpu);
  if (forms === undefined) formsByModel.set(cpu, forms = formsOf(model));
  const count = 1 + r.below(12);
  const code: number[] = [];
  const environment = new Set<string>();
  for (let i = 0; i < count; i++) {
    const f = r.pick(forms);
    code.push(...encode(r, f));
    if (ENVIRONMENT_OPERATIONS.has(f.operation)) environment.add(f.operation);
    if (f.flagsUndefined !== '' || f.flagsUndefinedByCount !== undefined) code.push(...CMP_EAX_EAX);
  }
  const env = [...environment].join(',');
  return { kind: 'forms', regs: randomRegisters(r), code: Uint8Array.from(code), data: randomData(r), compareExitCode: env === '', environment: env };
}
