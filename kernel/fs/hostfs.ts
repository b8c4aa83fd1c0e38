// The host file system, mounted in the guest (what qemu-i386 gives a program: the host's files, by
// the host's names), confined to one host directory: `gate86 run --root DIR` (default "/"), and
// read-only with `--ro`.
//
// Confinement is the VFS's job, not the host's: the guest never hands a path to the host. The walk
// goes one component at a time; a hostfs inode's host path is its mount root plus names that were each
// found by lstat in the directory above as what they are — so a host symlink is only ever *read*
// (readlink) and then walked by the guest's own path walk, from the guest's root, which is DIR.
// `..` at the root stops there (kernel/fs/path.ts). Names with '/' or NUL, ".", ".." never reach the
// host. Files are opened with O_NOFOLLOW. What is left is a race on the host itself (someone
// replacing a checked directory with a symlink between the check and the use); gate86 does not
// defend against a hostile host.

import {
  closeSync, constants, fstatSync, ftruncateSync, linkSync, lstatSync, mkdirSync, openSync, opendirSync, readSync,
  readlinkSync, renameSync, rmdirSync, statfsSync, symlinkSync, unlinkSync, writeSync, lchownSync, chmodSync, lutimesSync,
  type BigIntStats,
} from 'node:fs';
import { constants as osConstants } from 'node:os';
import { EINVAL, EIO, ENOENT, ENOTDIR, EPERM, EROFS } from '../layout.ts';
import { Inode, isDir, S_IFLNK, S_IFMT, S_IFREG, type AttributeChange, type DirEntry, type FsStats, type Owner, type SuperBlock } from './inode.ts';

/** A host error as the guest's errno. */
function errnoOf(error: unknown): number {
  const code = (error as NodeJS.ErrnoException).code;
  const n = code === undefined ? undefined : (osConstants.errno as Record<string, number>)[code];
  return -(n ?? EIO);
}

/** Run a host call; a host error becomes -errno. */
function host<T>(call: () => T): T | number {
  try {
    return call();
  } catch (error) {
    return errnoOf(error);
  }
}

export class HostFs implements SuperBlock {
  readonly type = 'hostfs';
  readonly dev: number;
  private readonly inodes = new Map<string, HostInode>();
  readonly root: HostInode;

  constructor(readonly hostRoot: string, public readOnly: boolean) {
    const st = lstatSync(hostRoot, { bigint: true });
    if (!st.isDirectory()) throw new Error(`${hostRoot}: not a directory`);
    this.dev = Number(st.dev & 0xffffffffn);
    this.root = this.inodeFor(hostRoot, st);
  }

  /** One inode per host (dev, ino), so hard links and mount points keep their identity. */
  inodeFor(hostPath: string, st: BigIntStats): HostInode {
    const key = `${st.dev}:${st.ino}`;
    let inode = this.inodes.get(key);
    if (inode === undefined) {
      inode = new HostInode(this, hostPath, st);
      this.inodes.set(key, inode);
    } else {
      inode.hostPath = hostPath;
      inode.refreshFrom(st);
    }
    return inode;
  }

  statfs(): FsStats {
    const s = statfsSync(this.hostRoot);
    return { type: s.type, blockSize: s.bsize, blocks: s.blocks, freeBlocks: s.bavail, files: s.files, freeFiles: s.ffree, nameLength: 255 };
  }
}

/** A name the host may see: one component, no separator, no NUL, not "." or "..". */
const saneName = (name: string): boolean => name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');

export class HostInode extends Inode {
  private length = 0;
  private blockCount = 0;

  constructor(readonly sb: HostFs, public hostPath: string, st: BigIntStats) {
    super(Number(st.ino & 0xffffffffn), Number(st.mode));
    this.refreshFrom(st);
  }

  refreshFrom(st: BigIntStats): void {
    this.mode = Number(st.mode);
    this.ino = Number(st.ino & 0xffffffffn);
    this.nlink = Number(st.nlink);
    this.uid = Number(st.uid);
    this.gid = Number(st.gid);
    this.rdev = Number(st.rdev & 0xffffffffn);
    this.length = Number(st.size);
    this.blockCount = Number(st.blocks);
    this.atime = st.atimeNs;
    this.mtime = st.mtimeNs;
    this.ctime = st.ctimeNs;
  }

  /** Re-read the host's attributes (stat: the host may have changed the file). */
  override revalidate(): void {
    const st = host(() => lstatSync(this.hostPath, { bigint: true }));
    if (typeof st !== 'number') this.refreshFrom(st);
  }

  override size(): number { return this.length; }
  override blocks(): number { return this.blockCount; }

  private child(name: string): string { return this.hostPath.endsWith('/') ? this.hostPath + name : `${this.hostPath}/${name}`; }

  private writable(): number { return this.sb.readOnly ? -EROFS : 0; }

  override lookup(name: string): Inode | number {
    if (!isDir(this.mode)) return -ENOTDIR;
    if (!saneName(name)) return -ENOENT;
    const path = this.child(name);
    const st = host(() => lstatSync(path, { bigint: true }));
    return typeof st === 'number' ? st : this.sb.inodeFor(path, st);
  }

