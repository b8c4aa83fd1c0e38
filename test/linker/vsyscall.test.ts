// The vsyscall DSO (linux-gate.so.1): the kernel's two __kernel_vsyscall stubs, assembled by the
// host's `as`, linked by gate86 ld into an ET_DYN page at 0xffffe000. Checked with binutils
// (readelf, objdump -T), against GNU ld linking the same object with Linux's vsyscall.lds layout,
// and by glibc's dynamic linker, which must find every exported symbol through our .hash table.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedBuild, runI386Elf } from '../support/i386-oracle.ts';
import { linkImage } from '../../linker/ld/link-image.ts';
import { assemble } from '../../linker/as/index.ts';
import { FIXTURES, ROOT, compileObject, gnuLink, readelfComplaints, tool, writeOutput } from './support.ts';

const STUBS = join(ROOT, 'kernel', 'arch', 'x86');
const INCLUDE = join(FIXTURES, 'vsyscall'); // unistd.h with the two numbers the stubs use
const EXPECTED = { __kernel_vsyscall: 0xffffe400, __kernel_sigreturn: 0xffffe420, __kernel_rt_sigreturn: 0xffffe440 };

/** The dynamic symbols objdump -T lists: name -> address. */
function dynamicSymbols(path: string): Map<string, number> {
  const symbols = new Map<string, number>();
  for (const line of tool('objdump', ['-T', path]).split('\n')) {
    const m = /^([0-9a-f]{8}) .* (\S+)$/.exec(line);
    if (m) symbols.set(m[2]!, parseInt(m[1]!, 16));
  }
  return symbols;
}

function textBytes(path: string): string {
  return tool('objdump', ['-s', '-j', '.text', path]).split('\n').filter((l) => /^ [0-9a-f]{8} /.test(l)).join('\n');
}

for (const flavour of ['sysenter', 'int80']) {
  const object = () => compileObject(join(STUBS, `vsyscall-${flavour}.S`), [], [INCLUDE]);
  const build = () => linkImage({ image: 'vsyscall-dso', objects: [object()] });

  test(`${flavour}: linux-gate.so.1 is one page, ET_DYN at 0xffffe000, exporting the three entry points`, (t) => {
    const result = build();
    t.true(result.bytes.length <= 4096, `the whole file (${result.bytes.length} bytes) fits in the page`);
    const path = writeOutput(`linux-gate-${flavour}.so.1`, result.bytes);
    t.is(readelfComplaints(path), '', 'readelf -a finds nothing to complain about');
    const headers = tool('readelf', ['-hlW', path]);
    t.regex(headers, /Type:\s+DYN/);
    t.regex(headers, /Entry point address:\s+0xffffe400/);
    const segments = headers.split('\n').filter((l) => /^\s+(LOAD|DYNAMIC)\s/.test(l)).map((l) => l.trim().split(/\s+/));
    t.deepEqual(segments.map((s) => s[0]), ['LOAD', 'DYNAMIC']);
    t.deepEqual(segments[0]!.slice(1, 3), ['0x000000', '0xffffe000'], 'the headers load with the page');
    t.is(segments[0]!.slice(6, -1).join(''), 'RE');
    t.true(Number(segments[0]![5]) <= 0x1000);
    t.regex(tool('readelf', ['-dW', path]), /SONAME.*\[linux-gate\.so\.1\]/);
    const symbols = dynamicSymbols(path);
    t.deepEqual(Object.fromEntries(symbols), EXPECTED);
  });

  test(`${flavour}: the same object linked by GNU ld -shared with vsyscall.lds puts the same code at the same addresses`, (t) => {
    const mine = writeOutput(`linux-gate-${flavour}-mine.so`, build().bytes);
    const reference = gnuLink([object()], ['-shared', '-soname', 'linux-gate.so.1', '--hash-style=sysv', '-T', 'vsyscall.lds'],
      { 'vsyscall.lds': readFileSync(join(FIXTURES, 'vsyscall', 'vsyscall.lds'), 'utf8') });
    t.is(textBytes(mine), textBytes(reference));
    const theirs = dynamicSymbols(reference);
    for (const [name, address] of Object.entries(EXPECTED)) t.is(theirs.get(name), address, name);
  });

  test(`${flavour}: glibc's dynamic linker dlopen()s it and finds every symbol through our .hash`, (t) => {
    const path = writeOutput(`linux-gate-${flavour}-dl.so`, build().bytes);
    const dlsym = cachedBuild({
      files: { 'dlsym.c': readFileSync(join(FIXTURES, 'vsyscall', 'dlsym.c'), 'utf8') },
      commands: [['gcc', '-m32', '-O1', '-o', 'dlsym', 'dlsym.c']],
      output: 'dlsym',
    });
    const run = runI386Elf(dlsym, [path]);
    t.is(run.status, 0, run.stdout.toString());
    t.is(run.stdout.toString(), [
      '__kernel_vsyscall ffffe400', '__kernel_sigreturn ffffe420', '__kernel_rt_sigreturn ffffe440', 'no_such_symbol missing', '',
    ].join('\n'));
  });
}

for (const flavour of ['sysenter', 'int80']) {
  test(`${flavour}: built from gate86 as's object (the kernel build's path), linux-gate.so.1 is byte-identical to the one from as --32's`, (t) => {
    const path = join(STUBS, `vsyscall-${flavour}.S`);
    const bytes = assemble(path, readFileSync(path, 'utf8'), { includeDirs: [INCLUDE, STUBS], defines: new Map(), readFile: (p) => readFileSync(p, 'utf8') });
    const ours = linkImage({ image: 'vsyscall-dso', objects: [{ name: `vsyscall-${flavour}.o`, bytes }] }).bytes;
    const gas = linkImage({ image: 'vsyscall-dso', objects: [compileObject(path, [], [INCLUDE])] }).bytes;
    t.deepEqual(ours, gas);
  });
}

test('sysenter: __kernel_vsyscall has Linux 2.6\'s bytes, so the restart jump sits 2 bytes before SYSENTER_RETURN', (t) => {
  const result = linkImage({ image: 'vsyscall-dso', objects: [compileObject(join(STUBS, 'vsyscall-sysenter.S'), [], [INCLUDE])] });
  // push ecx/edx/ebp; mov %esp,%ebp; sysenter; 7 nops; jmp .-13 (to the mov); pop ebp/edx/ecx; ret
  const linux = '51 52 55 89 e5 0f 34 90 90 90 90 90 90 90 eb f3 5d 5a 59 c3';
  const at = 0x400; // file offset of 0xffffe400: the page is mapped from offset 0
  t.is([...result.bytes.slice(at, at + 20)].map((b) => b.toString(16).padStart(2, '0')).join(' '), linux);
  t.is(result.symbols.get('SYSENTER_RETURN'), 0xffffe410);
});
