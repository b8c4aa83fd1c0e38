// The disassembler against GNU objdump 2.x (`objdump -d`), the oracle for every line it prints:
//   1. real compiler output: the C corpus built by gcc -m32 at -O0/-O2/-Os, objects and executables;
//   2. every form of the ISA table, encoded from the table, assembled with `as --32` from .byte lines;
//   3. every undefined opcode, and instructions cut short at the end of a block;
// and, as a check of the text itself, a round trip: our text -> `as --32` -> our disassembler -> the
// same text. These tests need gcc, as and objdump; they fail (never skip) when a tool is missing.

import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { objdumpListing } from '../../cli/commands/objdump.ts';
import { readElf, readSymbolTable } from '../../vm/elf/reader.ts';
import { disassemble, disassembleOne, listing } from '../../vm/isa/disassembler.ts';
import { buildCorpus } from './corpus.ts';
import { formInstances, formsAssembly, randomInstances } from './forms.ts';

const INSTRUCTION_LINE = /^ *[0-9a-f]+:\t/;

interface Comparison { instructionLines: number; mismatches: string[] }

/** Compare objdump's listing of a file with ours, line by line. */
function compareWithObjdump(path: string, code16 = false): Comparison {
  const expected = execFileSync('objdump', ['-d', ...(code16 ? ['-m', 'i8086'] : []), path], { encoding: 'utf8', maxBuffer: 1 << 28 }).replace(/\n$/, '').split('\n');
  const actual = objdumpListing(new Uint8Array(readFileSync(path)), path, { code16 });
  const mismatches: string[] = [];
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] !== actual[i]) mismatches.push(`line ${i + 1}\n  objdump: ${expected[i] ?? '(none)'}\n  gate86:  ${actual[i] ?? '(none)'}`);
    if (mismatches.length > 0 && expected.length !== actual.length) break; // a shifted listing: the first difference says it all
  }
  return { instructionLines: expected.filter((l) => INSTRUCTION_LINE.test(l)).length, mismatches };
}

const scratch = mkdtempSync(join(tmpdir(), 'gate86-disassembler-'));
test.after.always(() => rmSync(scratch, { recursive: true, force: true }));

function assemble(name: string, source: string, extra: string[] = []): string {
  const sourcePath = join(scratch, `${name}.s`);
  const objectPath = join(scratch, `${name}.o`);
  writeFileSync(sourcePath, source);
  execFileSync('as', ['--32', ...extra, '-o', objectPath, sourcePath]);
  return objectPath;
}

test('compiled C corpus (gcc -m32 -O0/-O2/-Os objects and static executables; glibc-linked PIE, no-PIE, shared): every line matches objdump -d', async (t) => {
  const builds = await buildCorpus();
  let lines = 0;
  let mismatched = 0;
  for (const build of builds) {
    const { instructionLines, mismatches } = compareWithObjdump(build.path);
    lines += instructionLines;
    mismatched += mismatches.length;
    if (mismatches.length > 0) t.log(`${build.name}: ${mismatches.length} mismatches\n${mismatches.slice(0, 5).join('\n')}`);
  }
  t.log(`${builds.length} builds, ${lines} instruction lines compared, ${mismatched} mismatching lines`);
  t.true(lines > 10000, 'the corpus should give objdump plenty to print');
  t.is(mismatched, 0);
});

test('every form of the ISA table, with its prefixes and ModRM shapes, disassembles as objdump does', (t) => {
  const instances = formInstances();
  const path = assemble('forms', formsAssembly(instances));
  const { instructionLines, mismatches } = compareWithObjdump(path);
  t.log(`${instances.length} encodings of ${new Set(instances.map((i) => i.form)).size} forms, ${instructionLines} instruction lines compared, ${mismatches.length} mismatches`);
  if (mismatches.length > 0) t.log(mismatches.slice(0, 20).join('\n'));
  t.is(mismatches.length, 0);
});

