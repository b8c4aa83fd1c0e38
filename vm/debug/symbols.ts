// Names for addresses, from the symbol tables of the ELF images a debugger knows (the kernel, the
// program): `sysenter_entry`, `system_call+0x5`. The monitor's idt/tss and the step view use them;
// gdb reads the same tables itself.

import { readElf, readSymbolTable } from '../elf/reader.ts';
import type { Symbolizer } from './monitor.ts';

const STT_SECTION = 3, STT_FILE = 4;
/** An address this far past the last symbol below it is not called after it. */
const MAX_DISTANCE = 0x10000;

export interface NamedSymbol { name: string; address: number; size: number }

/** The named symbols of an ELF image (no section, file or local `.L` labels); [] if it is not ELF. */
export function symbolsOf(image: Uint8Array): NamedSymbol[] {
  try {
    const elf = readElf(image, 'image');
    return readSymbolTable(elf)
      .filter((s) => s.name !== '' && !s.name.startsWith('.L') && s.sectionIndex !== 0 && s.type !== STT_SECTION && s.type !== STT_FILE)
      .map((s) => ({ name: s.name, address: s.value >>> 0, size: s.size }));
  } catch {
    return [];
  }
}

/** A lookup from address to `name` or `name+0xN` over these symbols. */
export function symbolizer(symbols: NamedSymbol[]): Symbolizer & { exact(address: number): string | null; address(name: string): number | null } {
  // One symbol per address: prefer a global-looking name over a local one of the same value.
  const byAddress = new Map<number, NamedSymbol>();
  for (const s of symbols) {
    const known = byAddress.get(s.address);
    if (known === undefined || (known.name.startsWith('_') && !s.name.startsWith('_'))) byAddress.set(s.address, s);
  }
  const sorted = [...byAddress.values()].sort((a, b) => a.address - b.address);
  const byName = new Map(symbols.map((s) => [s.name, s.address]));
  const lookup = (address: number): string | null => {
    const a = address >>> 0;
    let lo = 0, hi = sorted.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.address <= a) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (best < 0) return null;
    const s = sorted[best]!;
    const offset = a - s.address;
    if (offset === 0) return s.name;
    if (offset > MAX_DISTANCE) return null;
    return `${s.name}+0x${offset.toString(16)}`;
  };
  return Object.assign(lookup, {
    exact: (address: number) => byAddress.get(address >>> 0)?.name ?? null,
    address: (name: string) => byName.get(name) ?? null,
  });
}
