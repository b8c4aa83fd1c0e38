// `gate86 objdump -d FILE`: an ELF32 i386 file's executable sections, in the layout of GNU objdump -d,
// so that `diff <(objdump -d f) <(gate86 objdump -d f)` shows only where the two disagree.
//
// The instructions come from vm/isa/disassembler.ts. What this file adds is objdump's way of walking
// a file: which sections it shows, which symbols label code and in what order they win when several
// share an address (objdump.c: remove_useless_symbols, compare_symbols, find_symbol_for_address), the
// `<foo+0x10>` names given to branch targets, and the `...` that stands for a run of zero bytes.

import { readFileSync } from 'node:fs';
import type { Command } from '../usage.ts';
import { UsageError } from '../usage.ts';
import { ElfError, readElf, readRelocations, readSymbols, type ElfFile, type ElfSection, type ElfSymbol } from '../../vm/elf/reader.ts';
import {
  ET_REL, SHF_EXECINSTR, SHN_ABS, SHN_COMMON, SHN_UNDEF, SHT_DYNSYM, SHT_NOBITS, SHT_REL, SHT_SYMTAB,
  STB_GLOBAL, STB_LOCAL, STT_FILE, STT_FUNC, STT_OBJECT, STT_SECTION,
} from '../../vm/elf/format.ts';
import { addressColumn, disassembleOne, formatInstruction, skippedZeroes } from '../../vm/isa/disassembler.ts';

/** A symbol as objdump sorts and uses it. */
interface CodeSymbol {
  name: string;
  /** The address: st_value, plus the section's address in a relocatable file. */
  value: number;
  size: number;
  sectionIndex: number;
  /** The section's name ("*ABS*" for absolute symbols): objdump matches sections by name. */
  sectionName: string;
  binding: number;
  type: number;
}

