// Names and attributes: the stat family (stat, lstat, fstat, stat64, lstat64, fstat64, fstatat64,
// statx), statfs, access, readlink, mkdir, rmdir, unlink, rename, link, symlink, mknod, chdir, fchdir,
// getcwd, chroot, chmod, chown, truncate, utimensat, umask, mount, umount2 — each with its *at()
// form, Linux i386 numbering and errno values.

import type { Kernel, SyscallService } from '../kernel.ts';
import type { Task } from '../task.ts';
import {
  EACCES, EBADF, EBUSY, EEXIST, EFAULT, EFBIG, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, ERANGE, EROFS, EXDEV,
} from '../layout.ts';
import { isDir, isLink, isRegular, S_IFCHR, S_IFIFO, S_IFMT, S_IFREG, S_IFBLK, S_IFSOCK, type Inode } from '../fs/inode.ts';
import { isWithin, lookupChild, pathName, permitted, samePath, type Path } from '../fs/path.ts';
import {
  AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW, lookupAt, makeDirectory, mayModify, parentAt,
  removeName, walkContext,
} from '../fs/vfs.ts';
import { Struct, copyToUser, readWords, userPath, FAULT } from './user.ts';
import { fileOf, fileSizeRoom } from './fs-io.ts';

const NS = 1_000_000_000n;
const split = (t: bigint): [number, number] => [Number(t / NS), Number(t % NS)];

/** The inode a stat-like call is about: a path (following the last link or not) or an fd. */
function statTarget(k: Kernel, dirfd: number, pathPointer: number, flags: number): Inode | number {
  const path = userPath(k, pathPointer);
  if (typeof path === 'number') return path;
  const found = lookupAt(k.task(), dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0, flags);
  return typeof found === 'number' ? found : found.dentry.inode;
}

function fdInode(k: Kernel, fd: number): Inode | number {
  const file = fileOf(k, fd);
  return file === null ? -EBADF : file.inode;
}

/** struct stat64 (96 bytes on i386). */
function stat64Bytes(inode: Inode): Uint8Array {
  inode.revalidate();
  const [as, an] = split(inode.atime);
  const [ms, mn] = split(inode.mtime);
  const [cs, cn] = split(inode.ctime);
  return new Struct(96)
    .u64(0, BigInt(inode.sb.dev)).u32(12, inode.ino).u32(16, inode.mode).u32(20, inode.nlink).u32(24, inode.uid).u32(28, inode.gid)
    .u64(32, BigInt(inode.rdev)).u64(44, BigInt(inode.size())).u32(52, blockSize(inode)).u64(56, BigInt(inode.blocks()))
    .u32(64, as).u32(68, an).u32(72, ms).u32(76, mn).u32(80, cs).u32(84, cn).u64(88, BigInt(inode.ino)).bytes;
}

const blockSize = (inode: Inode): number => ((inode.mode & S_IFMT) === S_IFCHR || (inode.mode & S_IFMT) === S_IFIFO ? 1024 : 4096);

/** The old struct stat (64 bytes): 16-bit mode, nlink, uid, gid; 32-bit size. */
function oldStatBytes(inode: Inode): Uint8Array | number {
  inode.revalidate();
  if (inode.size() > 0x7fffffff) return -75;                         // EOVERFLOW
  const [as, an] = split(inode.atime);
  const [ms, mn] = split(inode.mtime);
  const [cs, cn] = split(inode.ctime);
  return new Struct(64)
    .u32(0, inode.sb.dev).u32(4, inode.ino).u16(8, inode.mode).u16(10, inode.nlink).u16(12, inode.uid).u16(14, inode.gid)
    .u32(16, inode.rdev).u32(20, inode.size()).u32(24, blockSize(inode)).u32(28, inode.blocks())
    .u32(32, as).u32(36, an).u32(40, ms).u32(44, mn).u32(48, cs).u32(52, cn).bytes;
}

function putStat(k: Kernel, inode: Inode | number, buffer: number, wide: boolean): number {
  if (typeof inode === 'number') return inode;
  const bytes = wide ? stat64Bytes(inode) : oldStatBytes(inode);
  if (typeof bytes === 'number') return bytes;
  return copyToUser(k, buffer, bytes) ? 0 : FAULT;
}

