// Call frame information: the .cfi_* directives, and the .eh_frame section gas builds from them.
//
// gcc describes how each function moves the stack (`.cfi_def_cfa_offset 8` after a push, ...) so
// that a debugger or an unwinder can find the caller's frame. gas turns those notes into DWARF CFI
// in .eh_frame: a CIE (the rules every function starts with: the CFA is %esp+4, the return address
// is at CFA-4) and one FDE per function (the function's address range and, in order, each rule
// change with a DW_CFA_advance_loc to the instruction where it takes effect).
//
// gate86 produces the same bytes as gas 2.40 for i386: augmentation "zR" with pc-relative sdata4
// addresses (encoding 0x1b), code alignment 1, data alignment -4, return column 8 (%eip), each CIE
// and FDE padded to 4 bytes with DW_CFA_nop, and gas's rule for sharing CIEs: instructions an FDE
// has before its first advance move into its CIE, unless an earlier CIE's instructions begin
// them: then the FDE uses the most recent such CIE and keeps the rest.
// Not supported: .cfi_personality/.cfi_lsda (exception handling tables for C++), .debug_frame.

import { SHF_ALLOC, SHT_PROGBITS } from '../../vm/elf/format.ts';
import type { Assembler } from './assembler.ts';
import { leb128 } from './directives.ts';
import { AsmSymbol, type Section } from './model.ts';
import { registerNamed } from './operands.ts';
import { splitOperands } from './operands.ts';
import { AsmError } from './source.ts';

const DW_CFA_advance_loc = 0x40;
const DW_CFA_offset = 0x80;
const DW_CFA_restore = 0xc0;
const DW_CFA_advance_loc1 = 0x02;
const DW_CFA_advance_loc2 = 0x03;
const DW_CFA_advance_loc4 = 0x04;
const DW_CFA_offset_extended = 0x05;
const DW_CFA_restore_extended = 0x06;
const DW_CFA_undefined = 0x07;
const DW_CFA_same_value = 0x08;
const DW_CFA_register = 0x09;
const DW_CFA_remember_state = 0x0a;
const DW_CFA_restore_state = 0x0b;
const DW_CFA_def_cfa = 0x0c;
const DW_CFA_def_cfa_register = 0x0d;
const DW_CFA_def_cfa_offset = 0x0e;
const DW_CFA_offset_extended_sf = 0x11;

const DATA_ALIGNMENT = -4;
const ESP = 4;
const EIP = 8;

/** One rule change, at an offset of the function's section. `kind` matters for CIE sharing. */
interface CfiInstruction {
  loc: number;
  bytes: number[];
  kind: 'rule' | 'remember' | 'escape';
}

interface Fde {
  section: Section;
  start: number;
  end: number;
  instructions: CfiInstruction[];
  returnColumn: number;
  signalFrame: boolean;
  cfaRegister: number;
  cfaOffset: number;
  saved: { cfaRegister: number; cfaOffset: number }[];
}

export class CallFrames {
  private fdes: Fde[] = [];
  private open: Fde | null = null;

  constructor(private readonly asm: Assembler) {}

  startPass(): void {
    this.fdes = [];
    this.open = null;
  }

  checkClosed(): void {
    if (this.open) throw new AsmError(null, 'open CFI at the end of file; missing .cfi_endproc directive');
  }

