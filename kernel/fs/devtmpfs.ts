// devtmpfs: the /dev a kernel populates itself, one node per device it has (Linux's
// drivers/base/devtmpfs.c). It is an ordinary tmpfs — `mknod`, `rm`, `ln -s` work in it — created
// with the nodes below; opening one goes through the character device table (devices.ts).

import { S_IFCHR } from './inode.ts';
import type { Tmpfs } from './tmpfs.ts';
import { DEV_CONSOLE, DEV_FULL, DEV_NULL, DEV_RANDOM, DEV_TTY, DEV_TTYS0, DEV_URANDOM, DEV_ZERO } from './devices.ts';

const ROOT = { uid: 0, gid: 0 };
/** The tty group, as Debian numbers it (a terminal is crw--w---- root:tty). */
const TTY_GID = 5;

export const DEV_NODES: { name: string; rdev: number; mode: number; gid?: number }[] = [
  { name: 'null', rdev: DEV_NULL, mode: 0o666 },
  { name: 'zero', rdev: DEV_ZERO, mode: 0o666 },
  { name: 'full', rdev: DEV_FULL, mode: 0o666 },
  { name: 'random', rdev: DEV_RANDOM, mode: 0o666 },
  { name: 'urandom', rdev: DEV_URANDOM, mode: 0o666 },
  { name: 'tty', rdev: DEV_TTY, mode: 0o666, gid: TTY_GID },
  { name: 'console', rdev: DEV_CONSOLE, mode: 0o600 },
  { name: 'ttyS0', rdev: DEV_TTYS0, mode: 0o620, gid: TTY_GID },
];

export function populateDev(fs: Tmpfs): void {
  for (const node of DEV_NODES) {
    const inode = fs.root.mknod(node.name, S_IFCHR | node.mode, node.rdev, { uid: 0, gid: node.gid ?? 0 });
    if (typeof inode === 'number') throw new Error(`devtmpfs: /dev/${node.name}: error ${-inode}`);
  }
  // The links udev would make: /dev/fd and the three standard streams.
  fs.root.symlink('fd', '/proc/self/fd', ROOT);
  fs.root.symlink('stdin', '/proc/self/fd/0', ROOT);
  fs.root.symlink('stdout', '/proc/self/fd/1', ROOT);
  fs.root.symlink('stderr', '/proc/self/fd/2', ROOT);
  fs.root.mkdir('pts', 0o755, ROOT);
  fs.root.mkdir('shm', 0o1777, ROOT);
}