test('random instances of the table forms (random ModRM, SIB, displacements, immediates, prefix mixes) disassemble as objdump does', (t) => {
  const instances = randomInstances(10000, 0x6a7e86);
  const path = assemble('random', formsAssembly(instances));
  const { instructionLines, mismatches } = compareWithObjdump(path);
  t.log(`${instances.length} random encodings, ${instructionLines} instruction lines compared, ${mismatches.length} mismatches`);
  if (mismatches.length > 0) t.log(mismatches.slice(0, 30).join('\n'));
  t.is(mismatches.length, 0);
});

test('the same encodings decoded as 16-bit code (objdump -m i8086): data32/addr32, pushal, loopl, jecxz', (t) => {
  const path = assemble('forms16', formsAssembly(formInstances()));
  const { instructionLines, mismatches } = compareWithObjdump(path, true);
  t.log(`${instructionLines} instruction lines compared, ${mismatches.length} mismatches`);
  if (mismatches.length > 0) t.log(mismatches.slice(0, 20).join('\n'));
  t.true(instructionLines > 4000);
  t.is(mismatches.length, 0);
});

test('undefined opcodes print (bad); bytes cut short, 14 prefixes in a row and instructions past 15 bytes print as objdump does', (t) => {
  // Every one- and two-byte opcode followed by a few ModRM bytes. Where our decoder finds no form,
  // objdump must say (bad) over the same bytes — unless it knows an instruction outside gate86's
  // integer ISA (x87, MMX, SSE, 3DNow!, MPX, VIA...), which is counted, not compared. Left out too:
  // the escapes to other opcode maps (0F 0F 3DNow!, 0F 38, 0F 3A), where objdump's (bad) lengths
  // follow those maps' rules, and 66-prefixed 0F opcodes, where objdump reads 66 as an SSE
  // mandatory prefix.
  const tails = [[0x00, 0, 0, 0, 0, 0], [0xc1, 5, 0, 0, 0, 0], [0x45, 0xfc, 1, 0, 0, 0]];
  const otherMaps = [0x0f, 0x38, 0x3a];
  const cases: number[][] = [];
  for (let op = 0; op < 256; op++) {
    for (const tail of tails) {
      cases.push([op, ...tail], [0x66, op, ...tail], [0xf0, op, ...tail]);
      if (!otherMaps.includes(op)) cases.push([0x0f, op, ...tail]);
    }
  }
  const cutShort = [[0x66], [0x2e], [0xf3], [0xf0], [0x67], [0x66, 0x8b], [0x8b], [0xe8, 0x00], [0x0f], [0x81, 0xc0, 0x01], [0xc7, 0x05, 0, 0, 0, 0, 1]];
  // Runs of prefixes: objdump keeps at most 14, and gives up on an instruction past 15 bytes.
  const repeat = (byte: number, n: number): number[] => new Array<number>(n).fill(byte);
  const longRuns = [
    [...repeat(0x66, 14), 0x90], [...repeat(0x66, 15), 0x90], [...repeat(0x26, 16), 0x90],
    [...repeat(0x66, 13), 0xc7, 0x00, 0x01, 0x00], [...repeat(0x66, 12), 0xc7, 0x00, 0x01, 0x00],
    [0x26, 0x64, 0x26, 0x64, 0x26, 0x64, 0x26, 0x64, 0x26, 0x64, 0x26, 0x8b, 0x80, 0, 0, 0, 0, 0x90],
    [...repeat(0xf3, 13), 0xa5], [...repeat(0xf0, 13), 0x81, 0x00, 0x01, 0, 0, 0],
  ];
  cases.push(...cutShort, ...longRuns);
  const source = ['\t.text', ...cases.map((bytes, i) => `e${i}:\t.byte ${bytes.join(',')}`)].join('\n') + '\n';
  const path = assemble('edge', source);
  const expected = execFileSync('objdump', ['-d', path], { encoding: 'utf8', maxBuffer: 1 << 26 }).split('\n');
  const actual = objdumpListing(new Uint8Array(readFileSync(path)), path);
  // Walk the listings block by block (one block per case, thanks to the labels).
  const blocks = (lines: string[]): Map<string, string[]> => {
    const map = new Map<string, string[]>();
    let current: string[] = [];
    for (const line of lines) {
      const header = /^[0-9a-f]{8} <(e\d+)>:$/.exec(line);
      if (header) map.set(header[1]!, (current = []));
      else if (line !== '') current.push(line);
    }
    return map;
  };
  const theirs = blocks(expected);
  const ours = blocks(actual);
  let compared = 0;
  let outside = 0;
  const mismatches: string[] = [];
  cases.forEach((bytes, i) => {
    const label = `e${i}`;
    const a = theirs.get(label) ?? [];
    const b = ours.get(label) ?? [];
    const ourFirst = disassembleOne(Uint8Array.from(bytes), 0, bytes.length, 0);
    // 62, C4 and C5 with ModRM.mod == 3 are EVEX/VEX prefixes to objdump, outside the i386 ISA.
    const vex = [0x62, 0xc4, 0xc5].some((op) => bytes.join() === [op, ...tails[1]!].join() || bytes.slice(1).join() === [op, ...tails[1]!].join());
    if (vex) { outside++; return; }
    const knownToUs = ourFirst.valid || cutShort.includes(bytes) || longRuns.includes(bytes);
    const objdumpSaysBad = /\t((data16|addr16|[c-gs]s|repn?z|lock) )*\(bad\)$|\t\.byte 0x[0-9a-f]+$|\t(data16|addr16|cs|repz|lock)$/.test(a[0] ?? '');
    if (!knownToUs && !objdumpSaysBad) { outside++; return; }
    compared++;
    if (a.join('\n') !== b.join('\n')) mismatches.push(`${bytes.map((x) => x.toString(16)).join(' ')}\n  objdump: ${a.join(' | ')}\n  gate86:  ${b.join(' | ')}`);
  });
  t.log(`${compared} byte sequences compared, ${outside} left out (objdump decodes them as non-integer instructions), ${mismatches.length} mismatches`);
  if (mismatches.length > 0) t.log(mismatches.slice(0, 20).join('\n'));
  t.true(compared > 1000);
  t.is(mismatches.length, 0);
});