export const sys_stat64: SyscallService = (k, regs) => putStat(k, statTarget(k, AT_FDCWD, regs.get('ebx'), 0), regs.get('ecx'), true);
export const sys_lstat64: SyscallService = (k, regs) => putStat(k, statTarget(k, AT_FDCWD, regs.get('ebx'), AT_SYMLINK_NOFOLLOW), regs.get('ecx'), true);
export const sys_fstat64: SyscallService = (k, regs) => putStat(k, fdInode(k, regs.get('ebx')), regs.get('ecx'), true);
export const sys_newstat: SyscallService = (k, regs) => putStat(k, statTarget(k, AT_FDCWD, regs.get('ebx'), 0), regs.get('ecx'), false);
export const sys_newlstat: SyscallService = (k, regs) => putStat(k, statTarget(k, AT_FDCWD, regs.get('ebx'), AT_SYMLINK_NOFOLLOW), regs.get('ecx'), false);
export const sys_newfstat: SyscallService = (k, regs) => putStat(k, fdInode(k, regs.get('ebx')), regs.get('ecx'), false);

/** fstatat64(dirfd, path, struct stat64 *, flags). */
export const sys_fstatat64: SyscallService = (k, regs) => {
  const [dirfd, path, buffer, flags] = regs.args();
  if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800)) !== 0) return -EINVAL;
  return putStat(k, statTarget(k, dirfd, path, flags), buffer, true);
};

const STATX_BASIC_STATS = 0x7ff;

/** statx(dirfd, path, flags, mask, struct statx *): the basic stats (no birth time). */
export const sys_statx: SyscallService = (k, regs) => {
  const [dirfd, path, flags, , buffer] = regs.args();
  if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 | 0x6000)) !== 0) return -EINVAL;
  const inode = statTarget(k, dirfd, path, flags);
  if (typeof inode === 'number') return inode;
  inode.revalidate();
  const time = (s: Struct, at: number, t: bigint): void => { const [sec, ns] = split(t); s.u64(at, BigInt(sec)).u32(at + 8, ns); };
  const s = new Struct(256)
    .u32(0, STATX_BASIC_STATS).u32(4, blockSize(inode)).u32(16, inode.nlink).u32(20, inode.uid).u32(24, inode.gid)
    .u16(28, inode.mode).u64(32, BigInt(inode.ino)).u64(40, BigInt(inode.size())).u64(48, BigInt(inode.blocks()))
    .u32(128, (inode.rdev >>> 8) & 0xfff).u32(132, (inode.rdev & 0xff) | ((inode.rdev >>> 12) & 0xfff00))
    .u32(136, (inode.sb.dev >>> 8) & 0xfff).u32(140, (inode.sb.dev & 0xff) | ((inode.sb.dev >>> 12) & 0xfff00));
  time(s, 64, inode.atime);
  time(s, 96, inode.ctime);
  time(s, 112, inode.mtime);
  return copyToUser(k, buffer, s.bytes) ? 0 : FAULT;
};

/** struct statfs64 (84 bytes) or struct statfs (64 bytes). */
function statfsBytes(inode: Inode, wide: boolean): Uint8Array {
  const f = inode.sb.statfs();
  const flags = inode.sb.readOnly ? 1 : 0;
  if (wide) {
    return new Struct(84).u32(0, f.type).u32(4, f.blockSize).u64(8, BigInt(f.blocks)).u64(16, BigInt(f.freeBlocks))
      .u64(24, BigInt(f.freeBlocks)).u64(32, BigInt(f.files)).u64(40, BigInt(f.freeFiles)).u32(48, inode.sb.dev)
      .u32(56, f.nameLength).u32(60, f.blockSize).u32(64, flags | 0x20).bytes;
  }
  const clamp = (n: number): number => Math.min(n, 0xffffffff);
  return new Struct(64).u32(0, f.type).u32(4, f.blockSize).u32(8, clamp(f.blocks)).u32(12, clamp(f.freeBlocks))
    .u32(16, clamp(f.freeBlocks)).u32(20, clamp(f.files)).u32(24, clamp(f.freeFiles)).u32(28, inode.sb.dev)
    .u32(36, f.nameLength).u32(40, f.blockSize).u32(44, flags | 0x20).bytes;
}