export interface ObjdumpOptions {
  /** Only instructions at or after this address (--start-address). */
  startAddress?: number;
  /** Only instructions before this address (--stop-address). */
  stopAddress?: number;
  /** Decode as 16-bit code (objdump -m i8086): real mode, or a code segment with D = 0. */
  code16?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Symbols.

/** The symbols objdump keeps for labelling code: named, not a section or file, defined, not common. */
function usefulSymbols(file: ElfFile): CodeSymbol[] {
  // Like objdump, fall back to the dynamic symbols when the file has no .symtab.
  const table = file.sections.find((s) => s.type === SHT_SYMTAB) ?? file.sections.find((s) => s.type === SHT_DYNSYM);
  if (!table) return [];
  const relocatable = file.type === ET_REL;
  const symbols: CodeSymbol[] = [];
  for (const s of readSymbols(file, table)) {
    if (s.name === '' || s.type === STT_SECTION || s.type === STT_FILE) continue;
    if (s.sectionIndex === SHN_UNDEF || s.sectionIndex === SHN_COMMON) continue;
    const section = s.sectionIndex === SHN_ABS ? undefined : file.sections[s.sectionIndex];
    if (s.sectionIndex !== SHN_ABS && section === undefined) continue;
    const base = relocatable && section ? section.addr : 0;
    symbols.push({
      name: s.name, value: (s.value + base) >>> 0, size: s.size, sectionIndex: s.sectionIndex,
      sectionName: section ? section.name : '*ABS*', binding: s.binding, type: s.type,
    });
  }
  return [...symbols, ...pltSymbols(file)].sort(compareSymbols);
}

/**
 * objdump's synthetic `name@plt` symbols (bfd's get_synthetic_symtab): each PLT entry begins (after
 * an optional endbr32) with `jmp *GOT` — `ff 25 abs32`, or `ff a3 disp32` off %ebx = .got.plt in
 * position-independent code — and the dynamic relocation of that GOT slot names the function.
 */
function pltSymbols(file: ElfFile): CodeSymbol[] {
  const dynsym = file.sections.find((s) => s.type === SHT_DYNSYM);
  if (!dynsym) return [];
  const dynamicSymbols: ElfSymbol[] = readSymbols(file, dynsym);
  const slotOwner = new Map<number, ElfSymbol>();
  for (const section of file.sections) {
    if (section.type !== SHT_REL || section.link !== dynsym.index) continue;
    for (const r of readRelocations(section)) {
      const symbol = dynamicSymbols[r.symbolIndex];
      if (r.symbolIndex !== 0 && symbol) slotOwner.set(r.offset, symbol);
    }
  }
  const gotBase = (file.sections.find((s) => s.name === '.got.plt') ?? file.sections.find((s) => s.name === '.got'))?.addr ?? 0;
  const out: CodeSymbol[] = [];
  for (const [name, entrySize] of [['.plt', 16], ['.plt.sec', 16], ['.plt.got', 8]] as const) {
    const plt = file.sections.find((s) => s.name === name && s.type !== SHT_NOBITS);
    if (!plt) continue;
    const view = new DataView(plt.data.buffer, plt.data.byteOffset, plt.data.byteLength);
    for (let entry = 0; entry + 6 <= plt.data.length; entry += entrySize) {
      const at = view.getUint32(entry, true) === 0xfb1e0ff3 ? entry + 4 : entry; // endbr32
      if (at + 6 > plt.data.length || plt.data[at] !== 0xff) continue;
      const modrm = plt.data[at + 1];
      const operand = view.getUint32(at + 2, true);
      const slot = modrm === 0x25 ? operand : modrm === 0xa3 ? (gotBase + operand) >>> 0 : -1;
      const owner = slotOwner.get(slot);
      if (!owner) continue;
      out.push({
        name: `${owner.name}@plt`, value: (plt.addr + entry) >>> 0, size: 0, sectionIndex: plt.index,
        sectionName: plt.name, binding: owner.binding, type: owner.type,
      });
    }
  }
  return out;
}

/** objdump's compare_symbols: by address, then the "most useful" name first. */
function compareSymbols(a: CodeSymbol, b: CodeSymbol): number {
  if (a.value !== b.value) return a.value > b.value ? 1 : -1;
  const rank = (test: (s: CodeSymbol) => boolean): number => (test(a) === test(b) ? 0 : test(a) ? -1 : 1);
  const compiledMarker = (s: CodeSymbol): boolean => !(s.name.includes('gnu_compiled') || s.name.includes('gcc2_compiled'));
  const notFileName = (s: CodeSymbol): boolean => !(s.name.length > 2 && /\.[oa]$/.test(s.name));
  return rank(compiledMarker) || rank(notFileName)
    || rank((s) => s.type === STT_FUNC)
    || rank((s) => s.type === STT_OBJECT)
    || rank((s) => s.binding !== STB_LOCAL)
    || rank((s) => s.binding === STB_GLOBAL)
    || (a.size !== b.size ? (a.size > b.size ? -1 : 1) : 0)
    || rank((s) => !s.name.startsWith('.'))
    || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

class SymbolTable {
  constructor(readonly sorted: CodeSymbol[], readonly relocatable: boolean) {}

  private ok(wantSection: boolean, place: number, section: ElfSection): boolean {
    return !wantSection || this.sorted[place]!.sectionName === section.name;
  }

  /** objdump's find_symbol_for_address: the symbol to name `address` by, and its index. */
  find(address: number, section: ElfSection, requireSection: boolean): { symbol: CodeSymbol; place: number } | null {
    const syms = this.sorted;
    if (syms.length === 0) return null;
    let min = 0;
    let max = syms.length;
    while (min + 1 < max) {
      const middle = (min + max) >> 1;
      const value = syms[middle]!.value;
      if (value > address) max = middle;
      else if (value < address) min = middle;
      else { min = middle; break; }
    }
    let place = min;
    while (place > 0 && syms[place]!.value === syms[place - 1]!.value) place--;
    // Among symbols of equal value, prefer one in the section being disassembled.
    for (min = place; min < max && syms[min]!.value === syms[place]!.value; min++) {
      if (this.ok(true, min, section)) return { symbol: syms[min]!, place: min };
    }
    const end = section.addr + section.size;
    const wantSection = requireSection || (this.relocatable && address >= section.addr && address < end);
    if (!this.ok(wantSection, place, section)) {
      let newPlace = syms.length;
      for (let i = min - 1; i >= 0; i--) {
        if (!this.ok(wantSection, i, section)) continue;
        if (newPlace === syms.length) newPlace = i;
        if (syms[i]!.value !== syms[newPlace]!.value) break;
        newPlace = i;
      }
      if (newPlace !== syms.length) place = newPlace;
      else {
        for (let i = place + 1; i < syms.length; i++) {
          if (this.ok(wantSection, i, section)) { place = i; break; }
        }
      }
      if (!this.ok(wantSection, place, section)) return null;
    }
    return { symbol: syms[place]!, place };
  }
}

const vmaText = (value: number, skipZeroes: boolean): string => {
  const digits = (value >>> 0).toString(16);
  return skipZeroes ? digits : digits.padStart(8, '0');
};

/** objdump_print_addr_with_sym: `8049010 <foo+0x10>`, or relative to the section without a symbol. */
function addressWithSymbol(section: ElfSection, symbol: CodeSymbol | null, address: number, skipZeroes: boolean): string {
  const [name, base] = symbol ? [symbol.name, symbol.value] : [section.name, section.addr];
  let offset = '';
  if (base > address) offset = `-0x${(base - address).toString(16)}`;
  else if (address > base) offset = `+0x${(address - base).toString(16)}`;
  return `${vmaText(address, skipZeroes)} <${name}${offset}>`;
}

// ---------------------------------------------------------------------------------------------
// Sections.

/** objdump dumps a block labelled by a data (STT_OBJECT) symbol as bytes and ASCII, 16 to a line. */
const DATA_BYTES_PER_LINE = 16;

function dataLine(data: Uint8Array, offset: number, stop: number): { length: number; text: string } {
  const length = Math.min(DATA_BYTES_PER_LINE, stop - offset);
  let hex = '';
  let ascii = '';
  for (let i = offset; i < offset + length; i++) {
    const b = data[i]!;
    hex += `${b.toString(16).padStart(2, '0')} `;
    ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  }
  // The column is as wide as 17 bytes: objdump pads data lines as if one more byte could follow.
  return { length, text: `${hex.padEnd(DATA_BYTES_PER_LINE * 3 + 3)} ${ascii}` };
}

function disassembleBlock(out: string[], section: ElfSection, symbols: SymbolTable, start: number, stop: number, asData: boolean, code16: boolean): void {
  const data = section.data;
  const column = addressColumn(section.addr, section.addr + section.size);
  const nameTarget = (target: number): string => {
    if (symbols.sorted.length === 0) return `0x${target.toString(16)}`;
    return addressWithSymbol(section, symbols.find(target, section, false)?.symbol ?? null, target, true);
  };
  for (let offset = start; offset < stop;) {
    const skip = skippedZeroes(data, offset, stop);
    if (skip > 0) {
      out.push('\t...');
      offset += skip;
      continue;
    }
    if (asData) {
      const line = dataLine(data, offset, stop);
      out.push(`${column(section.addr + offset)}:\t${line.text}`);
      offset += line.length;
      continue;
    }
    const line = disassembleOne(data, offset, stop, section.addr + offset, { nameTarget, defaultSize32: !code16 });
    out.push(...formatInstruction(line, column));
    offset += line.bytes.length;
  }
}

/** One section, cut into blocks at each labelling symbol, as objdump's disassemble_section does. */
function disassembleSection(out: string[], section: ElfSection, symbols: SymbolTable, options: ObjdumpOptions): void {
  const size = section.data.length;
  let offset = 0;
  let stopOffset = size;
  if (options.startAddress !== undefined && options.startAddress > section.addr) offset = Math.min(size, options.startAddress - section.addr);
  if (options.stopAddress !== undefined) stopOffset = Math.max(0, Math.min(size, options.stopAddress - section.addr));
  if (offset >= stopOffset) return;
  out.push('', `Disassembly of section ${section.name}:`);
  const first = symbols.find(section.addr + offset, section, true);
  let symbol = first?.symbol ?? null;
  let place = first?.place ?? 0;
  while (offset < stopOffset) {
    const address = section.addr + offset;
    out.push('', `${addressWithSymbol(section, symbol, address, false)}:`);
    let next: CodeSymbol | null;
    if (symbol !== null && symbol.value > address) next = symbol;
    else if (symbol === null) next = null;
    else {
      const current = symbol;
      const validNext = (s: CodeSymbol): boolean => s.sectionName === section.name && s.value > current.value;
      while (place < symbols.sorted.length && !validNext(symbols.sorted[place]!)) place++;
      next = place < symbols.sorted.length ? symbols.sorted[place]! : null;
    }
    let nextStop = next === null ? stopOffset : next.value - section.addr;
    if (nextStop > stopOffset || nextStop <= offset) nextStop = stopOffset;
    const asData = symbol !== null && symbol.type === STT_OBJECT && symbol.value <= address;
    disassembleBlock(out, section, symbols, offset, nextStop, asData, options.code16 === true);
    offset = nextStop;
    symbol = next;
  }
}

/** The whole `objdump -d` listing of an ELF file, as lines. Throws ElfError for bad input. */
export function objdumpListing(bytes: Uint8Array, fileName: string, options: ObjdumpOptions = {}): string[] {
  const file = readElf(bytes, fileName);
  const symbols = new SymbolTable(usefulSymbols(file), file.type === ET_REL);
  const out = ['', `${fileName}:     file format elf32-i386`, ''];
  for (const section of file.sections) {
    if ((section.flags & SHF_EXECINSTR) === 0 || section.type === SHT_NOBITS || section.size === 0) continue;
    disassembleSection(out, section, symbols, options);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The command.

function parseAddress(flag: string, text: string): number {
  const value = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text.slice(2), 16) : /^[0-9]+$/.test(text) ? parseInt(text, 10) : NaN;
  if (!Number.isFinite(value) || value > 0xffffffff) throw new UsageError(`${flag}: not an address: '${text}'`);
  return value;
}

const usage = `usage: gate86 objdump -d [-m i8086] [--start-address=ADDR] [--stop-address=ADDR] FILE...

Disassemble the executable sections of ELF32 i386 files in the format of GNU objdump -d
(AT&T syntax), so that the two outputs can be compared with diff. -m i8086 decodes 16-bit code.`;

export const objdumpCommand: Command = {
  name: 'objdump',
  summary: 'disassemble an ELF32 i386 file like `objdump -d`',
  usage,
  async run(args: string[]): Promise<number> {
    let disassembleFlag = false;
    const options: ObjdumpOptions = {};
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (arg === '-m' || arg.startsWith('-m')) {
        const machine = arg === '-m' ? args[++i] : arg.slice(2);
        if (machine === 'i8086') options.code16 = true;
        else if (machine !== 'i386') throw new UsageError(`unsupported machine '${machine ?? ''}' (i386 or i8086)`);
        continue;
      }
      const [flag, value] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, ''];
      if (flag === '-d' || flag === '--disassemble') disassembleFlag = true;
      else if (flag === '--start-address') options.startAddress = parseAddress(flag, value);
      else if (flag === '--stop-address') options.stopAddress = parseAddress(flag, value);
      else if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
      else files.push(arg);
    }
    if (!disassembleFlag) throw new UsageError('say -d: disassembly is the only thing this objdump does');
    if (files.length === 0) throw new UsageError('no file given');
    let status = 0;
    for (const name of files) {
      try {
        const lines = objdumpListing(new Uint8Array(readFileSync(name)), name, options);
        process.stdout.write(lines.join('\n') + '\n');
      } catch (error) {
        const message = error instanceof ElfError ? error.message
          : (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${name}: no such file`
            : `${name}: ${(error as Error).message}`;
        process.stderr.write(`gate86 objdump: ${message.split('\n')[0]}\n`);
        status = 1;
      }
    }
    return status;
  },
};
