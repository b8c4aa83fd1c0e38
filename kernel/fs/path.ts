// Names: dentries, mounts and the path walk (Linux's fs/namei.c, fs/namespace.c).
//
// A Dentry is one name in one directory, pointing at its inode, with a link to its parent dentry so
// getcwd and /proc/self/fd can spell a path back. A Mount attaches a file system's root on top of a
// directory of another mount. A Path is the pair (mount, dentry): the same inode can be reached
// through two mounts, and `..` at a mount's root must climb into the mount below.
//
// The walk, one component at a time:
//   "."      stays;
//   ".."     stays at the process root (so `..` never climbs out of a chroot or out of --root), climbs
//            from a mount's root to the directory it is mounted on and then to that one's parent;
//   a name   must be looked up in a directory the caller may search (x), then any mount on it is
//            crossed, and a symlink is followed (its target walked from the directory holding it, or
//            from the process root when absolute) unless it is the last component and the caller
//            asked not to follow: at most MAX_SYMLINKS in one walk, then -ELOOP.

import { EACCES, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR } from '../layout.ts';
import { isDir, isLink, type Inode } from './inode.ts';

export const PATH_MAX = 4096;
export const NAME_MAX = 255;
/** Linux's MAXSYMLINKS: symlinks followed in one path walk. */
export const MAX_SYMLINKS = 40;

export class Dentry {
  constructor(readonly name: string, readonly parent: Dentry | null, readonly inode: Inode) {}
}

export class Mount {
  readonly children: Mount[] = [];
  readonly root: Dentry;
  constructor(
    rootInode: Inode,
    /** The mount this one sits on, and the directory it covers there (null for the root mount). */
    readonly parent: Mount | null,
    readonly mountpoint: Dentry | null,
    readonly source: string,
  ) {
    this.root = new Dentry('/', null, rootInode);
  }

  /** The mount covering this directory of this mount, if any (the last mounted wins). */
  mountedOn(inode: Inode): Mount | null {
    for (let i = this.children.length - 1; i >= 0; i--) if (this.children[i]!.mountpoint!.inode === inode) return this.children[i]!;
    return null;
  }
}

export interface Path { mount: Mount; dentry: Dentry }

export const samePath = (a: Path, b: Path): boolean => a.mount === b.mount && a.dentry.inode === b.dentry.inode;

/** Who walks: for search permission on each directory. */
export interface WalkCredentials { uid: number; gid: number }

/** May `who` do `mask` (4 read, 2 write, 1 execute/search) to this inode? root may do all but execute a file with no x bit. */
export function permitted(inode: Inode, who: WalkCredentials, mask: number): boolean {
  if (who.uid === 0) return (mask & 1) === 0 || isDir(inode.mode) || (inode.mode & 0o111) !== 0;
  const bits = who.uid === inode.uid ? (inode.mode >> 6) & 7 : who.gid === inode.gid ? (inode.mode >> 3) & 7 : inode.mode & 7;
  return (bits & mask) === mask;
}

export interface WalkContext { root: Path; cwd: Path; who: WalkCredentials }

export interface WalkOptions {
  /** Follow a symlink in the last component (stat: yes; lstat, O_NOFOLLOW, unlink: no). */
  follow: boolean;
}

/** Climb one `..` from `at`. */
function parentOf(at: Path, root: Path): Path {
  let here = at;
  for (;;) {
    if (samePath(here, root)) return here;
    if (here.dentry.parent !== null) return { mount: here.mount, dentry: here.dentry.parent };
    if (here.mount.parent === null || here.mount.mountpoint === null) return here;     // the root mount's root
    here = { mount: here.mount.parent, dentry: here.mount.mountpoint };
  }
}

/** The mounts stacked on a directory, crossed down to the topmost. */
function crossMounts(at: Path): Path {
  let here = at;
  for (;;) {
    const mounted = here.mount.mountedOn(here.dentry.inode);
    if (mounted === null) return here;
    here = { mount: mounted, dentry: mounted.root };
  }
}

/** Look one name up in a directory (with search permission), crossing mounts on the result. */
export function lookupChild(dir: Path, name: string, who: WalkCredentials): Path | number {
  const inode = dir.dentry.inode;
  if (!isDir(inode.mode)) return -ENOTDIR;
  if (!permitted(inode, who, 1)) return -EACCES;
  if (name.length > NAME_MAX) return -ENAMETOOLONG;
  const child = inode.lookup(name);
  if (typeof child === 'number') return child;
  return crossMounts({ mount: dir.mount, dentry: new Dentry(name, dir.dentry, child) });
}

