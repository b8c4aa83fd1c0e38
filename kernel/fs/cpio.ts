// The initramfs archive format: cpio "newc" (SVR4 with no CRC), the one Linux's init/initramfs.c
// unpacks. Each member is a 110-byte ASCII header — the magic "070701" then thirteen 8-digit hex
// fields — the NUL-terminated name, padding to 4 bytes, the data, padding to 4 bytes. The member
// named "TRAILER!!!" ends the archive. The build writes one (scripts/build-50-initramfs.ts) and the
// kernel reads it (initramfs.ts); both use this file.

const MAGIC = '070701';
const HEADER = 110;
export const TRAILER = 'TRAILER!!!';

export interface CpioMember {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** A device node's number. */
  rdevMajor: number;
  rdevMinor: number;
  /** A file's bytes, or a symlink's target. */
  data: Uint8Array;
  /** Members sharing an inode number are hard links (newc keeps the data with the last one). */
  ino?: number;
  nlink?: number;
}

export class CpioError extends Error {}

const pad4 = (n: number): number => (n + 3) & ~3;
const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

/**
 * Read every member of a newc archive — of several, concatenated (with NUL padding between), as
 * Linux accepts: each ends at its trailer. Throws CpioError on a damaged archive.
 */
export function readCpio(archive: Uint8Array): CpioMember[] {
  const text = (at: number, n: number): string => Buffer.from(archive.subarray(at, at + n)).toString('latin1');
  const members: CpioMember[] = [];
  let at = 0;
  let ended = false;
  while (at < archive.length) {
    if (archive[at] === 0) { at++; continue; }
    if (at + HEADER > archive.length) throw new CpioError(`cpio: truncated header at offset ${at}`);
    ended = false;
    if (text(at, 6) !== MAGIC) throw new CpioError(`cpio: bad magic at offset ${at} (not a newc archive)`);
    const field = (i: number): number => {
      const s = text(at + 6 + 8 * i, 8);
      if (!/^[0-9a-fA-F]{8}$/.test(s)) throw new CpioError(`cpio: bad header field at offset ${at}`);
      return parseInt(s, 16);
    };
    const [ino, mode, uid, gid, nlink, mtime, size, , , rdevMajor, rdevMinor, nameSize] = Array.from({ length: 12 }, (_, i) => field(i)) as number[];
    const nameStart = at + HEADER;
    if (nameSize! === 0 || nameStart + nameSize! > archive.length) throw new CpioError(`cpio: truncated name at offset ${at}`);
    const name = text(nameStart, nameSize! - 1);
    const dataStart = pad4(nameStart + nameSize!);
    if (dataStart + size! > archive.length) throw new CpioError(`cpio: ${name}: truncated data`);
    at = pad4(dataStart + size!);
    if (name === TRAILER) { ended = true; continue; }
    members.push({ name, mode: mode!, uid: uid!, gid: gid!, mtime: mtime!, rdevMajor: rdevMajor!, rdevMinor: rdevMinor!, data: archive.subarray(dataStart, dataStart + size!), ino: ino!, nlink: nlink! });
  }
  if (!ended) throw new CpioError('cpio: no TRAILER!!! member (truncated archive)');
  return members;
}

/** Write members as a newc archive, each its own inode, ending with the trailer. */
export function writeCpio(members: CpioMember[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  const push = (bytes: Uint8Array): void => { parts.push(bytes); length += bytes.length; };
  const align = (): void => { if (length % 4 !== 0) push(new Uint8Array(4 - (length % 4))); };
  const member = (m: CpioMember, ino: number): void => {
    const fields = [ino, m.mode, m.uid, m.gid, m.nlink ?? 1, m.mtime, m.data.length, 0, 0, m.rdevMajor, m.rdevMinor, m.name.length + 1, 0];
    push(new Uint8Array(Buffer.from(MAGIC + fields.map(hex8).join('') + m.name + '\0', 'latin1')));
    align();
    push(m.data);
    align();
  };
  members.forEach((m, i) => member(m, m.ino ?? i + 1));
  member({ name: TRAILER, mode: 0, uid: 0, gid: 0, mtime: 0, rdevMajor: 0, rdevMinor: 0, data: new Uint8Array(0), nlink: 1 }, 0);
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
