// Program headers and file offsets: how the output sections become an image a loader can map.
//
// A loader (Linux's binfmt_elf, GRUB, QEMU's -kernel) reads only the program headers: each PT_LOAD
// says "copy p_filesz bytes from file offset p_offset to address p_vaddr (physical p_paddr), then
// zero up to p_memsz". Two rules shape the file:
//   - p_offset ≡ p_vaddr (mod page size), so the loader can mmap pages straight from the file;
//   - one more, ours: the file mirrors the load addresses, section after section, whenever the gap
//     is small. Then the bytes from the first PT_LOAD to the end of the last are also a faithful
//     memory image, which is what the Multiboot a.out-kludge fields (load_addr .. load_end_addr)
//     describe and what a boot loader that ignores ELF copies.
// Segments come either from the script's PHDRS or, when it has none, from runs of sections with the
// same permissions (R, R+X, R+W) — ld's behaviour for executables.

import { PF_R, PF_W, PF_X, PT_DYNAMIC, PT_GNU_STACK, PT_LOAD, SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS } from '../../vm/elf/format.ts';
import { ELF32_EHDR_SIZE, ELF32_PHDR_SIZE } from '../../vm/elf/format.ts';
import { LinkError } from './errors.ts';
import type { Layout, OutputSection } from './layout.ts';
import type { LinkScript } from './script.ts';

export interface PlannedSegment {
  type: number;
  flags: number;
  align: number;
  sections: OutputSection[];
  /** The segment starts with the ELF header and program headers (loaded at layout.headersAddress). */
  includeHeaders: boolean;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
}

const permissionsOf = (s: OutputSection): number =>
  PF_R | (s.flags & SHF_WRITE ? PF_W : 0) | (s.flags & SHF_EXECINSTR ? PF_X : 0);

export const headersSize = (segmentCount: number): number => ELF32_EHDR_SIZE + segmentCount * ELF32_PHDR_SIZE;

function segment(type: number, flags: number, align: number, includeHeaders = false): PlannedSegment {
  return { type, flags, align, sections: [], includeHeaders, offset: 0, vaddr: 0, paddr: 0, filesz: 0, memsz: 0 };
}

/** Which segments exist and which sections each covers (numbers are filled in by placeFile). */
export function planSegments(script: LinkScript, layout: Layout): PlannedSegment[] {
  const page = script.pageSize;
  if (script.segments) {
    const planned = script.segments.map((spec) => segment(spec.type, spec.flags ?? -1, spec.type === PT_LOAD ? page : 4, spec.includeHeaders));
    for (const section of layout.sections) {
      const names = section.segments.length > 0 ? section.segments : [script.segments.find((s) => s.type === PT_LOAD)?.name ?? ''];
      for (const name of names) {
        const index = script.segments.findIndex((s) => s.name === name);
        if (index < 0) throw new LinkError(`link script: section ${section.name} names program header :${name}, which PHDRS does not declare`);
        planned[index]!.sections.push(section);
      }
    }
    // A declared PT_LOAD that nothing landed in would only confuse loaders: drop it.
    const used = planned.filter((s) => s.type !== PT_LOAD || s.sections.length > 0 || s.includeHeaders);
    for (const s of used) {
      if (s.flags < 0) s.flags = s.sections.reduce((f, section) => f | permissionsOf(section), s.type === PT_LOAD ? PF_R : 0);
    }
    return used;
  }

  // Automatic: runs of sections with equal permissions and equal LMA - VMA, without large gaps.
  const loads: PlannedSegment[] = [];
  let current: PlannedSegment | null = null;
  let currentEnd = 0;
  let currentDelta = 0;
  if (layout.headersAddress !== null) {
    current = segment(PT_LOAD, PF_R, page, true);
    loads.push(current);
    currentEnd = layout.headersAddress;
  }
  for (const section of layout.sections) {
    const flags = permissionsOf(section);
    const delta = (section.loadAddress - section.address) >>> 0;
    const joins = current !== null && current.flags === flags && delta === currentDelta &&
      section.address >= currentEnd && section.address - currentEnd < page;
    if (!joins) {
      current = segment(PT_LOAD, flags, page);
      loads.push(current);
      currentDelta = delta;
    }
    current!.sections.push(section);
    currentEnd = section.address + section.size;
  }
  const planned = [...loads];
  const dynamic = layout.sections.find((s) => s.name === '.dynamic');
  if (dynamic) {
    const s = segment(PT_DYNAMIC, PF_R | PF_W, 4);
    s.sections.push(dynamic);
    planned.push(s);
  }
  if (script.gnuStack) planned.push(segment(PT_GNU_STACK, PF_R | PF_W, 16));
  return planned;
}

