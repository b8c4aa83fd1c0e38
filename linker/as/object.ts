// From the assembler's last pass to an ELF32 relocatable object, with gas's choices of what gets a
// relocation and against which symbol:
//
// - a PC-relative field whose target is a local label of its own section is resolved here (so is a
//   relaxable jmp/jcc to a global label of its own section, as gas does); a call to a global
//   function keeps its relocation, because the linker may bind it elsewhere;
// - a relocation against a local symbol is made against its section's symbol, the symbol's offset
//   moving into the field (REL keeps addends in place) — except in SHF_MERGE sections with a
//   non-zero addend, where the symbol itself is kept (merging moves strings);
// - global, weak, common and undefined symbols are relocated against themselves.
// Only sections a relocation needs get a section symbol (binutils 2.36 and later).
//
// Symbol table order: STT_FILE symbols, section symbols, other locals in order of first
// appearance, then globals in order of first appearance — as gas writes it.

import {
  ET_REL, R_386_16, R_386_32, R_386_8, R_386_PC16, R_386_PC32, R_386_PC8, SHF_MERGE, SHN_ABS,
  SHN_COMMON, SHN_UNDEF, SHT_NOBITS, SHT_PROGBITS, SHT_REL, STB_GLOBAL, STB_LOCAL, STB_WEAK,
  STT_FILE, STT_SECTION, SHF_STRINGS,
} from '../elf/format.ts';
import { writeElf, type OutputRelocation, type OutputSection, type OutputSymbol } from '../elf/writer.ts';
import type { Assembler } from './assembler.ts';
import { ABSOLUTE, Section, type AsmSymbol, type Fixup } from './model.ts';
import { AsmError } from './source.ts';

interface PendingRelocation {
  offset: number;
  type: number;
  /** The symbol to relocate against, or a section (its section symbol), or null (absolute). */
  target: AsmSymbol | Section | null;
}

const ABSOLUTE_TYPES = { 1: R_386_8, 2: R_386_16, 4: R_386_32 } as const;
const PCREL_TYPES = { 1: R_386_PC8, 2: R_386_PC16, 4: R_386_PC32 } as const;

function writeField(bytes: Uint8Array, offset: number, size: number, value: number): void {
  let n = BigInt.asUintN(size * 8, BigInt(Math.trunc(value)));
  for (let i = 0; i < size; i++) {
    bytes[offset + i] = Number(n & 0xffn);
    n >>= 8n;
  }
}

/** gas's overflow check for 1- and 2-byte fields (4-byte fields wrap silently). */
function checkRange(f: Fixup, value: number, pcrel: boolean): void {
  if (f.size === 4) return;
  const bits = f.size * 8;
  const low = -(2 ** (bits - 1));
  const high = pcrel ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (value < low || value > high) {
    const what = pcrel ? `branch target out of range (displacement ${value})` : `value ${value} too large for a ${f.size}-byte field`;
    throw new AsmError(f.where, what);
  }
}

function isGlobal(s: AsmSymbol): boolean {
  return s.binding !== 'local' || s.common !== null;
}

/** Resolve or convert every fixup of a section; returns its relocations. */
function relocate(section: Section): PendingRelocation[] {
  const out: PendingRelocation[] = [];
  const late: PendingRelocation[] = [];
  for (const f of section.fixups) {
    const s = f.value.symbol;
    let field = f.value.addend;
    let target: AsmSymbol | Section | null = null;
    const types = f.pcrel ? PCREL_TYPES : ABSOLUTE_TYPES;
    if (s === null || s.section === ABSOLUTE) {
      if (s) field += s.value;
      if (!f.pcrel) {
        checkRange(f, field, false);
        writeField(section.bytes, f.offset, f.size, field);
        continue;
      }
      // A PC-relative reference to an absolute address: relocation with no symbol.
    } else if (s.section === null) {
      if (s.common === null && s.binding === 'local') s.binding = 'global';
      s.usedInRelocation = true;
      target = s;
    } else if (f.pcrel && s.section === section && s.binding !== 'weak' && (!isGlobal(s) || f.relaxable)) {
      checkRange(f, s.value + field - f.offset, true);
      writeField(section.bytes, f.offset, f.size, s.value + field - f.offset);
      continue;
    } else if (isGlobal(s)) {
      s.usedInRelocation = true;
      target = s;
    } else if ((s.section.flags & SHF_MERGE) !== 0 && field !== 0) {
      s.usedInRelocation = true;
      target = s;
    } else {
      field += s.value;
      target = s.section;
    }
    if (section.isNobits) throw new AsmError(f.where, `relocation in NOBITS section ${section.name}`);
    writeField(section.bytes, f.offset, f.size, field);
    (f.relaxable ? late : out).push({ offset: f.offset, type: types[f.size], target });
  }
  // gas makes the fixups of relaxed jumps only when it lays out the frags, after all the others.
  return [...out, ...late];
}

