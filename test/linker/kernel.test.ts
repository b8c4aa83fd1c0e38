// The kernel image: a small Multiboot kernel (fixtures/kernel: head.S turns paging on and jumps to its
// 0xC01xxxxx addresses, kmain.c checks its own .data/.bss/layout) linked by gate86 ld like Linux's
// vmlinux (VMA 0xC0100000, LMA 0x100000), then BOOTED under qemu-system-i386. It prints over COM1 and
// leaves through isa-debug-exit; a wrong virtual or load address crashes it instead. The same objects
// linked by GNU ld with an equivalent script must boot the same and load the same bytes.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedBuild, toolVersion } from '../support/i386-oracle.ts';
import { assemble } from '../../linker/as/index.ts';
import { linkImage } from '../../linker/ld/link-image.ts';
import { parseLinkScript } from '../../linker/ld/script-parser.ts';
import { readElf } from '../../vm/elf/reader.ts';
import { PT_LOAD } from '../../vm/elf/format.ts';
import { CFLAGS, FIXTURES, compileObject, gnuLink, loadedBytes, readelfComplaints, writeOutput } from './support.ts';

const KERNEL = join(FIXTURES, 'kernel');
const SCRIPT = readFileSync(join(KERNEL, 'vmlinux.lds'), 'utf8');
const objects = () => ['head.S', 'kmain.c'].map((f) => compileObject(join(KERNEL, f), ['-O2', '-fno-asynchronous-unwind-tables']));

const EXPECTED_OUTPUT = /^gate86 test kernel: multiboot magic 2badb002 ok\nrunning at c01[0-9a-f]{5} \(virtual, paging on\)\nlayout ok\ndata ok\nbss ok\nall checks passed\n$/;

/** Boot an image with QEMU's Multiboot loader; isa-debug-exit makes QEMU exit with (value << 1) | 1. */
function boot(path: string): { output: string; status: number | null } {
  toolVersion('qemu-system-i386');
  const r = spawnSync('qemu-system-i386', [
    '-kernel', path, '-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-no-reboot', '-m', '32',
    '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
  ], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new Error(`qemu-system-i386: ${r.error.message}`);
  return { output: r.stdout.replace(/\r/g, ''), status: r.status };
}

interface MultibootHeader { offset: number; magic: number; flags: number; checksum: number; fields: number[] }

/** Find the Multiboot v1 header the way a boot loader does: 4-byte aligned, in the first 8 KiB. */
function findHeader(bytes: Uint8Array): MultibootHeader | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = 0; offset + 12 <= Math.min(8192, bytes.length); offset += 4) {
    if (view.getUint32(offset, true) !== 0x1badb002) continue;
    const flags = view.getUint32(offset + 4, true);
    const checksum = view.getUint32(offset + 8, true);
    const fields = [0, 1, 2, 3, 4].map((i) => view.getUint32(offset + 12 + 4 * i, true));
    return { offset, magic: 0x1badb002, flags, checksum, fields };
  }
  return null;
}

test('the kernel image has a valid Multiboot header whose a.out-kludge fields describe the ELF\'s segments', (t) => {
  const result = linkImage({ image: 'multiboot-kernel', objects: objects() });
  const header = findHeader(result.bytes);
  if (!header) return t.fail('no Multiboot header in the first 8 KiB');
  t.is((header.magic + header.flags + header.checksum) >>> 0, 0, 'magic + flags + checksum = 0 (mod 2^32)');
  t.is(header.flags & 0x10000, 0x10000, 'the a.out kludge flag');
  const elf = readElf(result.bytes);
  const loads = elf.segments.filter((s) => s.type === PT_LOAD);
  const [headerAddr, loadAddr, loadEnd, bssEnd, entry] = header.fields as [number, number, number, number, number];
  t.is(headerAddr - loadAddr, header.offset - loads[0]!.offset, 'header_addr - load_addr = its distance in the file');
  t.is(loadAddr, loads[0]!.paddr);
  t.is(loadEnd, loads.at(-1)!.paddr + loads.at(-1)!.filesz);
  t.is(bssEnd, loads.at(-1)!.paddr + loads.at(-1)!.memsz);
  t.is(entry, elf.entry, 'the physical entry point, as e_entry');
  t.is(entry, result.symbols.get('_start')! - 0xc0000000);
  for (const s of loads) t.is(s.vaddr - s.paddr, 0xc0000000, 'LMA = VMA - 0xC0000000');
  // The a.out kludge copies file bytes [load_addr's offset, +load_end-load_addr) verbatim: check they mirror memory.
  t.is(loads[1]!.offset - loads[0]!.offset, loads[1]!.paddr - loads[0]!.paddr);
  const s = result.symbols;
  t.true(s.get('_text')! < s.get('_etext')! && s.get('_etext')! <= s.get('_edata')! && s.get('_edata')! <= s.get('__bss_start')! && s.get('__bss_start')! < s.get('_end')!);
  t.is(readelfComplaints(writeOutput('kernel-readelf.img', result.bytes)), '', 'readelf -a finds nothing to complain about');
  const grub = spawnSync('grub-file', ['--is-x86-multiboot', writeOutput('kernel-grub.img', result.bytes)]);
  if (grub.error) t.log('grub-file is not installed: the header was checked by parsing it');
  else t.is(grub.status, 0, 'grub-file --is-x86-multiboot');
});