function putStatfs(k: Kernel, inode: Inode | number, buffer: number, wide: boolean, size = 84): number {
  if (typeof inode === 'number') return inode;
  if (wide && size !== 84) return -EINVAL;
  return copyToUser(k, buffer, statfsBytes(inode, wide)) ? 0 : FAULT;
}

export const sys_statfs: SyscallService = (k, regs) => putStatfs(k, statTarget(k, AT_FDCWD, regs.get('ebx'), 0), regs.get('ecx'), false);
export const sys_fstatfs: SyscallService = (k, regs) => putStatfs(k, fdInode(k, regs.get('ebx')), regs.get('ecx'), false);
export const sys_statfs64: SyscallService = (k, regs) => putStatfs(k, statTarget(k, AT_FDCWD, regs.get('ebx'), 0), regs.get('edx'), true, regs.get('ecx'));
export const sys_fstatfs64: SyscallService = (k, regs) => putStatfs(k, fdInode(k, regs.get('ebx')), regs.get('edx'), true, regs.get('ecx'));

// ---- access ----

const F_OK = 0, X_OK = 1, W_OK = 2, R_OK = 4;
const AT_EACCESS = 0x200;

function access(k: Kernel, dirfd: number, pathPointer: number, mode: number, flags: number): number {
  if ((mode & ~(R_OK | W_OK | X_OK)) !== 0) return -EINVAL;
  if ((flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) !== 0) return -EINVAL;
  const inode = statTarget(k, dirfd, pathPointer, flags);
  if (typeof inode === 'number') return inode;
  if (mode === F_OK) return 0;
  const c = k.task().credentials;
  // access() checks with the real ids (the point of it), faccessat(AT_EACCESS) with the effective ones.
  const who = (flags & AT_EACCESS) !== 0 ? { uid: c.euid, gid: c.egid } : { uid: c.uid, gid: c.gid };
  if ((mode & W_OK) !== 0 && inode.sb.readOnly && (isRegular(inode.mode) || isDir(inode.mode) || isLink(inode.mode))) return -EROFS;
  return permitted(inode, who, mode) ? 0 : -EACCES;
}

export const sys_access: SyscallService = (k, regs) => access(k, AT_FDCWD, regs.get('ebx'), regs.get('ecx'), 0);
export const sys_faccessat: SyscallService = (k, regs) => access(k, regs.get('ebx'), regs.get('ecx'), regs.get('edx'), 0);
export const sys_faccessat2: SyscallService = (k, regs) => access(k, regs.get('ebx'), regs.get('ecx'), regs.get('edx'), regs.get('esi'));

// ---- symlinks ----

function readlink(k: Kernel, dirfd: number, pathPointer: number, buffer: number, size: number): number {
  if ((size | 0) <= 0) return -EINVAL;
  const path = userPath(k, pathPointer);
  if (typeof path === 'number') return path;
  const found = lookupAt(k.task(), dirfd, path, false, path === '' ? AT_EMPTY_PATH : 0);
  if (typeof found === 'number') return found;
  if (!isLink(found.dentry.inode.mode)) return -EINVAL;
  const target = found.dentry.inode.readlink();
  if (typeof target === 'number') return target;
  const bytes = new Uint8Array(Buffer.from(target, 'latin1')).subarray(0, size);
  return copyToUser(k, buffer, bytes) ? bytes.length : FAULT;
}

export const sys_readlink: SyscallService = (k, regs) => readlink(k, AT_FDCWD, regs.get('ebx'), regs.get('ecx'), regs.get('edx'));
export const sys_readlinkat: SyscallService = (k, regs) => readlink(k, regs.get('ebx'), regs.get('ecx'), regs.get('edx'), regs.get('esi'));

function symlink(k: Kernel, targetPointer: number, dirfd: number, pathPointer: number): number {
  const target = userPath(k, targetPointer);
  if (typeof target === 'number') return target;
  const path = userPath(k, pathPointer);
  if (typeof path === 'number') return path;
  if (target === '') return -ENOENT;
  const task = k.task();
  const parent = parentAt(task, dirfd, path);
  if (typeof parent === 'number') return parent;
  if (parent.name === '.' || parent.name === '..' || parent.trailingSlash) return -EEXIST;
  if (typeof lookupChild(parent.dir, parent.name, walkContext(task).who) !== 'number') return -EEXIST;
  const allowed = mayModify(task, parent.dir);
  if (allowed < 0) return allowed;
  const made = parent.dir.dentry.inode.symlink(parent.name, target, owner(task));
  return typeof made === 'number' ? made : 0;
}

