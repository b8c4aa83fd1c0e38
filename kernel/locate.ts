// Where the built kernel is: build/kernel/gate86-kernel.elf in the package (made by `npm run build`).
// When it is missing (a fresh clone that has not built yet), build it now into a temporary
// directory: the toolchain is TypeScript, so this needs nothing but Node.

import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildKernel } from './tools/build-kernel.ts';

const KERNEL_PATH = 'build/kernel/gate86-kernel.elf';

/** The package root: the nearest directory above this module holding kernel/syscall_32.tbl. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'kernel/syscall_32.tbl'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the gate86 package (kernel/syscall_32.tbl)');
}

export function loadKernelImage(): Uint8Array {
  const root = packageRoot();
  const built = join(root, KERNEL_PATH);
  if (existsSync(built)) return new Uint8Array(readFileSync(built));
  const fresh = buildKernel(root, join(tmpdir(), `gate86-kernel-${process.pid}`));
  return new Uint8Array(readFileSync(fresh.kernel));
}