const IMAGES: [string, () => string][] = [
  ['gate86 ld --image multiboot-kernel (a.out kludge)', () => writeOutput('kernel-kludge.img', linkImage({ image: 'multiboot-kernel', objects: objects() }).bytes)],
  ['gate86 ld --image multiboot-kernel --no-aout-kludge (QEMU reads the ELF program headers)', () => writeOutput('kernel-elf.img', linkImage({ image: 'multiboot-kernel', aoutKludge: false, objects: objects() }).bytes)],
  ['gate86 ld --image multiboot-kernel with the kernel\'s own .multiboot header', () => {
    const result = linkImage({ image: 'multiboot-kernel', objects: [compileObject(join(KERNEL, 'own-header.S'), []), ...objects()] });
    const header = findHeader(result.bytes)!;
    const elf = readElf(result.bytes);
    const text = elf.sections.find((s) => s.name === '.text')!;
    if (header.offset !== text.offset || header.flags !== 3) throw new Error('the input header is not the first thing in .text');
    if (findHeader(result.bytes.subarray(header.offset + 4))) throw new Error('a second header was written');
    return writeOutput('kernel-own-header.img', result.bytes);
  }],
  ['gate86 ld -T vmlinux.lds', () => writeOutput('kernel-T.img', linkImage({ script: parseLinkScript(SCRIPT, 'vmlinux.lds'), objects: objects() }).bytes)],
  ['GNU ld -T vmlinux.lds (the reference)', () => gnuLink(objects(), ['-T', 'vmlinux.lds'], { 'vmlinux.lds': SCRIPT })],
];

for (const [name, make] of IMAGES) {
  test(`boots under qemu-system-i386: ${name}`, (t) => {
    const run = boot(make());
    t.regex(run.output, EXPECTED_OUTPUT);
    t.is(run.status, (0x10 << 1) | 1, 'isa-debug-exit with 0x10: every check passed');
  });
}

test('the built-in kernel script (TypeScript model) and vmlinux.lds (GNU syntax, parsed) give byte-identical files', (t) => {
  const builtin = linkImage({ image: 'multiboot-kernel', objects: objects() }).bytes;
  const parsed = linkImage({ script: parseLinkScript(SCRIPT, 'vmlinux.lds'), objects: objects() }).bytes;
  t.deepEqual(parsed, builtin);
});

test('built only with gate86 as (gcc -S for the C) and gate86 ld, the kernel is byte-identical to the one from gas objects', (t) => {
  const flags = [...CFLAGS, '-O2', '-fno-asynchronous-unwind-tables'];
  const cached = cachedBuild({ files: { 'kmain.c': readFileSync(join(KERNEL, 'kmain.c'), 'utf8') }, commands: [['gcc', ...flags, '-S', 'kmain.c', '-o', 'kmain.s']], output: 'kmain.s' });
  const options = { includeDirs: [KERNEL], defines: new Map<string, string>(), readFile: (p: string) => readFileSync(p, 'utf8') };
  const head = assemble(join(KERNEL, 'head.S'), readFileSync(join(KERNEL, 'head.S'), 'utf8'), options);
  const kmain = assemble('kmain.s', readFileSync(cached, 'utf8'), options);
  const ours = linkImage({ image: 'multiboot-kernel', objects: [{ name: 'head.o', bytes: head }, { name: 'kmain.o', bytes: kmain }] }).bytes;
  t.deepEqual(ours, linkImage({ image: 'multiboot-kernel', objects: objects() }).bytes);
});

test('gate86 ld and GNU ld load the same bytes for the kernel', (t) => {
  const mine = loadedBytes(writeOutput('kernel-compare.img', linkImage({ image: 'multiboot-kernel', objects: objects() }).bytes));
  const reference = loadedBytes(gnuLink(objects(), ['-T', 'vmlinux.lds'], { 'vmlinux.lds': SCRIPT }));
  t.true(mine.length > 4096);
  t.true(mine.equals(reference));
});
