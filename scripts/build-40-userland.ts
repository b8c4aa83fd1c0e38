// Build stage 40: the sample programs (userland/build-userland.ts) into build/userland/.
import { fileURLToPath } from 'node:url';
import { buildUserland } from '../userland/build-userland.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
try {
  const built = buildUserland(root, root + 'build/userland');
  console.log(`userland: ${Object.keys(built.programs).join(', ')}`);
  if (built.skipped.length > 0) console.log(`userland: no gcc -m32, so not built: ${built.skipped.join(', ')}`);
} catch (error) {
  console.error(`build-40-userland: ${(error as Error).message}`);
  process.exit(1);
}
