// The dynamic tables of a shared object, for the one shared object gate86 links: the vsyscall DSO,
// linux-gate.so.1. The kernel maps it at 0xffffe000 in every process and passes its address in the
// auxiliary vector (AT_SYSINFO_EHDR); a C library finds `__kernel_vsyscall` in it the way a dynamic
// linker finds any symbol:
//   .dynamic  DT_HASH / DT_SYMTAB / DT_STRTAB ...: where the other tables are
//   .dynsym   the exported symbols (name, address, size, type)
//   .dynstr   their names, and the DT_SONAME "linux-gate.so.1"
//   .hash     the SysV hash table: nbucket, nchain, bucket[], chain[] — look up a name by elf_hash
// The sizes are fixed as soon as the export list is known, so the sections are made before layout and
// filled after it, when the addresses are.

import {
  DT_HASH, DT_NULL, DT_SONAME, DT_STRSZ, DT_STRTAB, DT_SYMENT, DT_SYMTAB, ELF32_SYM_SIZE, SHF_ALLOC,
  SHF_WRITE, SHN_ABS, SHT_DYNAMIC, SHT_DYNSYM, SHT_HASH, SHT_STRTAB, STB_GLOBAL,
} from '../../vm/elf/format.ts';
import { StringTable, encodeSymbols } from '../elf/writer.ts';
import type { OutputSymbol } from '../elf/writer.ts';
import { LinkError } from './errors.ts';
import { syntheticSection } from './objects.ts';
import type { InputObject, InputSection } from './objects.ts';
import type { SharedSpec } from './script.ts';
import type { GlobalSymbol, SymbolTable } from './symbols.ts';

export interface DynamicTables {
  hash: InputSection;
  dynsym: InputSection;
  dynstr: InputSection;
  dynamic: InputSection;
  exports: GlobalSymbol[];
  soname: string;
}

/** The System V ABI's ELF hash of a symbol name. */
export function elfHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) {
    h = ((h << 4) + (name.charCodeAt(i) & 0xff)) >>> 0;
    const g = h & 0xf0000000;
    if (g !== 0) h ^= g >>> 24;
    h &= ~g >>> 0;
    h >>>= 0;
  }
  return h;
}

/** ld's choice of bucket count: the largest of its primes that does not exceed the symbol count. */
function bucketCount(symbols: number): number {
  const sizes = [1, 3, 17, 37, 67, 97, 131, 197, 263, 521, 1031, 2053, 4099];
  let best = 1;
  for (const size of sizes) if (size <= symbols) best = size;
  return best;
}

const DYNAMIC_TAGS = [DT_HASH, DT_STRTAB, DT_SYMTAB, DT_STRSZ, DT_SYMENT, DT_SONAME, DT_NULL];

function dynstrFor(soname: string, exports: GlobalSymbol[]): StringTable {
  const strings = new StringTable();
  for (const e of exports) strings.add(e.name);
  strings.add(soname);
  return strings;
}

/** Make the four sections, sized for `spec`'s exports (which must all be defined). */
export function createDynamicTables(spec: SharedSpec, table: SymbolTable, linker: InputObject): DynamicTables {
  const names = spec.exports ?? [...table.symbols.values()].filter((s) => s.state !== 'undefined').map((s) => s.name);
  const exports = names.map((name) => {
    const entry = table.get(name);
    if (!entry || entry.state === 'undefined') throw new LinkError(`the shared object exports \`${name}', which no object defines`);
    return entry;
  });
  const count = exports.length + 1;
  return {
    hash: syntheticSection(linker, '.hash', SHT_HASH, SHF_ALLOC, 4, 4 * (2 + bucketCount(count) + count)),
    dynsym: syntheticSection(linker, '.dynsym', SHT_DYNSYM, SHF_ALLOC, 4, ELF32_SYM_SIZE * count),
    dynstr: syntheticSection(linker, '.dynstr', SHT_STRTAB, SHF_ALLOC, 1, dynstrFor(spec.soname, exports).bytes().length),
    dynamic: syntheticSection(linker, '.dynamic', SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE, 4, 8 * DYNAMIC_TAGS.length),
    exports,
    soname: spec.soname,
  };
}

/** Write the tables' bytes; `sectionIndex` maps an output section name to its header index. */
export function fillDynamicTables(tables: DynamicTables, table: SymbolTable, sectionIndex: (name: string | null) => number): void {
  const strings = dynstrFor(tables.soname, tables.exports);
  const symbols: OutputSymbol[] = tables.exports.map((e) => ({
    name: e.name, value: table.valueOf(e), size: e.size, binding: STB_GLOBAL, type: e.type,
    section: e.section ? sectionIndex(e.section.outputName) : SHN_ABS,
  }));
  tables.dynsym.data.set(encodeSymbols(symbols, strings));
  tables.dynstr.data.set(strings.bytes());

  // .hash: chain[i] links symbols whose names land in the same bucket.
  const count = symbols.length + 1;
  const nbucket = bucketCount(count);
  const words = new DataView(tables.hash.data.buffer, tables.hash.data.byteOffset, tables.hash.data.byteLength);
  words.setUint32(0, nbucket, true);
  words.setUint32(4, count, true);
  const bucket = (b: number): number => 8 + 4 * b;
  const chain = (i: number): number => 8 + 4 * nbucket + 4 * i;
  symbols.forEach((s, i) => {
    const index = i + 1;
    const b = elfHash(s.name) % nbucket;
    // Append at the end of the bucket's chain so lookups visit symbols in table order.
    let at = bucket(b);
    while (words.getUint32(at, true) !== 0) at = chain(words.getUint32(at, true));
    words.setUint32(at, index, true);
  });

  const dyn = new DataView(tables.dynamic.data.buffer, tables.dynamic.data.byteOffset, tables.dynamic.data.byteLength);
  const values: Record<number, number> = {
    [DT_HASH]: tables.hash.address, [DT_STRTAB]: tables.dynstr.address, [DT_SYMTAB]: tables.dynsym.address,
    [DT_STRSZ]: tables.dynstr.size, [DT_SYMENT]: ELF32_SYM_SIZE, [DT_SONAME]: strings.add(tables.soname), [DT_NULL]: 0,
  };
  DYNAMIC_TAGS.forEach((tag, i) => {
    dyn.setUint32(8 * i, tag, true);
    dyn.setUint32(8 * i + 4, values[tag]! >>> 0, true);
  });
}
