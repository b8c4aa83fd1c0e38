// Character devices: a device node (an inode with S_IFCHR and a device number) says nothing about how
// the device behaves; opening it looks the number up in this table (Linux's chrdevs and the mem
// driver, drivers/char/mem.c). The same nodes work wherever they are — in /dev (devtmpfs), in the
// initramfs, or on the host file system.
//
//   1:3 null  reads end of file, swallows writes     1:5 zero  reads zeros, swallows writes
//   1:7 full  reads zeros, writes fail with ENOSPC   1:8 random, 1:9 urandom  the host's CSPRNG
//   5:0 tty   the caller's controlling terminal      5:1 console, 4:64 ttyS0  the console terminal
//   5:2 ptmx  not provided (ENODEV: no pseudo-terminals)

import type { Kernel } from '../kernel.ts';
import { EFAULT, ENODEV, ENOSPC } from '../layout.ts';
import type { FileOps, OpenFile } from './file.ts';
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from './file.ts';

/** Linux's new_encode_dev: how st_rdev and st_dev spell (major, minor). */
export const makedev = (major: number, minor: number): number => ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
export const major = (dev: number): number => (dev >>> 8) & 0xfff;
export const minor = (dev: number): number => (dev & 0xff) | ((dev >>> 12) & 0xfff00);

/** Opening a device: the file's operations, or an errno (ENXIO: no such device behind the node). */
export type CharDeviceOpen = (k: Kernel, file: { flags: number }) => FileOps | number;

const devices = new Map<number, CharDeviceOpen>();

export function registerCharDevice(dev: number, open: CharDeviceOpen): void { devices.set(dev, open); }

export function openCharDevice(k: Kernel, dev: number, flags: number): FileOps | number {
  const open = devices.get(dev);
  return open === undefined ? -ENODEV : open(k, { flags });
}

const ALWAYS_READY = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;

/** A stream of bytes made up on demand (zero, random): as many as the caller has room for. */
function source(make: (k: Kernel, n: number) => Uint8Array): FileOps['read'] {
  return (k, _file, count, room) => {
    if (count > 0 && room === 0) return -EFAULT;
    return make(k, Math.min(count, room, 1 << 20));
  };
}

const swallow = (_k: Kernel, _f: OpenFile, bytes: Uint8Array): number => bytes.length;

export const nullDevice: FileOps = { read: () => new Uint8Array(0), write: swallow, poll: () => ALWAYS_READY, seekable: true };
export const zeroDevice: FileOps = { read: source((_k, n) => new Uint8Array(n)), write: swallow, poll: () => ALWAYS_READY, seekable: true };
export const fullDevice: FileOps = { read: source((_k, n) => new Uint8Array(n)), write: () => -ENOSPC, poll: () => ALWAYS_READY, seekable: true };
export const randomDevice: FileOps = { read: source((k, n) => k.host.random(n)), write: swallow, poll: () => ALWAYS_READY, seekable: false };

export const MEM_MAJOR = 1;
export const TTYAUX_MAJOR = 5;
export const TTY_MAJOR = 4;
export const DEV_NULL = makedev(MEM_MAJOR, 3);
export const DEV_ZERO = makedev(MEM_MAJOR, 5);
export const DEV_FULL = makedev(MEM_MAJOR, 7);
export const DEV_RANDOM = makedev(MEM_MAJOR, 8);
export const DEV_URANDOM = makedev(MEM_MAJOR, 9);
export const DEV_TTY = makedev(TTYAUX_MAJOR, 0);
export const DEV_CONSOLE = makedev(TTYAUX_MAJOR, 1);
export const DEV_TTYS0 = makedev(TTY_MAJOR, 64);

registerCharDevice(DEV_NULL, () => nullDevice);
registerCharDevice(DEV_ZERO, () => zeroDevice);
registerCharDevice(DEV_FULL, () => fullDevice);
registerCharDevice(DEV_RANDOM, () => randomDevice);
registerCharDevice(DEV_URANDOM, () => randomDevice);
