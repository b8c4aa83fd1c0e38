// Turning a finished layout into an ElfImage for linker/elf/writer.ts: section contents (input bytes
// at their offsets, gaps filled with the section's fill pattern, LONG() data), section headers with
// the links the dynamic tables need, a .symtab for debuggers and `objdump -d`, and the program
// headers with the numbers segments.ts computed.

import {
  ELF32_SYM_SIZE, SHN_ABS, SHT_DYNAMIC, SHT_DYNSYM, SHT_HASH, SHT_NOBITS, STB_GLOBAL, STB_LOCAL,
  STB_WEAK, STT_FILE, STT_NOTYPE, STT_SECTION, STV_HIDDEN,
} from '../../vm/elf/format.ts';
import type { ElfImage, OutputSection as WriterSection, OutputSymbol } from '../elf/writer.ts';
import type { Layout, OutputSection } from './layout.ts';
import type { InputObject } from './objects.ts';
import type { PlannedSegment } from './segments.ts';
import type { SymbolTable } from './symbols.ts';

export interface ImageParts {
  type: number;
  entry: number;
  layout: Layout;
  segments: PlannedSegment[];
  offsets: Map<OutputSection, number>;
  objects: InputObject[];
  table: SymbolTable;
  /** The value of each LONG()/SHORT()/BYTE() item, evaluated after layout. */
  dataValue: (section: OutputSection, index: number) => number;
  pageSize: number;
}

/** The bytes of one output section. */
export function sectionBytes(section: OutputSection, dataValue: ImageParts['dataValue']): Uint8Array {
  const bytes = new Uint8Array(section.size);
  // Fill everything first: the pattern shows through wherever no input section lands (alignment).
  for (let i = 0; i < bytes.length; i++) bytes[i] = (section.fill >>> (8 * (3 - ((i) & 3)))) & 0xff;
  for (const input of section.inputs) {
    const at = input.address - section.address;
    if (input.type === SHT_NOBITS) bytes.fill(0, at, at + input.size);
    else bytes.set(input.data, at);
  }
  const view = new DataView(bytes.buffer);
  section.data.forEach((placed, i) => {
    const at = placed.address - section.address;
    const value = dataValue(section, i) >>> 0;
    if (placed.item.size === 4) view.setUint32(at, value, true);
    else if (placed.item.size === 2) view.setUint16(at, value & 0xffff, true);
    else view.setUint8(at, value & 0xff);
  });
  return bytes;
}

export function buildImage(parts: ImageParts): ElfImage {
  const { layout, offsets } = parts;
  const indexOf = new Map<string, number>(layout.sections.map((s, i) => [s.name, i + 1]));
  const index = (name: string | null | undefined): number => (name ? indexOf.get(name) ?? SHN_ABS : SHN_ABS);

  const sections: WriterSection[] = layout.sections.map((s) => {
    const out: WriterSection = {
      name: s.name, type: s.type, flags: s.flags, addr: s.address, align: s.align, offset: offsets.get(s)!,
    };
    if (s.type === SHT_NOBITS) out.size = s.size;
    else out.data = sectionBytes(s, parts.dataValue);
    if (s.type === SHT_DYNSYM) Object.assign(out, { link: index('.dynstr'), info: 1, entsize: ELF32_SYM_SIZE });
    if (s.type === SHT_HASH) Object.assign(out, { link: index('.dynsym'), entsize: 4 });
    if (s.type === SHT_DYNAMIC) Object.assign(out, { link: index('.dynstr'), entsize: 8 });
    return out;
  });

  return {
    type: parts.type,
    entry: parts.entry,
    sections,
    symbols: symbolTable(parts, index),
    segments: parts.segments.map((seg) => ({
      type: seg.type, flags: seg.flags, align: seg.align, offset: seg.offset, vaddr: seg.vaddr, paddr: seg.paddr,
      filesz: seg.filesz, memsz: seg.memsz,
    })),
    pageSize: parts.pageSize,
  };
}

/** .symtab: every object's file and local symbols (where they landed), then the globals. */
function symbolTable(parts: ImageParts, index: (name: string | null | undefined) => number): OutputSymbol[] {
  const locals: OutputSymbol[] = [];
  for (const object of parts.objects) {
    for (const s of object.symbols) {
      if (s.index === 0 || s.binding !== STB_LOCAL || s.type === STT_SECTION || s.name === '') continue;
      if (s.type === STT_FILE) {
        locals.push({ name: s.name, value: 0, size: 0, binding: STB_LOCAL, type: STT_FILE, section: SHN_ABS });
        continue;
      }
      if (s.sectionIndex === SHN_ABS) {
        locals.push({ name: s.name, value: s.value, size: s.size, binding: STB_LOCAL, type: s.type, section: SHN_ABS });
        continue;
      }
      const section = object.sections[s.sectionIndex];
      if (!section || section.discard || section.outputName === null) continue;
      locals.push({
        name: s.name, value: (section.address + s.value) >>> 0, size: s.size, binding: STB_LOCAL, type: s.type,
        section: index(section.outputName),
      });
    }
  }
  const globals: OutputSymbol[] = [];
  for (const entry of parts.table.symbols.values()) {
    if (entry.state === 'undefined') continue;
    const scriptSymbol = parts.layout.symbols.get(entry.name);
    const section = entry.state === 'script' ? index(scriptSymbol?.section?.name) : entry.section ? index(entry.section.outputName) : SHN_ABS;
    const symbol: OutputSymbol = {
      name: entry.name, value: parts.table.valueOf(entry), size: entry.size,
      binding: entry.state === 'weak' ? STB_WEAK : STB_GLOBAL,
      type: entry.state === 'script' ? STT_NOTYPE : entry.type, section,
    };
    // A hidden symbol is visible only inside this link: in the output it becomes local, as with ld.
    if (entry.definition && entry.definition.visibility === STV_HIDDEN) locals.push({ ...symbol, binding: STB_LOCAL });
    else globals.push(symbol);
  }
  return [...locals, ...globals];
}
