// /proc/PID/maps: one line per area of an address space, as Linux's show_map_vma prints them:
//
//   08049000-080b7000 r-xp 00001000 fe:00 2211848                            /tmp/prog
//   start    end      rwxp offset   dev   inode                              path
//
//   - start-end: the area, 8 hex digits each; perms: r, w, x, then s (MAP_SHARED) or p (private);
//   - offset, dev, inode: for a file mapping, the file offset of `start` and the file's device
//     (major:minor, 2 hex digits each) and inode; anonymous memory prints 00000000 00:00 0;
//   - the path, after padding: a file's path (a newline in it as \012), [heap], [stack], or nothing
//     (then the line ends with the space after the inode, as Linux's does).
//
// The padding is seq_setwidth(m, 25 + sizeof(void *) * 6 - 1) then seq_pad: the path starts at
// column 49 on an i386 kernel, which gate86 is (a 64-bit kernel pads its 32-bit processes' lines to
// column 73). The last line is the vsyscall page, which every process has and no area describes:
// Linux i386's [vdso] at 0xffffe000 (its gate area, listed after the areas).

import { PAGE_SIZE, VSYSCALL_BASE } from '../layout.ts';
import type { AddressSpace } from './address-space.ts';
import type { Vma } from './vma.ts';

/** Where the path starts: 25 + sizeof(void *) * 6 - 1 characters, then one more space. */
const PATH_COLUMN = 25 + 4 * 6 - 1;

const hex = (value: number, digits: number): string => (value >>> 0).toString(16).padStart(digits, '0');

function line(start: number, end: number, perms: string, offset: number, device: readonly [number, number], inode: number, path: string): string {
  const header = `${hex(start, 8)}-${hex(end, 8)} ${perms} ${hex(offset, 8)} ${hex(device[0], 2)}:${hex(device[1], 2)} ${inode} `;
  return path === '' ? header : `${header.padEnd(PATH_COLUMN)} ${path}`;
}

function areaLine(vma: Vma): string {
  const perms = `${vma.read ? 'r' : '-'}${vma.write ? 'w' : '-'}${vma.exec ? 'x' : '-'}${vma.shared ? 's' : 'p'}`;
  if (vma.file === null) return line(vma.start, vma.end, perms, 0, [0, 0], 0, vma.name);
  const { pages, offset } = vma.file;
  return line(vma.start, vma.end, perms, offset, pages.device, pages.inode, pages.path.replaceAll('\n', '\\012'));
}

/** The text of /proc/PID/maps for a process with this address space. */
export function formatMaps(space: AddressSpace): string {
  const lines = space.vmas.map(areaLine);
  lines.push(line(VSYSCALL_BASE, VSYSCALL_BASE + PAGE_SIZE, 'r-xp', 0, [0, 0], 0, '[vdso]'));
  return lines.join('\n') + '\n';
}
