// The VFS: the mount tree, and the operations every file system call is built from (Linux's
// fs/namei.c do_filp_open, fs/open.c, fs/namespace.c). The system call services in
// kernel/services/fs-*.ts read their arguments, call these, and turn the result into EAX.
//
// What the root is depends on how the kernel was started:
//   gate86 boot   a tmpfs with the initramfs (newc cpio, a Multiboot module) unpacked into it, as Linux
//                 does with an initramfs; init mounts /proc and /dev with mount(2);
//   gate86 run    the host's file system (confined to --root DIR, read-only with --ro), with gate86's
//                 own /proc and /dev mounted over the host's — what qemu-i386 shows a program, except
//                 that /proc describes the guest's processes, not the host's.

import type { Kernel } from '../kernel.ts';
import type { Task } from '../task.ts';
import {
  EACCES, EBADF, EBUSY, EEXIST, EFAULT, EINVAL, EISDIR, ELOOP, ENODEV, ENOENT, ENOTDIR, ENOTEMPTY, ENXIO, EPERM, EROFS, ETXTBSY,
} from '../layout.ts';
import { isDir, isLink, isRegular, S_IFCHR, S_IFDIR, S_IFIFO, S_IFMT, type Inode, type SuperBlock } from './inode.ts';
import {
  O_ACCMODE, O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_PATH, O_RDONLY, O_TRUNC, O_WRONLY,
  OpenFile, type FileOps,
} from './file.ts';
import { followLast, lookupChild, Mount, pathName, permitted, resolve, resolveParent, samePath, type Path, type WalkContext } from './path.ts';
import { openCharDevice } from './devices.ts';
import { fifoOps } from './pipe.ts';
import { Tmpfs } from './tmpfs.ts';
import { ProcFs } from './procfs.ts';
import { makedev } from './devices.ts';
import { populateDev } from './devtmpfs.ts';

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_EMPTY_PATH = 0x1000;

/** Unnamed device numbers (major 0) for the in-memory file systems, as Linux's get_anon_bdev. */
let nextAnonymousMinor = 1;
export const anonymousDevice = (): number => makedev(0, nextAnonymousMinor++);

export class Vfs {
  root: Mount | null = null;

  constructor(private readonly k: Kernel) {}

  /** The first mount: the root file system. */
  mountRoot(root: Inode, source: string): Path {
    this.root = new Mount(root, null, null, source);
    return { mount: this.root, dentry: this.root.root };
  }

  rootPath(): Path {
    if (this.root === null) throw new Error('vfs: no root file system');
    return { mount: this.root, dentry: this.root.root };
  }

  /** Attach a file system's root on a directory. */
  mountOn(at: Path, root: Inode, source: string): number {
    if (!isDir(at.dentry.inode.mode)) return -ENOTDIR;
    at.mount.children.push(new Mount(root, at.mount, at.dentry, source));
    return 0;
  }

  /** Detach the mount whose root `at` is. */
  unmount(at: Path): number {
    const mount = at.mount;
    if (at.dentry !== mount.root || mount.parent === null) return -EINVAL;
    if (mount.children.length > 0) return -EBUSY;
    for (const task of this.k.tasks.values()) {
      if (task.fs && (task.fs.cwd.mount === mount || task.fs.root.mount === mount)) return -EBUSY;
    }
    mount.parent.children.splice(mount.parent.children.indexOf(mount), 1);
    return 0;
  }

  /** A new file system instance by type name (mount(2)'s filesystemtype). */
  makeFileSystem(type: string): Inode | number {
    const k = this.k;
    if (type === 'tmpfs' || type === 'ramfs') return new Tmpfs(k.ram, k.frames, anonymousDevice(), type).root;
    if (type === 'devtmpfs') {
      const fs = new Tmpfs(k.ram, k.frames, anonymousDevice(), 'devtmpfs');
      populateDev(fs);
      return fs.root;
    }
    if (type === 'proc') return new ProcFs(k, anonymousDevice()).root;
    return -ENODEV;
  }

