// The kernel's own consistency checks (what CONFIG_DEBUG_VM and friends do for Linux): after a guest
// has done its worst, is the kernel still whole? The fuzzers call these between programs.
//
//   taskProblems(k)       every task is in a state it can leave: a known state; thread_info naming it;
//                         a parent that exists (orphans go to task 1); a sleeper that something can
//                         wake (a wait queue that holds it, a deadline, or signals); a zombie whose
//                         parent can still reap it; the current task one of the tasks; no timer or
//                         futex queue holding a task that is gone;
//   pageTableProblems(k)  every page directory, page table and present page of every address space
//                         is a frame the allocator has handed out (a page mapped after it was freed
//                         would let two owners write one frame);
//   kernelCensus(k)       what a quiescent kernel holds: free frames, free kernel stacks, tasks. Take it
//                         once when nothing but the first process runs, and again at the same point
//                         later: leakedResources() compares them. A program that has exited and been
//                         reaped must have given back all it took (as long as it made no files: a
//                         tmpfs file keeps its frames, rightly).
// Each returns sentences saying what is wrong (none: all is well).

import type { Kernel } from './kernel.ts';
import type { Task } from './task.ts';
import type { AddressSpace } from './mm/address-space.ts';
import { PTE_PRESENT, TASK_SIZE, TI_TASK } from './layout.ts';

const TASK_STATES = new Set(['running', 'sleeping', 'zombie']);
const FRAME_MASK = 0xfffff000;
const KERNEL_PDE_FIRST = TASK_SIZE >>> 22;

function sleeperProblem(task: Task): string | null {
  if (task.state !== 'sleeping' || task.stopped) return null;
  const sleep = task.sleep;
  if (sleep === null) return 'sleeps outside any system call, not stopped: nothing will wake it';
  if (sleep.wokenBy !== null) return null;                      // woken, waiting to run its service again
  for (const q of sleep.queues) if (!q.has(task)) return 'sleeps on a wait queue that does not hold it';
  if (sleep.queues.length === 0 && sleep.deadline === null && !sleep.interruptible) return 'sleeps uninterruptibly on nothing, with no deadline: nothing will wake it';
  return null;
}

export function taskProblems(k: Kernel): string[] {
  const problems: string[] = [];
  if (k.current !== null && k.current !== k.idle && k.tasks.get(k.current.pid) !== k.current) problems.push(`the current task (pid ${k.current.pid}) is not in the task list`);
  for (const task of k.tasks.values()) {
    const name = `pid ${task.pid}`;
    if (!TASK_STATES.has(task.state)) problems.push(`${name} is in state '${task.state}'`);
    if (k.ram.read32(task.threadInfo + TI_TASK) !== task.pid) problems.push(`${name}'s thread_info names pid ${k.ram.read32(task.threadInfo + TI_TASK)}`);
    if (task.pid !== 1 && !k.tasks.has(task.ppid)) problems.push(`${name}'s parent, pid ${task.ppid}, does not exist (orphans belong to task 1)`);
    if (task.state === 'zombie' && task.pid !== 1 && k.tasks.get(task.ppid)?.state === 'zombie') problems.push(`${name} is a zombie whose parent is a zombie too: nobody can reap it`);
    const sleeping = sleeperProblem(task);
    if (sleeping !== null) problems.push(`${name} ${sleeping}`);
  }
  for (const task of k.timers.keys()) if (k.tasks.get(task.pid) !== task) problems.push(`a timer is armed for pid ${task.pid}, which is gone`);
  for (const [key, queue] of k.futexes) {
    for (const task of queue.tasks()) if (k.tasks.get(task.pid) !== task) problems.push(`futex ${key} holds pid ${task.pid}, which is gone`);
  }
  return problems;
}

/** The frames an address space's user half is made of: directory, tables, present pages. */
function spaceProblems(k: Kernel, space: AddressSpace, owner: string): string[] {
  const problems: string[] = [];
  const inUse = (pa: number): boolean => k.frames.holders(pa) > 0 || !k.frames.manages(pa);
  if (!inUse(space.directory)) problems.push(`${owner}'s page directory 0x${space.directory.toString(16)} is a free frame`);
  for (let slot = 0; slot < KERNEL_PDE_FIRST; slot++) {
    const pde = k.ram.read32(space.directory + slot * 4);
    if ((pde & PTE_PRESENT) === 0) continue;
    const table = (pde & FRAME_MASK) >>> 0;
    if (!inUse(table)) { problems.push(`${owner}'s page table for 0x${(slot << 22 >>> 0).toString(16)} is a free frame`); continue; }
    for (let i = 0; i < 1024; i++) {
      const pte = k.ram.read32(table + i * 4);
      if ((pte & PTE_PRESENT) !== 0 && !inUse((pte & FRAME_MASK) >>> 0)) {
        problems.push(`${owner} maps 0x${(((slot << 22) | (i << 12)) >>> 0).toString(16)} to the free frame 0x${((pte & FRAME_MASK) >>> 0).toString(16)}`);
      }
    }
  }
  return problems;
}

export function pageTableProblems(k: Kernel): string[] {
  const seen = new Set<AddressSpace>();
  const problems: string[] = [];
  for (const task of k.tasks.values()) {
    if (task.state === 'zombie' && task.spaceReleased) continue;
    if (seen.has(task.space)) continue;                          // threads share one
    seen.add(task.space);
    problems.push(...spaceProblems(k, task.space, `pid ${task.pid}`));
  }
  return problems;
}

export interface KernelCensus {
  freeFrames: number;
  kernelStacksInUse: number;
  tasks: number;
}

export function kernelCensus(k: Kernel): KernelCensus {
  return { freeFrames: k.frames.available, kernelStacksInUse: k.kernelStacks.inUse, tasks: k.tasks.size };
}

/** What a quiescent kernel holds now and did not hold at `before` (both taken at the same point). */
export function leakedResources(before: KernelCensus, now: KernelCensus): string[] {
  const problems: string[] = [];
  if (now.freeFrames !== before.freeFrames) problems.push(`${before.freeFrames - now.freeFrames} page frames not given back (free: ${before.freeFrames} before, ${now.freeFrames} now)`);
  if (now.kernelStacksInUse !== before.kernelStacksInUse) problems.push(`${now.kernelStacksInUse - before.kernelStacksInUse} kernel stacks not given back`);
  if (now.tasks !== before.tasks) problems.push(`${now.tasks - before.tasks} tasks left over (${now.tasks} now, ${before.tasks} before)`);
  return problems;
}
