// A fuzzer's runner (a guest program in assembly) built with gate86's own assembler and linker,
// with the kernel's generated headers (unistd.h) and the fuzzer's layout as -D defines. The same
// ELF runs on gate86, on the host CPU and under qemu-i386.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../linker/as/index.ts';
import { linkImage } from '../../linker/ld/link-image.ts';
import { writeGeneratedHeaders } from '../../kernel/tools/build-kernel.ts';
import { packageRoot } from '../../kernel/locate.ts';

/** Assemble `source` (relative to the package root) into `dir` and link it as `name`; returns the ELF's path. */
export function buildGuestProgram(source: string, dir: string, name: string, defines: Map<string, string>): string {
  const root = packageRoot();
  mkdirSync(dir, { recursive: true });
  const include = writeGeneratedHeaders(root, join(dir, 'include'));
  const path = join(root, source);
  const object = join(dir, `${name}.o`);
  writeFileSync(object, assemble(path, readFileSync(path, 'utf8'), {
    includeDirs: [include], defines, readFile: (p: string) => readFileSync(p, 'utf8'),
  }));
  const output = join(dir, `${name}.elf`);
  linkImage({ image: 'exec', objects: [object], output });
  return output;
}
