// Static executables: C programs (several objects each: globals, .bss, COMMON, strings, function
// pointers across objects, a switch jump table, weak symbols) compiled with gcc -m32 -c, linked once
// by GNU ld and once by gate86 ld, and run on the i386 oracle (the host CPU when it runs i386 ELF,
// qemu-i386 otherwise). Both must print the same bytes and exit with the same status.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedBuild, i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { link } from '../../linker/ld/link.ts';
import type { LinkInput } from '../../linker/ld/link.ts';
import { readElf } from '../../vm/elf/reader.ts';
import { execScript } from '../../linker/ld/images.ts';
import { parseLinkScript } from '../../linker/ld/script-parser.ts';
import { FIXTURES, compileObject, gnuLink, readelfComplaints, tool, writeOutput } from './support.ts';

const EXEC = join(FIXTURES, 'exec');
const RUNTIME = ['start.S', 'sys.c', 'print.c'];
const PROGRAMS: Record<string, string[]> = {
  hello: ['hello.c'],
  calc: ['calc.c', 'ops.c'],
  sort: ['sort.c', 'list.c'],
  words: ['words.c', 'dict.c'],
  ctors: ['ctors.c'],
};
/** gcc flag sets: three optimisation levels, and one section per function and per variable. */
const LEVELS = ['-O2', '-Os', '-O0', '-O2 -ffunction-sections -fdata-sections'];

function objectsOf(program: string, level: string) {
  return [...RUNTIME, ...PROGRAMS[program]!].map((file) => compileObject(join(EXEC, file), level.split(' ')));
}

for (const level of LEVELS) {
  for (const program of Object.keys(PROGRAMS)) {
    test(`${program} ${level}: gate86 ld and GNU ld executables behave the same on ${i386Oracle()}`, (t) => {
      const objects = objectsOf(program, level);
      const reference = runI386Elf(gnuLink(objects), ['one', 'two']);
      const linked = link({ inputs: objects, script: execScript() });
      t.deepEqual(linked.warnings, []);
      t.notThrows(() => readElf(linked.bytes), 'gate86\'s own ELF reader accepts the output');
      const mine = runI386Elf(writeOutput(`${program}${level}`, linked.bytes), ['one', 'two']);
      t.true(reference.stdout.length > 20, 'the reference run printed its report');
      t.is(mine.stdout.toString('latin1'), reference.stdout.toString('latin1'));
      t.is(mine.status, reference.status);
      t.is(mine.signal, null);
      t.not(mine.status, 0, 'every test program exits with a status its computation chose');
    });
  }
}

test('the executable has ld\'s shape: ET_EXEC at 0x08048000, R / RX / R / RW segments, GNU_STACK, entry _start', (t) => {
  const linked = link({ inputs: objectsOf('hello', '-O2'), script: execScript() });
  const path = writeOutput('shape', linked.bytes);
  t.is(readelfComplaints(path), '', 'readelf -a finds nothing to complain about');
  const header = tool('readelf', ['-hlW', path]);
  t.regex(header, /Type:\s+EXEC/);
  const loads = header.split('\n').filter((l) => /^\s+LOAD/.test(l)).map((l) => l.trim().split(/\s+/));
  t.deepEqual(loads.map((l) => l.slice(6, -1).join('')), ['R', 'RE', 'R', 'RW']);
  t.is(loads[0]![2], '0x08048000');
  for (const l of loads) t.is(Number(l[1]) % 0x1000, Number(l[2]) % 0x1000, 'p_offset ≡ p_vaddr (mod page)');
  const bss = loads[3]!;
  t.true(Number(bss[5]) > Number(bss[4]), '.bss makes memsz exceed filesz');
  t.regex(header, /GNU_STACK/);
  const start = tool('readelf', ['-sW', path]).split('\n').find((l) => / _start$/.test(l))!;
  t.is(Number(`0x${start.trim().split(/\s+/)[1]}`), linked.entry);
  t.regex(header, new RegExp(`Entry point address:\\s+0x${linked.entry.toString(16)}`));
});

