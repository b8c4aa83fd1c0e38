// Unpacking the initramfs into the root tmpfs (Linux's init/initramfs.c, populate_rootfs): each cpio
// member becomes a directory, file, symlink or device node at its path, with its mode, owner and
// mtime; members with the same inode number and nlink > 1 become hard links of one file. A member
// whose name exists already replaces it (Linux's clean_path), unless both are directories: a later
// archive appended to the first can override a file.

import { EEXIST } from '../layout.ts';
import { isDir, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, type Inode } from './inode.ts';
import { readCpio } from './cpio.ts';
import { makedev } from './devices.ts';
import type { Tmpfs } from './tmpfs.ts';

export class InitramfsError extends Error {}

/** Unpack a newc archive into `fs`; returns how many members it held. Throws CpioError/InitramfsError. */
export function unpackInitramfs(fs: Tmpfs, archive: Uint8Array): number {
  const members = readCpio(archive);
  const links = new Map<number, Inode>();
  for (const m of members) {
    const parts = m.name.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.some((p) => p === '..')) throw new InitramfsError(`initramfs: ${m.name}: ".." in a member name`);
    if (parts.length === 0) continue;                              // "." itself: the root
    let dir: Inode = fs.root;
    for (const part of parts.slice(0, -1)) {
      const next: Inode | number = dir.lookup(part);
      if (typeof next === 'number') throw new InitramfsError(`initramfs: ${m.name}: no directory ${part} before it`);
      if (!isDir(next.mode)) throw new InitramfsError(`initramfs: ${m.name}: ${part} is not a directory`);
      dir = next;
    }
    const name = parts[parts.length - 1]!;
    const existing = dir.lookup(name);
    if (typeof existing !== 'number' && ((m.mode & S_IFMT) !== S_IFDIR || !isDir(existing.mode))) {
      const removed = isDir(existing.mode) ? dir.rmdir(name) : dir.unlink(name);
      if (removed < 0) throw new InitramfsError(`initramfs: ${m.name}: cannot replace the earlier one (${-removed})`);
    }
    const owner = { uid: m.uid, gid: m.gid };
    const permissions = m.mode & 0o7777;
    const linkKey = m.ino !== undefined && (m.nlink ?? 1) > 1 && (m.mode & S_IFMT) === S_IFREG ? m.ino : null;
    let made: Inode | number;
    const earlier = linkKey === null ? undefined : links.get(linkKey);
    if (earlier !== undefined) {
      const r = dir.link(name, earlier);
      if (r < 0) throw new InitramfsError(`initramfs: ${m.name}: link failed (${-r})`);
      if (m.data.length > 0) { earlier.truncate(0); earlier.write(0, m.data); }
      continue;
    }
    switch (m.mode & S_IFMT) {
      case S_IFDIR: {
        const existing = dir.lookup(name);
        made = typeof existing !== 'number' && isDir(existing.mode) ? existing : dir.mkdir(name, permissions, owner);
        if (typeof made !== 'number') { made.setattr({ mode: permissions, uid: m.uid, gid: m.gid }); }
        break;
      }
      case S_IFREG:
        made = dir.create(name, permissions, owner);
        if (typeof made !== 'number' && m.data.length > 0 && made.write(0, m.data) !== m.data.length) {
          throw new InitramfsError(`initramfs: ${m.name}: out of memory`);
        }
        break;
      case S_IFLNK:
        made = dir.symlink(name, Buffer.from(m.data).toString('latin1'), owner);
        break;
      case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
        made = dir.mknod(name, m.mode, makedev(m.rdevMajor, m.rdevMinor), owner);
        break;
      default:
        throw new InitramfsError(`initramfs: ${m.name}: unknown file type 0${(m.mode & S_IFMT).toString(8)}`);
    }
    if (made === -EEXIST) throw new InitramfsError(`initramfs: ${m.name}: listed twice`);
    if (typeof made === 'number') throw new InitramfsError(`initramfs: ${m.name}: error ${-made}`);
    if (linkKey !== null) links.set(linkKey, made);
    const mtime = BigInt(m.mtime) * 1_000_000_000n;
    made.mtime = made.atime = made.ctime = mtime;
  }
  return members.length;
}
