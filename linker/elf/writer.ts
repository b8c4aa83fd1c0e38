// Writing ELF32 little-endian i386 files: relocatable objects, executables, shared objects.
//
// The assembler, the link editor, the vsyscall DSO builder and the kernel image builder all write
// their output through this one module. It knows the file format and nothing about assembly or
// linking: the caller says which sections exist, what they hold and where they load; the writer
// lays out the bytes.
//
// API
// ---
//   writeElf(image: ElfImage): Uint8Array
//     image.type      ET_REL | ET_EXEC | ET_DYN
//     image.entry     e_entry (default 0)
//     image.sections  the sections in section-index order, starting at index 1 (index 0, the null
//                     section, is implied). Each is an OutputSection:
//                       name, type (SHT_*), flags (SHF_*), addr (default 0), align (sh_addralign),
//                       data (the bytes; for SHT_NOBITS leave it out and give `size`),
//                       link, info, entsize (default 0),
//                       relocations: for SHT_REL sections, the entries to encode (the writer fills
//                         `data`, entsize 8, and links the section to .symtab unless `link` is set),
//                       offset: a fixed file offset (rarely needed; the writer picks one otherwise).
//     image.symbols   optional: the .symtab contents after the null symbol, LOCALS FIRST (the writer
//                     checks). When present the writer appends .symtab and .strtab after the caller's
//                     sections; sh_info of .symtab = index of the first non-local symbol.
//                     A symbol's `section` is a section index (1-based as above) or SHN_UNDEF/ABS/COMMON.
//     image.segments  optional program headers. Each names the sections it covers (indices) and the
//                     writer computes p_offset/p_vaddr/p_filesz/p_memsz from them; `includeHeaders`
//                     makes a PT_LOAD start at file offset 0 so the ELF and program headers load too
//                     (as ld does for the first text segment). Explicit numbers override the computed
//                     ones. With segments present, every SHF_ALLOC section is placed at a file offset
//                     congruent to its address modulo `pageSize` (default 0x1000), as the System V ABI
//                     requires for mmap-able images.
//     .shstrtab is always appended last, and the section header table follows it.
//
//   Also exported for callers that build other tables (.dynsym/.dynstr/.hash/.dynamic):
//     StringTable            add(name) -> offset, bytes()   (offset 0 is the empty string)
//     encodeSymbols(symbols, strings) -> Uint8Array        (null symbol included)
//     encodeRelocations(entries) -> Uint8Array
//     symbolInfo(binding, type) -> st_info
//
// Layout of relocatable files follows GNU as: ELF header; the contents of the ordinary sections in
// index order (each aligned to its sh_addralign); .symtab and .strtab; the SHT_REL sections;
// .shstrtab; then the section headers aligned to 4. Objects can therefore be compared with `as`'s
// section by section (the whole files need not be byte-identical, and are not required to be).

import {
  ELFCLASS32, ELFDATA2LSB, EV_CURRENT, EM_386, ELF32_EHDR_SIZE, ELF32_PHDR_SIZE, ELF32_SHDR_SIZE,
  ELF32_SYM_SIZE, ELF32_REL_SIZE, SHT_NOBITS, SHT_REL, SHT_SYMTAB, SHT_STRTAB, SHF_ALLOC, SHF_INFO_LINK,
  STB_LOCAL, PT_LOAD, PT_PHDR,
} from '../../vm/elf/format.ts';

export interface OutputRelocation {
  offset: number;
  /** R_386_* */
  type: number;
  /** Index into the symbol table (.symtab, or whatever `link` names). */
  symbol: number;
}

export interface OutputSection {
  name: string;
  type: number;
  flags: number;
  addr?: number;
  align: number;
  data?: Uint8Array;
  /** Size of a SHT_NOBITS section (ignored when `data` is given). */
  size?: number;
  link?: number;
  info?: number;
  entsize?: number;
  relocations?: OutputRelocation[];
  offset?: number;
}

