// A process's memory: brk (the heap after the program's bss), anonymous mmap2/munmap, mprotect.
// Pages are mapped when asked for (no demand paging yet), each frame zeroed.

import type { SyscallService } from '../kernel.ts';
import { EINVAL, ENOMEM, ENOSYS, PAGE_SIZE, TASK_SIZE } from '../layout.ts';
import { USER_STACK_SIZE } from '../exec.ts';
import { OutOfMemory } from '../mm/frames.ts';

const pageUp = (v: number): number => Math.ceil(v / PAGE_SIZE) * PAGE_SIZE;
const PROT_WRITE = 0x2;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
const STACK_BOTTOM = TASK_SIZE - USER_STACK_SIZE;

/** brk(addr): move the break; the result is the new break, or the old one when refused. */
export const sys_brk: SyscallService = (k, regs) => {
  const task = k.task();
  const wanted = regs.get('ebx');
  if (wanted < task.brkStart || pageUp(wanted) > task.mmapNext - PAGE_SIZE) return task.brk;
  try {
    if (wanted > task.brk) task.space.mapRange(pageUp(task.brk), pageUp(wanted), { write: true });
    else {
      task.space.unmapRange(pageUp(wanted), pageUp(task.brk));
      k.flushTlb();
    }
  } catch (error) {
    if (!(error instanceof OutOfMemory)) throw error;
    if (wanted > task.brk) task.space.unmapRange(pageUp(task.brk), pageUp(wanted));   // give back what was taken
    return task.brk;
  }
  task.brk = wanted;
  return task.brk;
};

/** mmap2(addr, length, prot, flags, fd, pgoffset): anonymous mappings only, so far. */
export const sys_mmap_pgoff: SyscallService = (k, regs) => {
  const [addr, length, prot, flags] = regs.args();
  const task = k.task();
  if (length === 0 || length > TASK_SIZE) return -EINVAL;
  if ((flags & MAP_ANONYMOUS) === 0) return -ENOSYS;          // no files to map yet
  const size = pageUp(length);
  let start: number;
  if ((flags & MAP_FIXED) !== 0) {
    if ((addr & (PAGE_SIZE - 1)) !== 0 || addr + size > STACK_BOTTOM) return -EINVAL;
    start = addr;
  } else {
    start = task.mmapNext;
    if (start + size > STACK_BOTTOM) return -ENOMEM;
    task.mmapNext = start + size;
  }
  try {
    if ((flags & MAP_FIXED) !== 0) {
      task.space.unmapRange(start, start + size);
      k.flushTlb();
    }
    task.space.mapRange(start, start + size, { write: (prot & PROT_WRITE) !== 0 });
  } catch (error) {
    if (!(error instanceof OutOfMemory)) throw error;
    task.space.unmapRange(start, start + size);                                   // give back what was taken
    if ((flags & MAP_FIXED) === 0 && task.mmapNext === start + size) task.mmapNext = start;
    return -ENOMEM;
  }
  return start;
};

export const sys_munmap: SyscallService = (k, regs) => {
  const [addr, length] = regs.args();
  if ((addr & (PAGE_SIZE - 1)) !== 0 || length === 0 || addr + length > TASK_SIZE) return -EINVAL;
  k.task().space.unmapRange(addr, addr + pageUp(length));
  k.flushTlb();
  return 0;
};

/** mprotect: R/W only (i386 without PAE has no execute bit; PROT_NONE is not expressible yet). */
export const sys_mprotect: SyscallService = (k, regs) => {
  const [addr, length, prot] = regs.args();
  if ((addr & (PAGE_SIZE - 1)) !== 0 || addr + length > TASK_SIZE) return -EINVAL;
  if (length === 0) return 0;
  const done = k.task().space.protect(addr, addr + pageUp(length), { write: (prot & PROT_WRITE) !== 0 });
  k.flushTlb();
  return done ? 0 : -ENOMEM;
};