  /** Every mount, depth first, for /proc/mounts. */
  mountList(): { source: string; path: string; type: string; readOnly: boolean }[] {
    const out: { source: string; path: string; type: string; readOnly: boolean }[] = [];
    const root = this.rootPath();
    const visit = (m: Mount): void => {
      const sb: SuperBlock = m.root.inode.sb;
      out.push({ source: m.source, path: pathName({ mount: m, dentry: m.root }, root), type: sb.type, readOnly: sb.readOnly });
      m.children.forEach(visit);
    };
    if (this.root) visit(this.root);
    return out;
  }
}

/** The walk context of a task: its root, its cwd, and who it is. */
export function walkContext(task: Task): WalkContext {
  return { root: task.fs.root, cwd: task.fs.cwd, who: { uid: task.credentials.euid, gid: task.credentials.egid } };
}

/** Where a *at() call's relative path starts: the cwd for AT_FDCWD, else the directory `dirfd` names. */
export function startOf(task: Task, dirfd: number, path: string): Path | number {
  if (path.startsWith('/') || (dirfd | 0) === AT_FDCWD) return task.fs.cwd;
  const file = task.files.get(dirfd | 0);
  if (file === null) return -EBADF;
  if (file.path === null) return -ENOTDIR;
  if (path !== '' && !isDir(file.inode.mode)) return -ENOTDIR;
  return file.path;
}

/** Resolve a path for a *at() call. AT_EMPTY_PATH with "" names dirfd's own file. */
export function lookupAt(task: Task, dirfd: number, path: string, follow: boolean, flags = 0): Path | number {
  if (path === '' && (flags & AT_EMPTY_PATH) !== 0) {
    if ((dirfd | 0) === AT_FDCWD) return task.fs.cwd;
    const file = task.files.get(dirfd | 0);
    if (file === null) return -EBADF;
    return file.path ?? { mount: task.fs.root.mount, dentry: { name: '', parent: null, inode: file.inode } as unknown as Path['dentry'] };
  }
  const start = startOf(task, dirfd, path);
  if (typeof start === 'number') return start;
  return resolve(walkContext(task), start, path, { follow });
}

/** The parent directory and last name for a call that creates or removes a name. */
export function parentAt(task: Task, dirfd: number, path: string): { dir: Path; name: string; trailingSlash: boolean } | number {
  const start = startOf(task, dirfd, path);
  if (typeof start === 'number') return start;
  return resolveParent(walkContext(task), start, path);
}

/** May the caller change names in this directory (w and x, on a writable mount)? */
export function mayModify(task: Task, dir: Path): number {
  if (dir.dentry.inode.sb.readOnly) return -EROFS;
  if (!permitted(dir.dentry.inode, { uid: task.credentials.euid, gid: task.credentials.egid }, 3)) return -EACCES;
  return 0;
}

/** How a freshly opened inode behaves: a device's, a FIFO's, a file system's own, or the generic way. */
function fileOpsFor(k: Kernel, inode: Inode, flags: number): FileOps | number {
  const own = inode.fileOps(flags);
  if (own !== null) return own;
  switch (inode.mode & S_IFMT) {
    case S_IFCHR: return openCharDevice(k, inode.rdev, flags);
    case S_IFIFO: return fifoOps(inode, flags);
    case S_IFDIR: return directoryOps;
    default:
      if (!isRegular(inode.mode)) return -ENXIO;
      return regularOps;
  }
}

/** Regular files: bytes at the file position, through the inode (tmpfs pages, the host file). */
export const regularOps: FileOps = {
  read(_k, file, count, room) {
    const data = file.inode.read(file.offset, Math.min(count, room === 0 ? count : room));
    if (typeof data === 'number') return data;
    if (data.length > 0 && room === 0) return -EFAULT;             //: there was a byte to copy
    file.offset += data.length;
    return data;
  },
  write(_k, file, bytes) {
    if ((file.flags & O_APPEND) !== 0) file.offset = file.inode.size();
    const n = file.inode.write(file.offset, bytes);
    if (n > 0) file.offset += n;
    return n;
  },
  seekable: true,
};