  override list(): DirEntry[] | number {
    // opendir/readdir give the host's own order (readdirSync sorts): ls -f, find and tar list what
    // the same program lists natively.
    const names = host(() => {
      const dir = opendirSync(this.hostPath);
      const out: string[] = [];
      try {
        for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) out.push(entry.name);
      } finally {
        dir.closeSync();
      }
      return out;
    });
    if (typeof names === 'number') return names;
    const out: DirEntry[] = [];
    for (const name of names) {
      const st = host(() => lstatSync(this.child(name), { bigint: true }));
      if (typeof st !== 'number') out.push({ name, ino: Number(st.ino & 0xffffffffn), mode: Number(st.mode) });
    }
    return out;
  }

  /** After creating `name` on the host: its inode. */
  private made(name: string, result: unknown): Inode | number {
    if (typeof result === 'number') return result;
    return this.lookup(name);
  }

  override create(name: string, mode: number, _owner: Owner): Inode | number {
    if (this.writable() < 0) return -EROFS;
    if (!saneName(name)) return -EINVAL;
    const made = host(() => closeSync(openSync(this.child(name), constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, mode & 0o7777)));
    return this.made(name, made);
  }

  override mknod(name: string, mode: number, _rdev: number, owner: Owner): Inode | number {
    // Node cannot mknod; a regular file can still be made this way (mknod(S_IFREG)).
    if ((mode & S_IFMT) === S_IFREG || (mode & S_IFMT) === 0) return this.create(name, mode, owner);
    return this.writable() < 0 ? -EROFS : -EPERM;
  }

  override mkdir(name: string, mode: number): Inode | number {
    if (this.writable() < 0) return -EROFS;
    if (!saneName(name)) return -EINVAL;
    return this.made(name, host(() => mkdirSync(this.child(name), { mode: mode & 0o7777 })));
  }

  override symlink(name: string, target: string): Inode | number {
    if (this.writable() < 0) return -EROFS;
    if (!saneName(name)) return -EINVAL;
    return this.made(name, host(() => symlinkSync(target, this.child(name))));
  }

  override link(name: string, target: Inode): number {
    if (this.writable() < 0) return -EROFS;
    if (!saneName(name)) return -EINVAL;
    const r = host(() => linkSync((target as HostInode).hostPath, this.child(name)));
    return typeof r === 'number' ? r : 0;
  }

  override unlink(name: string): number {
    if (this.writable() < 0) return -EROFS;
    const r = host(() => unlinkSync(this.child(name)));
    return typeof r === 'number' ? r : 0;
  }

  override rmdir(name: string): number {
    if (this.writable() < 0) return -EROFS;
    const r = host(() => rmdirSync(this.child(name)));
    return typeof r === 'number' ? r : 0;
  }

  override rename(name: string, newDir: Inode, newName: string): number {
    if (this.writable() < 0) return -EROFS;
    if (!saneName(newName)) return -EINVAL;
    const r = host(() => renameSync(this.child(name), (newDir as HostInode).child(newName)));
    return typeof r === 'number' ? r : 0;
  }

  override readlink(): string | number {
    if ((this.mode & S_IFMT) !== S_IFLNK) return -EINVAL;
    return host(() => readlinkSync(this.hostPath, { encoding: 'latin1' }));
  }

  /** A host fd for this file, opened without following a symlink, for the length of one call. */
  private withFd<T>(flags: number, use: (fd: number) => T): T | number {
    const fd = host(() => openSync(this.hostPath, flags | constants.O_NOFOLLOW));
    if (typeof fd === 'number' && fd < 0) return fd;
    try {
      return host(() => use(fd as number));
    } finally {
      closeSync(fd as number);
    }
  }

  override read(offset: number, count: number): Uint8Array | number {
    if (isDir(this.mode)) return super.read(offset, count);
    return this.withFd(constants.O_RDONLY, (fd) => {
      const out = new Uint8Array(Math.min(count, 1 << 22));
      let done = 0;
      while (done < out.length) {
        const n = readSync(fd, out, done, out.length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      this.mapping?.overlay(offset, out.subarray(0, done));   // a mapping's writes not yet written back
      return out.subarray(0, done);
    });
  }

  override write(offset: number, bytes: Uint8Array): number {
    if (this.writable() < 0) return -EROFS;
    const r = this.withFd(constants.O_WRONLY, (fd) => {
      const n = writeSync(fd, bytes, 0, bytes.length, offset);
      this.mapping?.written(offset, bytes.subarray(0, n));         // the mappings see it at once
      this.refreshFrom(fstatSync(fd, { bigint: true }));
      return n;
    });
    return r;
  }

  override truncate(size: number): number {
    if (this.writable() < 0) return -EROFS;
    const r = this.withFd(constants.O_WRONLY, (fd) => { ftruncateSync(fd, size); this.refreshFrom(fstatSync(fd, { bigint: true })); return 0; });
    return r;
  }

  override setattr(change: AttributeChange): number {
    if (this.writable() < 0) return -EROFS;
    const steps: (() => void)[] = [];
    if (change.mode !== undefined) steps.push(() => chmodSync(this.hostPath, change.mode! & 0o7777));
    if (change.uid !== undefined || change.gid !== undefined) steps.push(() => lchownSync(this.hostPath, change.uid ?? -1, change.gid ?? -1));
    if (change.atime !== undefined || change.mtime !== undefined) {
      const seconds = (t: bigint): number => Number(t) / 1e9;
      steps.push(() => lutimesSync(this.hostPath, seconds(change.atime ?? this.atime), seconds(change.mtime ?? this.mtime)));
    }
    for (const step of steps) {
      const r = host(step);
      if (typeof r === 'number') return r;
    }
    this.revalidate();
    return 0;
  }
}