const owner = (task: Task): { uid: number; gid: number } => ({ uid: task.credentials.euid, gid: task.credentials.egid });

export const sys_symlink: SyscallService = (k, regs) => symlink(k, regs.get('ebx'), AT_FDCWD, regs.get('ecx'));
export const sys_symlinkat: SyscallService = (k, regs) => symlink(k, regs.get('ebx'), regs.get('ecx'), regs.get('edx'));

// ---- making and removing names ----

function withPath(k: Kernel, pointer: number, use: (path: string) => number): number {
  const path = userPath(k, pointer);
  return typeof path === 'number' ? path : use(path);
}

export const sys_mkdir: SyscallService = (k, regs) => withPath(k, regs.get('ebx'), (p) => makeDirectory(k.task(), AT_FDCWD, p, regs.get('ecx')));
export const sys_mkdirat: SyscallService = (k, regs) => withPath(k, regs.get('ecx'), (p) => makeDirectory(k.task(), regs.get('ebx'), p, regs.get('edx')));
export const sys_rmdir: SyscallService = (k, regs) => withPath(k, regs.get('ebx'), (p) => removeName(k.task(), AT_FDCWD, p, true));
export const sys_unlink: SyscallService = (k, regs) => withPath(k, regs.get('ebx'), (p) => removeName(k.task(), AT_FDCWD, p, false));
export const sys_unlinkat: SyscallService = (k, regs) => {
  const [dirfd, pointer, flags] = regs.args();
  if ((flags & ~AT_REMOVEDIR) !== 0) return -EINVAL;
  return withPath(k, pointer, (p) => removeName(k.task(), dirfd, p, (flags & AT_REMOVEDIR) !== 0));
};

function mknod(k: Kernel, dirfd: number, pointer: number, mode: number, dev: number): number {
  return withPath(k, pointer, (path) => {
    const task = k.task();
    const type = mode & S_IFMT;
    if (![0, S_IFREG, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK].includes(type)) return -EINVAL;
    if ((type === S_IFCHR || type === S_IFBLK) && task.credentials.euid !== 0) return -EPERM;
    const parent = parentAt(task, dirfd, path);
    if (typeof parent === 'number') return parent;
    if (parent.name === '.' || parent.name === '..') return -EEXIST;
    if (typeof lookupChild(parent.dir, parent.name, walkContext(task).who) !== 'number') return -EEXIST;
    const allowed = mayModify(task, parent.dir);
    if (allowed < 0) return allowed;
    const permissions = mode & 0o7777 & ~task.fs.umask;
    const dir = parent.dir.dentry.inode;
    const made = type === 0 || type === S_IFREG ? dir.create(parent.name, permissions, owner(task)) : dir.mknod(parent.name, type | permissions, dev, owner(task));
    return typeof made === 'number' ? made : 0;
  });
}

/** mknod(path, mode, dev): dev is the old 16-bit encoding (major << 8 | minor). */
export const sys_mknod: SyscallService = (k, regs) => mknod(k, AT_FDCWD, regs.get('ebx'), regs.get('ecx'), regs.get('edx'));
export const sys_mknodat: SyscallService = (k, regs) => mknod(k, regs.get('ebx'), regs.get('ecx'), regs.get('edx'), regs.get('esi'));

function link(k: Kernel, olddirfd: number, oldPointer: number, newdirfd: number, newPointer: number, flags: number): number {
  if ((flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) !== 0) return -EINVAL;
  const oldPath = userPath(k, oldPointer);
  if (typeof oldPath === 'number') return oldPath;
  const newPath = userPath(k, newPointer);
  if (typeof newPath === 'number') return newPath;
  const task = k.task();
  const source = lookupAt(task, olddirfd, oldPath, (flags & AT_SYMLINK_FOLLOW) !== 0, flags);
  if (typeof source === 'number') return source;
  if (isDir(source.dentry.inode.mode)) return -EPERM;
  const parent = parentAt(task, newdirfd, newPath);
  if (typeof parent === 'number') return parent;
  if (parent.name === '.' || parent.name === '..' || parent.trailingSlash) return -EEXIST;
  if (typeof lookupChild(parent.dir, parent.name, walkContext(task).who) !== 'number') return -EEXIST;
  if (parent.dir.mount !== source.mount) return -EXDEV;
  const allowed = mayModify(task, parent.dir);
  if (allowed < 0) return allowed;
  return parent.dir.dentry.inode.link(parent.name, source.dentry.inode);
}

