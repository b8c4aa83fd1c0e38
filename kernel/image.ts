// The linked kernel image as the TypeScript half needs it: the guest addresses of the symbols it
// works with (page directory, GDT, TSS, boot_cpu_data, the exception table, the gates).

import { readElf, readSymbolTable } from '../linker/elf/reader.ts';

/** Symbols the TypeScript half reads or writes in guest memory. */
export const REQUIRED_SYMBOLS = [
  'swapper_pg_dir', 'gdt_table', 'init_tss', 'boot_cpu_data', 'init_thread_union', '_end',
  '__start___ex_table', '__stop___ex_table', '__gates_start', '__gates_end', 'sys_call_table',
  'sysenter_entry', 'system_call', 'multiboot_info', 'sys_call_names',
] as const;
export type KernelSymbol = (typeof REQUIRED_SYMBOLS)[number];

export interface KernelImage {
  bytes: Uint8Array;
  entry: number;
  symbols: Map<string, number>;
  /** address -> name for every gate stub (`vmcall; ret`) between __gates_start and __gates_end. */
  gates: Map<number, string>;
  addressOf(name: KernelSymbol): number;
}

export function readKernelImage(bytes: Uint8Array, what = 'kernel'): KernelImage {
  const elf = readElf(bytes, what);
  const symbols = new Map<string, number>();
  for (const s of readSymbolTable(elf)) if (s.name !== '' && s.sectionIndex !== 0) symbols.set(s.name, s.value >>> 0);
  for (const name of REQUIRED_SYMBOLS) {
    if (!symbols.has(name)) throw new Error(`${what}: the kernel image has no symbol ${name}`);
  }
  const start = symbols.get('__gates_start')!;
  const end = symbols.get('__gates_end')!;
  const gates = new Map<number, string>();
  for (const [name, value] of symbols) if (value >= start && value < end && name !== '__gates_start') gates.set(value, name);
  return {
    bytes, entry: elf.entry, symbols, gates,
    addressOf: (name: KernelSymbol) => symbols.get(name)!,
  };
}
