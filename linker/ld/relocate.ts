// Relocation: patching the bytes that name a symbol, now that every address is known.
//
// i386 objects use REL relocations: the addend A is already stored in the bytes being patched (gcc
// writes -4 there for a `call`, an offset into .rodata for a string). With S the symbol's address
// and P the address of the patched bytes, the static (non-PIC) kinds compute:
//   R_386_32   S + A         an absolute address (a pointer, `movl $msg, %ecx`, a jump table entry)
//   R_386_PC32 S + A - P     a displacement from the end of the instruction (the -4 in A)
//   R_386_PLT32  the same    a call that a dynamic linker could route through the PLT; a static
//                            link has no PLT, so the call goes straight to the function
//   R_386_16 / R_386_8, R_386_PC16 / R_386_PC8: the narrow versions (16-bit code, `jmp short`),
//                            checked for overflow as ld does ("relocation truncated to fit")
// Anything that needs a GOT means the object was compiled as position-independent code; that is a
// clear error, because gate86 links static images only.

import {
  R_386_16, R_386_32, R_386_8, R_386_GOT32, R_386_GOT32X, R_386_GOTOFF, R_386_GOTPC, R_386_NONE,
  R_386_PC16, R_386_PC32, R_386_PC8, R_386_PLT32, SHN_ABS, SHN_COMMON, SHN_UNDEF, SHT_NOBITS,
  STB_LOCAL, STT_SECTION,
} from '../../vm/elf/format.ts';
import { LinkError } from './errors.ts';
import type { InputObject, InputSection, InputSymbol } from './objects.ts';
import type { SymbolTable } from './symbols.ts';

const NAMES: Record<number, string> = {
  [R_386_32]: 'R_386_32', [R_386_PC32]: 'R_386_PC32', [R_386_PLT32]: 'R_386_PLT32', [R_386_16]: 'R_386_16',
  [R_386_PC16]: 'R_386_PC16', [R_386_8]: 'R_386_8', [R_386_PC8]: 'R_386_PC8', [R_386_GOT32]: 'R_386_GOT32',
  [R_386_GOT32X]: 'R_386_GOT32X', [R_386_GOTOFF]: 'R_386_GOTOFF', [R_386_GOTPC]: 'R_386_GOTPC',
};
const GOT_KINDS = new Set([R_386_GOT32, R_386_GOT32X, R_386_GOTOFF, R_386_GOTPC]);

export function relocationName(type: number): string {
  return NAMES[type] ?? `relocation type ${type}`;
}

/** The printable name of a symbol a relocation refers to (a section symbol prints as its section). */
function symbolName(object: InputObject, symbol: InputSymbol): string {
  if (symbol.type === STT_SECTION) return object.sections[symbol.sectionIndex]?.name ?? `section ${symbol.sectionIndex}`;
  return symbol.name;
}

/** S: where the symbol ended up. */
function symbolAddress(object: InputObject, symbol: InputSymbol, table: SymbolTable, where: string, unwindInfo: boolean): number {
  if (symbol.binding !== STB_LOCAL) {
    const entry = table.get(symbol.name);
    if (!entry) throw new LinkError(`${where}: symbol \`${symbol.name}' was never entered in the symbol table`);
    if (entry.section?.discard) {
      throw new LinkError(`${where}: \`${symbol.name}' is defined in ${entry.section.name} of ${entry.section.object.name}, which the link script discards`);
    }
    return table.valueOf(entry);
  }
  if (symbol.sectionIndex === SHN_ABS) return symbol.value;
  if (symbol.sectionIndex === SHN_UNDEF || symbol.sectionIndex === SHN_COMMON) {
    throw new LinkError(`${where}: local symbol \`${symbol.name}' is not defined`);
  }
  const section = object.sections[symbol.sectionIndex];
  if (!section) throw new LinkError(`${where}: symbol \`${symbol.name}' lives in section ${symbol.sectionIndex}, which has no contents`);
  if (section.discard) {
    // Unwind tables describe every function, including a duplicate COMDAT copy that was dropped; ld
    // removes such entries, we let them point at 0, where no code is. Anything else is a real error.
    if (unwindInfo) return 0;
    throw new LinkError(`${where}: relocation refers to \`${symbolName(object, symbol)}' in discarded section ${section.name}`);
  }
  return (section.address + symbol.value) >>> 0;
}

