// linker/elf/writer.ts on its own: a relocatable object that GNU ld links, and an executable with
// program headers that runs on the i386 oracle and that readelf and the gate86 reader accept.

import test from 'ava';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  ET_EXEC, ET_REL, PF_R, PF_W, PF_X, PT_LOAD, R_386_32, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS,
  SHT_PROGBITS, SHT_REL, STB_GLOBAL, STB_LOCAL, STT_FUNC, STT_SECTION,
} from '../../vm/elf/format.ts';
import { readElf, readRelocations, readSymbolTable } from '../../vm/elf/reader.ts';
import { writeElf } from '../../linker/elf/writer.ts';
import { runI386Elf } from '../support/i386-oracle.ts';

const dir = mkdtempSync(join(tmpdir(), 'gate86-writer-'));

/** exit(status) where status is loaded from a data word: movl value, %ebx; movl $1, %eax; int $0x80. */
function exitCode(dataAddress: number): number[] {
  const a = [dataAddress & 0xff, (dataAddress >>> 8) & 0xff, (dataAddress >>> 16) & 0xff, dataAddress >>> 24];
  return [0x8b, 0x1d, ...a, 0xb8, 1, 0, 0, 0, 0xcd, 0x80];
}

test('an executable with two PT_LOAD segments runs on the i386 oracle and reads back', (t) => {
  const textAddress = 0x08048000 + 0x74;
  const dataAddress = 0x08049000 + 0x88;
  const image = writeElf({
    type: ET_EXEC,
    entry: textAddress,
    sections: [
      { name: '.text', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR, addr: textAddress, align: 4, data: new Uint8Array(exitCode(dataAddress)) },
      { name: '.data', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE, addr: dataAddress, align: 4, data: new Uint8Array([42, 0, 0, 0]) },
      { name: '.bss', type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE, addr: dataAddress + 4, align: 4, size: 0x2000 },
    ],
    segments: [
      { type: PT_LOAD, flags: PF_R | PF_X, align: 0x1000, sections: [1], includeHeaders: true },
      { type: PT_LOAD, flags: PF_R | PF_W, align: 0x1000, sections: [2, 3] },
    ],
    symbols: [{ name: '_start', value: textAddress, size: 12, binding: STB_GLOBAL, type: STT_FUNC, section: 1 }],
  });
  const path = join(dir, 'exit42');
  writeFileSync(path, image);
  chmodSync(path, 0o755);
  const elf = readElf(image);
  t.is(elf.segments.length, 2);
  t.is(elf.segments[0]!.offset, 0);
  t.is(elf.segments[0]!.vaddr, 0x08048000);
  t.is(elf.segments[1]!.vaddr % 0x1000, elf.segments[1]!.offset % 0x1000, 'offset and address congruent modulo the page size');
  t.is(elf.segments[1]!.memsz, 4 + 0x2000);
  t.is(readSymbolTable(elf)[1]!.name, '_start');
  const readelf = spawnSync('readelf', ['-lSW', path], { encoding: 'utf8' });
  t.is(readelf.status, 0, readelf.stderr);
  t.notRegex(readelf.stderr, /warning|error/i);
  const run = runI386Elf(path);
  t.is(run.status, 42, `on ${run.oracle}`);
});

test('a relocatable object links with GNU ld and its relocation is applied', (t) => {
  const object = writeElf({
    type: ET_REL,
    sections: [
      { name: '.text', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR, align: 4, data: new Uint8Array(exitCode(0)) },
      { name: '.rel.text', type: SHT_REL, flags: 0, align: 4, info: 1, relocations: [{ offset: 2, type: R_386_32, symbol: 1 }] },
      { name: '.data', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE, align: 4, data: new Uint8Array([0, 0, 0, 0, 7, 0, 0, 0]) },
    ],
    symbols: [
      { name: '', value: 0, size: 0, binding: STB_LOCAL, type: STT_SECTION, section: 3 },
      { name: '_start', value: 0, size: 12, binding: STB_GLOBAL, type: STT_FUNC, section: 1 },
    ],
  });
  const file = readElf(object);
  const rel = file.sections.find((s) => s.name === '.rel.text')!;
  t.deepEqual(readRelocations(rel), [{ offset: 2, type: R_386_32, symbolIndex: 1 }]);
  // The field holds the addend (REL): point it at the second word of .data, which holds 7.
  const patched = new Uint8Array(object);
  const text = file.sections.find((s) => s.name === '.text')!;
  patched[text.offset + 2] = 4;
  writeFileSync(join(dir, 'seven.o'), patched);
  const ld = spawnSync('ld', ['-m', 'elf_i386', '-o', join(dir, 'seven'), join(dir, 'seven.o')], { encoding: 'utf8' });
  t.is(ld.status, 0, ld.stderr);
  t.is(runI386Elf(join(dir, 'seven')).status, 7);
});
