// tmpfs: a file system that lives in memory — the guest's memory. A regular file's bytes are kept in
// 4 KiB page frames taken from the kernel's frame allocator, the same pool user pages come from, so a
// file counts against `--mem` as it does in Linux's shmem (and a full machine says ENOSPC).
// A page never written is a hole and reads as zeros. The root file system of `gate86 boot` is a
// tmpfs the initramfs is unpacked into, and /dev is one (devtmpfs).

import { EEXIST, EFBIG, ENOENT, ENOSPC, ENOTDIR, ENOTEMPTY, EISDIR, EINVAL, PAGE_SIZE } from '../layout.ts';
import type { FrameAllocator } from '../mm/frames.ts';
import { OutOfMemory } from '../mm/frames.ts';
import type { Ram } from '../mm/ram.ts';
import {
  Inode, currentTime, isDir, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type DirEntry, type FsStats, type Owner, type SuperBlock,
} from './inode.ts';

const TMPFS_MAGIC = 0x01021994;
/** Largest file: 2 GiB - 1 (gate86's offsets are 32-bit numbers in pages). */
const MAX_FILE = 0x7fffffff;

export class Tmpfs implements SuperBlock {
  readonly type: string;
  readOnly = false;
  private nextIno = 1;
  readonly root: TmpfsInode;

  constructor(readonly ram: Ram, readonly frames: FrameAllocator, readonly dev: number, type = 'tmpfs') {
    this.type = type;
    this.root = new TmpfsInode(this, this.ino(), S_IFDIR | 0o755);
    this.root.nlink = 2;
  }

  ino(): number { return this.nextIno++; }

  statfs(): FsStats {
    const free = this.frames.available;
    return { type: TMPFS_MAGIC, blockSize: PAGE_SIZE, blocks: this.frames.total, freeBlocks: free, files: this.frames.total, freeFiles: free, nameLength: 255 };
  }
}

export class TmpfsInode extends Inode {
  /** A directory's names. */
  readonly children = new Map<string, TmpfsInode>();
  /** A regular file's frames, page by page (0: a hole). */
  private pages: number[] = [];
  private length = 0;
  /** A symlink's target. */
  target = '';

  constructor(readonly sb: Tmpfs, ino: number, mode: number) { super(ino, mode); }

  override size(): number { return (this.mode & S_IFMT) === S_IFLNK ? this.target.length : isDir(this.mode) ? PAGE_SIZE : this.length; }
  override blocks(): number { return this.pages.filter((p) => p !== 0).length * (PAGE_SIZE / 512); }

  override lookup(name: string): Inode | number {
    if (!isDir(this.mode)) return -ENOTDIR;
    return this.children.get(name) ?? -ENOENT;
  }

  override list(): DirEntry[] | number {
    if (!isDir(this.mode)) return -ENOTDIR;
    return [...this.children].map(([name, inode]) => ({ name, ino: inode.ino, mode: inode.mode }));
  }

  private add(name: string, mode: number, owner: Owner): TmpfsInode | number {
    if (!isDir(this.mode)) return -ENOTDIR;
    if (this.children.has(name)) return -EEXIST;
    const inode = new TmpfsInode(this.sb, this.sb.ino(), mode);
    inode.uid = owner.uid;
    inode.gid = owner.gid;
    // A new object in a set-group-id directory takes the directory's group (and a directory keeps the bit).
    if ((this.mode & 0o2000) !== 0) { inode.gid = this.gid; if (isDir(mode)) inode.mode |= 0o2000; }
    this.children.set(name, inode);
    this.mtime = this.ctime = currentTime();
    return inode;
  }

  override create(name: string, mode: number, owner: Owner): Inode | number { return this.add(name, S_IFREG | (mode & 0o7777), owner); }

  override mknod(name: string, mode: number, rdev: number, owner: Owner): Inode | number {
    const inode = this.add(name, mode, owner);
    if (typeof inode !== 'number') inode.rdev = rdev;
    return inode;
  }

  override mkdir(name: string, mode: number, owner: Owner): Inode | number {
    const inode = this.add(name, S_IFDIR | (mode & 0o7777), owner);
    if (typeof inode !== 'number') { inode.nlink = 2; this.nlink++; }
    return inode;
  }

  override symlink(name: string, target: string, owner: Owner): Inode | number {
    const inode = this.add(name, S_IFLNK | 0o777, owner);
    if (typeof inode !== 'number') inode.target = target;
    return inode;
  }

  override link(name: string, target: Inode): number {
    if (!isDir(this.mode)) return -ENOTDIR;
    if (this.children.has(name)) return -EEXIST;
    this.children.set(name, target as TmpfsInode);
    target.nlink++;
    target.ctime = this.mtime = this.ctime = currentTime();
    return 0;
  }

