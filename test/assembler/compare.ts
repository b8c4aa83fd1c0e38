// Comparing two ELF32 relocatable objects the way the assembler tests need: section by section
// (type, flags, alignment, entry size, bytes), symbol by symbol (name, value, size, binding, type,
// visibility, section) and relocation by relocation (offset, type, symbol). Whole-file identity is
// not required: the layout of the file around the sections may differ.

import { readElf, readRelocations, readSymbolTable, type ElfFile, type ElfSymbol } from '../../vm/elf/reader.ts';
import { SHN_ABS, SHN_COMMON, SHN_UNDEF, SHT_REL, SHT_STRTAB, SHT_SYMTAB, STT_SECTION } from '../../vm/elf/format.ts';

function sectionName(file: ElfFile, index: number): string {
  if (index === SHN_UNDEF) return 'UND';
  if (index === SHN_ABS) return 'ABS';
  if (index === SHN_COMMON) return 'COM';
  return file.sections[index]?.name ?? `#${index}`;
}

function symbolText(file: ElfFile, s: ElfSymbol): string {
  const name = s.type === STT_SECTION ? `[section ${sectionName(file, s.sectionIndex)}]` : s.name;
  return `${name} value=0x${s.value.toString(16)} size=${s.size} bind=${s.binding} type=${s.type} vis=${s.visibility} in=${sectionName(file, s.sectionIndex)}`;
}

/** Everything compared, as lines of text (so a difference reads as a diff). */
export function describeObject(bytes: Uint8Array): { sections: Map<string, string>; symbols: string[]; relocations: Map<string, string[]> } {
  const file = readElf(bytes);
  const symbols = readSymbolTable(file);
  const sections = new Map<string, string>();
  const relocations = new Map<string, string[]>();
  for (const s of file.sections) {
    if (s.index === 0 || s.type === SHT_SYMTAB || s.type === SHT_STRTAB) continue;
    if (s.type === SHT_REL) {
      const target = file.sections[s.info]?.name ?? '?';
      relocations.set(target, readRelocations(s).map((r) => {
        const sym = symbols[r.symbolIndex];
        const name = !sym ? '?' : r.symbolIndex === 0 ? '(none)' : sym.type === STT_SECTION ? `[section ${sectionName(file, sym.sectionIndex)}]` : sym.name;
        return `0x${r.offset.toString(16)} type=${r.type} ${name}`;
      }));
      continue;
    }
    const data = Buffer.from(s.data).toString('hex');
    sections.set(s.name, `type=${s.type} flags=0x${s.flags.toString(16)} align=${s.addralign} entsize=${s.entsize} size=${s.size} ${data}`);
  }
  return { sections, symbols: symbols.slice(1).map((s) => symbolText(file, s)), relocations };
}

/** The differences between our object and gas's; empty when they agree. */
export function compareObjects(ours: Uint8Array, theirs: Uint8Array): string[] {
  const a = describeObject(ours);
  const b = describeObject(theirs);
  const out: string[] = [];
  for (const name of new Set([...a.sections.keys(), ...b.sections.keys()])) {
    const x = a.sections.get(name);
    const y = b.sections.get(name);
    if (x !== y) out.push(`section ${name}:\n  ours: ${x ?? '(missing)'}\n  gas:  ${y ?? '(missing)'}${firstDifference(x, y)}`);
  }
  const symbolCount = Math.max(a.symbols.length, b.symbols.length);
  for (let i = 0; i < symbolCount; i++) {
    if (a.symbols[i] !== b.symbols[i]) out.push(`symbol ${i + 1}:\n  ours: ${a.symbols[i] ?? '(missing)'}\n  gas:  ${b.symbols[i] ?? '(missing)'}`);
  }
  for (const name of new Set([...a.relocations.keys(), ...b.relocations.keys()])) {
    const x = a.relocations.get(name) ?? [];
    const y = b.relocations.get(name) ?? [];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      if (x[i] !== y[i]) out.push(`relocation ${i} of ${name}:\n  ours: ${x[i] ?? '(missing)'}\n  gas:  ${y[i] ?? '(missing)'}`);
    }
  }
  return out;
}

function firstDifference(x: string | undefined, y: string | undefined): string {
  if (x === undefined || y === undefined) return '';
  const hx = x.split(' ').pop() ?? '';
  const hy = y.split(' ').pop() ?? '';
  let i = 0;
  while (i < hx.length && hx[i] === hy[i]) i++;
  return `\n  first differing byte at offset 0x${Math.floor(i / 2).toString(16)}`;
}
