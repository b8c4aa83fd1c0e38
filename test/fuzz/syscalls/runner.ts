// Building the system-call fuzzer's runner (runner.S) with gate86's own assembler and linker.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../../linker/as/index.ts';
import { linkImage } from '../../../linker/ld/link-image.ts';
import { writeGeneratedHeaders } from '../../../kernel/tools/build-kernel.ts';
import { packageRoot } from '../../../kernel/locate.ts';
import { runnerDefines } from './layout.ts';

/** Assemble and link runner.S into `dir`; returns the ELF's path. */
export function buildSyscallRunner(dir: string): string {
  const root = packageRoot();
  mkdirSync(dir, { recursive: true });
  const include = writeGeneratedHeaders(root, join(dir, 'include'));
  const source = join(root, 'test/fuzz/syscalls/runner.S');
  const object = join(dir, 'runner.o');
  writeFileSync(object, assemble(source, readFileSync(source, 'utf8'), {
    includeDirs: [include], defines: runnerDefines(), readFile: (p: string) => readFileSync(p, 'utf8'),
  }));
  const output = join(dir, 'syscalls-runner.elf');
  linkImage({ image: 'exec', objects: [object], output });
  return output;
}
