// Choosing the next task and switching to it (the TypeScript half of Linux's schedule()/switch_to).
// entry.S's `schedule` calls pick_next_task (a hypercall); this function decides, switches what lives
// outside the kernel stack — CR3, tss.esp0, the TLS descriptors — and returns the next task's
// thread_info address, so the guest code can swap kernel stacks.
//
// A task runs until it sleeps (sched/wait.ts: wait4, nanosleep, a futex), exits, or is preempted in
// user mode: each PIT tick (do_IRQ) sets TIF_NEED_RESCHED when another task can run. When no task
// can run, the idle task (pid 0, entry.S's cpu_idle) runs: `sti; hlt` until the next interrupt, so
// "every task sleeps" is a sleep of the whole machine, never an error.
//
// Threads of one process share an address space: a switch between them leaves CR3 (and the TLB)
// alone, as Linux's switch_mm does when prev->mm == next->mm.

import type { HypercallHandler, Kernel } from '../kernel.ts';
import type { Task } from '../task.ts';
import { physicalOf } from '../mm/ram.ts';
import { tlsDescriptor } from '../services/process.ts';
import { GDT_ENTRY_TLS_MIN, THREAD_SIZE, TIF_NEED_RESCHED, TI_KERNEL_ESP, TI_TASK, TSS_ESP0, __PAGE_OFFSET } from '../layout.ts';
import { Task as TaskClass } from '../task.ts';
import { AddressSpace } from '../mm/address-space.ts';

/** Round robin: the first runnable task after the current one (by pid), else null. */
function nextRunnable(k: Kernel, current: Task | null): Task | null {
  const tasks = [...k.tasks.values()].sort((a, b) => a.pid - b.pid);
  const start = current === null || current === k.idle ? 0 : tasks.indexOf(current) + 1;
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[(start + i) % tasks.length]!;
    if (task.state === 'running') return task;
  }
  return null;
}

/** Can some task other than `current` run? (do_IRQ asks, to set TIF_NEED_RESCHED.) */
export function anotherRunnable(k: Kernel, current: Task): boolean {
  for (const task of k.tasks.values()) if (task !== current && task.state === 'running') return true;
  return false;
}

/** What a task switch changes outside the kernel stacks. */
export function switchTo(k: Kernel, next: Task): void {
  const previous = k.current;
  k.current = next;
  if (previous === null || previous.space !== next.space) k.activate(next);
  k.ram.write32(physicalOf(k.image.addressOf('init_tss')) + TSS_ESP0, next.threadInfo + THREAD_SIZE + __PAGE_OFFSET);
  const gdt = physicalOf(k.image.addressOf('gdt_table'));
  next.tls.forEach((d, i) => {
    const [low, high] = d === null ? [0, 0] : tlsDescriptor(d.base, d.limit, d.flags);
    k.ram.write32(gdt + (GDT_ENTRY_TLS_MIN + i) * 8, low);
    k.ram.write32(gdt + (GDT_ENTRY_TLS_MIN + i) * 8 + 4, high);
  });
}

/**
 * Free what exited tasks no longer need, once no CPU runs on their page tables or kernel stack:
 * a zombie's address space (its kernel stack goes when wait4 reaps it), and the address space and
 * kernel stack of threads that reaped themselves — except those of `previous`, the task being
 * switched away from, whose stack schedule is still running on: they go at a later switch.
 */
export function releaseExited(k: Kernel, previous: Task | null): void {
  for (const task of k.tasks.values()) {
    if (task.state === 'zombie' && task !== k.current && task !== previous && !task.spaceReleased) {
      task.space.release();
      task.spaceReleased = true;
    }
  }
  for (let i = k.exited.length - 1; i >= 0; i--) {
    const task = k.exited[i]!;
    if (task === k.current || task === previous) continue;
    if (!task.spaceReleased) task.space.release();
    task.spaceReleased = true;
    k.kernelStacks.release(task.threadInfo);
    k.exited.splice(i, 1);
  }
}

export const pickNextTask: HypercallHandler = (k) => {
  const current = k.current;
  if (current !== null) k.clearThreadFlag(current, TIF_NEED_RESCHED);
  const next = nextRunnable(k, current) ?? k.idle;
  if (next === null) throw new Error('kernel: no task can run and there is no idle task');
  if (next === current) return 0;
  k.contextSwitches++;
  switchTo(k, next);
  releaseExited(k, current);
  return next.threadInfo + __PAGE_OFFSET;
};

/**
 * The idle task (pid 0, Linux's swapper): its own kernel stack, prepared so that the first switch
 * to it pops what schedule pushes (GS, FS, EDI, ESI, EBX, EBP) and `ret`s into cpu_idle. It has an
 * address space with only the kernel half, so the page tables of an exited task can be freed while
 * it runs. It is not in k.tasks: nobody can signal, wait for or list it.
 */
export function createIdleTask(k: Kernel): Task {
  const threadInfo = k.kernelStacks.allocate();
  const space = new AddressSpace(k.ram, k.frames, k.kernelDirectory());
  const idle = new TaskClass(0, 0, space, threadInfo, { uid: 0, euid: 0, gid: 0, egid: 0 });
  k.ram.write32(threadInfo + TI_TASK, 0);
  // Below one spare word: with ESP at the very top, `esp & -THREAD_SIZE` would name the next stack.
  const frame = threadInfo + THREAD_SIZE - 4 - 28;
  [0, 0, 0, 0, 0, 0, k.image.addressOf('cpu_idle')].forEach((v, i) => k.ram.write32(frame + 4 * i, v));
  k.ram.write32(threadInfo + TI_KERNEL_ESP, frame + __PAGE_OFFSET);
  return idle;
}