export const sys_link: SyscallService = (k, regs) => link(k, AT_FDCWD, regs.get('ebx'), AT_FDCWD, regs.get('ecx'), 0);
export const sys_linkat: SyscallService = (k, regs) => {
  const [od, op, nd, np, flags] = regs.args();
  return link(k, od, op, nd, np, flags);
};

const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

function rename(k: Kernel, olddirfd: number, oldPointer: number, newdirfd: number, newPointer: number, flags: number): number {
  if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) !== 0) return -EINVAL;
  if ((flags & (RENAME_EXCHANGE | RENAME_WHITEOUT)) !== 0) return -EINVAL;       // not provided
  const oldPath = userPath(k, oldPointer);
  if (typeof oldPath === 'number') return oldPath;
  const newPath = userPath(k, newPointer);
  if (typeof newPath === 'number') return newPath;
  const task = k.task();
  const who = walkContext(task).who;
  const from = parentAt(task, olddirfd, oldPath);
  if (typeof from === 'number') return from;
  const to = parentAt(task, newdirfd, newPath);
  if (typeof to === 'number') return to;
  if (from.name === '.' || from.name === '..' || to.name === '.' || to.name === '..') return -EBUSY;
  const source = lookupChild(from.dir, from.name, who);
  if (typeof source === 'number') return source;
  if ((from.trailingSlash || to.trailingSlash) && !isDir(source.dentry.inode.mode)) return -ENOTDIR;
  if (from.dir.mount !== to.dir.mount || source.mount !== from.dir.mount) return source.mount !== from.dir.mount ? -EBUSY : -EXDEV;
  const existing = lookupChild(to.dir, to.name, who);
  if (typeof existing !== 'number') {
    if ((flags & RENAME_NOREPLACE) !== 0) return -EEXIST;
    if (existing.dentry.inode === source.dentry.inode) return 0;
    if (existing.mount !== to.dir.mount) return -EBUSY;
    if (isDir(source.dentry.inode.mode) && !isDir(existing.dentry.inode.mode)) return -ENOTDIR;
    if (!isDir(source.dentry.inode.mode) && isDir(existing.dentry.inode.mode)) return -EISDIR;
    if (isDir(existing.dentry.inode.mode)) {
      const list = existing.dentry.inode.list();
      if (typeof list !== 'number' && list.length > 0) return -ENOTEMPTY;
    }
  } else if (existing !== -ENOENT) return existing;
  if (isDir(source.dentry.inode.mode) && isWithin(to.dir, source)) return -EINVAL;
  for (const dir of [from.dir, to.dir]) {
    const allowed = mayModify(task, dir);
    if (allowed < 0) return allowed;
  }
  return from.dir.dentry.inode.rename(from.name, to.dir.dentry.inode, to.name);
}

export const sys_rename: SyscallService = (k, regs) => rename(k, AT_FDCWD, regs.get('ebx'), AT_FDCWD, regs.get('ecx'), 0);
export const sys_renameat: SyscallService = (k, regs) => {
  const [od, op, nd, np] = regs.args();
  return rename(k, od, op, nd, np, 0);
};
export const sys_renameat2: SyscallService = (k, regs) => {
  const [od, op, nd, np, flags] = regs.args();
  return rename(k, od, op, nd, np, flags);
};

// ---- the working directory and the root ----

function changeDirectory(task: Task, to: Path | number, root: boolean): number {
  if (typeof to === 'number') return to;
  if (!isDir(to.dentry.inode.mode)) return -ENOTDIR;
  if (!permitted(to.dentry.inode, walkContext(task).who, 1)) return -EACCES;
  if (root) {
    if (task.credentials.euid !== 0) return -EPERM;
    task.fs.root = to;
  } else {
    task.fs.cwd = to;
  }
  return 0;
}

