// Mutations for the inputs fuzzer, each a pure function of a seeded Random and an input:
//   - bytes: flip, set to an edge value, insert, delete, duplicate a run, truncate, append garbage;
//   - ELF: a header or program/section header field set to an edge value (huge p_memsz, p_offset past
//     the end, e_phnum 0xffff ...), a PT_LOAD duplicated over another (overlapping segments), a
//     symbol or relocation entry pointed out of range;
//   - text (assembly, link scripts): lines deleted, duplicated or swapped, tokens replaced by other
//     tokens, edge numbers, unbalanced quotes and brackets, self-recursive macros, huge repeat counts.

import { Random } from '../../differential/case.ts';
import { PT_LOAD, SHT_REL, SHT_SYMTAB } from '../../../vm/elf/format.ts';

const EDGE32 = [0, 1, 2, 3, 4, 0x7f, 0x80, 0xff, 0x100, 0x1000, 0xfff, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
  0xbffff000, 0xc0000000, 0xc0100000, 0xffffe000, 0xfffff000, 0xfffffffc, 0xffffffff, 0x08048000, 0x100000];
const EDGE16 = [0, 1, 2, 0x20, 0x28, 0x34, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff];

function edge32(r: Random): number {
  return r.chance(0.8) ? r.pick(EDGE32) : r.u32();
}

// ---------------------------------------------------------------------------------------------
// Bytes

export function mutateBytes(r: Random, input: Uint8Array): Uint8Array {
  let out: Uint8Array = input.slice();
  const count = 1 + r.below(r.chance(0.7) ? 3 : 20);
  for (let n = 0; n < count; n++) {
    const at = out.length === 0 ? 0 : r.below(out.length);
    switch (r.below(7)) {
      case 0: if (out.length) out[at] = out[at]! ^ (1 << r.below(8)); break;
      case 1: if (out.length) out[at] = r.pick([0, 0xff, 0x7f, 0x80, r.below(256)]); break;
      case 2: out = concat(out.subarray(0, at), Uint8Array.from({ length: 1 + r.below(16) }, () => r.below(256)), out.subarray(at)); break;
      case 3: out = concat(out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + r.below(64)))); break;
      case 4: { const len = 1 + r.below(256); out = concat(out.subarray(0, at), out.subarray(at, at + len), out.subarray(at)); break; }
      case 5: if (r.chance(0.3)) out = out.slice(0, at); break;
      default: if (out.length >= 4) new DataView(out.buffer).setUint32(r.below(out.length - 3), edge32(r), true);
    }
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

// ---------------------------------------------------------------------------------------------
// ELF32 (little-endian): the field offsets of Elf32_Ehdr, Elf32_Phdr, Elf32_Shdr, Elf32_Sym, Elf32_Rel.

const EHDR_FIELDS: [number, 1 | 2 | 4][] = [
  [4, 1], [5, 1], [6, 1], [7, 1], [16, 2], [18, 2], [20, 4], [24, 4], [28, 4], [32, 4], [36, 4], [40, 2], [42, 2], [44, 2], [46, 2], [48, 2], [50, 2],
];
const PHDR_FIELDS: [number, 4][] = [[0, 4], [4, 4], [8, 4], [12, 4], [16, 4], [20, 4], [24, 4], [28, 4]];
const SHDR_FIELDS: [number, 4][] = [[0, 4], [4, 4], [8, 4], [12, 4], [16, 4], [20, 4], [24, 4], [28, 4], [32, 4], [36, 4]];

interface Table { offset: number; entrySize: number; count: number }

function tables(view: DataView): { ph: Table; sh: Table } | null {
  if (view.byteLength < 52 || view.getUint32(0, false) !== 0x7f454c46) return null;
  return {
    ph: { offset: view.getUint32(28, true), entrySize: view.getUint16(42, true), count: view.getUint16(44, true) },
    sh: { offset: view.getUint32(32, true), entrySize: view.getUint16(46, true), count: view.getUint16(48, true) },
  };
}

function setField(view: DataView, at: number, size: 1 | 2 | 4, r: Random): void {
  if (at + size > view.byteLength) return;
  if (size === 1) view.setUint8(at, r.chance(0.5) ? r.pick([0, 1, 2, 3, 0xff]) : r.below(256));
  else if (size === 2) view.setUint16(at, r.chance(0.8) ? r.pick(EDGE16) : r.below(0x10000), true);
  else view.setUint32(at, edge32(r), true);
}

/** An entry of a table, if it lies inside the file. */
function entry(view: DataView, t: Table, i: number, size: number): number | null {
  const at = t.offset + i * t.entrySize;
  return t.entrySize >= size && at + size <= view.byteLength ? at : null;
}

