// Mounting the root file system at boot (Linux's prepare_namespace / populate_rootfs):
//   - the boot loader handed a module (QEMU's and gate86's `-initrd`, a Multiboot module): it is the
//     initramfs, a newc cpio archive; a tmpfs becomes the root and the archive is unpacked into it.
//     init mounts /proc and /dev itself (mount(2)), as on Linux;
//   - no module (`gate86 run`): the host's file system, confined to --root DIR (default /) and
//     read-only with --ro, as qemu-i386 shows it; gate86's own procfs and devtmpfs cover /proc and
//     /dev (when the root has those directories), so the guest sees its processes and devices, never
//     the host's. The working directory is the host's, when it lies inside the root.

import type { Kernel } from '../kernel.ts';
import { ENOENT } from '../layout.ts';
import { physicalOf } from '../mm/ram.ts';
import { isDir, isRegular } from './inode.ts';
import { HostFs } from './hostfs.ts';
import { Tmpfs } from './tmpfs.ts';
import { anonymousDevice } from './vfs.ts';
import { lookupChild, resolve, type Path } from './path.ts';
import { unpackInitramfs } from './initramfs.ts';
import { CpioError } from './cpio.ts';
import { relative, isAbsolute, sep } from 'node:path';

export class RootError extends Error {}

const MULTIBOOT_INFO_MODULES = 1 << 3;
const ROOT = { uid: 0, gid: 0 };

/** The Multiboot modules, copied out of guest memory before any frame is handed out over them. */
export function multibootModules(k: Kernel): { name: string; bytes: Uint8Array }[] {
  const info = k.ram.read32(physicalOf(k.image.addressOf('multiboot_info')));
  if (info === 0 || (k.ram.read32(info) & MULTIBOOT_INFO_MODULES) === 0) return [];
  const count = k.ram.read32(info + 20);
  const table = k.ram.read32(info + 24);
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (let i = 0; i < count; i++) {
    const start = k.ram.read32(table + 16 * i);
    const end = k.ram.read32(table + 16 * i + 4);
    const nameAt = k.ram.read32(table + 16 * i + 8);
    let name = '';
    for (let at = nameAt; nameAt !== 0 && k.ram.read8(at) !== 0 && name.length < 256; at++) name += String.fromCharCode(k.ram.read8(at));
    if (end < start || end > k.ram.size) throw new RootError(`Multiboot module ${i} (${name}) lies outside memory`);
    out.push({ name, bytes: k.ram.u8.slice(start, end) });
  }
  return out;
}

export function mountRootFileSystem(k: Kernel): { root: Path; cwd: Path } {
  const modules = multibootModules(k);
  if (modules.length > 0) {
    const fs = new Tmpfs(k.ram, k.frames, anonymousDevice(), 'rootfs');
    try {
      const members = unpackInitramfs(fs, modules[0]!.bytes);
      k.host.log(`initramfs: ${modules[0]!.name}: ${members} entries unpacked into the root tmpfs (${(modules[0]!.bytes.length / 1024).toFixed(0)} KiB)`);
    } catch (error) {
      if (error instanceof CpioError || error instanceof Error) throw new RootError(`initramfs ${modules[0]!.name}: ${error.message}`);
      throw error;
    }
    const root = k.vfs.mountRoot(fs.root, 'rootfs');
    return { root, cwd: root };
  }
  const config = k.host.root ?? { directory: '/', readOnly: false };
  let hostFs: HostFs;
  try {
    hostFs = new HostFs(config.directory, config.readOnly);
  } catch (error) {
    throw new RootError(`--root ${config.directory}: ${(error as Error).message}`);
  }
  const root = k.vfs.mountRoot(hostFs.root, `host:${config.directory}`);
  for (const [name, type] of [['proc', 'proc'], ['dev', 'devtmpfs']] as const) {
    const at = lookupChild(root, name, ROOT);
    if (typeof at === 'number' || !isDir(at.dentry.inode.mode)) continue;
    const fs = k.vfs.makeFileSystem(type);
    if (typeof fs !== 'number') k.vfs.mountOn(at, fs, type);
  }
  return { root, cwd: hostCwd(k, root, config.directory) };
}

/** The host's working directory as a guest path, if it is inside the root; else the root. */
function hostCwd(k: Kernel, root: Path, directory: string): Path {
  const cwd = k.host.cwd;
  if (cwd === undefined) return root;
  const inside = relative(directory, cwd);
  if (inside.startsWith('..') || isAbsolute(inside)) return root;
  const found = resolve({ root, cwd: root, who: ROOT }, root, '/' + inside.split(sep).join('/'), { follow: true });
  return typeof found === 'number' || !isDir(found.dentry.inode.mode) ? root : found;
}

/** A regular file's bytes, by absolute path from the root (init before any process exists). */
export function readFromRoot(root: Path, path: string): Uint8Array | number {
  const found = resolve({ root, cwd: root, who: ROOT }, root, path, { follow: true });
  if (typeof found === 'number') return found;
  if (!isRegular(found.dentry.inode.mode)) return -ENOENT;
  return found.dentry.inode.read(0, found.dentry.inode.size());
}