export const sys_chdir: SyscallService = (k, regs) => withPath(k, regs.get('ebx'), (p) => changeDirectory(k.task(), lookupAt(k.task(), AT_FDCWD, p, true), false));
export const sys_chroot: SyscallService = (k, regs) => withPath(k, regs.get('ebx'), (p) => changeDirectory(k.task(), lookupAt(k.task(), AT_FDCWD, p, true), true));
export const sys_fchdir: SyscallService = (k, regs) => {
  const file = fileOf(k, regs.get('ebx'));
  if (file === null) return -EBADF;
  if (file.path === null) return -ENOTDIR;
  return changeDirectory(k.task(), file.path, false);
};

/** getcwd(buf, size): the length including the NUL. A cwd outside the root reads "(unreachable)". */
export const sys_getcwd: SyscallService = (k, regs) => {
  const [buffer, size] = regs.args();
  const task = k.task();
  const name = pathName(task.fs.cwd, task.fs.root);
  const reachable = isWithin(task.fs.cwd, task.fs.root) || samePath(task.fs.cwd, task.fs.root);
  const bytes = new Uint8Array(Buffer.from((reachable ? '' : '(unreachable)') + name + '\0', 'latin1'));
  if (bytes.length > size) return -ERANGE;
  return copyToUser(k, buffer, bytes) ? bytes.length : FAULT;
};

export const sys_umask: SyscallService = (k, regs) => {
  const fs = k.task().fs;
  const old = fs.umask;
  fs.umask = regs.get('ebx') & 0o777;
  return old;
};

// ---- attributes ----

function mayChangeAttributes(task: Task, inode: Inode): number {
  if (inode.sb.readOnly) return -EROFS;
  return task.credentials.euid === 0 || task.credentials.euid === inode.uid ? 0 : -EPERM;
}

function chmod(task: Task, inode: Inode | number, mode: number): number {
  if (typeof inode === 'number') return inode;
  const allowed = mayChangeAttributes(task, inode);
  if (allowed < 0) return allowed;
  return inode.setattr({ mode: mode & 0o7777 });
}

export const sys_chmod: SyscallService = (k, regs) => chmod(k.task(), statTarget(k, AT_FDCWD, regs.get('ebx'), 0), regs.get('ecx'));
export const sys_fchmod: SyscallService = (k, regs) => chmod(k.task(), fdInode(k, regs.get('ebx')), regs.get('ecx'));
export const sys_fchmodat: SyscallService = (k, regs) => chmod(k.task(), statTarget(k, regs.get('ebx'), regs.get('ecx'), 0), regs.get('edx'));

function chown(task: Task, inode: Inode | number, uid: number, gid: number, wide: boolean): number {
  if (typeof inode === 'number') return inode;
  if (inode.sb.readOnly) return -EROFS;
  const none = wide ? 0xffffffff : 0xffff;
  const change: { uid?: number; gid?: number; mode?: number } = {};
  if ((uid >>> 0) !== none && (wide ? uid : uid & 0xffff) !== inode.uid) change.uid = wide ? uid >>> 0 : uid & 0xffff;
  if ((gid >>> 0) !== none) change.gid = wide ? gid >>> 0 : gid & 0xffff;
  const euid = task.credentials.euid;
  if (euid !== 0 && (change.uid !== undefined || euid !== inode.uid)) return -EPERM;
  // Changing the owner of a regular file clears set-user-id (and set-group-id when group-executable).
  if ((change.uid !== undefined || change.gid !== undefined) && isRegular(inode.mode) && (inode.mode & 0o6000) !== 0) {
    change.mode = inode.mode & 0o7777 & ~((inode.mode & 0o010) !== 0 ? 0o6000 : 0o4000);
  }
  return inode.setattr(change);
}

