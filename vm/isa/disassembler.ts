// The disassembler: bytes in, objdump-style lines out. It decodes with vm/isa/decoder.ts and spells
// with vm/isa/att-syntax.ts, both driven by the one table (vm/isa/table.ts); it adds only the layout
// of GNU objdump's listing: address, raw bytes seven to a line, then the instruction.
//
// The ELF side (sections, symbols, `<foo>:` headers, skipped zeroes) is in cli/commands/objdump.ts;
// other parts (the kernel's boot log showing the vsyscall page) call `disassemble` on raw bytes.

import { decode, DecodeFailure, Instruction } from './decoder.ts';
import {
  countPrefixes, failedLength, formatAtt, MAX_INSTRUCTION_BYTES, MAX_PREFIXES, plainTarget, prefixRunText, tooLongText,
  type TargetNamer,
} from './att-syntax.ts';

export { plainTarget, type TargetNamer };

export interface DisassembledInstruction {
  address: number;
  /** The bytes the line covers (a view into the input). */
  bytes: Uint8Array;
  /** The instruction in AT&T syntax, exactly as objdump prints it after the bytes. */
  text: string;
  /** The destination of a direct jump, call or loop; null otherwise. */
  target: number | null;
  /** False for `(bad)` and for bytes that end mid-instruction (`.byte 0x..`). */
  valid: boolean;
}

export interface DisassembleOptions {
  /** The D bit of the code segment: true (the default) for 32-bit code. */
  defaultSize32?: boolean;
  /** How to print a branch target; default `0x8049010`, as objdump does without symbols. */
  nameTarget?: TargetNamer;
}

const scratch = new Instruction();

/** Disassemble the one instruction at `bytes[offset]`, reading no byte at or past `end`. */
export function disassembleOne(bytes: Uint8Array, offset: number, end: number, address: number, options: DisassembleOptions = {}): DisassembledInstruction {
  const size32 = options.defaultSize32 ?? true;
  const prefixCount = countPrefixes(bytes, offset, Math.min(end, offset + MAX_PREFIXES));
  if (prefixCount === MAX_PREFIXES) {
    const text = prefixRunText(bytes, offset, prefixCount, size32);
    return { address: address >>> 0, bytes: bytes.subarray(offset, offset + prefixCount), text, target: null, valid: false };
  }
  const insn = decode(bytes, offset, end - offset, size32, scratch);
  // FWAIT: objdump reads it as the start of an x87 instruction, so prefixes before it stand alone.
  if (insn.form?.prefixesStandAlone && insn.prefixCount > 0) {
    return { address: address >>> 0, bytes: bytes.subarray(offset, offset + 1), text: prefixRunText(bytes, offset, 1, size32), target: null, valid: false };
  }
  // Past 15 bytes the decoder gives up, as the CPU would (#GP); so does objdump, with (bad).
  const tooLong = insn.failure === DecodeFailure.TooLong || (insn.failure === DecodeFailure.NeedMoreBytes && end - offset >= MAX_INSTRUCTION_BYTES);
  if (tooLong) {
    const text = tooLongText(decodeWithoutRepeats(bytes, offset, end, prefixCount, size32), bytes, offset, size32);
    return { address: address >>> 0, bytes: bytes.subarray(offset, offset + MAX_INSTRUCTION_BYTES), text, target: null, valid: false };
  }
  const { text, target, badOpcode } = formatAtt(insn, bytes, offset, address, size32, options.nameTarget ?? plainTarget);
  const length = insn.form === null ? failedLength(insn, bytes, offset) : badOpcode ? insn.prefixCount + insn.form.opcode.length : insn.length;
  return { address: address >>> 0, bytes: bytes.subarray(offset, offset + length), text, target, valid: insn.form !== null && badOpcode !== true };
}

/**
 * Decode an over-long instruction with each prefix kept once (its last occurrence, which is the one
 * that counts), to learn which prefixes it uses; `prefixCount` is then set back to the real count.
 */
function decodeWithoutRepeats(bytes: Uint8Array, offset: number, end: number, prefixCount: number, size32: boolean): Instruction {
  const kept: number[] = [];
  for (let p = offset; p < offset + prefixCount; p++) {
    const later = bytes.subarray(p + 1, offset + prefixCount).includes(bytes[p]!);
    if (!later) kept.push(bytes[p]!);
  }
  const rest = bytes.subarray(offset + prefixCount, Math.min(end, offset + prefixCount + MAX_INSTRUCTION_BYTES));
  const compact = Uint8Array.from([...kept, ...rest]);
  const insn = decode(compact, 0, compact.length, size32, new Instruction());
  insn.prefixCount = prefixCount;
  return insn;
}

/** Disassemble every byte of `bytes`, the first of which is at `address`. */
export function disassemble(bytes: Uint8Array, address: number, options: DisassembleOptions = {}): DisassembledInstruction[] {
  const lines: DisassembledInstruction[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const line = disassembleOne(bytes, offset, bytes.length, (address + offset) >>> 0, options);
    lines.push(line);
    offset += line.bytes.length;
  }
  return lines;
}

/** i386 objdump shows seven raw bytes per line; longer instructions continue on the next lines. */
export const BYTES_PER_LINE = 7;