  /** Handle one .cfi_* directive. */
  directive(name: string, operands: string): void {
    const asm = this.asm;
    const args = splitOperands(operands);
    if (name === '.cfi_sections') return; // .eh_frame is the only kind produced
    if (name === '.cfi_startproc') {
      if (this.open) throw new AsmError(asm.where, 'previous CFI entry not closed (missing .cfi_endproc)');
      const fde: Fde = {
        section: asm.current, start: asm.current.size, end: 0, instructions: [], returnColumn: EIP,
        signalFrame: false, cfaRegister: ESP, cfaOffset: 4, saved: [],
      };
      this.open = fde;
      if (args[0] !== 'simple') {
        this.add([DW_CFA_def_cfa, ESP, 4]);
        this.add([DW_CFA_offset | EIP, 1]);
      }
      return;
    }
    const fde = this.open;
    if (!fde) throw new AsmError(asm.where, `CFI instruction used without previous .cfi_startproc`);
    if (asm.current !== fde.section) throw new AsmError(asm.where, `${name} in another section than its .cfi_startproc`);
    switch (name) {
      case '.cfi_endproc':
        fde.end = asm.current.size;
        this.fdes.push(fde);
        this.open = null;
        return;
      case '.cfi_def_cfa': {
        fde.cfaRegister = this.register(args[0]);
        fde.cfaOffset = asm.absolute(args[1] ?? '0');
        this.add([DW_CFA_def_cfa, ...leb128(fde.cfaRegister, false), ...leb128(fde.cfaOffset, false)]);
        return;
      }
      case '.cfi_def_cfa_register':
        fde.cfaRegister = this.register(args[0]);
        this.add([DW_CFA_def_cfa_register, ...leb128(fde.cfaRegister, false)]);
        return;
      case '.cfi_def_cfa_offset':
        fde.cfaOffset = asm.absolute(args[0] ?? '0');
        this.add([DW_CFA_def_cfa_offset, ...leb128(fde.cfaOffset, false)]);
        return;
      case '.cfi_adjust_cfa_offset':
        fde.cfaOffset += asm.absolute(args[0] ?? '0');
        this.add([DW_CFA_def_cfa_offset, ...leb128(fde.cfaOffset, false)]);
        return;
      case '.cfi_offset':
        this.add(offsetRule(this.register(args[0]), asm.absolute(args[1] ?? '0')));
        return;
      case '.cfi_rel_offset':
        this.add(offsetRule(this.register(args[0]), asm.absolute(args[1] ?? '0') - fde.cfaOffset));
        return;
      case '.cfi_restore': {
        for (const a of args) {
          const r = this.register(a);
          this.add(r < 64 ? [DW_CFA_restore | r] : [DW_CFA_restore_extended, ...leb128(r, false)]);
        }
        return;
      }
      case '.cfi_undefined':
        for (const a of args) this.add([DW_CFA_undefined, ...leb128(this.register(a), false)]);
        return;
      case '.cfi_same_value':
        this.add([DW_CFA_same_value, ...leb128(this.register(args[0]), false)]);
        return;
      case '.cfi_register':
        this.add([DW_CFA_register, ...leb128(this.register(args[0]), false), ...leb128(this.register(args[1]), false)]);
        return;
      case '.cfi_remember_state':
        fde.saved.push({ cfaRegister: fde.cfaRegister, cfaOffset: fde.cfaOffset });
        this.add([DW_CFA_remember_state], 'remember');
        return;
      case '.cfi_restore_state': {
        const s = fde.saved.pop();
        if (s) ({ cfaRegister: fde.cfaRegister, cfaOffset: fde.cfaOffset } = s);
        this.add([DW_CFA_restore_state]);
        return;
      }
      case '.cfi_escape':
        this.add(args.map((a) => asm.absolute(a) & 0xff), 'escape');
        return;
      case '.cfi_signal_frame':
        fde.signalFrame = true;
        return;
      case '.cfi_return_column':
        fde.returnColumn = this.register(args[0]);
        return;
    }
    throw new AsmError(asm.where, `${name} is not supported (gate86 writes .eh_frame without personality or LSDA)`);
  }

  private add(bytes: number[], kind: CfiInstruction['kind'] = 'rule'): void {
    this.open!.instructions.push({ loc: this.asm.current.size, bytes, kind });
  }

  private register(text: string | undefined): number {
    const t = (text ?? '').trim();
    if (t.startsWith('%')) {
      if (t === '%eip') return EIP;
      const r = registerNamed(t.slice(1));
      if (!r || r.kind !== 'reg' || r.size !== 32) throw new AsmError(this.asm.where, `bad register expression '${t}'`);
      return r.reg;
    }
    return this.asm.absolute(t);
  }

