// Symbol resolution: deciding, for every global name, which object's definition wins.
//
// The rules are ld's (and the System V ABI's):
//   - a strong (STB_GLOBAL) definition beats a weak one and a COMMON one; two strong definitions of
//     the same name are an error that names both objects;
//   - COMMON symbols (`int counter;` in C without -fno-common, or `.comm`) of the same name merge into
//     one, as large and as aligned as the largest; if nobody defines the name, the linker allocates it
//     in .bss;
//   - a weak reference that nobody defines resolves to 0; a strong one is an "undefined reference"
//     error naming every object that made it.
// Local symbols never enter this table: a relocation against a local symbol goes straight to its
// section.

import { SHN_ABS, SHN_COMMON, SHN_UNDEF, STB_LOCAL, STB_WEAK, SHT_NOBITS, SHF_ALLOC, SHF_WRITE, STT_OBJECT } from '../../vm/elf/format.ts';
import { LinkError } from './errors.ts';
import { syntheticSection } from './objects.ts';
import type { InputObject, InputSection, InputSymbol } from './objects.ts';

/** Section indices from here up are special (SHN_ABS, SHN_COMMON, ...), not sections. */
const SHN_LORESERVE = 0xff00;

export type SymbolState = 'undefined' | 'weak' | 'common' | 'strong' | 'script';

export interface GlobalSymbol {
  name: string;
  state: SymbolState;
  /** The input symbol whose definition won (null while undefined, or for script symbols). */
  definition: InputSymbol | null;
  /** Where the definition lives: null for absolute values and undefined symbols. */
  section: InputSection | null;
  /** Offset inside `section`, or the absolute value when `section` is null. */
  value: number;
  size: number;
  /** STT_* of the winning definition (STT_NOTYPE for script symbols). */
  type: number;
  /** True while every reference so far was weak: an undefined weak symbol is 0, not an error. */
  onlyWeakReferences: boolean;
  /** Objects that reference the name without defining it, for the undefined-reference error. */
  referencedBy: Set<InputObject>;
  /** For COMMON: the largest alignment requested. */
  commonAlign: number;
}

export class SymbolTable {
  readonly symbols = new Map<string, GlobalSymbol>();

  get(name: string): GlobalSymbol | undefined {
    return this.symbols.get(name);
  }

  /** The entry for `name`, created undefined if it does not exist yet. */
  entry(name: string): GlobalSymbol {
    let symbol = this.symbols.get(name);
    if (!symbol) {
      symbol = {
        name, state: 'undefined', definition: null, section: null, value: 0, size: 0, type: 0,
        onlyWeakReferences: true, referencedBy: new Set(), commonAlign: 1,
      };
      this.symbols.set(name, symbol);
    }
    return symbol;
  }

  /** Enter every global and weak symbol of one object, in command-line order. */
  addObject(object: InputObject): void {
    for (const symbol of object.symbols) {
      if (symbol.index === 0 || symbol.binding === STB_LOCAL) continue;
      const index = symbol.sectionIndex;
      if (index === SHN_UNDEF) { this.reference(symbol); continue; }
      if (index === SHN_COMMON) { this.common(symbol); continue; }
      if (index === SHN_ABS || index >= SHN_LORESERVE) { this.define(symbol, null); continue; }
      const section = object.sections[index];
      if (!section) throw new LinkError(`${object.name}: symbol \`${symbol.name}' is defined in section ${index}, which has no contents`);
      // A definition inside a dropped duplicate COMDAT group counts as a reference to the kept copy.
      if (section.discard && (section.flags & SHF_ALLOC) !== 0) this.reference(symbol);
      else this.define(symbol, section);
    }
  }

  private reference(symbol: InputSymbol): void {
    const entry = this.entry(symbol.name);
    if (symbol.binding !== STB_WEAK) entry.onlyWeakReferences = false;
    if (entry.state === 'undefined') entry.referencedBy.add(symbol.object);
  }

  private common(symbol: InputSymbol): void {
    const entry = this.entry(symbol.name);
    entry.onlyWeakReferences = false;
    if (entry.state === 'strong') return;
    if (entry.state === 'common') {
      entry.size = Math.max(entry.size, symbol.size);
      entry.commonAlign = Math.max(entry.commonAlign, symbol.value);
      return;
    }
    // Undefined or weakly defined so far: the common block wins (ld's rule).
    Object.assign(entry, { state: 'common', definition: symbol, section: null, value: 0, size: symbol.size, type: STT_OBJECT, commonAlign: Math.max(1, symbol.value) });
  }

  private define(symbol: InputSymbol, section: InputSection | null): void {
    const entry = this.entry(symbol.name);
    const weak = symbol.binding === STB_WEAK;
    if (!weak) entry.onlyWeakReferences = false;
    const wins = entry.state === 'undefined' || (!weak && (entry.state === 'weak' || entry.state === 'common'));
    if (!weak && entry.state === 'strong') {
      throw new LinkError(`multiple definition of \`${symbol.name}': first defined in ${entry.definition?.object.name}, again in ${symbol.object.name}`);
    }
    if (!wins) return;
    Object.assign(entry, {
      state: weak ? 'weak' : 'strong', definition: symbol, section, value: symbol.value, size: symbol.size, type: symbol.type,
    });
    entry.referencedBy.clear();
  }

  /**
   * COMMON symbols nobody defined get space of their own: one zero-filled section each, which the
   * script's `COMMON` pattern places (normally at the end of .bss).
   */
  allocateCommons(linker: InputObject): void {
    for (const entry of this.symbols.values()) {
      if (entry.state !== 'common') continue;
      const section = syntheticSection(linker, 'COMMON', SHT_NOBITS, SHF_ALLOC | SHF_WRITE, entry.commonAlign, entry.size);
      entry.state = 'strong';
      entry.section = section;
      entry.value = 0;
    }
  }

  /** Throw for the first strong reference nobody defined, naming the objects that made it. */
  checkUndefined(): void {
    for (const entry of this.symbols.values()) {
      if (entry.state !== 'undefined' || entry.onlyWeakReferences) continue;
      const users = [...entry.referencedBy].map((o) => o.name).join(', ');
      throw new LinkError(`undefined reference to \`${entry.name}'${users ? ` (referenced from ${users})` : ''}`);
    }
  }

  /** The final address (or absolute value) of a resolved global; undefined weak symbols are 0. */
  valueOf(entry: GlobalSymbol): number {
    if (entry.state === 'undefined') return 0;
    return ((entry.section ? entry.section.address : 0) + entry.value) >>> 0;
  }
}
