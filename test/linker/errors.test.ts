// What the link editor does with awkward input: undefined and duplicate symbols, PIC objects, values
// that do not fit a narrow relocation, files that are not i386 objects — each a one-line error that
// names the symbol and the objects — and the symbol rules (weak, COMMON) and narrow relocations that
// must agree with GNU ld.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cachedBuild, runI386Elf } from '../support/i386-oracle.ts';
import { LinkError } from '../../linker/ld/errors.ts';
import { execScript, vsyscallScript } from '../../linker/ld/images.ts';
import { link } from '../../linker/ld/link.ts';
import type { LinkInput } from '../../linker/ld/link.ts';
import { parseExpression, parseLinkScript } from '../../linker/ld/script-parser.ts';
import { join } from 'node:path';
import { FIXTURES, compileObject, compileSnippet, gnuLink, tool, writeOutput } from './support.ts';

const START = 'void _start(void) { for (;;) ; }\n';

function linkError(t: import('ava').ExecutionContext, inputs: LinkInput[], pattern: RegExp): void {
  const error = t.throws(() => link({ inputs, script: execScript() }), { instanceOf: LinkError });
  t.regex(error!.message, pattern);
  t.false(error!.message.includes('\n'), 'one line');
}

/** GNU ld must refuse the same input (so our error is not a gate86 invention). */
function gnuRefuses(t: import('ava').ExecutionContext, inputs: LinkInput[]): void {
  t.throws(() => gnuLink(inputs));
}