export interface OutputSymbol {
  name: string;
  value: number;
  size: number;
  /** STB_* */
  binding: number;
  /** STT_* */
  type: number;
  /** st_other (visibility). */
  other?: number;
  /** st_shndx: a section index, or SHN_UNDEF / SHN_ABS / SHN_COMMON. */
  section: number;
}

export interface OutputSegment {
  /** PT_* */
  type: number;
  /** PF_* */
  flags: number;
  align: number;
  /** Indices (1-based) of the sections this segment covers, in address order. */
  sections?: number[];
  /** A PT_LOAD that begins at file offset 0 and so also maps the ELF header and program headers. */
  includeHeaders?: boolean;
  offset?: number;
  vaddr?: number;
  paddr?: number;
  filesz?: number;
  memsz?: number;
}

export interface ElfImage {
  type: number;
  entry?: number;
  flags?: number;
  sections: OutputSection[];
  symbols?: OutputSymbol[];
  segments?: OutputSegment[];
  /** Page size for the offset/address congruence of loadable images (default 0x1000). */
  pageSize?: number;
}

/** A string table under construction: names are stored once, NUL-terminated; offset 0 is "". */
export class StringTable {
  private readonly offsets = new Map<string, number>([['', 0]]);
  private readonly chunks: Uint8Array[] = [new Uint8Array(1)];
  private length = 1;

  add(name: string): number {
    const known = this.offsets.get(name);
    if (known !== undefined) return known;
    const encoded = Buffer.from(name + '\0', 'latin1');
    const offset = this.length;
    this.offsets.set(name, offset);
    this.chunks.push(encoded);
    this.length += encoded.length;
    return offset;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let p = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, p);
      p += chunk.length;
    }
    return out;
  }
}

export function symbolInfo(binding: number, type: number): number {
  return ((binding & 0xf) << 4) | (type & 0xf);
}

/** The bytes of a symbol table: the null symbol, then `symbols` in order. Names go into `strings`. */
export function encodeSymbols(symbols: OutputSymbol[], strings: StringTable): Uint8Array {
  const out = new Uint8Array((symbols.length + 1) * ELF32_SYM_SIZE);
  const view = new DataView(out.buffer);
  symbols.forEach((s, i) => {
    const p = (i + 1) * ELF32_SYM_SIZE;
    view.setUint32(p, strings.add(s.name), true);
    view.setUint32(p + 4, s.value >>> 0, true);
    view.setUint32(p + 8, s.size >>> 0, true);
    view.setUint8(p + 12, symbolInfo(s.binding, s.type));
    view.setUint8(p + 13, s.other ?? 0);
    view.setUint16(p + 14, s.section, true);
  });
  return out;
}

export function encodeRelocations(entries: OutputRelocation[]): Uint8Array {
  const out = new Uint8Array(entries.length * ELF32_REL_SIZE);
  const view = new DataView(out.buffer);
  entries.forEach((r, i) => {
    view.setUint32(i * ELF32_REL_SIZE, r.offset >>> 0, true);
    view.setUint32(i * ELF32_REL_SIZE + 4, ((r.symbol << 8) | (r.type & 0xff)) >>> 0, true);
  });
  return out;
}

/** A section with everything decided: what goes in the section header. */
interface PlacedSection {
  name: number;
  source: OutputSection;
  data: Uint8Array;
  size: number;
  offset: number;
  link: number;
  info: number;
  entsize: number;
  flags: number;
}

function alignUp(value: number, align: number): number {
  return align > 1 ? Math.ceil(value / align) * align : value;
}