/** Directories: read() is EISDIR; getdents walks them. */
export const directoryOps: FileOps = { read: () => -EISDIR, write: () => -EISDIR, seekable: true };

/** What open(2) allows for an access mode (4 read, 2 write). */
function accessMask(flags: number): number {
  const mode = flags & O_ACCMODE;
  return (mode === O_RDONLY ? 4 : mode === O_WRONLY ? 2 : 6) | ((flags & O_TRUNC) !== 0 ? 2 : 0);
}

/**
 * open(2): the path walk with O_CREAT/O_EXCL/O_NOFOLLOW/O_DIRECTORY, permission and read-only
 * checks, O_TRUNC, and the file's operations. Returns the new open file description.
 */
export function openAt(k: Kernel, task: Task, dirfd: number, path: string, flags: number, mode: number): OpenFile | number {
  const context = walkContext(task);
  let target: Path | number;
  let created = false;
  if ((flags & O_CREAT) !== 0) {
    const parent = parentAt(task, dirfd, path);
    if (typeof parent === 'number') return parent;
    if (parent.trailingSlash) return -EISDIR;
    if (parent.name === '.' || parent.name === '..') return -EISDIR;
    let found = lookupChild(parent.dir, parent.name, context.who);
    if (typeof found !== 'number' && isLink(found.dentry.inode.mode)) {
      if ((flags & O_EXCL) !== 0) return -EEXIST;
      if ((flags & O_NOFOLLOW) !== 0) return -ELOOP;
      found = followLast(context, parent.dir, found);
      if (found === -ENOENT) return -ENOENT;                       // a dangling link: gate86 does not create its target
    }
    if (typeof found === 'number') {
      if (found !== -ENOENT) return found;
      const allowed = mayModify(task, parent.dir);
      if (allowed < 0) return allowed;
      const inode = parent.dir.dentry.inode.create(parent.name, mode & ~task.fs.umask & 0o7777, { uid: task.credentials.euid, gid: task.credentials.egid });
      if (typeof inode === 'number') return inode;
      created = true;
      target = lookupChild(parent.dir, parent.name, context.who);
      if (typeof target === 'number') return target;
    } else {
      if ((flags & O_EXCL) !== 0) return -EEXIST;
      target = found;
    }
  } else {
    target = lookupAt(task, dirfd, path, (flags & O_NOFOLLOW) === 0);
    if (typeof target === 'number') return target;
    if (isLink(target.dentry.inode.mode) && (flags & O_PATH) === 0) return -ELOOP;
  }
  const inode = target.dentry.inode;
  if ((flags & O_DIRECTORY) !== 0 && !isDir(inode.mode)) return -ENOTDIR;
  if ((flags & O_PATH) !== 0) return new OpenFile(inode, target, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), pathOps);
  const accmode = flags & O_ACCMODE;
  if (isDir(inode.mode) && (accmode !== O_RDONLY || (flags & O_TRUNC) !== 0)) return -EISDIR;
  if (!created) {
    if (!permitted(inode, context.who, accessMask(flags))) return -EACCES;
    if (accmode !== O_RDONLY || (flags & O_TRUNC) !== 0) {
      if (inode.sb.readOnly && (isRegular(inode.mode) || isDir(inode.mode))) return -EROFS;
      if (isRegular(inode.mode) && executing(k, inode)) return -ETXTBSY;
    }
  }
  const ops = fileOpsFor(k, inode, flags);
  if (typeof ops === 'number') return ops;
  if ((flags & O_TRUNC) !== 0 && isRegular(inode.mode) && accmode !== O_RDONLY && !created) {
    const r = inode.truncate(0);
    if (r < 0) return r;
  }
  const file = new OpenFile(inode, target, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC), ops);
  const opened = ops.opened?.(k, file);
  if (opened !== undefined && opened < 0) { file.put(k); return opened; }
  return file;
}