test('an undefined symbol names itself and every object that references it', (t) => {
  const inputs = [
    compileSnippet('main.c', `${START}int missing_function(void); int use(void) { return missing_function(); }`),
    compileSnippet('other.c', 'int missing_function(void); int again(void) { return missing_function() + 1; }'),
  ];
  linkError(t, inputs, /^undefined reference to `missing_function' \(referenced from main\.o, other\.o\)$/);
  gnuRefuses(t, inputs);
});

test('two strong definitions are an error naming both objects', (t) => {
  const inputs = [compileSnippet('a.c', `${START}int shared = 1;`), compileSnippet('b.c', 'int shared = 2;')];
  linkError(t, inputs, /^multiple definition of `shared': first defined in a\.o, again in b\.o$/);
  gnuRefuses(t, inputs);
});

test('position-independent code (GOT relocations) is refused with advice', (t) => {
  const inputs = [compileSnippet('pic.c', `${START}int counter; int bump(void) { return ++counter; }`, ['-O2', '-fpic'])];
  linkError(t, inputs, /^pic\.o: \.text.*R_386_(GOTPC|GOT32X?|GOTOFF) against `.*' needs a GOT; .*-fno-pic/);
});

test('a value that does not fit a 16-bit or 8-bit field is "relocation truncated to fit", as in ld', (t) => {
  const big = compileSnippet('big.s', '.globl wide\n.set wide, 0x12345\n');
  const user = compileSnippet('user.s', '.globl _start\n_start: ret\n.data\n.word wide\n');
  linkError(t, [user, big], /^user\.o: \.data\+0x0: relocation truncated to fit: R_386_16 against `wide' \(value 0x12345\)$/);
  gnuRefuses(t, [user, big]);
  const byte = compileSnippet('byte.s', '.globl _start\n_start: ret\n.data\n.byte wide\n');
  linkError(t, [byte, big], /truncated to fit: R_386_8 against `wide'/);
});

test('narrow and PC-relative relocations (R_386_16/8, PC16/PC8) patch the same bytes as GNU ld', (t) => {
  const code = compileSnippet('narrow.s', [
    '.globl _start', '.text', '_start:', '  jecxz target8', '  .byte 0x90', '  .code16', '  jmp target16', '  .code32',
    '  .word small16', '  .byte small8', '  .long target8 + 3', '  ret',
  ].join('\n') + '\n');
  const defs = compileSnippet('defs.s', [
    '.globl target8, target16, small16, small8', '.set small16, 0xfff0', '.set small8, 0x7f',
    '.text', 'target8: nop', 'target16: ret',
  ].join('\n') + '\n');
  const relocations = tool('readelf', ['-rW', writeOutput('narrow.o', code.bytes)]);
  for (const kind of ['R_386_PC8', 'R_386_PC16', 'R_386_16', 'R_386_8', 'R_386_32']) t.regex(relocations, new RegExp(kind));
  const mine = writeOutput('narrow', link({ inputs: [code, defs], script: execScript() }).bytes);
  const reference = gnuLink([code, defs]);
  const dump = (path: string) => tool('objdump', ['-s', '-j', '.text', path]).split('\n').slice(3).join('\n');
  t.is(dump(mine), dump(reference));
});

test('weak definitions yield to strong ones, weak references may stay undefined (0), COMMON blocks merge to the largest', (t) => {
  const inputs = [
    compileSnippet('w1.c', `${START}__attribute__((weak)) int level = 1; int buf[10]; extern int hook __attribute__((weak)); int *where(void) { return &hook; }`),
    compileSnippet('w2.c', 'int level = 2; int buf[20];'),
  ];
  const result = link({ inputs, script: execScript() });
  const mine = writeOutput('weak', result.bytes);
  const reference = gnuLink(inputs);
  const symbol = (path: string, name: string) => tool('readelf', ['-sW', path]).split('\n').find((l) => l.endsWith(` ${name}`))?.trim().split(/\s+/).slice(2, 7).join(' ');
  t.is(symbol(mine, 'buf'), symbol(reference, 'buf'));
  t.regex(symbol(mine, 'buf')!, /^80 OBJECT GLOBAL DEFAULT/);
  const value = (path: string, address: number) => {
    const r = spawnSync('objdump', ['-s', `--start-address=0x${address.toString(16)}`, `--stop-address=0x${(address + 4).toString(16)}`, path], { encoding: 'utf8' });
    return r.stdout.split('\n').filter((l) => /^ [0-9a-f]+ /.test(l)).join('');
  };
  const level = result.symbols.get('level')!;
  t.regex(value(mine, level), / 02000000 /, 'the strong definition (2) won');
  t.false(result.symbols.has('hook'));
});

test('inputs that are not i386 relocatable objects are one-line errors', (t) => {
  linkError(t, [{ name: 'notes.txt', bytes: new TextEncoder().encode('hello, linker\n'.repeat(8)) }], /^notes\.txt: not an ELF file$/);
  const x64 = cachedBuild({ files: { 'x64.c': 'int x;' }, commands: [['gcc', '-c', 'x64.c', '-o', 'x64.o']], output: 'x64.o' });
  linkError(t, [{ name: 'x64.o', bytes: new Uint8Array(readFileSync(x64)) }], /^x64\.o: not a 32-bit ELF file/);
  const exec = link({ inputs: [compileSnippet('s.c', START)], script: execScript() });
  linkError(t, [{ name: 'prog', bytes: exec.bytes }], /^prog: not a relocatable object/);
  const truncated = compileSnippet('t.c', START).bytes.slice(0, 200);
  const error = t.throws(() => link({ inputs: [{ name: 't.o', bytes: truncated }], script: execScript() }), { instanceOf: LinkError });
  t.regex(error!.message, /^t\.o: /);
});

test('a missing entry symbol is a warning, and the entry falls back to the start of .text (as ld does)', (t) => {
  const result = link({ inputs: [compileSnippet('noentry.c', 'int f(void) { return 1; }')], script: execScript() });
  t.deepEqual(result.warnings, ['cannot find entry symbol _start; defaulting to 0x08049000']);
  t.is(result.entry, 0x08049000);
});

test('the vsyscall DSO refuses code that would not start at 0xffffe400 inside one page', (t) => {
  const names = Array.from({ length: 50 }, (_, i) => `export_with_a_rather_long_name_${i}`);
  const source = names.map((n) => `.globl ${n}\n${n}: ret\n`).join('') + '.globl __kernel_vsyscall, __kernel_sigreturn, __kernel_rt_sigreturn\n__kernel_vsyscall:\n__kernel_sigreturn:\n__kernel_rt_sigreturn: ret\n';
  const script = { ...vsyscallScript(), shared: { soname: 'linux-gate.so.1' } }; // export everything: the tables outgrow 0x400 bytes
  const error = t.throws(() => link({ inputs: [compileSnippet('many.s', source)], script }), { instanceOf: LinkError });
  t.regex(error!.message, /moves backwards into \.dynamic/);
});

test('link-script syntax errors point at the file and line', (t) => {
  const error = t.throws(() => parseLinkScript('SECTIONS\n{\n  .text : { *(.text) }\n  .data : { *(.data) \n', 'bad.lds'), { instanceOf: LinkError });
  t.regex(error!.message, /^bad\.lds:\d+: /);
  const unknown = t.throws(() => parseLinkScript('MEMORY { rom : ORIGIN = 0, LENGTH = 4K }', 'mem.lds'), { instanceOf: LinkError });
  t.regex(unknown!.message, /^mem\.lds:1: unknown command 'MEMORY'/);
});

test('--defsym defines an absolute symbol the code can use; thread-local variables are refused', (t) => {
  const user = compileSnippet('defsym.s', '.globl _start\n_start: movl $magic_value, %eax\n ret\n');
  const defsym = parseExpression('0x1200 + 0x34');
  const result = link({ inputs: [user], script: execScript(), defsyms: [{ kind: 'assign', target: 'magic_value', value: defsym, provide: false }] });
  t.is(result.symbols.get('magic_value'), 0x1234);
  const text = result.layout.sections.find((s) => s.name === '.text')!;
  t.deepEqual([...text.inputs[0]!.data.slice(0, 5)], [0xb8, 0x34, 0x12, 0, 0]);
  const tls = compileSnippet('tls.c', `${START}__thread int per_thread = 1;`);
  const error = t.throws(() => link({ inputs: [tls], script: execScript() }), { instanceOf: LinkError });
  t.regex(error!.message, /^tls\.o: \.tdata holds thread-local variables/);
});

test('a hidden symbol links like any other but is local in the output\'s symbol table', (t) => {
  const inputs = [compileSnippet('hid.c', `${START}__attribute__((visibility("hidden"))) int secret = 5; int peek(void) { return secret; }`)];
  const path = writeOutput('hidden', link({ inputs, script: execScript() }).bytes);
  const line = tool('readelf', ['-sW', path]).split('\n').find((l) => l.endsWith(' secret'))!;
  t.regex(line, /OBJECT {2}LOCAL/);
});

test('corrupted objects never crash the linker: every failure is a LinkError (400 seeded mutations)', (t) => {
  const objects = ['start.S', 'sys.c', 'print.c', 'hello.c'].map((f) => compileObject(join(FIXTURES, 'exec', f), ['-O2']));
  let seed = 2026;
  const random = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 8; };
  let linked = 0;
  let refused = 0;
  for (let i = 0; i < 400; i++) {
    const victim = random() % objects.length;
    const inputs = objects.map((o, j) => {
      if (j !== victim) return o;
      const bytes = Uint8Array.from(o.bytes);
      const shoff = new DataView(bytes.buffer).getUint32(32, true);
      for (let k = 1 + random() % 4; k > 0; k--) {
        // Aim at the ELF header, the section headers, or anywhere.
        const where = random() % 3;
        const at = where === 0 ? random() % 52 : where === 1 ? shoff + random() % Math.max(1, bytes.length - shoff) : random() % bytes.length;
        bytes[at % bytes.length] = random() & 0xff;
      }
      return { name: o.name, bytes };
    });
    try {
      link({ inputs, script: execScript() });
      linked++;
    } catch (error) {
      if (!(error instanceof LinkError)) return t.fail(`mutation ${i}: ${(error as Error).stack}`);
      t.false(error.message.includes('\n'), error.message);
      refused++;
    }
  }
  t.log(`${linked} linked, ${refused} refused with a LinkError`);
  t.true(refused > 40 && linked > 40);
});

test('a symbol whose section the script discards cannot be used', (t) => {
  const inputs = [compileSnippet('gone.c', `${START}__attribute__((section(".gone"))) int vanished = 3; int read_it(void) { return vanished; }`)];
  const script = parseLinkScript('ENTRY(_start) SECTIONS { . = 0x08049000; .text : { *(.text) } .data : { *(.data) } /DISCARD/ : { *(.gone) } }', 'gone.lds');
  const error = t.throws(() => link({ inputs, script }), { instanceOf: LinkError });
  t.regex(error!.message, /`vanished' is defined in \.gone of gone\.o, which the link script discards/);
});

test('COMDAT groups: two objects with the same group keep the first copy only, as GNU ld does', (t) => {
  const copy = (name: string, value: number) => compileSnippet(name, [
    '.section .text.shared_helper,"axG",@progbits,shared_helper,comdat', '.globl shared_helper', '.type shared_helper, @function',
    `shared_helper: movl $${value}, %eax`, '  ret',
  ].join('\n') + '\n');
  const main = compileSnippet('cmain.s', '.globl _start\n.text\n_start: call shared_helper\n movl %eax, %ebx\n movl $1, %eax\n int $0x80\n');
  const inputs = [main, copy('c1.s', 41), copy('c2.s', 42)];
  const result = link({ inputs, script: execScript() });
  const mine = runI386Elf(writeOutput('comdat', result.bytes));
  const reference = runI386Elf(gnuLink(inputs));
  t.is(mine.status, 41, 'the first copy (41) was kept');
  t.is(mine.status, reference.status);
  t.is(result.layout.sections.find((s) => s.name === '.text')!.inputs.filter((s) => s.name === '.text.shared_helper').length, 1);
});
