// GNU as (and gcc) as the assembler test's oracle, with results cached by content hash
// (test/support/i386-oracle.ts), and gate86's assembler run the same way for comparison.

import { readFileSync } from 'node:fs';
import { cachedBuild } from '../support/i386-oracle.ts';
import { assemble } from '../../linker/as/index.ts';

/** Assemble with GNU as --32 (for .s) or gcc -m32 -c (cpp + as, for .S). */
export function gasObject(name: string, files: Record<string, string>, includeDirs: string[] = []): Uint8Array {
  const command = name.endsWith('.S')
    ? ['gcc', '-m32', '-c', ...includeDirs.map((d) => `-I${d}`), '-o', 'out.o', name]
    : ['as', '--32', '-o', 'out.o', name];
  return readFileSync(cachedBuild({ files, commands: [command], output: 'out.o' }));
}

/**
 * `gcc -m32 -S` output for a C file with the flags the corpus uses. Pass
 * '-fasynchronous-unwind-tables' among `flags` to get .cfi_* directives (gate86 builds .eh_frame),
 * '-fpie' or '-fPIC' for position-independent code (@PLT, @GOTOFF, COMDAT thunks).
 */
export function gccAssembly(name: string, source: string, flags: string[]): string {
  const unwind = flags.includes('-fasynchronous-unwind-tables') ? [] : ['-fno-asynchronous-unwind-tables'];
  const pic = flags.some((f) => /^-f(pic|PIC|pie|PIE)$/.test(f)) ? [] : ['-fno-pic', '-fno-pie'];
  const command = ['gcc', '-m32', '-S', '-march=i686', '-mno-sse', '-mno-mmx', ...pic,
    ...unwind, '-fno-stack-protector', '-ffreestanding', ...flags, '-o', 'out.s', name];
  return readFileSync(cachedBuild({ files: { [name]: source }, commands: [command], output: 'out.s' }), 'latin1');
}

/** gate86's assembler on the same files (read from the map, not the disk). */
export function gate86Object(name: string, files: Record<string, string>, includeDirs: string[] = []): Uint8Array {
  const readFile = (path: string): string => {
    const key = path.replace(/^(\.\/)+/, '');
    const text = files[key];
    if (text === undefined) throw new Error(`no file ${path}`);
    return text;
  };
  return assemble(name, files[name]!, { includeDirs, defines: new Map(), readFile });
}

/** Instruction lines in gas source (not labels, directives or blank lines), for the reported counts. */
export function countInstructions(source: string): number {
  return source.split('\n').filter((l) => {
    const t = l.replace(/#.*$/, '').replace(/^\s*[A-Za-z_.$0-9]+:\s*/, '').trim();
    return t !== '' && !t.startsWith('.') && !/^[A-Za-z_.$][\w.$]*\s*=/.test(t);
  }).length;
}
