// The pages of a VFS file as its mappings see them (Linux's address_space, inode->i_mapping): one
// object per inode, shared by every area that maps the file, in every process.
//
//   - tmpfs keeps a file's bytes in guest frames already (TmpfsInode.frameOf): a mapping maps those
//     very frames, so read(2), write(2) and every MAP_SHARED area see one set of bytes;
//   - any other file (the host's, through hostfs) gets a page cache here: a frame per page, filled
//     from the file on first use. MAP_SHARED areas map the cache's frames; msync, munmap and exit
//     write their pages back to the file. While the file is mapped, the inode's `mapping` points
//     here, and its read(2) and write(2) go through the cached pages (overlay, written), so a write
//     through a mapping is seen by read(2) at once, as with Linux's unified page cache.
//
// MAP_PRIVATE areas map the same frames read-only, and the first write copies the page
// (copy-on-write of a file page, kernel/mm/address-space.ts). The object holds the file open
// (inode.openCount) while any area maps it, so an unlinked tmpfs file lives on until unmapped; the
// last close drops the cache.

import { PAGE_SIZE } from '../layout.ts';
import type { Inode } from '../fs/inode.ts';
import { TmpfsInode } from '../fs/tmpfs.ts';
import { major, minor } from '../fs/devices.ts';
import type { FrameAllocator } from './frames.ts';
import type { Ram } from './ram.ts';
import { PageCache } from './shmem.ts';
import type { FilePages } from './vma.ts';

/** What an inode's read(2) and write(2) ask of its page cache while the file is mapped. */
export interface MappedPages {
  /** `bytes` were read from the file at `offset`: put the cached (possibly newer) pages over them. */
  overlay(offset: number, bytes: Uint8Array): void;
  /** `bytes` were written to the file at `offset`: the cached pages get them too. */
  written(offset: number, bytes: Uint8Array): void;
}

export class InodePages implements FilePages, MappedPages {
  readonly device: readonly [number, number];
  readonly inode: number;
  /** null for tmpfs, whose own frames are the file. */
  private readonly cache: PageCache | null;
  private users = 0;

  constructor(private readonly node: Inode, private readonly name: string, ram: Ram) {
    this.device = [major(node.sb.dev), minor(node.sb.dev)];
    this.inode = node.ino;
    this.cache = node instanceof TmpfsInode ? null : new PageCache(ram);
  }

  /** /proc/PID/maps names the file by the path it was mapped by, marked as Linux does once it is unlinked. */
  get path(): string { return this.node.nlink === 0 ? `${this.name} (deleted)` : this.name; }

  read(offset: number, into: Uint8Array): void {
    if (this.cache !== null && this.cache.has(offset)) return this.cache.read(offset, into);
    into.fill(0);
    const bytes = this.node.read(offset, into.length);
    if (typeof bytes !== 'number') into.set(bytes);
  }

  frame(offset: number, frames: FrameAllocator): number {
    if (this.cache === null) {
      const frame = (this.node as TmpfsInode).frameOf(Math.floor(offset / PAGE_SIZE));
      frames.share(frame);
      return frame;
    }
    if (!this.cache.has(offset)) {
      const page = new Uint8Array(PAGE_SIZE);
      const bytes = this.node.read(offset, PAGE_SIZE);
      if (typeof bytes !== 'number') page.set(bytes);
      this.cache.write(offset, page, frames);
    }
    return this.cache.frame(offset, frames);
  }

  /** Write a MAP_SHARED page back to the file; the part past its end is not the file's and stays out. */
  write(offset: number, from: Uint8Array): void {
    if (this.cache === null) return;                 // tmpfs: the mapped frame is the file's own
    const length = Math.min(from.length, this.node.size() - offset);
    if (length > 0) this.node.write(offset, from.subarray(0, length));
  }

  size(): number { return this.node.size(); }

  overlay(offset: number, bytes: Uint8Array): void {
    this.cache?.copyOut(offset, bytes);
  }

  written(offset: number, bytes: Uint8Array): void {
    this.cache?.copyIn(offset, bytes);
  }

  open(): void {
    if (this.users++ === 0) {
      this.node.openCount++;
      this.node.mapping = this;
    }
  }

  close(frames: FrameAllocator): void {
    if (--this.users > 0) return;
    this.cache?.drop(frames);
    this.node.mapping = null;
    mappings.delete(this.node);
    if (--this.node.openCount === 0) this.node.released();
  }
}

const mappings = new WeakMap<Inode, InodePages>();

/**
 * The one InodePages of `inode` (made at its first mapping, by the path it was mapped by). The
 * caller opens it for the area it makes.
 */
export function inodePages(inode: Inode, path: string, ram: Ram): InodePages {
  let pages = mappings.get(inode);
  if (pages === undefined) {
    pages = new InodePages(inode, path, ram);
    mappings.set(inode, pages);
  }
  return pages;
}