  override unlink(name: string): number {
    const inode = this.children.get(name);
    if (inode === undefined) return -ENOENT;
    if (isDir(inode.mode)) return -EISDIR;
    this.children.delete(name);
    inode.nlink--;
    inode.ctime = this.mtime = this.ctime = currentTime();
    if (inode.nlink === 0 && inode.openCount === 0) inode.freePages();
    return 0;
  }

  override rmdir(name: string): number {
    const inode = this.children.get(name);
    if (inode === undefined) return -ENOENT;
    if (!isDir(inode.mode)) return -ENOTDIR;
    if (inode.children.size > 0) return -ENOTEMPTY;
    this.children.delete(name);
    inode.nlink = 0;
    this.nlink--;
    this.mtime = this.ctime = currentTime();
    return 0;
  }

  override rename(name: string, newDir: Inode, newName: string): number {
    const target = newDir as TmpfsInode;
    const inode = this.children.get(name);
    if (inode === undefined) return -ENOENT;
    const existing = target.children.get(newName);
    if (existing === inode) return 0;
    if (existing !== undefined) {
      if (isDir(inode.mode) !== isDir(existing.mode)) return isDir(inode.mode) ? -ENOTDIR : -EISDIR;
      const removed = isDir(existing.mode) ? target.rmdir(newName) : target.unlink(newName);
      if (removed < 0) return removed;
    }
    this.children.delete(name);
    target.children.set(newName, inode);
    if (isDir(inode.mode) && target !== this) { this.nlink--; target.nlink++; }
    inode.ctime = this.mtime = this.ctime = target.mtime = target.ctime = currentTime();
    return 0;
  }

  override readlink(): string | number { return (this.mode & S_IFMT) === S_IFLNK ? this.target : -EINVAL; }

  override read(offset: number, count: number): Uint8Array | number {
    if (isDir(this.mode)) return -EISDIR;
    const end = Math.min(this.length, offset + count);
    if (offset >= end) return new Uint8Array(0);
    const out = new Uint8Array(end - offset);
    for (let at = offset; at < end;) {
      const page = Math.floor(at / PAGE_SIZE);
      const within = at % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - within, end - at);
      const frame = this.pages[page] ?? 0;
      if (frame !== 0) out.set(this.sb.ram.u8.subarray(frame + within, frame + within + n), at - offset);
      at += n;
    }
    this.atime = currentTime();
    return out;
  }

  override write(offset: number, bytes: Uint8Array): number {
    if (isDir(this.mode)) return -EISDIR;
    if (offset + bytes.length > MAX_FILE) return -EFBIG;
    let done = 0;
    while (done < bytes.length) {
      const at = offset + done;
      const page = Math.floor(at / PAGE_SIZE);
      const within = at % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - within, bytes.length - done);
      let frame = this.pages[page] ?? 0;
      if (frame === 0) {
        try {
          frame = this.sb.frames.allocate();
        } catch (error) {
          if (!(error instanceof OutOfMemory)) throw error;
          break;                                             // a short write, or ENOSPC if nothing fit
        }
        while (this.pages.length < page) this.pages.push(0);
        this.pages[page] = frame;
      }
      this.sb.ram.set(frame + within, bytes.subarray(done, done + n));
      done += n;
    }
    if (done === 0 && bytes.length > 0) return -ENOSPC;
    this.length = Math.max(this.length, offset + done);
    this.mtime = this.ctime = currentTime();
    return done;
  }

  override truncate(size: number): number {
    if (isDir(this.mode)) return -EISDIR;
    if (size > MAX_FILE) return -EFBIG;
    const keep = Math.ceil(size / PAGE_SIZE);
    for (let page = keep; page < this.pages.length; page++) if (this.pages[page]) this.sb.frames.release(this.pages[page]!);
    this.pages.length = Math.min(this.pages.length, keep);
    // The rest of a partial last page must read as zeros if the file grows again.
    const last = this.pages[keep - 1];
    if (size % PAGE_SIZE !== 0 && last) this.sb.ram.fill(last + (size % PAGE_SIZE), PAGE_SIZE - (size % PAGE_SIZE));
    this.length = size;
    this.mtime = this.ctime = currentTime();
    return 0;
  }

  /** The frame holding page `index` of this file, allocated if it was a hole (file-backed mmap). */
  frameOf(index: number): number {
    let frame = this.pages[index] ?? 0;
    if (frame === 0) {
      frame = this.sb.frames.allocate();
      while (this.pages.length < index) this.pages.push(0);
      this.pages[index] = frame;
    }
    return frame;
  }

  freePages(): void {
    for (const frame of this.pages) if (frame !== 0) this.sb.frames.release(frame);
    this.pages = [];
  }

  override released(): void {
    if (this.nlink === 0) this.freePages();
  }
}
