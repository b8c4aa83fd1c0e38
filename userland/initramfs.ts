// The initramfs `gate86 boot` hands the kernel (as a Multiboot module, like `qemu -initrd`): a newc
// cpio archive (kernel/fs/cpio.ts) of a small root file system, made at build time by
// scripts/build-50-initramfs.ts from build/userland/, with gate86's own code only:
//
//   /init                 userland/init.c: mounts /proc and /dev, runs the samples, starts /bin/sh
//   /bin/hello getuid which-stub sysbench    the samples
//   /bin/sh               userland/sh.c, gate86's small shell
//   /etc/passwd /etc/group /etc/hostname, and empty /dev /proc /tmp /root /sbin /usr/bin /usr/sbin
//
// When busybox is at hand (`gate86 boot --busybox FILE`, or Debian's busybox-static:i386 at
// /bin/busybox), the CLI appends a second archive — Linux unpacks concatenated archives in order, a
// later member replacing an earlier one — with /bin/busybox and /bin/sh -> busybox; init then runs
// `busybox --install -s` so every applet has its link.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeCpio, type CpioMember } from '../kernel/fs/cpio.ts';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

/** The same timestamp for every member: the archive's bytes depend only on its inputs. */
const MTIME = 0;

const dir = (name: string, mode = 0o755): CpioMember => ({ name, mode: S_IFDIR | mode, uid: 0, gid: 0, mtime: MTIME, rdevMajor: 0, rdevMinor: 0, data: new Uint8Array(0) });
const file = (name: string, data: Uint8Array | string, mode = 0o644): CpioMember => ({
  name, mode: S_IFREG | mode, uid: 0, gid: 0, mtime: MTIME, rdevMajor: 0, rdevMinor: 0,
  data: typeof data === 'string' ? new Uint8Array(Buffer.from(data)) : data,
});
const link = (name: string, target: string): CpioMember => ({ name, mode: S_IFLNK | 0o777, uid: 0, gid: 0, mtime: MTIME, rdevMajor: 0, rdevMinor: 0, data: new Uint8Array(Buffer.from(target)) });

export const INITRAMFS_PATH = 'build/initramfs.cpio';

/** The base archive: `programs` maps a sample's name to its built ELF file. */
export function buildInitramfs(programs: Record<string, string>): Uint8Array {
  const members: CpioMember[] = [
    dir('bin'), dir('dev'), dir('etc'), dir('proc', 0o555), dir('root', 0o700), dir('sbin'), dir('tmp', 0o1777),
    dir('usr'), dir('usr/bin'), dir('usr/sbin'),
    file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n'),
    file('etc/group', 'root:x:0:\ntty:x:5:\n'),
    file('etc/hostname', 'gate86\n'),
  ];
  for (const [name, path] of Object.entries(programs)) {
    const bytes = new Uint8Array(readFileSync(path));
    if (name === 'init') members.push(file('init', bytes, 0o755));
    else members.push(file(`bin/${name}`, bytes, 0o755));
  }
  return writeCpio(members);
}

/** The archive appended for busybox: the binary, and /bin/sh pointing at it. */
export function busyboxArchive(busybox: Uint8Array): Uint8Array {
  return writeCpio([file('bin/busybox', busybox, 0o755), link('bin/sh', 'busybox')]);
}

/** Is this file a static i386 ELF executable (what Debian's busybox-static:i386 installs)? */
export function isStaticI386(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    const b = readFileSync(path);
    if (b.length < 52 || b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 1 || b.readUInt16LE(18) !== 3 || b.readUInt16LE(16) !== 2) return false;
    const phoff = b.readUInt32LE(28);
    const phnum = b.readUInt16LE(44);
    for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + 32 * i) === 3) return false;     // PT_INTERP: dynamic
    return true;
  } catch {
    return false;
  }
}

/** Where Debian's busybox-static:i386 puts its binary. */
export const DEBIAN_BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'];

/** The busybox to use: the one asked for, else Debian's i386 one if installed, else none. */
export function findBusybox(asked?: string): string | null {
  if (asked !== undefined) return asked;
  const fromEnvironment = process.env['GATE86_BUSYBOX'];
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
  return DEBIAN_BUSYBOX.find((p) => existsSync(p) && isStaticI386(p)) ?? null;
}