export const sys_chown: SyscallService = (k, regs) => chown(k.task(), statTarget(k, AT_FDCWD, regs.get('ebx'), 0), regs.get('ecx'), regs.get('edx'), true);
export const sys_lchown: SyscallService = (k, regs) => chown(k.task(), statTarget(k, AT_FDCWD, regs.get('ebx'), AT_SYMLINK_NOFOLLOW), regs.get('ecx'), regs.get('edx'), true);
export const sys_fchown: SyscallService = (k, regs) => chown(k.task(), fdInode(k, regs.get('ebx')), regs.get('ecx'), regs.get('edx'), true);
export const sys_chown16: SyscallService = (k, regs) => chown(k.task(), statTarget(k, AT_FDCWD, regs.get('ebx'), 0), regs.get('ecx'), regs.get('edx'), false);
export const sys_lchown16: SyscallService = (k, regs) => chown(k.task(), statTarget(k, AT_FDCWD, regs.get('ebx'), AT_SYMLINK_NOFOLLOW), regs.get('ecx'), regs.get('edx'), false);
export const sys_fchown16: SyscallService = (k, regs) => chown(k.task(), fdInode(k, regs.get('ebx')), regs.get('ecx'), regs.get('edx'), false);
export const sys_fchownat: SyscallService = (k, regs) => {
  const [dirfd, path, uid, gid, flags] = regs.args();
  if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) !== 0) return -EINVAL;
  return chown(k.task(), statTarget(k, dirfd, path, flags), uid, gid, true);
};

function truncate(k: Kernel, inode: Inode | number, length: number, viaFd: boolean): number {
  if (typeof inode === 'number') return inode;
  const task = k.task();
  if (length < 0) return -EINVAL;
  if (isDir(inode.mode)) return -EISDIR;
  if (!isRegular(inode.mode)) return -EINVAL;
  if (inode.sb.readOnly) return -EROFS;
  if (!viaFd && !permitted(inode, walkContext(task).who, 2)) return -EACCES;
  // vmtruncate: growing a file past RLIMIT_FSIZE is SIGXFSZ and -EFBIG (shrinking always may).
  // (A file of `length` bytes has its last byte at length - 1: a length equal to the limit is allowed.)
  if (length > inode.size() && fileSizeRoom(k, length - 1, 1) < 0) return -EFBIG;
  return inode.truncate(length);
}

const offset64 = (low: number, high: number): number => (high | 0) * 0x100000000 + (low >>> 0);

export const sys_truncate: SyscallService = (k, regs) => truncate(k, statTarget(k, AT_FDCWD, regs.get('ebx'), 0), regs.get('ecx') | 0, false);
export const sys_truncate64: SyscallService = (k, regs) => truncate(k, statTarget(k, AT_FDCWD, regs.get('ebx'), 0), offset64(regs.get('ecx'), regs.get('edx')), false);
function ftruncate(k: Kernel, fd: number, length: number): number {
  const file = fileOf(k, fd);
  if (file === null) return -EBADF;
  if (!file.writable()) return -EINVAL;
  return truncate(k, file.inode, length, true);
}
export const sys_ftruncate: SyscallService = (k, regs) => ftruncate(k, regs.get('ebx'), regs.get('ecx') | 0);
export const sys_ftruncate64: SyscallService = (k, regs) => ftruncate(k, regs.get('ebx'), offset64(regs.get('ecx'), regs.get('edx')));

const UTIME_NOW = 0x3fffffff, UTIME_OMIT = 0x3ffffffe;

/** Set atime/mtime: `times` null means "now" for both. */
function setTimes(k: Kernel, task: Task, inode: Inode | number, times: [bigint | 'now' | 'omit', bigint | 'now' | 'omit'] | null): number {
  if (typeof inode === 'number') return inode;
  if (inode.sb.readOnly) return -EROFS;
  const now = k.host.now();
  const explicit = times !== null && times.some((t) => typeof t === 'bigint');
  const euid = task.credentials.euid;
  if (explicit && euid !== 0 && euid !== inode.uid) return -EPERM;
  if (!explicit && euid !== 0 && euid !== inode.uid && !permitted(inode, walkContext(task).who, 2)) return -EACCES;
  const [a, m] = times ?? ['now', 'now'];
  const pick = (t: bigint | 'now' | 'omit'): bigint | undefined => (t === 'omit' ? undefined : t === 'now' ? now : t);
  return inode.setattr({ atime: pick(a), mtime: pick(m) });
}

