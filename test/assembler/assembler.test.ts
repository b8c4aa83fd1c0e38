// gate86 as against GNU as --32: the same source must give the same section bytes, symbols and
// relocations. Three corpora:
//   - every form of the ISA table, generated from the table (test/assembler/forms.ts);
//   - gcc -m32 -S output of C files at -O0, -O2 and -Os (the disassembler's corpus and ours);
//   - hand-written .s/.S files for the directives, macros, the C preprocessor and relaxation.
// GNU as and gcc results are cached by content hash (test/support/i386-oracle.ts). Missing tools
// fail loudly.

import test from 'ava';
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { compareObjects } from './compare.ts';
import { generateFormsSource } from './forms.ts';
import { countInstructions, gasObject, gate86Object, gccAssembly } from './gas.ts';
import { assemble, AsmError } from '../../linker/as/index.ts';
import { asCommand } from '../../cli/commands/as.ts';

const here = new URL('.', import.meta.url).pathname;
const corpusDir = join(here, 'corpus');
const cDirs = [join(here, '../disassembler/corpus'), corpusDir];

/** The corpus directory's files, for .include/#include. */
function corpusFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(corpusDir)) {
    if (/\.(s|S|h|inc|bin)$/.test(name)) files[name] = readFileSync(join(corpusDir, name), 'latin1');
  }
  return files;
}

function objdump(bytes: Uint8Array, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gate86-as-'));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const r = spawnSync('objdump', ['-dr', path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) throw new Error(`objdump failed: ${r.error?.message ?? r.stderr}`);
  return r.stdout.split('\n').slice(3).join('\n'); // drop the line naming the file
}

// --- Every form of the table ---------------------------------------------------------------------

const forms = generateFormsSource();

test(`every ISA table form: ${forms.instructions} generated instructions byte-identical with as --32, and objdump reads them back`, (t) => {
  const files = { 'forms.s': forms.text };
  const ours = gate86Object('forms.s', files);
  const theirs = gasObject('forms.s', files);
  t.deepEqual(compareObjects(ours, theirs).slice(0, 20), []);
  const listing = objdump(ours, 'forms.o');
  t.false(listing.includes('(bad)'), 'objdump finds undecodable bytes');
  t.is(listing, objdump(theirs, 'forms.o'));
});

const forms16 = generateFormsSource(true);

test(`every ISA table form in .code16: ${forms16.instructions} generated instructions byte-identical with as --32`, (t) => {
  const files = { 'forms16.s': forms16.text };
  t.deepEqual(compareObjects(gate86Object('forms16.s', files), gasObject('forms16.s', files)).slice(0, 20), []);
});

// --- gcc -S output ------------------------------------------------------------------------------

const cFiles = cDirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.c')).map((f) => join(dir, f)));
let compiledInstructions = 0;
let compiledFiles = 0;
let corpusInstructions = 0;
let corpusCount = 0;
for (const path of cFiles) {
  // Without unwind tables at three levels, and with them (.cfi_* -> .eh_frame) at two.
  for (const flags of [['-O0'], ['-O2'], ['-Os'], ['-O0', '-fasynchronous-unwind-tables'], ['-O2', '-fasynchronous-unwind-tables'], ['-O2', '-fpie', '-fasynchronous-unwind-tables'], ['-Os', '-fPIC']]) {
    const base = path.split('/').pop()!.replace(/\.c$/, '');
    const level = flags.join(' ');
    test(`gcc -m32 -S ${level} ${base}.c: as --32 and gate86 as agree`, (t) => {
      const source = gccAssembly(`${base}.c`, readFileSync(path, 'latin1'), flags);
      const name = `${base}${flags.join('').replace(/-fasynchronous-unwind-tables/, '-cfi')}.s`;
      const files = { [name]: source };
      t.deepEqual(compareObjects(gate86Object(name, files), gasObject(name, files)).slice(0, 20), []);
      compiledInstructions += countInstructions(source);
      compiledFiles++;
    });
  }
}

// gcc -S of float and vector code: scalar SSE arithmetic (-mfpmath=sse), vectorised loops, intrinsics.
const simdSource = join(here, '../disassembler/corpus/simd/vectors.c');
for (const isa of ['-msse', '-msse2']) {
  for (const level of ['-O0', '-O2', '-O3', '-Os']) {
    const flags = [level, '-mmmx', isa, '-mfpmath=sse', '-mno-80387', '-fno-math-errno'];
    test(`gcc -m32 -S ${flags.join(' ')} simd/vectors.c: as --32 and gate86 as agree`, (t) => {
      const source = gccAssembly('vectors.c', readFileSync(simdSource, 'latin1'), flags);
      const name = `vectors${flags.join('')}.s`;
      const files = { [name]: source };
      t.deepEqual(compareObjects(gate86Object(name, files), gasObject(name, files)).slice(0, 20), []);
      t.true(/\b(addps|paddb|cvtsi2ss)\b/.test(source), 'the source has SIMD instructions');
      compiledInstructions += countInstructions(source);
      compiledFiles++;
    });
  }
}