class Walk {
  links = 0;
  constructor(readonly context: WalkContext) {}

  /** Walk `path` from `start`; the last component is followed if it is a symlink and `follow`. */
  walk(start: Path, path: string, follow: boolean): Path | number {
    if (path.length >= PATH_MAX) return -ENAMETOOLONG;
    let at = path.startsWith('/') ? this.context.root : start;
    const parts = path.split('/').filter((p) => p !== '');
    const trailingSlash = path.endsWith('/') && parts.length > 0;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i]!;
      const last = i === parts.length - 1;
      if (!isDir(at.dentry.inode.mode)) return -ENOTDIR;
      if (name === '.') continue;
      if (name === '..') { at = parentOf(at, this.context.root); continue; }
      const next = lookupChild(at, name, this.context.who);
      if (typeof next === 'number') return next;
      if (isLink(next.dentry.inode.mode) && (!last || follow || trailingSlash)) {
        const followed = this.followLink(at, next);
        if (typeof followed === 'number') return followed;
        at = followed;
      } else {
        at = next;
      }
    }
    if (trailingSlash && !isDir(at.dentry.inode.mode)) return -ENOTDIR;
    return at;
  }

  /** Walk a symlink's target from the directory that holds the link. */
  followLink(dir: Path, link: Path): Path | number {
    if (++this.links > MAX_SYMLINKS) return -ELOOP;
    const jump = link.dentry.inode.jump();
    if (jump !== null) return jump;
    const target = link.dentry.inode.readlink();
    if (typeof target === 'number') return target;
    if (target === '') return -ENOENT;
    return this.walk(dir, target, true);
  }
}

/** Resolve a whole path (Linux's path_lookupat): the object it names. */
export function resolve(context: WalkContext, start: Path, path: string, options: WalkOptions): Path | number {
  if (path === '') return -ENOENT;
  return new Walk(context).walk(start, path, options.follow);
}

/**
 * Resolve all but the last component (for create, mkdir, unlink, rename ...): the directory and the
 * last name. "a/b/" gives ("a", "b"); "/" gives the root and "." (callers refuse it as Linux does).
 */
export function resolveParent(context: WalkContext, start: Path, path: string): { dir: Path; name: string; trailingSlash: boolean } | number {
  if (path === '') return -ENOENT;
  if (path.length >= PATH_MAX) return -ENAMETOOLONG;
  const trimmed = path.replace(/\/+$/, '');
  const trailingSlash = trimmed.length < path.length;
  if (trimmed === '') return { dir: context.root, name: '.', trailingSlash };
  const cut = trimmed.lastIndexOf('/');
  const name = trimmed.slice(cut + 1);
  const head = cut < 0 ? '' : trimmed.slice(0, cut + 1);
  const dir = head === '' ? start : new Walk(context).walk(start, head, true);
  if (typeof dir === 'number') return dir;
  if (!isDir(dir.dentry.inode.mode)) return -ENOTDIR;
  if (name.length > NAME_MAX) return -ENAMETOOLONG;
  return { dir, name, trailingSlash };
}

/** Follow a symlink found as the last component (open with O_CREAT on an existing link ...). */
export function followLast(context: WalkContext, dir: Path, link: Path): Path | number {
  return new Walk(context).followLink(dir, link);
}

/** The path of `at` as seen from `root` (getcwd, /proc/self/fd/N, /proc/self/cwd). */
export function pathName(at: Path, root: Path): string {
  const names: string[] = [];
  let here = at;
  for (;;) {
    if (samePath(here, root)) break;
    if (here.dentry.parent !== null) {
      names.push(here.dentry.name);
      here = { mount: here.mount, dentry: here.dentry.parent };
      continue;
    }
    if (here.mount.parent === null || here.mount.mountpoint === null) break;
    here = { mount: here.mount.parent, dentry: here.mount.mountpoint };
  }
  return '/' + names.reverse().join('/');
}

/** Is `inner` at or below `outer`? (rename must not move a directory into itself) */
export function isWithin(inner: Path, outer: Path): boolean {
  let here: Path | null = inner;
  while (here !== null) {
    if (samePath(here, outer)) return true;
    if (here.dentry.parent !== null) here = { mount: here.mount, dentry: here.dentry.parent };
    else if (here.mount.parent !== null && here.mount.mountpoint !== null) here = { mount: here.mount.parent, dentry: here.mount.mountpoint };
    else here = null;
  }
  return false;
}