  /** Build .eh_frame (after the last pass): bytes, and a PC-relative fixup per FDE. */
  emit(): void {
    if (this.fdes.length === 0) return;
    const asm = this.asm;
    const section = asm.section('.eh_frame', SHF_ALLOC, SHT_PROGBITS);
    section.align = Math.max(section.align, 4);
    const cies: { instructions: number[][]; key: string; offset: number; returnColumn: number; signalFrame: boolean }[] = [];
    for (const fde of this.fdes) {
      const program = withAdvances(fde);
      // gas: the instructions before the first advance (or remember/escape) belong to the CIE.
      let lead = 0;
      while (lead < program.length && program[lead]!.kind === 'rule' && !program[lead]!.advance) lead++;
      const head = program.slice(0, lead).map((i) => i.bytes);
      const key = JSON.stringify(head);
      // An existing CIE serves when its instructions begin the FDE's leading ones (the FDE keeps the rest).
      const isPrefix = (c: { instructions: number[][] }): boolean =>
        c.instructions.length <= head.length && c.instructions.every((b, k) => JSON.stringify(b) === JSON.stringify(head[k]));
      // gas keeps its CIEs newest first, so the most recent match wins.
      let cie = [...cies].reverse().find((c) => isPrefix(c) && c.returnColumn === fde.returnColumn && c.signalFrame === fde.signalFrame);
      if (cie) lead = cie.instructions.length;
      if (!cie) {
        cie = { instructions: head, key, offset: section.size, returnColumn: fde.returnColumn, signalFrame: fde.signalFrame };
        cies.push(cie);
        emitEntry(section, [
          0, 0, 0, 0, // CIE id
          1, // version
          ...Buffer.from(fde.signalFrame ? 'zRS' : 'zR', 'latin1'), 0,
          ...leb128(1, false), ...leb128(DATA_ALIGNMENT, true), fde.returnColumn,
          ...leb128(1, false), 0x1b, // augmentation data: FDE addresses are pcrel sdata4
          ...head.flat(),
        ]);
      }
      const entry = section.size;
      const pointerField = entry + 4;
      const body = [
        ...u32(pointerField - cie.offset),
        0, 0, 0, 0, // pc_begin: filled by the fixup below
        ...u32(fde.end - fde.start),
        ...leb128(0, false), // no augmentation data
        ...program.slice(lead).flatMap((i) => i.bytes),
      ];
      emitEntry(section, body);
      const start = new AsmSymbol('.', -1);
      start.section = fde.section;
      start.value = fde.start;
      start.definedThisPass = true;
      section.fixups.push({
        offset: entry + 8, size: 4, value: { symbol: start, addend: 0, known: true }, pcrel: true, relaxable: false, frame: true, where: asm.where,
      });
    }
  }
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** A length-prefixed CIE or FDE, padded with DW_CFA_nop to a multiple of 4 bytes. */
function emitEntry(section: Section, body: number[]): void {
  const padded = [...body];
  while ((padded.length + 4) % 4 !== 0) padded.push(0);
  section.emit([...u32(padded.length), ...padded]);
}

function offsetRule(register: number, offset: number): number[] {
  const factored = offset / DATA_ALIGNMENT;
  if (factored >= 0 && register < 64) return [DW_CFA_offset | register, ...leb128(factored, false)];
  if (factored < 0) return [DW_CFA_offset_extended_sf, ...leb128(register, false), ...leb128(factored, true)];
  return [DW_CFA_offset_extended, ...leb128(register, false), ...leb128(factored, false)];
}

/** The FDE's instructions with DW_CFA_advance_loc* inserted wherever the location moves. */
function withAdvances(fde: Fde): { bytes: number[]; kind: CfiInstruction['kind']; advance: boolean }[] {
  const out: { bytes: number[]; kind: CfiInstruction['kind']; advance: boolean }[] = [];
  let last = fde.start;
  for (const i of fde.instructions) {
    const delta = i.loc - last;
    if (delta > 0) {
      let bytes: number[];
      if (delta < 64) bytes = [DW_CFA_advance_loc | delta];
      else if (delta < 0x100) bytes = [DW_CFA_advance_loc1, delta];
      else if (delta < 0x10000) bytes = [DW_CFA_advance_loc2, delta & 0xff, delta >> 8];
      else bytes = [DW_CFA_advance_loc4, ...u32(delta)];
      out.push({ bytes, kind: 'rule', advance: true });
      last = i.loc;
    }
    out.push({ bytes: i.bytes, kind: i.kind, advance: false });
  }
  return out;
}
