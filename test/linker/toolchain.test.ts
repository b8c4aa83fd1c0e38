// The whole gate86 toolchain together: docs/toolchain.md's worked example (gate86 as -> gate86 ld ->
// run, and gate86 objdump -d), C programs taken through `gcc -S` and then only gate86's assembler and
// linker, and gate86 objdump -d reading back every kind of image gate86 ld makes exactly as GNU
// objdump -d does.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedBuild, i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { assemble } from '../../linker/as/index.ts';
import { execScript } from '../../linker/ld/images.ts';
import { link } from '../../linker/ld/link.ts';
import type { LinkInput } from '../../linker/ld/link.ts';
import { linkImage } from '../../linker/ld/link-image.ts';
import { objdumpListing } from '../../cli/commands/objdump.ts';
import { CFLAGS, FIXTURES, ROOT, compileObject, gnuLink, tool, writeOutput } from './support.ts';

const TOOLCHAIN = join(FIXTURES, 'toolchain');
const EXEC = join(FIXTURES, 'exec');

function gate86(args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'gate86.ts'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

test(`docs/toolchain.md's example: gate86 as + gate86 ld make a program that runs like as + ld's (${i386Oracle()})`, (t) => {
  const objects = ['hello', 'finish'].map((name) => {
    const out = writeOutput(`${name}.o`, new Uint8Array(0));
    const r = gate86(['as', '-o', out, join(TOOLCHAIN, `${name}.S`)]);
    t.is(r.stderr, '');
    return out;
  });
  const program = writeOutput('hello', new Uint8Array(0));
  const r = gate86(['ld', '-M', '-o', program, ...objects]);
  t.is(r.stderr, '');
  t.is(r.status, 0);
  t.regex(r.stdout, /^\.text +0x08049000  size 0x00000028$/m, 'the link map shows where .text went');
  t.regex(r.stdout, /finish\.o\(\.text\) +0x0804901b/);
  const mine = runI386Elf(program);
  t.is(mine.stdout.toString(), 'Hello from gate86!\n');
  t.is(mine.status, 7);
  const reference = gnuLink(['hello', 'finish'].map((name) => compileObject(join(TOOLCHAIN, `${name}.S`), [])));
  const theirs = runI386Elf(reference);
  t.is(theirs.stdout.toString(), mine.stdout.toString());
  t.is(theirs.status, mine.status);
  const listing = objdumpListing(new Uint8Array(readFileSync(program)), program).join('\n');
  t.regex(listing, /08049000 <_start>:\n 8049000:\tb8 04 00 00 00 {7}\tmov {4}\$0x4,%eax/);
  t.regex(listing, /call {3}804901b <finish>/);
});

/** gcc -S, then gate86 as: C programs built without GNU as or ld. */
function viaGate86As(file: string): LinkInput {
  const source = join(EXEC, file);
  if (file.endsWith('.S')) {
    const bytes = assemble(source, readFileSync(source, 'utf8'), { includeDirs: [EXEC], defines: new Map(), readFile: (p) => readFileSync(p, 'utf8') });
    return { name: file.replace(/\.S$/, '.o'), bytes };
  }
  const files: Record<string, string> = { [file]: readFileSync(source, 'utf8') };
  for (const header of ['lib.h', 'ops.h']) files[header] = readFileSync(join(EXEC, header), 'utf8');
  const asm = cachedBuild({ files, commands: [['gcc', ...CFLAGS, '-O2', '-S', file, '-o', 'out.s']], output: 'out.s' });
  const name = file.replace(/\.c$/, '.s');
  return { name: name.replace(/\.s$/, '.o'), bytes: assemble(name, readFileSync(asm, 'utf8'), { includeDirs: [], defines: new Map(), readFile: (p) => readFileSync(p, 'utf8') }) };
}

const PROGRAMS: Record<string, string[]> = { hello: ['hello.c'], calc: ['calc.c', 'ops.c'], sort: ['sort.c', 'list.c'], words: ['words.c', 'dict.c'] };

for (const [program, files] of Object.entries(PROGRAMS)) {
  test(`${program}: gcc -S | gate86 as | gate86 ld runs like gcc -c | ld`, (t) => {
    const all = ['start.S', 'sys.c', 'print.c', ...files];
    const mine = link({ inputs: all.map(viaGate86As), script: execScript() });
    const theirs = runI386Elf(gnuLink(all.map((f) => compileObject(join(EXEC, f), ['-O2']))), ['x']);
    const run = runI386Elf(writeOutput(`${program}-all-gate86`, mine.bytes), ['x']);
    t.true(theirs.stdout.length > 20);
    t.is(run.stdout.toString('latin1'), theirs.stdout.toString('latin1'));
    t.is(run.status, theirs.status);
  });
}

test('gate86 objdump -d reads back an executable, the vsyscall DSO and the kernel exactly as objdump -d', (t) => {
  const exec = link({ inputs: ['start.S', 'sys.c', 'print.c', 'calc.c', 'ops.c'].map((f) => compileObject(join(EXEC, f), ['-O2'])), script: execScript() });
  const dso = linkImage({ image: 'vsyscall-dso', objects: [compileObject(join(ROOT, 'kernel/arch/x86/vsyscall-sysenter.S'), [], [join(FIXTURES, 'vsyscall')])] });
  const kernel = linkImage({ image: 'multiboot-kernel', objects: ['head.S', 'kmain.c'].map((f) => compileObject(join(FIXTURES, 'kernel', f), ['-O2'])) });
  for (const [name, bytes] of [['calc', exec.bytes], ['linux-gate.so.1', dso.bytes], ['kernel.img', kernel.bytes]] as const) {
    const path = writeOutput(name, bytes);
    const ours = objdumpListing(bytes, path).join('\n').trim();
    const gnu = tool('objdump', ['-d', path]).trim();
    t.true(gnu.split('\n').length > 20, `${name} has code`);
    t.is(ours, gnu, name);
  }
});

test('gate86 ld on the command line: usage errors exit 2, link errors exit 1 with one line', (t) => {
  const none = gate86(['ld']);
  t.is(none.status, 2);
  t.regex(none.stderr, /^gate86 ld: no input files\n/);
  const flag = gate86(['ld', '--frobnicate', 'x.o']);
  t.is(flag.status, 2);
  t.regex(flag.stderr, /unknown option --frobnicate/);
  const missing = gate86(['ld', '-o', writeOutput('never', new Uint8Array(0)), '/nonexistent/x.o']);
  t.is(missing.status, 1);
  t.is(missing.stderr, 'gate86 ld: /nonexistent/x.o: no such file\n');
  const hello = writeOutput('alone.o', compileObject(join(TOOLCHAIN, 'hello.S'), []).bytes);
  const undefinedSymbol = gate86(['ld', '-o', writeOutput('alone', new Uint8Array(0)), hello]);
  t.is(undefinedSymbol.status, 1);
  t.is(undefinedSymbol.stderr, `gate86 ld: undefined reference to \`finish' (referenced from ${hello})\n`);
});