test('round trip: our text, assembled by as --32 and disassembled again, gives the same text', (t) => {
  const instances = formInstances();
  const lines = instances.map((i) => disassembleOne(Uint8Array.from(i.bytes), 0, i.bytes.length, 0));
  const texts = lines.map((line) => line.text);
  // Leave out what an assembler cannot take back as is: relative branches (their target depends on
  // where the line lands), (bad), %? (no such segment register), LOCK on a register destination,
  // and two or more prefixes (gas writes them in its own canonical order).
  const words = (text: string): string[] => text.split(/\s+/);
  const PREFIX_WORDS = /^(lock|rep|repz|repnz|xacquire|xrelease|data16|addr16|[c-gs]s|notrack)$/;
  const usable = texts.map((text, i) => ({ text, i })).filter(({ text, i }) => lines[i]!.target === null
    && !/\(bad\)|\.byte|%\?/.test(text) && !(words(text)[0] === 'lock' && !text.includes('('))
    && words(text).filter((w) => PREFIX_WORDS.test(w)).length < 2);
  // What as refuses (objdump prints a few spellings gas does not take back, like movzww) is counted
  // and shown, then left out.
  let path = '';
  const refused: string[] = [];
  for (;;) {
    const source = usable.map(({ text, i }) => `r${i}:\t${text}`).join('\n') + '\n';
    const sourcePath = join(scratch, 'roundtrip.s');
    writeFileSync(sourcePath, source);
    path = join(scratch, 'roundtrip.o');
    const r = spawnSync('as', ['--32', '-mindex-reg', '-o', path, sourcePath], { encoding: 'utf8' }); // -mindex-reg: accept %eiz
    if (r.error) throw r.error;
    if (r.status === 0) break;
    const bad = new Set([...r.stderr.matchAll(/:(\d+): Error/g)].map((m) => Number(m[1]) - 1));
    if (bad.size === 0) throw new Error(`as failed: ${r.stderr}`);
    for (const line of [...bad].sort((a, b) => b - a)) refused.push(usable.splice(line, 1)[0]!.text);
  }
  t.log(`as refuses ${refused.length} of our texts: ${[...new Set(refused.map((text) => text.split(' ')[0]))].join(', ')}`);
  const file = readElf(new Uint8Array(readFileSync(path)), path);
  const text = file.sections.find((s) => s.name === '.text')!;
  const starts = readSymbolTable(file).filter((s) => /^r\d+$/.test(s.name)).sort((a, b) => a.value - b.value);
  let sameText = 0;
  let sameBytes = 0;
  const mismatches: string[] = [];
  starts.forEach((symbol, k) => {
    const end = k + 1 < starts.length ? starts[k + 1]!.value : text.size;
    const bytes = text.data.subarray(symbol.value, end);
    const original = texts[Number(symbol.name.slice(1))]!;
    const again = disassemble(bytes, 0).map((line) => line.text).join(' ; ');
    // gas drops a zero disp8 (0x0(%esi,%eiz,1) -> (%esi,%eiz,1)): the same operand, one byte shorter.
    // gas also drops a 66 that changes nothing (66 8e d9, mov %cx,%ds, is mov %ecx,%ds).
    const encoded = instances[Number(symbol.name.slice(1))]!.bytes;
    const uselessPrefixDropped = encoded[0] === 0x66 && Buffer.from(bytes).equals(Buffer.from(encoded.slice(1)));
    if (again === original || again === original.replace(/(?<=[ ,*:])0x0\(/g, '(') || uselessPrefixDropped) sameText++;
    else mismatches.push(`${original}\n  as gave ${Array.from(bytes, (b) => b.toString(16)).join(' ')}: ${again}`);
    if (Buffer.from(bytes).equals(Buffer.from(instances[Number(symbol.name.slice(1))]!.bytes))) sameBytes++;
  });
  t.log(`${starts.length} texts assembled; ${sameText} disassemble to the same text; ${sameBytes} assemble to the very bytes the table encoded`);
  if (mismatches.length > 0) t.log(mismatches.slice(0, 20).join('\n'));
  t.is(starts.length, usable.length);
  t.is(mismatches.length, 0);
});

test('symbols: aliases, weak and local labels, data objects in code, empty sections, absolute symbols — as objdump chooses', (t) => {
  const source = `
	.text
	.globl gfunc
	.type gfunc,@function
lfunc:
gfunc:
weakf:
	.weak weakf
	ret
	.type obj,@object
	.size obj, 40
obj:	.ascii "Hello, world! This is data in .text..\\0\\1\\2"
	.type zeroes,@object
zeroes:	.byte 0,0,0,0,0,0,0,0,0,0,0,0,1
data_in_text:
	.byte 0xc3
	.globl zz
	.size zz, 4
zz:
aa:	nop
	.type aa,@function
	.size aa, 1
	.section .text.empty,"ax",@progbits
	.section .text.two,"ax",@progbits
	call gfunc
	call lfunc
	jmp 1f
	.byte 0,0,0,0,0,0,0,0,0,0,0
1:	ret
	.byte 0,0
	.set abs_sym, 0x10
	.globl abs_sym
`;
  const object = assemble('symbols', source);
  const executable = join(scratch, 'symbols.exe');
  execFileSync('ld', ['-m', 'elf_i386', '-e', 'gfunc', '-o', executable, object]);
  const stripped = join(scratch, 'symbols.stripped');
  execFileSync('strip', ['-o', stripped, executable]);
  for (const path of [object, executable, stripped]) {
    const { instructionLines, mismatches } = compareWithObjdump(path);
    t.true(instructionLines > 5);
    t.deepEqual(mismatches, [], path);
  }
});

test('disassemble() on raw bytes: the vsyscall sysenter stub, in objdump layout', (t) => {
  // __kernel_vsyscall as Linux 2.6 lays it out: push ecx/edx/ebp, mov esp->ebp, sysenter, then the
  // restart jump 2 bytes before SYSENTER_RETURN.
  const stub = Uint8Array.from([0x51, 0x52, 0x55, 0x89, 0xe5, 0x0f, 0x34, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0xeb, 0xf3, 0x5d, 0x5a, 0x59, 0xc3]);
  const lines = disassemble(stub, 0xffffe400);
  t.deepEqual(lines.map((l) => l.text).filter((text) => text !== 'nop'), [
    'push   %ecx', 'push   %edx', 'push   %ebp', 'mov    %esp,%ebp', 'sysenter', 'jmp    0xffffe403', 'pop    %ebp', 'pop    %edx', 'pop    %ecx', 'ret',
  ]);
  t.is(lines.find((l) => l.text.startsWith('jmp'))!.target, 0xffffe403);
  t.deepEqual(listing(stub.subarray(0, 7), 0xffffe400), [
    'ffffe400:\t51                   \tpush   %ecx',
    'ffffe401:\t52                   \tpush   %edx',
    'ffffe402:\t55                   \tpush   %ebp',
    'ffffe403:\t89 e5                \tmov    %esp,%ebp',
    'ffffe405:\t0f 34                \tsysenter',
  ]);
  // With the DSO's symbols: headers and named targets, as objdump prints the linked vsyscall page.
  const named = listing(stub, 0xffffe400, { symbols: [{ name: '__kernel_vsyscall', address: 0xffffe400 }, { name: 'SYSENTER_RETURN', address: 0xffffe410 }] });
  t.is(named[0], '');
  t.is(named[1], 'ffffe400 <__kernel_vsyscall>:');
  t.true(named.includes('ffffe40e:\teb f3                \tjmp    ffffe403 <__kernel_vsyscall+0x3>'));
  t.is(named[named.indexOf('ffffe410 <SYSENTER_RETURN>:') + 1], 'ffffe410:\t5d                   \tpop    %ebp');
});

const gate86 = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'cli/gate86.ts', ...args], { encoding: 'utf8' });

test('gate86 objdump: bad input is one line on stderr and exit status 1, never a stack trace', (t) => {
  const notElf = join(scratch, 'not-elf');
  writeFileSync(notElf, 'hello, world\n'.repeat(10));
  const elf64 = join(scratch, 'elf64');
  writeFileSync(elf64, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(64)]));
  const corpusObject = assemble('small', '\t.text\nf:\tret\n');
  const truncated = join(scratch, 'truncated.o');
  writeFileSync(truncated, readFileSync(corpusObject).subarray(0, 100));
  for (const [file, message] of [[notElf, /not an ELF file/], [elf64, /not a 32-bit ELF/], [truncated, /truncated|past the end|malformed/], [join(scratch, 'missing'), /no such file/]] as const) {
    const r = gate86(['objdump', '-d', file]);
    t.is(r.status, 1, `${file}: ${r.stderr}`);
    t.regex(r.stderr, message);
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    t.notRegex(r.stderr, /\n\s+at /);
  }
  const ok = gate86(['objdump', '-d', corpusObject]);
  t.is(ok.status, 0);
  t.regex(ok.stdout, /<f>:\n +0:\tc3 +\tret\n/);
  t.is(gate86(['objdump', corpusObject]).status, 2, 'without -d it is a usage error');
});
