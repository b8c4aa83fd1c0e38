// The kernel's own consistency checks (what CONFIG_DEBUG_VM and friends do for Linux): after a guest
// has done its worst, is the kernel still whole? The fuzzers call these between programs.
//
//   taskProblems(k)            every task is in a state that can end: a known state, thread_info
//                              naming it, a parent that exists (task 1's children are reparented
//                              to it), a zombie only while its parent can still reap it, the
//                              current task one of the tasks;
//   kernelCensus(k)            the resources a quiescent kernel holds: free frames, free kernel
//                              stacks, tasks. Take it once when nothing but the first process runs,
//                              and again at the same point later: leakedResources() compares them.
//                              Every program that has exited and been reaped must have given back
//                              everything it took.
// Each returns sentences saying what is wrong (none: all is well).

import type { Kernel } from './kernel.ts';
import { TI_TASK } from './layout.ts';

const TASK_STATES = new Set(['running', 'waiting', 'zombie']);

export function taskProblems(k: Kernel): string[] {
  const problems: string[] = [];
  if (k.current !== null && k.tasks.get(k.current.pid) !== k.current) problems.push(`the current task (pid ${k.current.pid}) is not in the task list`);
  for (const task of k.tasks.values()) {
    const name = `pid ${task.pid}`;
    if (!TASK_STATES.has(task.state)) problems.push(`${name} is in state '${task.state}'`);
    if (k.ram.read32(task.threadInfo + TI_TASK) !== task.pid) problems.push(`${name}'s thread_info names pid ${k.ram.read32(task.threadInfo + TI_TASK)}`);
    if (task.pid !== 1 && !k.tasks.has(task.ppid)) problems.push(`${name}'s parent, pid ${task.ppid}, does not exist (orphans belong to task 1)`);
    if (task.state === 'zombie' && task.pid !== 1 && k.tasks.get(task.ppid)?.state === 'zombie') problems.push(`${name} is a zombie whose parent is a zombie too: nobody can reap it`);
  }
  return problems;
}

export interface KernelCensus {
  freeFrames: number;
  freeKernelStacks: number;
  tasks: number;
}

export function kernelCensus(k: Kernel): KernelCensus {
  return { freeFrames: k.frames.available, freeKernelStacks: k.kernelStacks.available, tasks: k.tasks.size };
}

/** What a quiescent kernel holds now and did not hold at `before` (both taken at the same point). */
export function leakedResources(before: KernelCensus, now: KernelCensus): string[] {
  const problems: string[] = [];
  if (now.freeFrames !== before.freeFrames) problems.push(`${before.freeFrames - now.freeFrames} page frames not given back (free: ${before.freeFrames} before, ${now.freeFrames} now)`);
  if (now.freeKernelStacks !== before.freeKernelStacks) problems.push(`${before.freeKernelStacks - now.freeKernelStacks} kernel stacks not given back`);
  if (now.tasks !== before.tasks) problems.push(`${now.tasks - before.tasks} tasks left over (${now.tasks} now, ${before.tasks} before)`);
  return problems;
}
