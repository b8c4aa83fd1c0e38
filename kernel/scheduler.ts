// Choosing the next task and switching to it (the TypeScript half of Linux's schedule()/switch_to).
// entry.S's `schedule` calls pick_next_task (a hypercall); this function decides, switches what lives
// outside the kernel stack — CR3, tss.esp0, the TLS descriptors — and returns the next task's
// thread_info address, so the guest code can swap kernel stacks. A task runs until it blocks (wait4,
// a read with no input), exits, or is preempted in user mode: each PIT tick (do_IRQ in irq.ts)
// sets TIF_NEED_RESCHED when another task can run. There is no idle task yet, so a sleep that must
// let others run (nanosleep) still idles the whole machine.

import type { HypercallHandler, Kernel } from './kernel.ts';
import type { Task } from './task.ts';
import { physicalOf } from './mm/ram.ts';
import { tlsDescriptor } from './services/process.ts';
import { GDT_ENTRY_TLS_MIN, THREAD_SIZE, TIF_NEED_RESCHED, TSS_ESP0, __PAGE_OFFSET } from './layout.ts';

/** Round robin: the first runnable task after the current one (by pid), else none. */
function nextRunnable(k: Kernel, current: Task | null): Task | null {
  const tasks = [...k.tasks.values()].sort((a, b) => a.pid - b.pid);
  const start = current === null ? 0 : tasks.indexOf(current) + 1;
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[(start + i) % tasks.length]!;
    if (task.state === 'running') return task;
  }
  return null;
}

/** What a task switch changes outside the kernel stacks. */
export function switchTo(k: Kernel, next: Task): void {
  k.current = next;
  k.activate(next);
  k.ram.write32(physicalOf(k.image.addressOf('init_tss')) + TSS_ESP0, next.threadInfo + THREAD_SIZE + __PAGE_OFFSET);
  const gdt = physicalOf(k.image.addressOf('gdt_table'));
  next.tls.forEach((d, i) => {
    const [low, high] = d === null ? [0, 0] : tlsDescriptor(d.base, d.limit, d.flags);
    k.ram.write32(gdt + (GDT_ENTRY_TLS_MIN + i) * 8, low);
    k.ram.write32(gdt + (GDT_ENTRY_TLS_MIN + i) * 8 + 4, high);
  });
}

/** Free what zombies no longer need, once no CPU runs on their page tables. */
function releaseZombieSpaces(k: Kernel): void {
  for (const task of k.tasks.values()) {
    if (task.state === 'zombie' && task !== k.current && !task.spaceReleased) {
      task.space.destroy();
      task.spaceReleased = true;
    }
  }
}

export const pickNextTask: HypercallHandler = (k) => {
  const current = k.current;
  if (current !== null) k.clearThreadFlag(current, TIF_NEED_RESCHED);
  const next = nextRunnable(k, current);
  if (next === null || next === current) {
    if (current === null || current.state !== 'running') throw new Error('kernel: no task can run (every task waits)');
    return 0;
  }
  switchTo(k, next);
  releaseZombieSpaces(k);
  return next.threadInfo + __PAGE_OFFSET;
};
