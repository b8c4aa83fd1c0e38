// Builds the sample programs into build/userland/*.elf:
//   - assembly (hello.S, lib/crt0.S, lib/syscall.S) with gate86's own assembler;
//   - C (getuid.c, which-stub.c, sysbench.c, lib/libc.c) with `gcc -m32 -ffreestanding -nostdlib -c`
//     when gcc is there — gate86 has no C compiler — and skipped with a note when it is not;
//   - every program linked by gate86 ld as a static ELF at 0x08048000.
// The same ELF files run natively (or under qemu-i386) and under `gate86 run`.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../linker/as/index.ts';
import { linkImage } from '../linker/ld/link-image.ts';
import { writeGeneratedHeaders } from '../kernel/tools/build-kernel.ts';

export const ASSEMBLY_PROGRAMS = ['hello'];
export const C_PROGRAMS = ['getuid', 'which-stub', 'sysbench', 'init', 'sh'];

/** i486 code: the programs must run on every CPU model, and the 486 has no CMOV (nor x87 here). */
export const CFLAGS = [
  '-m32', '-march=i486', '-ffreestanding', '-nostdlib', '-fno-pic', '-fno-stack-protector',
  '-fno-asynchronous-unwind-tables', '-mno-sse', '-mno-mmx', '-mno-80387', '-O2', '-Wall',
];

function assembleTo(source: string, output: string, include: string): string {
  writeFileSync(output, assemble(source, readFileSync(source, 'utf8'), {
    includeDirs: [include], defines: new Map(), readFile: (p: string) => readFileSync(p, 'utf8'),
  }));
  return output;
}

export function haveGcc(): boolean {
  const r = spawnSync('gcc', ['-m32', '--version'], { stdio: 'ignore' });
  return r.status === 0;
}

function compileTo(source: string, output: string, include: string): string {
  const r = spawnSync('gcc', [...CFLAGS, '-I', include, '-c', source, '-o', output], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gcc ${source}: ${r.stderr || r.error?.message}`);
  return output;
}

export interface UserlandBuild { programs: Record<string, string>; skipped: string[] }

export function buildUserland(root: string, outDir: string): UserlandBuild {
  mkdirSync(outDir, { recursive: true });
  // unistd.h (the system call numbers, from kernel/syscall_32.tbl) for libc.h and the assembly.
  const include = writeGeneratedHeaders(root, join(outDir, 'include'));
  const src = join(root, 'userland');
  const programs: Record<string, string> = {};
  for (const name of ASSEMBLY_PROGRAMS) {
    const object = assembleTo(join(src, `${name}.S`), join(outDir, `${name}.o`), include);
    programs[name] = join(outDir, `${name}.elf`);
    linkImage({ image: 'exec', objects: [object], output: programs[name] });
  }
  if (!haveGcc()) return { programs, skipped: C_PROGRAMS };
  const runtime = [
    assembleTo(join(src, 'lib/crt0.S'), join(outDir, 'crt0.o'), include),
    assembleTo(join(src, 'lib/syscall.S'), join(outDir, 'syscall.o'), include),
    compileTo(join(src, 'lib/libc.c'), join(outDir, 'libc.o'), include),
  ];
  for (const name of C_PROGRAMS) {
    const object = compileTo(join(src, `${name}.c`), join(outDir, `${name}.o`), include);
    programs[name] = join(outDir, `${name}.elf`);
    linkImage({ image: 'exec', objects: [runtime[0]!, object, ...runtime.slice(1)], output: programs[name] });
  }
  return { programs, skipped: [] };
}
