// The ELF attributes gas gives a section from its name alone (`.section .bss` without flags, or the
// type and entry size of .init_array even when flags are given).

import {
  SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS, SHF_WRITE, SHT_NOBITS, SHT_NOTE, SHT_PROGBITS,
} from '../../vm/elf/format.ts';

const SHT_INIT_ARRAY = 14;
const SHT_FINI_ARRAY = 15;
const SHT_PREINIT_ARRAY = 16;

export interface SectionAttributes {
  type: number;
  flags: number;
  entsize: number;
}

export function defaultAttributes(name: string): SectionAttributes {
  const is = (prefix: string): boolean => name === prefix || name.startsWith(prefix + '.');
  const attributes = (type: number, flags: number, entsize = 0): SectionAttributes => ({ type, flags, entsize });
  if (is('.text') || is('.init') || is('.fini')) return attributes(SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR);
  if (is('.bss') || is('.tbss')) return attributes(SHT_NOBITS, SHF_ALLOC | SHF_WRITE);
  if (is('.init_array')) return attributes(SHT_INIT_ARRAY, SHF_ALLOC | SHF_WRITE, 4);
  if (is('.fini_array')) return attributes(SHT_FINI_ARRAY, SHF_ALLOC | SHF_WRITE, 4);
  if (is('.preinit_array')) return attributes(SHT_PREINIT_ARRAY, SHF_ALLOC | SHF_WRITE, 4);
  if (is('.data') || is('.data1') || is('.tdata') || is('.ctors') || is('.dtors')) return attributes(SHT_PROGBITS, SHF_ALLOC | SHF_WRITE);
  if (is('.rodata') || is('.rodata1') || is('.eh_frame')) return attributes(SHT_PROGBITS, SHF_ALLOC);
  if (name.startsWith('.note')) return attributes(SHT_NOTE, 0);
  if (name === '.comment') return attributes(SHT_PROGBITS, SHF_MERGE | SHF_STRINGS, 1);
  return attributes(SHT_PROGBITS, 0);
}
