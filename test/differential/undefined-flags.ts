// Which EFLAGS bits a case may not compare: exactly those the ISA table (vm/isa/table.ts) calls
// undefined for the instructions of the snippet, and nothing else.
//
// The table gives, per form, `flagsUndefined` and, for shifts and rotates, `flagsUndefinedByCount`.
// The count rules (Intel SDM Vol. 2B, SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD, SHRD) are applied here:
//   - the count is masked to 5 bits first;
//   - a masked count of 0 changes no flag at all, so nothing is undefined then (not even AF);
//   - `unlessCountIsOne` flags are undefined when the masked count is not 1;
//   - `whenCountExceedsWidth` flags are undefined when the masked count exceeds the operand width.
// The snippet is decoded with the project's decoder to find its instructions and their counts.

import { decode, Instruction, DecodeFailure } from '../../vm/isa/decoder.ts';
import type { InstructionForm } from '../../vm/isa/table.ts';
import { FLAG_BITS, type MachineState } from './layout.ts';

export function flagBits(letters: string): number {
  let bits = 0;
  for (const letter of letters) {
    const bit = FLAG_BITS[letter];
    if (bit === undefined) throw new Error(`unknown flag letter '${letter}' in the ISA table`);
    bits |= bit;
  }
  return bits;
}

/** The instructions of a snippet in address order, decoded as 32-bit code. */
export function decodeSnippet(bytes: Uint8Array): Instruction[] {
  const out: Instruction[] = [];
  for (let p = 0; p < bytes.length;) {
    const insn = decode(bytes, p, bytes.length - p, true);
    if (insn.failure !== DecodeFailure.None || insn.form === null) {
      // An undefined opcode (a #UD case) ends the decodable part: nothing after it runs.
      out.push(insn);
      break;
    }
    out.push(insn);
    p += insn.length;
  }
  return out;
}

/** The shift or rotate count an instruction uses, before masking: CL, 1 or its immediate. */
function countOf(form: InstructionForm, insn: Instruction, initial: MachineState): number {
  const last = form.operands[form.operands.length - 1]!;
  if (last.kind === 'cl') return initial.ecx & 0xff;
  if (last.kind === 'one') return 1;
  return insn.immediate & 0xff;
}

/** The undefined flags of one instruction, given the state it starts in (for CL counts). */
export function undefinedFlagsOf(insn: Instruction, initial: MachineState): number {
  const form = insn.form;
  if (!form) return 0;
  const byCount = form.flagsUndefinedByCount;
  if (!byCount) return flagBits(form.flagsUndefined);
  const count = countOf(form, insn, initial) & 0x1f;
  if (count === 0) return 0;
  let letters = form.flagsUndefined;
  if (byCount.unlessCountIsOne && count !== 1) letters += byCount.unlessCountIsOne;
  if (byCount.whenCountExceedsWidth && count > insn.sizeOf(form.operands[0]!)) letters += byCount.whenCountExceedsWidth;
  return flagBits(letters);
}

/** The flags an instruction writes, defined or not: none at all when its shift count masks to 0. */
export function flagsTouchedBy(insn: Instruction, initial: MachineState): number {
  const form = insn.form;
  if (!form) return 0;
  const byCount = form.flagsUndefinedByCount;
  if (byCount && (countOf(form, insn, initial) & 0x1f) === 0) return 0;
  return flagBits(form.flagsWritten) | flagBits(form.flagsUndefined) | undefinedFlagsOf(insn, initial);
}

/**
 * The flags to mask after a snippet, walking its instructions in address order: an instruction that
 * writes a flag makes it defined again, one that leaves it undefined makes it undefined. (Snippets
 * with branches only branch over instructions that write no flags; a CL count is the initial CL.)
 */
export function undefinedFlagsOfSnippet(instructions: readonly Instruction[], initial: MachineState): number {
  let mask = 0;
  for (const insn of instructions) mask = (mask & ~flagsTouchedBy(insn, initial)) | undefinedFlagsOf(insn, initial);
  return mask;
}