/**
 * Refuse position-independent objects up front, before their _GLOBAL_OFFSET_TABLE_ reference turns
 * into a puzzling "undefined reference".
 */
export function refuseGotRelocations(objects: InputObject[]): void {
  for (const object of objects) {
    for (const section of object.sections) {
      if (!section || section.discard) continue;
      const r = section.relocations.find((rel) => GOT_KINDS.has(rel.type));
      if (!r) continue;
      const target = symbolName(object, object.symbols[r.symbolIndex]!);
      throw new LinkError(`${object.name}: ${section.name}+0x${r.offset.toString(16)}: ${relocationName(r.type)} against \`${target}' needs a GOT; gate86 ld links static, non-PIC code (compile with -fno-pic)`);
    }
  }
}

/** Patch every relocation of every placed section. */
export function applyRelocations(objects: InputObject[], table: SymbolTable): void {
  for (const object of objects) {
    for (const section of object.sections) {
      if (!section || section.discard || section.relocations.length === 0) continue;
      relocateSection(object, section, table);
    }
  }
}

function relocateSection(object: InputObject, section: InputSection, table: SymbolTable): void {
  if (section.type === SHT_NOBITS) throw new LinkError(`${object.name}: ${section.name} holds no bytes but has relocations`);
  const view = new DataView(section.data.buffer, section.data.byteOffset, section.data.byteLength);
  for (const r of section.relocations) {
    if (r.type === R_386_NONE) continue;
    const where = `${object.name}: ${section.name}+0x${r.offset.toString(16)}`;
    const symbol = object.symbols[r.symbolIndex]!;
    const target = symbolName(object, symbol);
    if (GOT_KINDS.has(r.type)) {
      throw new LinkError(`${where}: ${relocationName(r.type)} against \`${target}' needs a GOT; gate86 ld links static, non-PIC code (compile with -fno-pic)`);
    }
    const width = r.type === R_386_32 || r.type === R_386_PC32 || r.type === R_386_PLT32 ? 4
      : r.type === R_386_16 || r.type === R_386_PC16 ? 2
        : r.type === R_386_8 || r.type === R_386_PC8 ? 1 : 0;
    if (width === 0) throw new LinkError(`${where}: unsupported ${relocationName(r.type)} against \`${target}'`);
    if (r.offset + width > section.data.length) throw new LinkError(`${where}: ${relocationName(r.type)} runs past the end of the section`);

    const S = symbolAddress(object, symbol, table, where, section.name === '.eh_frame');
    const P = (section.address + r.offset) >>> 0;
    const pcRelative = r.type === R_386_PC32 || r.type === R_386_PLT32 || r.type === R_386_PC16 || r.type === R_386_PC8;
    if (width === 4) {
      const A = view.getUint32(r.offset, true);
      view.setUint32(r.offset, (S + A - (pcRelative ? P : 0)) >>> 0, true);
      continue;
    }
    // Narrow fields: the addend is sign-extended, and the result must fit (ld's overflow checks:
    // a PC-relative value is signed; an absolute one may be signed or unsigned).
    const A = width === 2 ? view.getInt16(r.offset, true) : view.getInt8(r.offset);
    let value = S + A - (pcRelative ? P : 0);
    value = value | 0; // 32-bit wraparound, signed
    const bits = width * 8;
    const fits = pcRelative
      ? value >= -(2 ** (bits - 1)) && value < 2 ** (bits - 1)
      : value >= -(2 ** (bits - 1)) && value < 2 ** bits || (value >>> 0) < 2 ** bits;
    if (!fits) throw new LinkError(`${where}: relocation truncated to fit: ${relocationName(r.type)} against \`${target}' (value 0x${(value >>> 0).toString(16)})`);
    if (width === 2) view.setUint16(r.offset, value & 0xffff, true);
    else view.setUint8(r.offset, value & 0xff);
  }
}