export function mutateElf(r: Random, input: Uint8Array): Uint8Array {
  const out = input.slice();
  const view = new DataView(out.buffer);
  const t = tables(view);
  if (t === null) return mutateBytes(r, out);
  const count = 1 + r.below(3);
  for (let n = 0; n < count; n++) {
    const roll = r.below(10);
    if (roll < 2) {
      const [at, size] = r.pick(EHDR_FIELDS);
      setField(view, at, size, r);
    } else if (roll < 6 && t.ph.count > 0) {
      const e = entry(view, t.ph, r.below(t.ph.count), 32);
      if (e === null) continue;
      if (r.chance(0.3) && view.getUint32(e, true) === PT_LOAD) {
        // A segment that overlaps another, or one that asks for a huge or impossible memory size.
        view.setUint32(e + 8, r.pick([view.getUint32(e + 8, true) + 0x10, 0xbfff0000, 0xc0000000 - 0x1000, 0xfffff000, 0]), true);
        view.setUint32(e + 20, r.pick([0x7fffffff, 0xffffffff, 0x40000000, view.getUint32(e + 16, true) - 1, 0x10000000]), true);
      } else {
        const [at, size] = r.pick(PHDR_FIELDS);
        setField(view, e + at, size, r);
      }
    } else if (roll < 7 && t.ph.count > 1) {
      // Duplicate one program header over another: two PT_LOADs mapping the same pages.
      const a = entry(view, t.ph, r.below(t.ph.count), 32), b = entry(view, t.ph, r.below(t.ph.count), 32);
      if (a !== null && b !== null) out.copyWithin(b, a, a + 32);
    } else if (roll < 9 && t.sh.count > 0) {
      const i = r.below(t.sh.count);
      const e = entry(view, t.sh, i, 40);
      if (e === null) continue;
      const type = view.getUint32(e + 4, true);
      const body = view.getUint32(e + 16, true), size = view.getUint32(e + 20, true);
      if ((type === SHT_SYMTAB || type === SHT_REL) && size >= 16 && body + size <= out.length && r.chance(0.6)) {
        // A symbol (st_name, st_value, st_size, st_shndx) or a relocation (r_offset, r_info) out of range.
        const width = type === SHT_SYMTAB ? 16 : 8;
        const item = body + width * r.below(Math.floor(size / width));
        const field = type === SHT_SYMTAB ? r.pick([0, 4, 8, 14]) : r.pick([0, 4]);
        if (field === 14) view.setUint16(item + 14, r.pick(EDGE16), true);
        else view.setUint32(item + field, edge32(r), true);
      } else {
        const [at, size2] = r.pick(SHDR_FIELDS);
        setField(view, e + at, size2, r);
      }
    } else {
      return mutateBytes(r, out);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text

const TOKENS = [
  '.macro m\nm\n.endm\nm', '.rept 2000000000', '.rept -1', '.endr', '.space 0x7fffffff', '.space -1', '.fill 0x10000000, 8, 0',
  '.incbin "/nonexistent"', '.include "/nonexistent"', '#include "self.S"', '.if', '.endif', '.else', '.irp x', '.irpc x,', '.section',
  '.org 0xffffffff', '.org -1', '.align 0x80000000', '.balign 3', '.p2align 40', '.equ x, x+1', '.set y, y*2', '. = . - 1',
  '"', "'", '(', ')', '[', ']', '{', '}', '\\', '$', '%', '%eax', '%xmm0', '%cr9', '%st(8)', '*', ',', ':', ';', '#', '/*', '*/',
  '0xffffffffffffffffff', '-2147483649', '1e999', '0b2', '077777777777', '9999999999999999999999999999', '1f', '1b', '0:',
  'movl', 'lea', 'ljmp', 'int $0x80', 'rep', 'lock', 'jmp .', 'call *', '.long', '.byte 256', '.ascii "\\777"', '.string "\\x"',
  'SECTIONS', 'PHDRS', 'ENTRY(', 'PROVIDE(', 'AT(', 'ALIGN(0)', 'ALIGN(3)', '. = 0xffffffff;', '. = -1;', '/DISCARD/', '*(', 'KEEP(',
  '\0', '\x7f', '\u00e9', '\n\n\n', ' '.repeat(5000), 'x'.repeat(100000),
];

export function mutateText(r: Random, input: string): string {
  let lines = input.split('\n');
  const count = 1 + r.below(r.chance(0.7) ? 3 : 15);
  for (let n = 0; n < count; n++) {
    const at = r.below(Math.max(1, lines.length));
    switch (r.below(6)) {
      case 0: lines.splice(at, 1 + r.below(5)); break;
      case 1: lines.splice(at, 0, ...lines.slice(at, at + 1 + r.below(5))); break;
      case 2: { const b = r.below(Math.max(1, lines.length)); [lines[at], lines[b]] = [lines[b] ?? '', lines[at] ?? '']; break; }
      case 3: lines.splice(at, 0, r.pick(TOKENS)); break;
      case 4: {
        const words = (lines[at] ?? '').split(/(\s+|,)/);
        if (words.length > 0) words[r.below(words.length)] = r.pick(TOKENS);
        lines[at] = words.join('');
        break;
      }
      default: {
        const line = lines[at] ?? '';
        const cut = r.below(line.length + 1);
        lines[at] = line.slice(0, cut) + r.pick(TOKENS) + line.slice(cut + r.below(4));
      }
    }
  }
  if (lines.length > 20000) lines = lines.slice(0, 20000);
  return lines.join('\n');
}