test('ld\'s own default script (ld --verbose), read by gate86 ld -T, links a program that runs the same', (t) => {
  const verbose = tool('ld', ['-m', 'elf_i386', '--verbose']);
  const text = verbose.split(/^={10,}$/m)[1];
  t.truthy(text, 'ld --verbose prints its script between ===== lines');
  const objects = objectsOf('calc', '-O2');
  const linked = link({ inputs: objects, script: parseLinkScript(text!, 'ld --verbose') });
  const mine = runI386Elf(writeOutput('calc-default-lds', linked.bytes));
  const reference = runI386Elf(gnuLink(objects));
  t.is(mine.stdout.toString('latin1'), reference.stdout.toString('latin1'));
  t.is(mine.status, reference.status);
});

test('-Ttext moves the code; the program still runs the same', (t) => {
  const objects = objectsOf('sort', '-O2');
  const linked = link({ inputs: objects, script: execScript({ textAddress: 0x10000000 }) });
  t.is(linked.layout.sections.find((s) => s.name === '.text')!.address, 0x10000000);
  const mine = runI386Elf(writeOutput('sort-ttext', linked.bytes));
  const reference = runI386Elf(gnuLink(objects, ['-Ttext=0x10000000']));
  t.is(mine.stdout.toString('latin1'), reference.stdout.toString('latin1'));
  t.is(mine.status, reference.status);
});

test('gate86 ld on the command line writes the same file as the library call', (t) => {
  const objects = objectsOf('words', '-O2');
  const paths = objects.map((o) => writeOutput(o.name, o.bytes));
  const out = writeOutput('words-cli', new Uint8Array(0));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/gate86.ts', 'ld', '-o', out, ...paths], { encoding: 'utf8' });
  t.is(r.stderr, '');
  t.is(r.status, 0);
  const library = link({ inputs: objects.map((o, i) => ({ name: paths[i]!, bytes: o.bytes })), script: execScript() });
  t.deepEqual(new Uint8Array(readFileSync(out)), library.bytes);
});

test('a static library (ar archive): only the members that resolve something are linked, as with ld', (t) => {
  const [start, sys, print, hello] = ['start.S', 'sys.c', 'print.c', 'hello.c'].map((f) => compileObject(join(EXEC, f), ['-O2'])) as [LinkInput, LinkInput, LinkInput, LinkInput];
  const unused = { name: 'a_member_with_a_long_file_name.o', bytes: compileSnippetFromText('int never_called(void) { return 99; }') };
  const library = cachedBuild({
    files: { 'sys.o': sys.bytes, 'print.o': print.bytes, [unused.name]: unused.bytes },
    commands: [['ar', 'rcs', 'libt.a', unused.name, 'print.o', 'sys.o']],
    output: 'libt.a',
  });
  const archive: LinkInput = { name: 'libt.a', bytes: new Uint8Array(readFileSync(library)) };
  const linked = link({ inputs: [start, hello, archive], script: execScript() });
  t.true(linked.symbols.has('print_line'));
  t.false(linked.symbols.has('never_called'), 'the unneeded member stays out');
  const mine = runI386Elf(writeOutput('hello-lib', linked.bytes), ['lib']);
  const reference = runI386Elf(gnuLink([start, hello, archive]), ['lib']);
  t.is(mine.stdout.toString('latin1'), reference.stdout.toString('latin1'));
  t.is(mine.status, reference.status);
  // An archive before the objects that need it contributes nothing (ld's order rule).
  const error = t.throws(() => link({ inputs: [archive, start, hello], script: execScript() }));
  t.regex(error!.message, /^undefined reference to `(sys_exit|print|print_line|str_len)'/);
});

function compileSnippetFromText(source: string): Uint8Array {
  const path = cachedBuild({ files: { 'snippet.c': source }, commands: [['gcc', '-m32', '-fno-pic', '-O2', '-c', 'snippet.c', '-o', 'snippet.o']], output: 'snippet.o' });
  return new Uint8Array(readFileSync(path));
}
