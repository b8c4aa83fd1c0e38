// Build stage 30: the kernel (kernel/tools/build-kernel.ts) with gate86's own assembler and linker,
// into build/kernel/: gate86-kernel.elf and the two linux-gate.so.1 flavours.
import { fileURLToPath } from 'node:url';
import { buildKernel } from '../kernel/tools/build-kernel.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
try {
  const built = buildKernel(root, root + 'build/kernel');
  console.log(`kernel: ${built.kernel.slice(root.length)}`);
} catch (error) {
  console.error(`build-30-kernel: ${(error as Error).message}`);
  process.exit(1);
}
