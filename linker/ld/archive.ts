// Static libraries: `ar` archives (libfoo.a) of relocatable objects. The link editor does not link
// a whole archive; it takes a member only when that member defines a symbol something already linked
// still needs (a strong undefined reference), and looks again after each member it takes, because
// the new member may need more. This is why `ld main.o -lc` works but `ld -lc main.o` does not: when
// the archive is read, nothing needs its members yet.
//
// The format (System V / GNU ar): "!<arch>\n", then members, each a 60-byte text header
//   name[16] date[12] uid[6] gid[6] mode[8] size[10] "`\n"
// followed by `size` bytes, padded to an even length. GNU names end in '/'; "/" is the archive's
// symbol index (we read the members' own symbol tables instead), "//" holds names longer than 15
// characters, which other headers name as "/offset".

import { LinkError } from './errors.ts';

export interface ArchiveMember {
  /** "lib.a(member.o)": how messages name it, as ld does. */
  name: string;
  bytes: Uint8Array;
}

const MAGIC = '!<arch>\n';

export function isArchive(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && Buffer.from(bytes.subarray(0, MAGIC.length)).toString('latin1') === MAGIC;
}

export function readArchive(archiveName: string, bytes: Uint8Array): ArchiveMember[] {
  const text = (from: number, length: number): string => Buffer.from(bytes.subarray(from, from + length)).toString('latin1');
  const members: ArchiveMember[] = [];
  let longNames = '';
  let p = MAGIC.length;
  while (p + 60 <= bytes.length) {
    if (text(p + 58, 2) !== '`\n') throw new LinkError(`${archiveName}: malformed archive member header at offset ${p}`);
    let name = text(p, 16).trimEnd();
    const size = Number(text(p + 48, 10).trim());
    const data = p + 60;
    if (!Number.isInteger(size) || size < 0 || data + size > bytes.length) throw new LinkError(`${archiveName}: archive member at offset ${p} runs past the end of the file`);
    if (name === '//') {
      longNames = text(data, size);
    } else if (name !== '/' && name !== '/SYM64/' && name !== '__.SYMDEF') {
      if (/^\/\d+$/.test(name)) {
        const offset = Number(name.slice(1));
        const end = longNames.indexOf('/\n', offset);
        name = longNames.slice(offset, end < 0 ? undefined : end);
      } else if (name.endsWith('/')) {
        name = name.slice(0, -1);
      }
      members.push({ name: `${archiveName}(${name})`, bytes: bytes.subarray(data, data + size) });
    }
    p = data + size + (size & 1);
  }
  return members;
}
