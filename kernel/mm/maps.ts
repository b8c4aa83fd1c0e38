// /proc/PID/maps: one line per mapping, as Linux's show_map prints it:
//   start-end perms offset dev inode pathname
// gate86 has no VMAs yet (issue 10 brings them), so the lines are the runs of mapped pages with the
// same permissions; the program's own runs name its executable, the break's run is [heap], the run
// under 0xC0000000 is [stack], and the vsyscall page is always [vdso] at 0xffffe000.

import type { Kernel } from '../kernel.ts';
import type { Task } from '../task.ts';
import { TASK_SIZE, VSYSCALL_BASE, PAGE_SIZE } from '../layout.ts';

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

export function formatMaps(_k: Kernel, task: Task): string {
  const lines: string[] = [];
  for (const r of task.space.regions()) {
    let name = '';
    if (r.end === TASK_SIZE) name = '[stack]';
    else if (task.brk > task.brkStart && r.start < task.brk && r.end > task.brkStart) name = '[heap]';
    else if (r.start < task.brkStart) name = task.executable;
    const perms = `r${r.writable ? 'w' : '-'}${r.writable && name !== task.executable ? '-' : 'x'}p`;
    lines.push(`${hex8(r.start)}-${hex8(r.end)} ${perms} 00000000 00:00 0${name === '' ? '' : ' '.repeat(10) + name}`);
  }
  lines.push(`${hex8(VSYSCALL_BASE)}-${hex8(VSYSCALL_BASE + PAGE_SIZE)} r-xp 00000000 00:00 0          [vdso]`);
  return lines.join('\n') + '\n';
}
