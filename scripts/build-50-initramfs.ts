// Build stage 50: the initramfs (userland/initramfs.ts) from build/userland/ into build/initramfs.cpio,
// with gate86's own cpio writer. Without gcc there is no init (C), and so no initramfs: `gate86 boot`
// then runs the assembly samples one boot each.
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildInitramfs, INITRAMFS_PATH } from '../userland/initramfs.ts';
import { ASSEMBLY_PROGRAMS, C_PROGRAMS } from '../userland/build-userland.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
try {
  const programs = Object.fromEntries([...ASSEMBLY_PROGRAMS, ...C_PROGRAMS].map((n) => [n, `${root}build/userland/${n}.elf`]).filter(([, p]) => existsSync(p!)));
  if (programs['init'] === undefined) {
    console.log('initramfs: no init (no gcc -m32), not built');
  } else {
    const archive = buildInitramfs(programs);
    writeFileSync(root + INITRAMFS_PATH, archive);
    console.log(`initramfs: ${INITRAMFS_PATH} (${Object.keys(programs).length} programs, ${(archive.length / 1024).toFixed(0)} KiB)`);
  }
} catch (error) {
  console.error(`build-50-initramfs: ${(error as Error).message}`);
  process.exit(1);
}
