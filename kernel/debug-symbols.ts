// The names a debugger shows for the gate86 kernel: the kernel image's own symbols (sysenter_entry,
// system_call, sys_call_table ...), and those of the two linux-gate.so.1 images it carries as bytes
// (vsyscall_sysenter_start..end, vsyscall_int80_start..end) — __kernel_vsyscall, SYSENTER_RETURN,
// __kernel_sigreturn at 0xffffe400.. — which no symbol table of the kernel itself holds.

import { readElf } from '../vm/elf/reader.ts';
import { symbolsOf, type NamedSymbol } from '../vm/debug/symbols.ts';

/** The bytes between two symbols of an ELF file (an image embedded with .byte lines). */
function embedded(image: Uint8Array, symbols: NamedSymbol[], start: string, end: string): Uint8Array | null {
  const from = symbols.find((s) => s.name === start)?.address;
  const to = symbols.find((s) => s.name === end)?.address;
  if (from === undefined || to === undefined || to <= from) return null;
  const section = readElf(image, 'kernel').sections.find((s) => s.addr <= from && to <= s.addr + s.size && s.type !== 8 /* NOBITS */);
  if (section === undefined) return null;
  return image.subarray(section.offset + from - section.addr, section.offset + to - section.addr);
}

export function kernelDebugSymbols(kernelImage: Uint8Array): NamedSymbol[] {
  const own = symbolsOf(kernelImage);
  const vdso = ['sysenter', 'int80'].flatMap((flavour) => {
    const bytes = embedded(kernelImage, own, `vsyscall_${flavour}_start`, `vsyscall_${flavour}_end`);
    return bytes === null ? [] : symbolsOf(bytes);
  });
  return [...own, ...vdso];
}