/** utimensat(dirfd, path, const struct timespec times[2], flags): 32-bit timespecs (time32 variant). */
function utimensat(k: Kernel, dirfd: number, pathPointer: number, timesPointer: number, flags: number, wide: boolean): number {
  if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) !== 0) return -EINVAL;
  let times: [bigint | 'now' | 'omit', bigint | 'now' | 'omit'] | null = null;
  if (timesPointer !== 0) {
    const words = readWords(k, timesPointer, wide ? 8 : 4);
    if (words === null) return FAULT;
    const one = (i: number): bigint | 'now' | 'omit' | null => {
      const sec = wide ? (BigInt(words[4 * i + 1]! | 0) << 32n) | BigInt(words[4 * i]!) : BigInt(words[2 * i]! | 0);
      const nsec = wide ? words[4 * i + 2]! : words[2 * i + 1]!;
      if (nsec === UTIME_NOW) return 'now';
      if (nsec === UTIME_OMIT) return 'omit';
      if (nsec >= 1e9) return null;
      return sec * NS + BigInt(nsec);
    };
    const a = one(0);
    const m = one(1);
    if (a === null || m === null) return -EINVAL;
    times = [a, m];
  }
  const task = k.task();
  if (pathPointer === 0) return setTimes(k, task, fdInode(k, dirfd), times);
  return setTimes(k, task, statTarget(k, dirfd, pathPointer, flags), times);
}

export const sys_utimensat_time32: SyscallService = (k, regs) => {
  const [dirfd, path, times, flags] = regs.args();
  return utimensat(k, dirfd, path, times, flags, false);
};
export const sys_utimensat: SyscallService = (k, regs) => {
  const [dirfd, path, times, flags] = regs.args();
  return utimensat(k, dirfd, path, times, flags, true);
};

/** utimes(path, const struct timeval times[2]) and utime(path, const struct utimbuf *). */
export const sys_utimes_time32: SyscallService = (k, regs) => {
  const [path, timesPointer] = regs.args();
  let times: [bigint, bigint] | null = null;
  if (timesPointer !== 0) {
    const w = readWords(k, timesPointer, 4);
    if (w === null) return FAULT;
    if (w[1]! >= 1e6 || w[3]! >= 1e6) return -EINVAL;
    times = [BigInt(w[0]! | 0) * NS + BigInt(w[1]!) * 1000n, BigInt(w[2]! | 0) * NS + BigInt(w[3]!) * 1000n];
  }
  return setTimes(k, k.task(), statTarget(k, AT_FDCWD, path, 0), times);
};
export const sys_utime32: SyscallService = (k, regs) => {
  const [path, timesPointer] = regs.args();
  let times: [bigint, bigint] | null = null;
  if (timesPointer !== 0) {
    const w = readWords(k, timesPointer, 2);
    if (w === null) return FAULT;
    times = [BigInt(w[0]! | 0) * NS, BigInt(w[1]! | 0) * NS];
  }
  return setTimes(k, k.task(), statTarget(k, AT_FDCWD, path, 0), times);
};

// ---- mounting ----

const MS_RDONLY = 1, MS_REMOUNT = 32, MS_BIND = 4096;

/** mount(source, target, type, flags, data): new proc, tmpfs, devtmpfs instances (and MS_RDONLY). */
export const sys_mount: SyscallService = (k, regs) => {
  const [sourcePointer, targetPointer, typePointer, flags] = regs.args();
  const task = k.task();
  if (task.credentials.euid !== 0) return -EPERM;
  const target = userPath(k, targetPointer);
  if (typeof target === 'number') return target;
  const at = lookupAt(task, AT_FDCWD, target, true);
  if (typeof at === 'number') return at;
  if ((flags & MS_REMOUNT) !== 0) {
    if (at.dentry !== at.mount.root) return -EINVAL;
    at.mount.root.inode.sb.readOnly = (flags & MS_RDONLY) !== 0;
    return 0;
  }
  if ((flags & MS_BIND) !== 0) return -EINVAL;
  const type = typePointer === 0 ? -EFAULT : userPath(k, typePointer);
  if (typeof type === 'number') return type;
  const source = sourcePointer === 0 ? type : userPath(k, sourcePointer);
  if (typeof source === 'number') return source;
  const root = k.vfs.makeFileSystem(type);
  if (typeof root === 'number') return root;
  root.sb.readOnly = (flags & MS_RDONLY) !== 0;
  return k.vfs.mountOn(at, root, source);
};

export const sys_umount: SyscallService = (k, regs) => {
  const task = k.task();
  if (task.credentials.euid !== 0) return -EPERM;
  const target = userPath(k, regs.get('ebx'));
  if (typeof target === 'number') return target;
  const at = lookupAt(task, AT_FDCWD, target, true);
  if (typeof at === 'number') return at;
  return k.vfs.unmount(at);
};