/** O_PATH descriptors: only for *at() and fstat; read and write are EBADF. */
const pathOps: FileOps = { read: () => -EBADF, write: () => -EBADF, seekable: false };

/**
 * Is this inode the executable image of a live process? (Linux's ETXTBSY is about writers of running
 * text: exec takes the inode's write count negative, open for writing then fails.) Inodes compare by
 * super block and number, since a host file system may hand out a fresh Inode object per lookup.
 */
function executing(k: Kernel, inode: Inode): boolean {
  for (const task of k.tasks.values()) {
    const running = task.executableInode;
    if (task.state !== 'zombie' && running !== null && sameInode(running, inode)) return true;
  }
  return false;
}

/** Does any live process hold this inode open for writing? (exec then fails with ETXTBSY.) */
export function openForWriting(k: Kernel, inode: Inode): boolean {
  for (const task of k.tasks.values()) {
    if (task.state === 'zombie') continue;
    for (const { file } of task.files.open()) {
      if ((file.flags & O_ACCMODE) !== O_RDONLY && (file.flags & O_PATH) === 0 && sameInode(file.inode, inode)) return true;
    }
  }
  return false;
}

function sameInode(a: Inode, b: Inode): boolean {
  return a === b || (a.sb === b.sb && a.ino === b.ino);
}

/** Make a directory with mode & ~umask. */
export function makeDirectory(task: Task, dirfd: number, path: string, mode: number): number {
  const parent = parentAt(task, dirfd, path);
  if (typeof parent === 'number') return parent;
  if (parent.name === '.' || parent.name === '..') return -EEXIST;
  const exists = lookupChild(parent.dir, parent.name, walkContext(task).who);
  if (typeof exists !== 'number') return -EEXIST;
  if (exists !== -ENOENT) return exists;
  const allowed = mayModify(task, parent.dir);
  if (allowed < 0) return allowed;
  const made = parent.dir.dentry.inode.mkdir(parent.name, mode & ~task.fs.umask & 0o7777, { uid: task.credentials.euid, gid: task.credentials.egid });
  return typeof made === 'number' ? made : 0;
}

/** unlink or rmdir a name. */
export function removeName(task: Task, dirfd: number, path: string, directory: boolean): number {
  const parent = parentAt(task, dirfd, path);
  if (typeof parent === 'number') return parent;
  if (parent.name === '.') return directory ? -EINVAL : -EISDIR;
  if (parent.name === '..') return directory ? -ENOTEMPTY : -EISDIR;
  const victim = lookupChild(parent.dir, parent.name, walkContext(task).who);
  if (typeof victim === 'number') return victim;
  if (!directory && parent.trailingSlash && !isDir(victim.dentry.inode.mode)) return -ENOTDIR;
  if (directory && !isDir(victim.dentry.inode.mode)) return -ENOTDIR;
  if (!directory && isDir(victim.dentry.inode.mode)) return -EISDIR;
  if (victim.mount !== parent.dir.mount) return -EBUSY;            // a mount point
  const allowed = mayModify(task, parent.dir);
  if (allowed < 0) return allowed;
  if (!stickyAllows(task, parent.dir.dentry.inode, victim.dentry.inode)) return -EPERM;
  if (directory && samePath(victim, task.fs.root)) return -EBUSY;
  return directory ? parent.dir.dentry.inode.rmdir(parent.name) : parent.dir.dentry.inode.unlink(parent.name);
}

/** In a sticky directory (/tmp) only the owner of a file or of the directory may remove it. */
function stickyAllows(task: Task, dir: Inode, victim: Inode): boolean {
  const uid = task.credentials.euid;
  return (dir.mode & 0o1000) === 0 || uid === 0 || uid === victim.uid || uid === dir.uid;
}

