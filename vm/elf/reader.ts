// Reading ELF32 files. Headers, program headers and sections come from `elfy`; symbol tables and
// relocations (which elfy leaves as raw section bytes) are decoded here. Every ELF file gate86 reads
// — user programs, objects to link, files to disassemble, kernels to boot — goes through this module.

import { createRequire } from 'node:module';
import {
  EM_386, ELF32_REL_SIZE, ELF32_SYM_SIZE, SHT_DYNSYM, SHT_REL, SHT_SYMTAB, SHT_NOBITS,
} from './format.ts';

const require = createRequire(import.meta.url);
const elfy = require('elfy') as { parse(buffer: Buffer): ElfyFile };

interface ElfyProgram { type: string | number; offset: number; vaddr: number; paddr: number; filesz: number; memsz: number; flags: Record<string, boolean>; align: number; data: Buffer }
interface ElfySection { name: string; type: string | number; flags: Record<string, boolean>; addr: number; off: number; size: number; link: number; info: number; addralign: number; entsize: number; data: Buffer }
interface ElfyFile { class: string; endian: string; type: string; machine: string; entry: number; flags: number; body: { programs: ElfyProgram[]; sections: ElfySection[] } }

/** A malformed or unsupported ELF file; the message is one line fit for a user. */
export class ElfError extends Error {}

export interface ElfSegment {
  /** p_type as a number (PT_LOAD = 1, ...). */
  type: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  /** p_flags: PF_R | PF_W | PF_X. */
  flags: number;
  align: number;
  data: Uint8Array;
}

export interface ElfSection {
  index: number;
  name: string;
  /** sh_type as a number. */
  type: number;
  /** sh_flags as a number. */
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
  /** The section's bytes (empty for SHT_NOBITS). */
  data: Uint8Array;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** STB_* */
  binding: number;
  /** STT_* */
  type: number;
  /** st_other & 3: STV_* */
  visibility: number;
  /** st_shndx: a section index, or SHN_UNDEF / SHN_ABS / SHN_COMMON. */
  sectionIndex: number;
}

export interface ElfRelocation {
  offset: number;
  /** R_386_* */
  type: number;
  /** Index into the symbol table the relocation section links to. */
  symbolIndex: number;
}

export interface ElfFile {
  /** e_type: ET_REL, ET_EXEC or ET_DYN. */
  type: number;
  machine: number;
  entry: number;
  flags: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  segments: ElfSegment[];
  sections: ElfSection[];
  bytes: Uint8Array;
}

/** Parse an ELF32 little-endian i386 file. Throws ElfError (never anything else) for bad input. */
export function readElf(bytes: Uint8Array, what = 'file'): ElfFile {
  if (bytes.length < 52 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError(`${what}: not an ELF file`);
  }
  if (bytes[4] !== 1) throw new ElfError(`${what}: not a 32-bit ELF file (ELF class ${bytes[4]})`);
  if (bytes[5] !== 1) throw new ElfError(`${what}: not a little-endian ELF file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const machine = view.getUint16(18, true);
  if (machine !== EM_386) throw new ElfError(`${what}: not an i386 ELF file (e_machine ${machine})`);
  let parsed: ElfyFile;
  try {
    parsed = elfy.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new ElfError(`${what}: malformed ELF: ${(error as Error).message}`);
  }
  const type = view.getUint16(16, true);
  const phoff = view.getUint32(28, true);
  const shoff = view.getUint32(32, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  const shentsize = view.getUint16(46, true);
  const segments = parsed.body.programs.map((p, i): ElfSegment => {
    const base = phoff + i * phentsize;
    const segment = {
      type: view.getUint32(base, true),
      offset: p.offset, vaddr: p.vaddr >>> 0, paddr: p.paddr >>> 0, filesz: p.filesz, memsz: p.memsz,
      flags: view.getUint32(base + 24, true), align: p.align,
      data: new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength),
    };
    if (segment.offset + segment.filesz > bytes.length) throw new ElfError(`${what}: program header ${i} runs past the end of the file`);
    if (segment.filesz > segment.memsz) throw new ElfError(`${what}: program header ${i} has p_filesz > p_memsz`);
    return segment;
  });
  const sections = parsed.body.sections.map((s, i): ElfSection => {
    const base = shoff + i * shentsize;
    const shType = view.getUint32(base + 4, true);
    if (shType !== SHT_NOBITS && s.off + s.size > bytes.length) throw new ElfError(`${what}: section ${i} (${s.name}) runs past the end of the file`);
    return {
      index: i, name: s.name, type: shType, flags: view.getUint32(base + 8, true), addr: s.addr >>> 0,
      offset: s.off, size: s.size, link: s.link, info: s.info, addralign: s.addralign, entsize: s.entsize,
      data: shType === SHT_NOBITS ? new Uint8Array(0) : new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength),
    };
  });
  return { type, machine, entry: parsed.entry >>> 0, flags: parsed.flags, phoff, phentsize, phnum, segments, sections, bytes };
}

function stringAt(table: Uint8Array, offset: number): string {
  if (offset >= table.length && offset > 0) throw new ElfError(`string offset ${offset} lies outside its string table (${table.length} bytes)`);
  let end = offset;
  while (end < table.length && table[end] !== 0) end++;
  return Buffer.from(table.buffer, table.byteOffset + offset, end - offset).toString('latin1');
}

/** The symbols of a SHT_SYMTAB or SHT_DYNSYM section (index 0, the null symbol, included). */
export function readSymbols(file: ElfFile, section: ElfSection): ElfSymbol[] {
  if (section.type !== SHT_SYMTAB && section.type !== SHT_DYNSYM) throw new ElfError(`section ${section.name} is not a symbol table`);
  const strings = file.sections[section.link];
  if (!strings) throw new ElfError(`symbol table ${section.name} links to a missing string table`);
  const view = new DataView(section.data.buffer, section.data.byteOffset, section.data.byteLength);
  const symbols: ElfSymbol[] = [];
  for (let p = 0; p + ELF32_SYM_SIZE <= section.data.length; p += ELF32_SYM_SIZE) {
    const info = view.getUint8(p + 12);
    symbols.push({
      name: stringAt(strings.data, view.getUint32(p, true)),
      value: view.getUint32(p + 4, true),
      size: view.getUint32(p + 8, true),
      binding: info >> 4,
      type: info & 0xf,
      visibility: view.getUint8(p + 13) & 3,
      sectionIndex: view.getUint16(p + 14, true),
    });
  }
  return symbols;
}

/** The symbol table of the file (.symtab), or [] when it was stripped. */
export function readSymbolTable(file: ElfFile): ElfSymbol[] {
  const symtab = file.sections.find((s) => s.type === SHT_SYMTAB);
  return symtab ? readSymbols(file, symtab) : [];
}

/** The entries of a SHT_REL section. */
export function readRelocations(section: ElfSection): ElfRelocation[] {
  if (section.type !== SHT_REL) throw new ElfError(`section ${section.name} is not SHT_REL`);
  const view = new DataView(section.data.buffer, section.data.byteOffset, section.data.byteLength);
  const relocations: ElfRelocation[] = [];
  for (let p = 0; p + ELF32_REL_SIZE <= section.data.length; p += ELF32_REL_SIZE) {
    const info = view.getUint32(p + 4, true);
    relocations.push({ offset: view.getUint32(p, true), type: info & 0xff, symbolIndex: info >>> 8 });
  }
  return relocations;
}
