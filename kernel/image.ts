// The linked kernel image as the TypeScript half needs it: the guest addresses of the symbols it
// works with (page directory, GDT, TSS, boot_cpu_data, the exception table, the hypercall stubs).

import { readElf, readSymbolTable } from '../vm/elf/reader.ts';

/** Symbols the TypeScript half reads or writes in guest memory. */
export const REQUIRED_SYMBOLS = [
  'swapper_pg_dir', 'gdt_table', 'init_tss', 'boot_cpu_data', 'init_thread_union', '_end',
  '__start___ex_table', '__stop___ex_table', '__hypercalls_start', '__hypercalls_end', 'sys_call_table',
  'sysenter_entry', 'system_call', 'multiboot_info', 'cpu_idle', 'ret_from_fork',
] as const;
export type KernelSymbol = (typeof REQUIRED_SYMBOLS)[number];

export interface KernelImage {
  bytes: Uint8Array;
  entry: number;
  symbols: Map<string, number>;
  /** address -> name for every hypercall stub (`vmcall; ret`) between __hypercalls_start and __hypercalls_end. */
  hypercalls: Map<number, string>;
  addressOf(name: KernelSymbol): number;
}

export function readKernelImage(bytes: Uint8Array, what = 'kernel'): KernelImage {
  const elf = readElf(bytes, what);
  const symbols = new Map<string, number>();
  for (const s of readSymbolTable(elf)) if (s.name !== '' && s.sectionIndex !== 0) symbols.set(s.name, s.value >>> 0);
  for (const name of REQUIRED_SYMBOLS) {
    if (!symbols.has(name)) throw new Error(`${what}: the kernel image has no symbol ${name}`);
  }
  const start = symbols.get('__hypercalls_start')!;
  const end = symbols.get('__hypercalls_end')!;
  const hypercalls = new Map<number, string>();
  for (const [name, value] of symbols) if (value >= start && value < end && name !== '__hypercalls_start') hypercalls.set(value, name);
  return {
    bytes, entry: elf.entry, symbols, hypercalls,
    addressOf: (name: KernelSymbol) => symbols.get(name)!,
  };
}
