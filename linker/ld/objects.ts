// Input objects: the ELF32 relocatable files (.o) the link editor combines. Each one is read through
// linker/elf/reader.ts and turned into the few things linking needs: its sections (bytes we may copy
// and patch), its symbols, and the relocations that say which bytes to patch with which symbol.
//
// Sections that never reach memory and carry nothing a program needs (.comment, .note.GNU-stack,
// debugging info) are kept in the list but marked `discard`, so a relocation against them can still be
// explained. COMDAT groups (SHT_GROUP) keep only their first copy, as ld does: two objects that both
// instantiated the same inline function contribute it once.

import {
  ET_REL, SHF_ALLOC, SHF_TLS, SHT_GROUP, SHT_NOBITS, SHT_NULL, SHT_REL, SHT_RELA, SHT_STRTAB, SHT_SYMTAB,
  STT_SECTION,
} from '../../vm/elf/format.ts';
import { ElfError, readElf, readRelocations, readSymbols } from '../../vm/elf/reader.ts';
import type { ElfRelocation, ElfSymbol } from '../../vm/elf/reader.ts';
import { LinkError } from './errors.ts';

/** One section of one input object, and (after layout) where it landed. */
export interface InputSection {
  /** The object it came from (for messages), or the name of the linker part that made it. */
  object: InputObject;
  /** Its index in the object's section header table (-1 for sections the linker made). */
  index: number;
  name: string;
  /** sh_type / sh_flags / sh_addralign of the input. */
  type: number;
  flags: number;
  align: number;
  size: number;
  /** A private copy of the bytes, patched in place by relocation (empty for SHT_NOBITS). */
  data: Uint8Array;
  relocations: ElfRelocation[];
  /** Not placed in the output: not allocated, or a duplicate COMDAT group member. */
  discard: boolean;
  /** Set by layout: the virtual address of the section's first byte. */
  address: number;
  /** Set by layout: the output section it was placed in. */
  outputName: string | null;
}

/** One symbol-table entry of an input object. */
export interface InputSymbol extends ElfSymbol {
  object: InputObject;
  /** Index in the object's symbol table. */
  index: number;
}

export interface InputObject {
  /** The name messages use: the file name as given on the command line. */
  name: string;
  /** Indexed like the object's section header table; index 0 and tables (symtab, strtab, rel) are null. */
  sections: (InputSection | null)[];
  /** Indexed like the object's symbol table; entry 0 is the null symbol. */
  symbols: InputSymbol[];
}

const GRP_COMDAT = 1;

/** Read one relocatable object. `seenGroups` carries COMDAT signatures across the whole link. */
export function readObject(name: string, bytes: Uint8Array, seenGroups: Set<string>): InputObject {
  const file = wrap(name, () => readElf(bytes, name));
  if (file.type !== ET_REL) throw new LinkError(`${name}: not a relocatable object (e_type ${file.type}); link .o files`);
  const object: InputObject = { name, sections: [], symbols: [] };

  // Sections first: everything with bytes or space becomes an InputSection.
  for (const s of file.sections) {
    if ((s.flags & SHF_TLS) !== 0 && (s.flags & SHF_ALLOC) !== 0) {
      throw new LinkError(`${name}: ${s.name} holds thread-local variables (__thread); gate86 ld does not support TLS`);
    }
    const isTable = s.type === SHT_NULL || s.type === SHT_SYMTAB || s.type === SHT_STRTAB ||
      s.type === SHT_REL || s.type === SHT_RELA || s.type === SHT_GROUP;
    if (isTable) { object.sections.push(null); continue; }
    object.sections.push({
      object, index: s.index, name: s.name, type: s.type, flags: s.flags,
      align: Math.max(1, s.addralign), size: s.size,
      data: s.type === SHT_NOBITS ? new Uint8Array(0) : Uint8Array.from(s.data),
      relocations: [], discard: (s.flags & SHF_ALLOC) === 0, address: 0, outputName: null,
    });
  }

  const symtab = file.sections.find((s) => s.type === SHT_SYMTAB);
  const raw: ElfSymbol[] = symtab ? wrap(name, () => readSymbols(file, symtab)) : [];
  object.symbols = raw.map((symbol, index) => ({ ...symbol, object, index }));

  // Relocation sections attach to the section they patch (sh_info).
  for (const s of file.sections) {
    if (s.type === SHT_RELA) throw new LinkError(`${name}: ${s.name}: RELA relocations are not used on i386; was this object built for another machine?`);
    if (s.type !== SHT_REL) continue;
    const target = object.sections[s.info];
    if (!target) throw new LinkError(`${name}: ${s.name} patches section ${s.info}, which has no contents`);
    target.relocations.push(...wrap(name, () => readRelocations(s)));
    for (const r of target.relocations) {
      if (r.symbolIndex >= object.symbols.length) throw new LinkError(`${name}: ${s.name}: relocation names symbol ${r.symbolIndex}, past the end of the symbol table`);
    }
  }

  // COMDAT groups: the first object to bring a signature keeps its members; later copies are dropped.
  for (const s of file.sections) {
    if (s.type !== SHT_GROUP) continue;
    const words = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    if (s.data.length < 4 || (words.getUint32(0, true) & GRP_COMDAT) === 0) continue;
    const signatureSymbol = object.symbols[s.info];
    const signature = signatureSymbol?.type === STT_SECTION
      ? object.sections[signatureSymbol.sectionIndex]?.name ?? s.name
      : signatureSymbol?.name ?? s.name;
    const duplicate = seenGroups.has(signature);
    seenGroups.add(signature);
    if (!duplicate) continue;
    for (let p = 4; p + 4 <= s.data.length; p += 4) {
      const member = object.sections[words.getUint32(p, true)];
      if (member) member.discard = true;
    }
  }
  return object;
}

function wrap<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ElfError) throw new LinkError(error.message.startsWith(name) ? error.message : `${name}: ${error.message}`);
    throw error;
  }
}

/** An object the linker itself contributes sections to (the dynamic tables, the Multiboot header). */
export function linkerObject(): InputObject {
  return { name: '<linker>', sections: [], symbols: [] };
}

/** A section made by the linker: its bytes are filled in after layout, when addresses are known. */
export function syntheticSection(object: InputObject, name: string, type: number, flags: number, align: number, size: number): InputSection {
  const section: InputSection = {
    object, index: -1, name, type, flags, align, size,
    data: type === SHT_NOBITS ? new Uint8Array(0) : new Uint8Array(size),
    relocations: [], discard: false, address: 0, outputName: null,
  };
  object.sections.push(section);
  return section;
}
