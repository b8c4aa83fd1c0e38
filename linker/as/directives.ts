// Assembler directives: sections, data, alignment, symbols, files.
//
// .cfi_* directives build .eh_frame (cfi.ts). Debug directives (.loc, `.file N "name"`) are
// ignored: gate86 writes no DWARF line tables, so compile with -g0 (the default).

import {
  SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS, SHF_TLS, SHF_WRITE, SHF_GROUP,
  SHT_NOBITS, SHT_NOTE, SHT_PROGBITS, STT_FUNC, STT_NOTYPE, STT_OBJECT, STT_TLS, STV_HIDDEN,
} from '../../vm/elf/format.ts';
import type { Assembler } from './assembler.ts';
import { MAX_SECTION_SIZE } from './model.ts';
import { stringLiterals, StringLiteralError } from './lines.ts';
import { splitOperands } from './operands.ts';
import { AsmError } from './source.ts';
import { nopFill } from './nops.ts';
import { defaultAttributes } from './sections.ts';

/** The largest alignment accepted: gas takes up to 2^31, which no i386 image needs. */
const MAX_ALIGNMENT = 1 << 16;

type Handler = (asm: Assembler, operands: string, name: string) => void;

const handlers: Record<string, Handler> = {
  '.text': (asm, ops) => { subsection(asm, ops); asm.switchTo(asm.section('.text')); },
  '.data': (asm, ops) => { subsection(asm, ops); asm.switchTo(asm.section('.data')); },
  '.bss': (asm, ops) => { subsection(asm, ops); asm.switchTo(asm.section('.bss')); },
  '.section': (asm, ops) => asm.switchTo(sectionFrom(asm, ops)),
  '.pushsection': (asm, ops) => {
    asm.sectionStack.push({ current: asm.current, previous: asm.previous });
    asm.switchTo(sectionFrom(asm, ops));
  },
  '.popsection': (asm) => {
    const top = asm.sectionStack.pop();
    if (!top) throw new AsmError(asm.where, '.popsection without .pushsection');
    asm.current = top.current;
    asm.previous = top.previous;
  },
  '.previous': (asm) => {
    const p = asm.previous;
    asm.previous = asm.current;
    asm.current = p;
  },

  '.byte': (asm, ops) => data(asm, ops, 1),
  '.word': (asm, ops) => data(asm, ops, 2),
  '.short': (asm, ops) => data(asm, ops, 2),
  '.hword': (asm, ops) => data(asm, ops, 2),
  '.value': (asm, ops) => data(asm, ops, 2),
  '.long': (asm, ops) => data(asm, ops, 4),
  '.int': (asm, ops) => data(asm, ops, 4),
  '.quad': (asm, ops) => data(asm, ops, 8),
  '.ascii': (asm, ops) => strings(asm, ops, false),
  '.asciz': (asm, ops) => strings(asm, ops, true),
  '.string': (asm, ops) => strings(asm, ops, true),
  '.space': (asm, ops) => space(asm, ops),
  '.skip': (asm, ops) => space(asm, ops),
  '.zero': (asm, ops) => space(asm, ops),
  '.fill': (asm, ops) => {
    const [repeat = '0', size = '1', value = '0'] = splitOperands(ops);
    const n = asm.absolute(repeat);
    const width = Math.min(asm.absolute(size || '1'), 8);
    const v = asm.absolute(value || '0');
    for (let i = 0; i < n; i++) {
      const bytes: number[] = [];
      // gas stores the value in at most 4 bytes; wider fills are zero-extended.
      for (let b = 0; b < width; b++) bytes.push(b < 4 ? (v >>> (8 * b)) & 0xff : 0);
      asm.emitBytes(bytes);
    }
  },
  '.org': (asm, ops) => {
    const [where = '', fill = '0'] = splitOperands(ops);
    const target = asm.evaluate(where);
    let offset = target.addend;
    if (target.symbol !== null) {
      if (target.symbol.section !== asm.current) throw new AsmError(asm.where, '.org needs a location in the current section');
      offset += target.symbol.value;
    }
    const gap = offset - asm.current.size;
    if (gap > MAX_SECTION_SIZE) throw new AsmError(asm.where, `.org moves ${gap} bytes: larger than a section may be`);
    if (gap < 0) {
      if (asm.pass > 0) throw new AsmError(asm.where, 'attempt to move .org backwards');
      return;
    }
    asm.emitBytes(new Array<number>(gap).fill(asm.absolute(fill || '0') & 0xff));
  },

  '.align': (asm, ops) => align(asm, ops, (n) => n),
  '.balign': (asm, ops) => align(asm, ops, (n) => n),
  '.p2align': (asm, ops) => align(asm, ops, (n) => 2 ** n),
  '.balignw': (asm, ops) => align(asm, ops, (n) => n, 2),
  '.balignl': (asm, ops) => align(asm, ops, (n) => n, 4),
  '.p2alignw': (asm, ops) => align(asm, ops, (n) => 2 ** n, 2),
  '.p2alignl': (asm, ops) => align(asm, ops, (n) => 2 ** n, 4),

  '.globl': (asm, ops) => names(ops).forEach((n) => { const s = asm.symbol(n); if (s.binding !== 'weak') s.binding = 'global'; }),
  '.global': (asm, ops) => names(ops).forEach((n) => { const s = asm.symbol(n); if (s.binding !== 'weak') s.binding = 'global'; }),
  '.weak': (asm, ops) => names(ops).forEach((n) => { asm.symbol(n).binding = 'weak'; }),
  '.local': (asm, ops) => names(ops).forEach((n) => { const s = asm.symbol(n); s.binding = 'local'; s.declaredLocal = true; }),
  '.hidden': (asm, ops) => names(ops).forEach((n) => { asm.symbol(n).visibility = STV_HIDDEN; }),
  '.internal': (asm, ops) => names(ops).forEach((n) => { asm.symbol(n).visibility = 1; }),
  '.protected': (asm, ops) => names(ops).forEach((n) => { asm.symbol(n).visibility = 3; }),
  '.type': (asm, ops) => {
    const [name = '', kind = ''] = splitOperands(ops);
    const k = kind.replace(/^[@%#]/, '').replace(/^"|"$/g, '').toLowerCase();
    const types: Record<string, number> = {
      function: STT_FUNC, stt_func: STT_FUNC, object: STT_OBJECT, stt_object: STT_OBJECT,
      notype: STT_NOTYPE, stt_notype: STT_NOTYPE, tls_object: STT_TLS, stt_tls: STT_TLS,
    };
    const t = types[k];
    if (t === undefined) throw new AsmError(asm.where, `unrecognized symbol type '${kind}'`);
    asm.symbol(name).type = t;
  },
  '.size': (asm, ops) => {
    const [name = '', size = ''] = splitOperands(ops);
    const v = asm.evaluate(size);
    if (v.symbol !== null) throw new AsmError(asm.where, `.size expression for '${name}' is not a constant`);
    asm.symbol(name).size = v.addend;
  },
  '.comm': (asm, ops) => common(asm, ops, false),
  '.lcomm': (asm, ops) => common(asm, ops, true),
  '.set': (asm, ops) => assignment(asm, ops, false),
  '.equ': (asm, ops) => assignment(asm, ops, false),
  '.equiv': (asm, ops) => assignment(asm, ops, true),
  '.file': (asm, ops) => {
    const strs = /^\s*"/.test(ops) ? stringLiterals(ops) : [];
    if (strs.length === 1) asm.files.push(String.fromCharCode(...strs[0]!));
    // `.file N "name"` is DWARF line information: ignored.
  },
  '.ident': (asm, ops) => {
    asm.section('.comment', SHF_MERGE | SHF_STRINGS, SHT_PROGBITS, 1); // created here, filled at the end
    asm.idents.push(String.fromCharCode(...(stringLiterals(ops)[0] ?? [])));
  },
  '.include': (asm, ops) => {
    const name = String.fromCharCode(...(stringLiterals(ops)[0] ?? []));
    asm.runLines(asm.includeLines(name));
  },
  '.incbin': (asm, ops) => {
    const [file = '', skip = '0', count = ''] = splitOperands(ops);
    const name = String.fromCharCode(...(stringLiterals(file)[0] ?? []));
    const bytes = asm.includeBinary(name);
    const start = asm.absolute(skip || '0');
    const end = count === '' ? bytes.length : start + asm.absolute(count);
    if (start < 0 || end > bytes.length || start > end) throw new AsmError(asm.where, `.incbin range outside '${name}'`);
    asm.emitBytes(bytes.subarray(start, end));
  },
  '.uleb128': (asm, ops) => { for (const item of splitOperands(ops)) asm.emitBytes(leb128(asm.absolute(item), false)); },
  '.sleb128': (asm, ops) => { for (const item of splitOperands(ops)) asm.emitBytes(leb128(asm.absolute(item), true)); },
  '.end': (asm) => { asm.ended = true; },
  '.code32': (asm) => { asm.code16 = false; },
  '.code16': (asm) => { asm.code16 = true; },
  '.att_syntax': () => {},
  '.intel_syntax': (asm) => { throw new AsmError(asm.where, 'Intel syntax is not supported'); },
  '.err': (asm) => { throw new AsmError(asm.where, '.err encountered'); },
  '.error': (asm, ops) => { throw new AsmError(asm.where, String.fromCharCode(...(stringLiterals(ops)[0] ?? []))); },
  '.warning': () => {},
  '.print': (_asm, ops) => { process.stderr.write(String.fromCharCode(...(stringLiterals(ops)[0] ?? [])) + '\n'); },
  '.loc': () => {},
  '.loc_view': () => {},
};

/** DWARF's variable-length integers: 7 bits a byte, low first, high bit = more to come. */
export function leb128(value: number, signed: boolean): number[] {
  const out: number[] = [];
  let v = BigInt(Math.trunc(value));
  if (!signed && v < 0n) v = BigInt.asUintN(32, v);
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = signed ? (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0) : v === 0n;
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** `.text 1` and friends: gate86 has no subsections. */
function subsection(asm: Assembler, ops: string): void {
  if (ops.trim() !== '' && asm.absolute(ops) !== 0) throw new AsmError(asm.where, 'subsections are not supported');
}

export function isDirective(word: string): boolean {
  return word.startsWith('.');
}

export function runDirective(asm: Assembler, name: string, operands: string): void {
  const handler = handlers[name];
  if (handler) {
    try {
      return handler(asm, operands, name);
    } catch (error) {
      if (error instanceof StringLiteralError) throw new AsmError(asm.where, `${name}: ${error.message}`);
      throw error;
    }
  }
  if (name.startsWith('.cfi_')) return asm.cfi.directive(name, operands);
  throw new AsmError(asm.where, `unknown directive '${name}'`);
}

function names(ops: string): string[] {
  return splitOperands(ops).map((n) => n.trim()).filter((n) => n !== '');
}

function data(asm: Assembler, ops: string, size: 1 | 2 | 4 | 8): void {
  for (const item of splitOperands(ops)) {
    if (item.startsWith('"')) {
      // .byte "abc" is not gas syntax, but `.byte 'a'` is handled by the expression parser.
      throw new AsmError(asm.where, 'strings are not allowed here; use .ascii');
    }
    if (size === 8 && /^\s*(0[xX][0-9a-fA-F]+|[0-9]+)\s*$/.test(item)) {
      // 64-bit literals exceed a double's precision: take them exactly.
      let n = BigInt.asUintN(64, BigInt(item.trim()));
      const bytes: number[] = [];
      for (let i = 0; i < 8; i++) { bytes.push(Number(n & 0xffn)); n >>= 8n; }
      asm.emitBytes(bytes);
      continue;
    }
    asm.emitValue(asm.evaluate(item), size);
  }
}

function strings(asm: Assembler, ops: string, terminate: boolean): void {
  try {
    for (const s of stringLiterals(ops)) asm.emitBytes(terminate ? [...s, 0] : s);
  } catch (error) {
    if (error instanceof AsmError) throw error;
    throw new AsmError(asm.where, (error as Error).message);
  }
}

function space(asm: Assembler, ops: string): void {
  const [count = '0', fill = '0'] = splitOperands(ops);
  const n = asm.absolute(count);
  if (n < 0) throw new AsmError(asm.where, '.space with a negative size');
  if (n > MAX_SECTION_SIZE) throw new AsmError(asm.where, `.space of ${n} bytes is larger than a section may be`);
  asm.emitBytes(new Array<number>(n).fill(asm.absolute(fill || '0') & 0xff));
}

/** .align/.balign/.p2align boundary[, fill[, max]]: code sections are padded with gas's NOPs. */
function align(asm: Assembler, ops: string, toBytes: (n: number) => number, fillSize = 1): void {
  const [boundary = '0', fill = '', max = ''] = splitOperands(ops);
  const bytes = toBytes(asm.absolute(boundary));
  if (bytes <= 1) return;
  if (bytes > MAX_ALIGNMENT) throw new AsmError(asm.where, `alignment ${bytes} is larger than gate86 allows (${MAX_ALIGNMENT})`);
  if ((bytes & (bytes - 1)) !== 0) throw new AsmError(asm.where, `alignment ${bytes} is not a power of 2`);
  const s = asm.current;
  s.frag++; // an alignment is a frag of variable size
  const pad = (bytes - (s.size % bytes)) % bytes;
  const limit = max === '' ? bytes : asm.absolute(max);
  // gas raises the section's alignment even when the padding is skipped for exceeding `max`.
  s.align = Math.max(s.align, bytes);
  if (pad === 0 || pad > limit) return;
  const fillValue = fill === '' ? null : asm.absolute(fill);
  // In code, no fill (or a fill of 0x90, the NOP opcode) means gas's multi-byte NOPs.
  if (fillSize === 1 && (fillValue === null || (fillValue & 0xff) === 0x90) && asm.isCodeSection(s) && !s.isNobits) {
    asm.emitBytes(nopFill(pad));
    return;
  }
  // .balignw/.balignl repeat a 2- or 4-byte pattern, which must fit the padding exactly.
  if (pad % fillSize !== 0) throw new AsmError(asm.where, `alignment padding (${pad} bytes) not a multiple of ${fillSize}`);
  const padding: number[] = [];
  while (padding.length < pad) for (let i = 0; i < fillSize; i++) padding.push(((fillValue ?? 0) >>> (8 * i)) & 0xff);
  asm.emitBytes(padding);
}

function assignment(asm: Assembler, ops: string, once: boolean): void {
  const [name = '', ...rest] = splitOperands(ops);
  const s = asm.symbols.get(name);
  if (once && s?.definedThisPass) throw new AsmError(asm.where, `symbol '${name}' is already defined`);
  asm.assign(name.trim(), asm.evaluate(rest.join(',')));
}

/** .comm name,size[,align] — or with .local (or .lcomm) space in .bss. */
function common(asm: Assembler, ops: string, local: boolean): void {
  const [name = '', size = '0', alignment = ''] = splitOperands(ops);
  const s = asm.symbol(name.trim());
  const n = asm.absolute(size);
  let a = alignment === '' ? 0 : asm.absolute(alignment);
  if (local || s.declaredLocal) {
    // gas allocates local commons in .bss subsection 1: after everything else in .bss.
    if (alignment === '') a = naturalAlignment(n);
    asm.localCommons.push({ symbol: s, size: n, align: a });
    if (s.type === STT_NOTYPE) s.type = STT_OBJECT;
    s.size = n;
    return;
  }
  if (alignment === '') a = naturalAlignment(n);
  s.common = { size: n, align: a };
  if (s.binding === 'local') s.binding = 'global';
  if (s.type === STT_NOTYPE) s.type = STT_OBJECT;
  s.size = n;
  s.used = true;
}

function naturalAlignment(size: number): number {
  let a = 1;
  while (a < size && a < 16) a *= 2;
  return a;
}

/** `.section name[,"flags"[,@type[,entsize]]]`. */
function sectionFrom(asm: Assembler, ops: string): ReturnType<Assembler['section']> {
  const parts = splitOperands(ops);
  const name = (parts[0] ?? '').replace(/^"|"$/g, '');
  if (name === '') throw new AsmError(asm.where, '.section needs a name');
  if (parts.length < 2) return asm.section(name);
  const flagText = (parts[1] ?? '').replace(/^"|"$/g, '');
  let flags = 0;
  for (const c of flagText) {
    const bit: Record<string, number> = { a: SHF_ALLOC, w: SHF_WRITE, x: SHF_EXECINSTR, M: SHF_MERGE, S: SHF_STRINGS, T: SHF_TLS, G: SHF_GROUP };
    if (bit[c] === undefined) throw new AsmError(asm.where, `unknown section flag '${c}'`);
    flags |= bit[c]!;
  }
  const typeText = (parts[2] ?? '').replace(/^[@%]/, '');
  const types: Record<string, number> = { progbits: SHT_PROGBITS, nobits: SHT_NOBITS, note: SHT_NOTE, init_array: 14, fini_array: 15 };
  let type: number | undefined;
  if (typeText !== '') {
    type = types[typeText];
    if (type === undefined) throw new AsmError(asm.where, `unknown section type '${parts[2]}'`);
  }
  // After the type: the entry size (flag M), then the group name (flag G) and `comdat`.
  let next = 3;
  let entsize = 0;
  if (flags & SHF_MERGE) entsize = parts[next] !== undefined ? asm.absolute(parts[next++]!) : 0;
  let group: string | null = null;
  if (flags & SHF_GROUP) {
    group = (parts[next++] ?? '').trim();
    if (group === '') throw new AsmError(asm.where, 'group name expected for flag G');
    const linkage = (parts[next] ?? 'comdat').trim();
    if (linkage !== 'comdat' && linkage !== '.gnu.linkonce') throw new AsmError(asm.where, `unsupported group linkage '${linkage}'`);
  }
  const existing = asm.sections.find((s) => s.name === name);
  const special = defaultAttributes(name);
  if (type === undefined) type = existing?.type ?? special.type;
  if (entsize === 0) entsize = special.entsize;
  const section = asm.section(name, flags, type, entsize);
  if (group !== null) section.group = group;
  return section;
}