/** Turn the caller's sections plus the generated tables into one list, in section-index order. */
function completeSections(image: ElfImage): OutputSection[] {
  const sections = image.sections.map((s) => ({ ...s }));
  if (image.symbols) {
    const firstGlobal = image.symbols.findIndex((s) => s.binding !== STB_LOCAL);
    if (firstGlobal >= 0 && image.symbols.slice(firstGlobal).some((s) => s.binding === STB_LOCAL)) {
      throw new Error('ELF writer: local symbols must come before global ones');
    }
    const strings = new StringTable();
    const symtabIndex = sections.length + 1;
    const data = encodeSymbols(image.symbols, strings);
    sections.push({
      name: '.symtab', type: SHT_SYMTAB, flags: 0, align: 4, data, link: symtabIndex + 1,
      info: firstGlobal < 0 ? image.symbols.length + 1 : firstGlobal + 1, entsize: ELF32_SYM_SIZE,
    });
    sections.push({ name: '.strtab', type: SHT_STRTAB, flags: 0, align: 1, data: strings.bytes() });
    for (const s of sections) {
      if (s.type === SHT_REL && s.link === undefined) s.link = symtabIndex;
    }
  }
  return sections;
}

/** Order in which section contents are laid out in the file (GNU as puts SHT_REL after .strtab). */
function layoutOrder(sections: OutputSection[], loadable: boolean): number[] {
  const indices = sections.map((_, i) => i);
  if (loadable) return indices;
  const body = indices.slice(0, -1); // .shstrtab, always last, stays last
  const isRel = (i: number): boolean => sections[i]!.type === SHT_REL;
  return [...body.filter((i) => !isRel(i)), ...body.filter(isRel), indices.length - 1];
}

export function writeElf(image: ElfImage): Uint8Array {
  const shstrtab = new StringTable();
  const sections = completeSections(image);
  sections.push({ name: '.shstrtab', type: SHT_STRTAB, flags: 0, align: 1, data: new Uint8Array(0) });
  const segments = image.segments ?? [];
  const loadable = segments.length > 0;
  const pageSize = image.pageSize ?? 0x1000;

  // Names first, so .shstrtab holds them all before its own size is known.
  const names = sections.map((s) => shstrtab.add(s.name));
  const last = sections[sections.length - 1]!;
  last.data = shstrtab.bytes();

  const placed: PlacedSection[] = sections.map((s, i) => {
    let data = s.data ?? new Uint8Array(0);
    let flags = s.flags;
    let entsize = s.entsize ?? 0;
    if (s.type === SHT_REL && s.relocations) {
      data = encodeRelocations(s.relocations);
      entsize = ELF32_REL_SIZE;
      flags |= SHF_INFO_LINK;
    }
    const size = s.type === SHT_NOBITS ? (s.size ?? s.data?.length ?? 0) : data.length;
    return { name: names[i]!, source: s, data, size, offset: 0, link: s.link ?? 0, info: s.info ?? 0, entsize, flags };
  });

  let offset = ELF32_EHDR_SIZE + segments.length * ELF32_PHDR_SIZE;
  for (const i of layoutOrder(sections, loadable)) {
    const s = placed[i]!;
    const source = s.source;
    if (source.offset !== undefined) {
      s.offset = source.offset;
    } else {
      offset = alignUp(offset, Math.max(1, source.align));
      if (loadable && (source.flags & SHF_ALLOC) !== 0) {
        // mmap needs offset ≡ address (mod page size).
        const want = ((source.addr ?? 0) % pageSize + pageSize) % pageSize;
        const have = offset % pageSize;
        if (have !== want) offset += (want - have + pageSize) % pageSize;
      }
      s.offset = offset;
    }
    if (source.type !== SHT_NOBITS) offset = Math.max(offset, s.offset + s.size);
  }
  const shoff = alignUp(offset, 4);
  const total = shoff + placed.length * ELF32_SHDR_SIZE + ELF32_SHDR_SIZE;

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  writeHeader(view, image, segments.length, shoff, placed.length + 1, placed.length);
  segments.forEach((segment, i) => writeProgramHeader(view, ELF32_EHDR_SIZE + i * ELF32_PHDR_SIZE, segment, placed, segments.length));
  for (const s of placed) {
    if (s.source.type !== SHT_NOBITS) out.set(s.data, s.offset);
  }
  placed.forEach((s, i) => writeSectionHeader(view, shoff + (i + 1) * ELF32_SHDR_SIZE, s));
  return out;
}