/** Maximum gap (bytes) the file mirrors between consecutive sections; beyond it we compact. */
const MIRROR_LIMIT = 1 << 20;

/**
 * Choose every allocated section's file offset and compute the program headers' numbers.
 * Returns the offsets by section; sections that hold nothing (NOBITS) get the offset they would have.
 */
export function placeFile(segments: PlannedSegment[], layout: Layout, page: number): Map<OutputSection, number> {
  const offsets = new Map<OutputSection, number>();
  const headerBytes = headersSize(segments.length);
  let cursor = headerBytes;
  let anchor: { offset: number; lma: number } | null = null;

  for (const seg of segments.filter((s) => s.type === PT_LOAD)) {
    if (seg.includeHeaders) {
      if (layout.headersAddress === null) throw new LinkError('link script: a program header includes FILEHDR/PHDRS but the script gives the headers no address');
      const first = seg.sections[0];
      const delta = first ? first.loadAddress - first.address : 0;
      anchor = { offset: 0, lma: layout.headersAddress + delta };
      if (first && first.address < layout.headersAddress + headerBytes) {
        throw new LinkError(`not enough room for the program headers: section ${first.name} at 0x${first.address.toString(16)} overlaps them (they need ${headerBytes} bytes)`);
      }
    }
    if (!seg.includeHeaders && seg.sections.every((section) => section.type === SHT_NOBITS)) {
      // Nothing to read from the file (a .bss-only segment): any congruent offset will do, so take
      // one inside the file rather than past its end, which some readers reject.
      let offset = cursor - (((cursor - (seg.sections[0]?.address ?? 0)) % page) + page) % page;
      if (offset < 0) offset += page;
      for (const section of seg.sections) if (!offsets.has(section)) offsets.set(section, offset + section.address - seg.sections[0]!.address);
      continue;
    }
    seg.sections.forEach((section, i) => {
      if (offsets.has(section)) return;
      let offset = anchor ? anchor.offset + (section.loadAddress - anchor.lma) : -1;
      const congruent = ((offset - section.address) % page + page) % page === 0;
      const mirrors = anchor !== null && offset >= cursor && offset - cursor <= MIRROR_LIMIT && congruent;
      if (!mirrors) {
        if (i > 0 || seg.includeHeaders) {
          throw new LinkError(`section ${section.name} cannot follow ${seg.sections[i - 1]?.name ?? 'the headers'} in the same segment (its address does not continue the segment's)`);
        }
        offset = cursor + ((section.address - cursor) % page + page) % page;
        anchor = { offset, lma: section.loadAddress };
      }
      offsets.set(section, offset);
      if (section.type !== SHT_NOBITS) cursor = Math.max(cursor, offset + section.size);
    });
  }

  // Allocated sections no PT_LOAD covers still need somewhere to sit in the file.
  for (const section of layout.sections) {
    if (offsets.has(section)) continue;
    const offset = cursor + ((section.address - cursor) % page + page) % page;
    offsets.set(section, offset);
    if (section.type !== SHT_NOBITS) cursor = offset + section.size;
  }

  for (const seg of segments) computeNumbers(seg, offsets, layout, headerBytes);
  return offsets;
}

function computeNumbers(seg: PlannedSegment, offsets: Map<OutputSection, number>, layout: Layout, headerBytes: number): void {
  const first = seg.sections[0];
  if (!first && !seg.includeHeaders) return;
  const withBytes = seg.sections.filter((s) => s.type !== SHT_NOBITS);
  const last = seg.sections[seg.sections.length - 1];
  if (seg.includeHeaders) {
    const delta = first ? first.loadAddress - first.address : 0;
    seg.offset = 0;
    seg.vaddr = layout.headersAddress!;
    seg.paddr = (seg.vaddr + delta) >>> 0;
  } else {
    seg.offset = offsets.get(first!)!;
    seg.vaddr = first!.address;
    seg.paddr = first!.loadAddress;
  }
  const lastFile = withBytes[withBytes.length - 1];
  seg.filesz = lastFile ? offsets.get(lastFile)! + lastFile.size - seg.offset : (seg.includeHeaders ? headerBytes : 0);
  seg.memsz = last ? last.address + last.size - seg.vaddr : headerBytes;
  if (seg.sections.some((s, i) => i > 0 && s.address < seg.sections[i - 1]!.address)) {
    throw new LinkError(`sections of one segment are not in address order (${seg.sections.map((s) => s.name).join(' ')})`);
  }
}