/** The object file for an assembled source. */
export function writeObject(asm: Assembler): Uint8Array {
  if (asm.idents.length > 0) {
    const comment = asm.section('.comment', SHF_MERGE | SHF_STRINGS, SHT_PROGBITS, 1);
    if (comment.size === 0) comment.emit([0]);
    for (const id of asm.idents) comment.emit([...Buffer.from(id, 'latin1'), 0]);
    comment.entsize = 1;
  }
  asm.cfi.emit();
  const relocations = new Map<Section, PendingRelocation[]>();
  for (const s of asm.sections) relocations.set(s, relocate(s));

  // Section header indices: each section, followed by its .rel section when it has relocations.
  const outputSections: OutputSection[] = [];
  const indexOf = new Map<Section, number>();
  for (const s of asm.sections) {
    outputSections.push({
      name: s.name, type: s.type, flags: s.flags, align: s.align, entsize: s.entsize,
      ...(s.type === SHT_NOBITS ? { size: s.size } : { data: s.bytes.slice(0, s.size) }),
    });
    indexOf.set(s, outputSections.length);
    if (relocations.get(s)!.length > 0) {
      outputSections.push({ name: `.rel${s.name}`, type: SHT_REL, flags: 0, align: 4, info: outputSections.length, relocations: [] });
    }
  }

  // Symbols.
  const symbols: OutputSymbol[] = [];
  const symbolIndex = new Map<AsmSymbol | Section, number>();
  const add = (key: AsmSymbol | Section | null, sym: OutputSymbol): void => {
    symbols.push(sym);
    if (key) symbolIndex.set(key, symbols.length);
  };
  for (const f of asm.files) add(null, { name: f, value: 0, size: 0, binding: STB_LOCAL, type: STT_FILE, section: SHN_ABS });
  const needed = new Set<Section>();
  for (const list of relocations.values()) for (const r of list) if (r.target instanceof Section) needed.add(r.target);
  const all = [...asm.symbols.values()];
  const shndx = (s: AsmSymbol): number => {
    if (s.common !== null && s.section === null) return SHN_COMMON;
    if (s.section === null) return SHN_UNDEF;
    if (s.section === ABSOLUTE) return SHN_ABS;
    return indexOf.get(s.section)!;
  };
  const symbolOf = (s: AsmSymbol, binding: number): OutputSymbol => ({
    name: s.name, value: s.common !== null && s.section === null ? s.common.align : s.value, size: s.size,
    binding, type: s.type, other: s.visibility, section: shndx(s),
  });
  // Locals and section symbols in creation order.
  const locals: { order: number; key: AsmSymbol | Section; symbol: OutputSymbol }[] = [];
  for (const s of asm.sections) {
    if (needed.has(s)) locals.push({ order: s.symbolOrder, key: s, symbol: { name: '', value: 0, size: 0, binding: STB_LOCAL, type: STT_SECTION, section: indexOf.get(s)! } });
  }
  for (const s of all) {
    if (isGlobal(s)) continue;
    if (s.section === null) continue;
    if (s.isTemporary && !s.usedInRelocation) continue;
    locals.push({ order: s.order, key: s, symbol: symbolOf(s, STB_LOCAL) });
  }
  // Temporary (.L) symbols kept for a relocation are added by gas at the end of the locals.
  const late = (l: (typeof locals)[number]): number => (l.key instanceof Section || !l.key.isTemporary ? 0 : 1);
  locals.sort((x, y) => late(x) - late(y) || x.order - y.order);
  for (const l of locals) add(l.key, l.symbol);
  for (const s of all) {
    if (s.section === null && s.common === null && s.binding === 'local') {
      if (!s.used) continue;
      if (s.equated) continue;
      s.binding = 'global'; // an undefined symbol that is used is external
    }
    if (!isGlobal(s)) continue;
    add(s, symbolOf(s, s.binding === 'weak' ? STB_WEAK : STB_GLOBAL));
  }

  // Relocation entries, now that symbol indices are known.
  for (const [s, list] of relocations) {
    if (list.length === 0) continue;
    const rel = outputSections[indexOf.get(s)!]!; // the .rel section follows its section
    rel.relocations = list.map((r): OutputRelocation => ({
      offset: r.offset, type: r.type, symbol: r.target === null ? 0 : symbolIndex.get(r.target) ?? missing(r.target),
    }));
  }
  return writeElf({ type: ET_REL, sections: outputSections, symbols });
}

function missing(target: AsmSymbol | Section): number {
  throw new AsmError(null, `internal error: no symbol table entry for '${target.name}'`);
}