// --- Hand-written corpus ------------------------------------------------------------------------

for (const name of readdirSync(corpusDir).filter((f) => /\.(s|S)$/.test(f))) {
  test(`corpus ${name}: as --32 and gate86 as agree`, (t) => {
    const files = corpusFiles();
    const ours = gate86Object(name, files);
    t.deepEqual(compareObjects(ours, gasObject(name, files)).slice(0, 20), []);
    t.false(objdump(ours, 'corpus.o').includes('(bad)'));
    corpusInstructions += countInstructions(files[name]!);
    corpusCount++;
  });
}

test.after.always(() => {
  console.log(`assembler: identical with as --32: 2 generated files (${forms.instructions} + ${forms16.instructions} .code16 table-form instructions), ` +
    `${compiledFiles} gcc -S files (${compiledInstructions} instruction lines), ${corpusCount} hand-written files (${corpusInstructions} instruction lines)`);
});

// --- Errors -------------------------------------------------------------------------------------

function assembleText(text: string, name = 'bad.s'): Uint8Array {
  return assemble(name, text, { includeDirs: [], defines: new Map(), readFile: () => { throw new Error('no files'); } });
}

test('errors name the file, the line and the offending text', (t) => {
  const cases: [string, RegExp][] = [
    ['\tnop\n\tmovx %eax, %ebx\n', /^bad\.s:2: unknown instruction 'movx' \('movx %eax, %ebx'\)$/],
    ['\taddl %eax\n', /^bad\.s:1: invalid operands for 'addl'/],
    ['\tmovl (%eax,%esp,2), %eax\n', /^bad\.s:1: %esp cannot be an index register/],
    ['\t.long 1 +\n', /^bad\.s:1: missing operand in expression/],
    ['\t.if 1\n\tnop\n', /end of file inside a conditional/],
    ['x: nop\nx: nop\n', /^bad\.s:2: symbol 'x' is already defined/],
    ['\t.frobnicate 3\n', /^bad\.s:1: unknown directive '\.frobnicate'/],
    ['\tloop far\n\t.skip 300\nfar: ret\n', /^bad\.s:1: .*out of range/],
    ['\tjmp *\n', /^bad\.s:1: missing operand/],
    ['\t.macro m\n\tm\n\t.endm\n\tm\n', /^bad\.s:2: macros nested too deeply/],
    ['\t.space 0x7fffffff\n', /^bad\.s:1: \.space of 2147483647 bytes/],
    ['\t.rept 3\n\tnop\n', /^bad\.s:1: no matching \.endr/],
    ['\t.cfi_startproc\n\tnop\n', /missing \.cfi_endproc/],
    ['\tcall foo@TPOFF\n', /^bad\.s:1: unsupported relocation operator '@TPOFF'/],
  ];
  for (const [text, expected] of cases) {
    const error = t.throws(() => assembleText(text), { instanceOf: AsmError }, text);
    t.regex(error?.message ?? '', expected);
  }
});

test('preprocessor errors point at the .S line', (t) => {
  const error = t.throws(() => assembleText('#if 1\n#error stop here\n#endif\n', 'pp.S'));
  t.regex(error?.message ?? '', /^pp\.S:2: #error stop here$/);
});

test('gate86 as exits with status 1 on an error and 2 on a bad flag', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gate86-as-cli-'));
  const source = join(dir, 'bad.s');
  writeFileSync(source, '\tbogus\n');
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array): boolean => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  try {
    t.is(await asCommand.run(['-o', join(dir, 'bad.o'), source]), 1);
  } finally {
    process.stderr.write = write;
  }
  t.regex(stderr, /bad\.s:1: unknown instruction 'bogus'/);
  await t.throwsAsync(asCommand.run(['--frob', source]));
  const good = join(dir, 'good.s');
  writeFileSync(good, '\t.globl _start\n_start:\tmovl $1, %eax\n\tint $0x80\n');
  t.is(await asCommand.run(['-o', join(dir, 'good.o'), good]), 0);
  t.deepEqual(compareObjects(readFileSync(join(dir, 'good.o')), gasObject('good.s', { 'good.s': readFileSync(good, 'latin1') })), []);
});
