// The inode: one file system object (a file, a directory, a symlink, a device node, a FIFO), the way
// Linux's struct inode and its inode_operations are one thing seen from the VFS. Every file system
// (tmpfs, procfs, the host file system) makes its objects subclasses of Inode and overrides what it
// supports; what it does not support answers with the errno Linux gives for that object.
//
// Results follow the kernel's convention: a value, or a negative errno (-ENOENT, -ENOTDIR, ...).

import { EINVAL, EISDIR, ENOTDIR, EPERM } from '../layout.ts';
import type { FileOps } from './file.ts';
import type { MappedPages } from '../mm/file-pages.ts';

// File types: the high bits of st_mode (include/uapi/linux/stat.h).
export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;
export const S_ISUID = 0o4000;
export const S_ISGID = 0o2000;
export const S_ISVTX = 0o1000;

export const isDir = (mode: number): boolean => (mode & S_IFMT) === S_IFDIR;
export const isLink = (mode: number): boolean => (mode & S_IFMT) === S_IFLNK;
export const isRegular = (mode: number): boolean => (mode & S_IFMT) === S_IFREG;

/** getdents64's d_type for a mode (DT_REG = 8 ...): the file type bits shifted down. */
export const direntType = (mode: number): number => (mode & S_IFMT) >>> 12;

/** Who creates an object: the caller's fs uid/gid. */
export interface Owner { uid: number; gid: number }

/** One name in a directory, as readdir lists it. */
export interface DirEntry { name: string; ino: number; mode: number }

/** statfs's numbers for a file system. */
export interface FsStats { type: number; blockSize: number; blocks: number; freeBlocks: number; files: number; freeFiles: number; nameLength: number }

/** A mounted file system's instance (Linux's super_block). */
export interface SuperBlock {
  /** The file system type as /proc/mounts names it: tmpfs, proc, devtmpfs, hostfs. */
  readonly type: string;
  /** st_dev of every inode in it. */
  readonly dev: number;
  /** Mounted read-only: every change answers -EROFS. */
  readOnly: boolean;
  statfs(): FsStats;
}

/** Attribute changes (chmod, chown, utimensat, truncate): only the fields present change. */
export interface AttributeChange { mode?: number; uid?: number; gid?: number; atime?: bigint; mtime?: bigint }

/** Wall-clock nanoseconds for timestamps (the kernel sets the source at boot). */
export let currentTime: () => bigint = () => BigInt(Date.now()) * 1_000_000n;
export function setTimeSource(now: () => bigint): void { currentTime = now; }

export abstract class Inode {
  abstract readonly sb: SuperBlock;
  nlink = 1;
  uid = 0;
  gid = 0;
  /** A device node's device number (Linux's new encoding, as st_rdev shows it). */
  rdev = 0;
  atime: bigint;
  mtime: bigint;
  ctime: bigint;
  /** Open file descriptions that refer to this inode (an unlinked file lives on while this is > 0). */
  openCount = 0;
  /**
   * While the file is mapped, its page cache (kernel/mm/file-pages.ts): a file system whose read
   * and write do not go through guest frames (hostfs) lets them see and update the cached pages.
   */
  mapping: MappedPages | null = null;

  constructor(public ino: number, public mode: number) {
    this.atime = this.mtime = this.ctime = currentTime();
  }

  /** Refresh attributes from the backing store before a stat (the host file system's files change under it). */
  revalidate(): void {}

  /** st_size. */
  size(): number { return 0; }
  /** st_blocks: 512-byte units the object occupies. */
  blocks(): number { return 0; }

  // ---- directories (Linux's inode_operations) ----
  lookup(_name: string): Inode | number { return -ENOTDIR; }
  list(): DirEntry[] | number { return -ENOTDIR; }
  create(_name: string, _mode: number, _owner: Owner): Inode | number { return this.notDir(); }
  mknod(_name: string, _mode: number, _rdev: number, _owner: Owner): Inode | number { return this.notDir(); }
  mkdir(_name: string, _mode: number, _owner: Owner): Inode | number { return this.notDir(); }
  symlink(_name: string, _target: string, _owner: Owner): Inode | number { return this.notDir(); }
  link(_name: string, _target: Inode): number { return this.notDir(); }
  unlink(_name: string): number { return this.notDir(); }
  rmdir(_name: string): number { return this.notDir(); }
  /** Move `name` here to `newName` in `newDir` (same file system: the VFS checked). */
  rename(_name: string, _newDir: Inode, _newName: string): number { return this.notDir(); }

  // ---- contents ----
  /** Up to `count` bytes at `offset` (fewer at the end; empty past it). */
  read(_offset: number, _count: number): Uint8Array | number { return isDir(this.mode) ? -EISDIR : -EINVAL; }
  /** Write at `offset`; the number of bytes written. */
  write(_offset: number, _bytes: Uint8Array): number { return isDir(this.mode) ? -EISDIR : -EINVAL; }
  truncate(_size: number): number { return isDir(this.mode) ? -EISDIR : -EINVAL; }
  readlink(): string | number { return -EINVAL; }
  setattr(change: AttributeChange): number {
    if (change.mode !== undefined) this.mode = (this.mode & S_IFMT) | (change.mode & 0o7777);
    if (change.uid !== undefined) this.uid = change.uid;
    if (change.gid !== undefined) this.gid = change.gid;
    if (change.atime !== undefined) this.atime = change.atime;
    if (change.mtime !== undefined) this.mtime = change.mtime;
    this.ctime = currentTime();
    return 0;
  }

  /** Special files (devices, FIFOs, /proc entries) say how an open file behaves; null: the generic way. */
  fileOps(_flags: number): FileOps | null { return null; }

  /**
   * A "magic" symlink (/proc/PID/fd/N, exe, cwd, root): following it lands on this object itself,
   * not on the path its text spells — so a pipe or a deleted file can be reopened through it.
   */
  jump(): import('./path.ts').Path | null { return null; }

  /** The last open file description was closed (tmpfs frees an unlinked file's pages here). */
  released(): void {}

  private notDir(): number { return isDir(this.mode) ? -EPERM : -ENOTDIR; }
}
