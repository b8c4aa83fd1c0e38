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
  ET_REL, R_386_PLT32, R_386_GOT32, R_386_GOT32X, R_386_GOTOFF, R_386_GOTPC, R_386_16, R_386_32, R_386_8, R_386_PC16, R_386_PC32, R_386_PC8, SHF_MERGE, SHN_ABS,
  SHN_COMMON, SHN_UNDEF, SHT_NOBITS, SHT_PROGBITS, SHT_REL, STB_GLOBAL, STB_LOCAL, STB_WEAK,
  STT_FILE, STT_SECTION, SHF_STRINGS, SHF_GROUP, SHT_GROUP,
} from '../../vm/elf/format.ts';
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

const GRP_COMDAT = 1;
const ABSOLUTE_TYPES = { 1: R_386_8, 2: R_386_16, 4: R_386_32 } as const;
const PCREL_TYPES = { 1: R_386_PC8, 2: R_386_PC16, 4: R_386_PC32 } as const;
const PIC_TYPES = { plt: R_386_PLT32, got: R_386_GOT32, got32x: R_386_GOT32X, gotoff: R_386_GOTOFF, gotpc: R_386_GOTPC } as const;

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

let keptCount = 0;

/** The symbol itself goes into the relocation (and so into the symbol table). */
function keep(s: AsmSymbol): AsmSymbol {
  s.usedInRelocation = true;
  if (s.keptOrder === 0) s.keptOrder = ++keptCount;
  return s;
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
    const pic = f.value.reloc;
    if (pic !== undefined && pic !== 'plt' && s !== null) {
      // @GOT, @GOTOFF, @GOTPC: relocations the linker resolves against the GOT; never resolved here.
      if (s.section === null && s.common === null && s.binding === 'local') s.binding = 'global';
      const keepSymbol = pic !== 'gotoff' || isGlobal(s) || s.section === null || s.section === ABSOLUTE ||
        f.data === true || (s.section.flags & SHF_MERGE) !== 0;
      if (keepSymbol) {
        target = keep(s);
      } else {
        field += s.value;
        target = s.section as Section;
      }
      writeField(section.bytes, f.offset, f.size, field);
      out.push({ offset: f.offset, type: PIC_TYPES[pic], target });
      continue;
    }
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
    } else if (isGlobal(s) || pic === 'plt') {
      target = keep(s);
    } else if ((s.section.flags & SHF_MERGE) !== 0 && field !== 0) {
      target = keep(s);
    } else if (s.section.group !== null && !f.frame) {
      // gas never replaces a symbol of a COMDAT section by the section's symbol.
      target = keep(s);
    } else {
      field += s.value;
      target = s.section;
    }
    if (section.isNobits) throw new AsmError(f.where, `relocation in NOBITS section ${section.name}`);
    writeField(section.bytes, f.offset, f.size, field);
    const type = pic === 'plt' ? R_386_PLT32 : types[f.size];
    (f.relaxable ? late : out).push({ offset: f.offset, type, target });
  }
  // gas makes the fixups of relaxed jumps only when it lays out the frags, after all the others.
  return [...out, ...late];
}

/** The object file for an assembled source. */
export function writeObject(asm: Assembler): Uint8Array {
  keptCount = 0;
  if (asm.idents.length > 0) {
    const comment = asm.section('.comment', SHF_MERGE | SHF_STRINGS, SHT_PROGBITS, 1);
    if (comment.size === 0) comment.emit([0]);
    for (const id of asm.idents) comment.emit([...Buffer.from(id, 'latin1'), 0]);
    comment.entsize = 1;
  }
  asm.cfi.emit();
  const relocations = new Map<Section, PendingRelocation[]>();
  for (const s of asm.sections) relocations.set(s, relocate(s));

  // Section header indices: COMDAT group sections first (as gas writes them), then each section
  // followed by its .rel section when it has relocations.
  const outputSections: OutputSection[] = [];
  const indexOf = new Map<Section, number>();
  const groups = new Map<string, { index: number; members: number[] }>();
  for (const s of asm.sections) {
    if (s.group === null || groups.has(s.group)) continue;
    outputSections.push({ name: '.group', type: SHT_GROUP, flags: 0, align: 4, entsize: 4, data: new Uint8Array(0) });
    groups.set(s.group, { index: outputSections.length, members: [] });
  }
  for (const s of asm.sections) {
    outputSections.push({
      name: s.name, type: s.type, flags: s.flags, align: s.align, entsize: s.entsize,
      ...(s.type === SHT_NOBITS ? { size: s.size } : { data: s.bytes.slice(0, s.size) }),
    });
    indexOf.set(s, outputSections.length);
    const group = s.group === null ? undefined : groups.get(s.group);
    group?.members.push(outputSections.length);
    if (relocations.get(s)!.length > 0) {
      const flags = group ? SHF_GROUP : 0;
      outputSections.push({ name: `.rel${s.name}`, type: SHT_REL, flags, align: 4, info: outputSections.length, relocations: [] });
      group?.members.push(outputSections.length);
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
    name: s.name, value: s.common !== null && s.section === null ? s.common.align : s.value,
    size: s.size === 0 && s.aliasOf ? s.aliasOf.size : s.size,
    binding, type: s.type === 0 && s.aliasOf ? s.aliasOf.type : s.type, other: s.visibility, section: shndx(s),
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
  // Temporary (.L) symbols kept for a relocation join gas's symbol chain when it keeps them, at the
  // end, in that order — unless an instruction's PIC operand placed them earlier.
  const late = (l: (typeof locals)[number]): number => (!(l.key instanceof Section) && l.key.isTemporary && l.key.chainOrder < 0 ? 1 : 0);
  const within = (l: (typeof locals)[number]): number => {
    if (l.key instanceof Section || !l.key.isTemporary) return l.order;
    return l.key.chainOrder >= 0 ? l.key.chainOrder : l.key.keptOrder;
  };
  locals.sort((x, y) => late(x) - late(y) || within(x) - within(y));
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
  // Group sections: GRP_COMDAT, then the member sections; linked to .symtab, named by a symbol.
  const symtabIndex = outputSections.length + 1;
  for (const [name, group] of groups) {
    const signature = asm.symbols.get(name);
    const index = signature ? symbolIndex.get(signature) : undefined;
    if (index === undefined) throw new AsmError(null, `COMDAT group '${name}' needs a symbol of that name`);
    const words = [GRP_COMDAT, ...group.members];
    const data = new Uint8Array(words.length * 4);
    words.forEach((w, i) => new DataView(data.buffer).setUint32(i * 4, w, true));
    Object.assign(outputSections[group.index - 1]!, { data, link: symtabIndex, info: index });
  }
  return writeElf({ type: ET_REL, sections: outputSections, symbols });
}

function missing(target: AsmSymbol | Section): number {
  throw new AsmError(null, `internal error: no symbol table entry for '${target.name}'`);
}