/**
 * objdump's address column for a section: leading zeroes are dropped in groups of four (keeping
 * at least one zero of the group), the rest of them become spaces. `sectionEnd` is vma + size.
 */
export function addressColumn(sectionStart: number, sectionEnd: number): (address: number) => string {
  const widest = (sectionEnd >>> 0).toString(16).padStart(8, '0');
  let skip = 0;
  while (widest[skip] === '0') skip++;
  if (skip === widest.length && sectionStart !== 0) skip = 0;
  if (skip !== 0) skip = (skip - 1) & ~3;
  const width = 8 - skip;
  return (address) => {
    // Leading zeroes become spaces, but the last digit always shows.
    const digits = (address >>> 0).toString(16);
    const shown = digits.length > width ? digits.slice(digits.length - width) : digits;
    return shown.padStart(width, ' ');
  };
}

/** "00 " to "ff ": one byte of the raw-bytes column. */
const BYTE_TEXT = Array.from({ length: 256 }, (_, b) => `${b.toString(16).padStart(2, '0')} `);

function byteText(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += BYTE_TEXT[bytes[i]!]!;
  return text;
}

/** The listing lines of one instruction: `address:\tbytes\ttext`, plus continuation lines for long ones. */
export function formatInstruction(line: DisassembledInstruction, column: (address: number) => string): string[] {
  const first = line.bytes.subarray(0, BYTES_PER_LINE);
  const out = [`${column(line.address)}:\t${byteText(first).padEnd(BYTES_PER_LINE * 3)}\t${line.text}`];
  for (let p = BYTES_PER_LINE; p < line.bytes.length; p += BYTES_PER_LINE) {
    out.push(`${column(line.address + p)}:\t${byteText(line.bytes.subarray(p, p + BYTES_PER_LINE))}`);
  }
  return out;
}

/** objdump's defaults: skip a run of 8 or more zero bytes, or of 1-2 zero bytes at the end of a block. */
const SKIP_ZEROES = 8;
const SKIP_ZEROES_AT_END = 3;

/**
 * How many zero bytes objdump skips (printing `\t...`) at `data[offset]` in a block ending at `stop`:
 * 0 when it disassembles them. Before more code, only whole words go, so as not to eat the start of
 * an instruction.
 */
export function skippedZeroes(data: Uint8Array, offset: number, stop: number): number {
  let end = offset;
  while (end < stop && data[end] === 0) end++;
  const zeroes = end - offset;
  if (end === stop) return zeroes > 0 && zeroes < SKIP_ZEROES_AT_END ? zeroes : zeroes >= SKIP_ZEROES ? zeroes : 0;
  return zeroes >= SKIP_ZEROES ? zeroes & ~3 : 0;
}

/** A name for an address in guest code, such as a symbol of the vsyscall DSO. */
export interface NamedAddress {
  name: string;
  address: number;
}

/** Names branch targets as objdump does, after the nearest symbol at or below: `ffffe403 <__kernel_vsyscall+0x3>`. */
export function symbolTargetNamer(symbols: readonly NamedAddress[]): TargetNamer {
  const sorted = [...symbols].sort((a, b) => a.address - b.address);
  return (target) => {
    let best: NamedAddress | undefined;
    for (const s of sorted) if (s.address <= target) best = s;
    const hex = target.toString(16);
    if (best === undefined) return sorted.length === 0 ? `0x${hex}` : `${hex} <${sorted[0]!.name}-0x${(sorted[0]!.address - target).toString(16)}>`;
    return target === best.address ? `${hex} <${best.name}>` : `${hex} <${best.name}+0x${(target - best.address).toString(16)}>`;
  };
}

/**
 * A listing of raw bytes in objdump's layout, one string per line, runs of zeroes shown as `...`
 * as objdump does. With `symbols`, each symbol in
 * the range starts a block under a `ffffe400 <name>:` header (after an empty line), decoding restarts
 * there as objdump's does, and branch targets are named after the symbols.
 */
export function listing(bytes: Uint8Array, address: number, options: DisassembleOptions & { symbols?: readonly NamedAddress[] } = {}): string[] {
  const column = addressColumn(address, address + bytes.length);
  const symbols = options.symbols ?? [];
  const nameTarget = options.nameTarget ?? (symbols.length > 0 ? symbolTargetNamer(symbols) : plainTarget);
  const starts = [...new Set(symbols.map((s) => s.address - address).filter((o) => o > 0 && o < bytes.length))].sort((a, b) => a - b);
  const out: string[] = [];
  let blockStart = 0;
  for (const blockEnd of [...starts, bytes.length]) {
    const here = (address + blockStart) >>> 0;
    const label = symbols.find((s) => s.address === here);
    if (label) out.push('', `${here.toString(16).padStart(8, '0')} <${label.name}>:`);
    for (let offset = blockStart; offset < blockEnd;) {
      const skip = skippedZeroes(bytes, offset, blockEnd);
      if (skip > 0) {
        out.push('\t...');
        offset += skip;
        continue;
      }
      const line = disassembleOne(bytes, offset, blockEnd, (address + offset) >>> 0, { ...options, nameTarget });
      out.push(...formatInstruction(line, column));
      offset += line.bytes.length;
    }
    blockStart = blockEnd;
  }
  return out;
}
