// /proc/PID/maps: one line per area (kernel/mm/vma.ts), as Linux's show_map prints it:
//   start-end perms offset major:minor inode          pathname
// perms are r/w/x and p (private) or s (shared); a file mapping names its file, the heap and the
// stack are [heap] and [stack], and the vsyscall page is [vdso] at 0xffffe000.

import type { Kernel } from '../kernel.ts';
import type { Task } from '../task.ts';
import { PAGE_SIZE, VSYSCALL_BASE } from '../layout.ts';

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
const hex2 = (v: number): string => v.toString(16).padStart(2, '0');

function line(start: number, end: number, perms: string, offset: number, device: [number, number], inode: number, name: string): string {
  const head = `${hex8(start)}-${hex8(end)} ${perms} ${hex8(offset)} ${hex2(device[0])}:${hex2(device[1])} ${inode}`;
  return name === '' ? head : head.padEnd(73) + name;
}

export function formatMaps(_k: Kernel, task: Task): string {
  const lines: string[] = [];
  for (const vma of task.space.vmas) {
    const perms = `${vma.read ? 'r' : '-'}${vma.write ? 'w' : '-'}${vma.exec ? 'x' : '-'}${vma.shared ? 's' : 'p'}`;
    const file = vma.file;
    lines.push(file === null
      ? line(vma.start, vma.end, perms, 0, [0, 0], 0, vma.name)
      : line(vma.start, vma.end, perms, file.offset, file.pages.device, file.pages.inode, file.pages.path));
  }
  lines.push(line(VSYSCALL_BASE, VSYSCALL_BASE + PAGE_SIZE, 'r-xp', 0, [0, 0], 0, '[vdso]'));
  return lines.join('\n') + '\n';
}