function writeHeader(view: DataView, image: ElfImage, phnum: number, shoff: number, shnum: number, shstrndx: number): void {
  const ident = [0x7f, 0x45, 0x4c, 0x46, ELFCLASS32, ELFDATA2LSB, EV_CURRENT];
  ident.forEach((b, i) => view.setUint8(i, b));
  view.setUint16(16, image.type, true);
  view.setUint16(18, EM_386, true);
  view.setUint32(20, EV_CURRENT, true);
  view.setUint32(24, (image.entry ?? 0) >>> 0, true);
  view.setUint32(28, phnum > 0 ? ELF32_EHDR_SIZE : 0, true);
  view.setUint32(32, shoff, true);
  view.setUint32(36, image.flags ?? 0, true);
  view.setUint16(40, ELF32_EHDR_SIZE, true);
  view.setUint16(42, phnum > 0 ? ELF32_PHDR_SIZE : 0, true);
  view.setUint16(44, phnum, true);
  view.setUint16(46, ELF32_SHDR_SIZE, true);
  view.setUint16(48, shnum, true);
  view.setUint16(50, shstrndx, true);
}

function writeSectionHeader(view: DataView, p: number, s: PlacedSection): void {
  view.setUint32(p, s.name, true);
  view.setUint32(p + 4, s.source.type, true);
  view.setUint32(p + 8, s.flags >>> 0, true);
  view.setUint32(p + 12, (s.source.addr ?? 0) >>> 0, true);
  view.setUint32(p + 16, s.offset, true);
  view.setUint32(p + 20, s.size, true);
  view.setUint32(p + 24, s.link, true);
  view.setUint32(p + 28, s.info, true);
  view.setUint32(p + 32, s.source.align, true);
  view.setUint32(p + 36, s.entsize, true);
}

/** Fill a program header, computing what the caller left out from the sections it covers. */
function writeProgramHeader(view: DataView, p: number, segment: OutputSegment, placed: PlacedSection[], phnum: number): void {
  const covered = (segment.sections ?? []).map((index) => {
    const s = placed[index - 1];
    if (!s) throw new Error(`ELF writer: segment names missing section ${index}`);
    return s;
  });
  let offset = 0;
  let vaddr = 0;
  let filesz = 0;
  let memsz = 0;
  if (segment.type === PT_PHDR) {
    offset = ELF32_EHDR_SIZE;
    filesz = memsz = phnum * ELF32_PHDR_SIZE;
  }
  if (covered.length > 0) {
    const first = covered[0]!;
    const lastFile = covered.filter((s) => s.source.type !== SHT_NOBITS).at(-1);
    const lastMem = covered[covered.length - 1]!;
    offset = first.offset;
    vaddr = first.source.addr ?? 0;
    filesz = lastFile ? lastFile.offset + lastFile.size - offset : 0;
    memsz = (lastMem.source.addr ?? 0) + lastMem.size - vaddr;
  }
  if (segment.includeHeaders && segment.type === PT_LOAD) {
    // Extend the segment down to file offset 0 and the matching address.
    vaddr -= offset;
    filesz += offset;
    memsz += offset;
    offset = 0;
  }
  if (segment.type === PT_PHDR && segment.vaddr === undefined && covered.length === 0) vaddr = 0;
  offset = segment.offset ?? offset;
  vaddr = segment.vaddr ?? vaddr;
  view.setUint32(p, segment.type, true);
  view.setUint32(p + 4, offset, true);
  view.setUint32(p + 8, vaddr >>> 0, true);
  view.setUint32(p + 12, (segment.paddr ?? vaddr) >>> 0, true);
  view.setUint32(p + 16, segment.filesz ?? filesz, true);
  view.setUint32(p + 20, segment.memsz ?? memsz, true);
  view.setUint32(p + 24, segment.flags, true);
  view.setUint32(p + 28, segment.align, true);
}
