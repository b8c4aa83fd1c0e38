// Shared anonymous memory (Linux's mm/shmem.c shmem_zero_setup): MAP_SHARED|MAP_ANONYMOUS is a
// mapping of a fresh, nameless in-memory file whose pages are guest frames, so a page touched
// for the first time after a fork is still the same page in parent and child. /proc/PID/maps shows
// it as Linux does: "/dev/zero (deleted)" on the internal shm mount's device 00:01, with the
// object's own inode number, and the file offset of each piece (a munmap of the front moves it).
//
// The object lives while an area maps it (FilePages.open/close: a split or a fork opens it once
// more); the last close gives its frames back.

import { PAGE_SIZE } from '../layout.ts';
import type { FrameAllocator } from './frames.ts';
import type { Ram } from './ram.ts';
import type { FilePages } from './vma.ts';

/** The shm mount's device: the first anonymous device a booting Linux hands out. */
const SHM_DEVICE: readonly [number, number] = [0, 1];

/**
 * Pages of an object kept in guest frames, one frame per page offset (a page cache with nothing
 * behind it). Each frame has one holder for the cache itself; every page table entry that maps it
 * takes another.
 */
export class PageCache {
  private readonly pages = new Map<number, number>();

  constructor(private readonly ram: Ram) {}

  /** Is the page holding `offset` in the cache? */
  has(offset: number): boolean { return this.pages.has(Math.floor(offset / PAGE_SIZE)); }

  /** The frame for the page at `offset`, allocated zeroed on first use (without a holder for the caller). */
  private lookup(offset: number, frames: FrameAllocator): number {
    const index = Math.floor(offset / PAGE_SIZE);
    let frame = this.pages.get(index);
    if (frame === undefined) {
      frame = frames.allocate();
      this.pages.set(index, frame);
    }
    return frame;
  }

  /** The frame, with one more holder taken for a page table entry. */
  frame(offset: number, frames: FrameAllocator): number {
    const frame = this.lookup(offset, frames);
    frames.share(frame);
    return frame;
  }

  read(offset: number, into: Uint8Array): void {
    const frame = this.pages.get(Math.floor(offset / PAGE_SIZE));
    if (frame === undefined) into.fill(0);
    else into.set(this.ram.u8.subarray(frame, frame + into.length));
  }

  write(offset: number, from: Uint8Array, frames: FrameAllocator): void {
    this.ram.set(this.lookup(offset, frames), from.subarray(0, PAGE_SIZE));
  }

  /** Copy the cached pages' bytes over the part of `bytes` (the file's bytes at `offset`) they hold. */
  copyOut(offset: number, bytes: Uint8Array): void {
    this.eachCached(offset, bytes.length, (frame, within, at, n) => bytes.set(this.ram.u8.subarray(frame + within, frame + within + n), at));
  }

  /** Bytes written to the file at `offset`: the cached pages that hold any of them take them. */
  copyIn(offset: number, bytes: Uint8Array): void {
    this.eachCached(offset, bytes.length, (frame, within, at, n) => this.ram.set(frame + within, bytes.subarray(at, at + n)));
  }

  private eachCached(offset: number, length: number, use: (frame: number, within: number, at: number, n: number) => void): void {
    for (let at = 0; at < length;) {
      const within = (offset + at) % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - within, length - at);
      const frame = this.pages.get(Math.floor((offset + at) / PAGE_SIZE));
      if (frame !== undefined) use(frame, within, at, n);
      at += n;
    }
  }

  /** Give every frame back (the cache's own holder; mapped frames live on until unmapped). */
  drop(frames: FrameAllocator): void {
    for (const frame of this.pages.values()) frames.release(frame);
    this.pages.clear();
  }
}

/** One MAP_SHARED|MAP_ANONYMOUS object. */
export class SharedAnonymous implements FilePages {
  readonly path = '/dev/zero (deleted)';
  readonly device = SHM_DEVICE;
  private readonly cache: PageCache;
  private users = 1;

  constructor(ram: Ram, readonly inode: number) {
    this.cache = new PageCache(ram);
  }

  frame(offset: number, frames: FrameAllocator): number { return this.cache.frame(offset, frames); }
  read(offset: number, into: Uint8Array): void { this.cache.read(offset, into); }
  /** Its mappings map the cache's own frames, and nothing lies behind them: a write-back has nothing to do. */
  write(): void {}
  open(): void { this.users++; }
  close(frames: FrameAllocator): void {
    if (--this.users === 0) this.cache.drop(frames);
  }
}
