// Helpers every service uses to touch user memory: each returns null / false for a bad pointer and
// the service turns that into -EFAULT. No user pointer is ever dereferenced any other way.

import type { Kernel } from '../kernel.ts';
import { EFAULT, ENAMETOOLONG, PAGE_SIZE } from '../layout.ts';
import { PATH_MAX } from '../fs/path.ts';

export const FAULT = -EFAULT;

export function copyFromUser(k: Kernel, va: number, length: number): Uint8Array | null {
  return k.task().space.copyFromUser(va >>> 0, length);
}

export function copyToUser(k: Kernel, va: number, bytes: Uint8Array): boolean {
  return k.task().space.copyToUser(va >>> 0, bytes);
}

/** A little-endian record builder for the structures services return (stat64, timespec, ...). */
export class Struct {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u16(offset: number, v: number): this { this.view.setUint16(offset, v, true); return this; }
  u32(offset: number, v: number): this { this.view.setUint32(offset, v >>> 0, true); return this; }
  u64(offset: number, v: bigint): this { this.view.setBigUint64(offset, BigInt.asUintN(64, v), true); return this; }
  text(offset: number, s: string): this { this.bytes.set(Buffer.from(s, 'latin1'), offset); return this; }
}

/** Read a little-endian u32 array from user memory (iovecs, timespecs), or null. */
export function readWords(k: Kernel, va: number, count: number): number[] | null {
  const bytes = copyFromUser(k, va, count * 4);
  if (bytes === null) return null;
  const view = new DataView(bytes.buffer);
  return Array.from({ length: count }, (_, i) => view.getUint32(i * 4, true));
}

/**
 * How many bytes from `va` (up to `count`) the caller may write: readers must not consume more.
 * A page not there yet but in a writable area counts (it is faulted in, as copy_to_user would:
 * a read into fresh malloc'ed memory or a growing stack).
 */
export function writableSpan(k: Kernel, va: number, count: number): number {
  const space = k.task().space;
  let done = 0;
  while (done < count) {
    if (!space.faultIn((va + done) >>> 0, true)) return done;
    done = Math.min(count, done + (PAGE_SIZE - ((va + done) & (PAGE_SIZE - 1))));
  }
  return count;
}

/** getname(): a path from user memory, or -EFAULT, -ENAMETOOLONG (PATH_MAX, NUL included). */
export function userPath(k: Kernel, va: number): string | number {
  const s = k.task().space.readString(va >>> 0, PATH_MAX);
  if (s !== null) return s;
  return copyFromUser(k, va, PATH_MAX) === null ? -EFAULT : -ENAMETOOLONG;
}
