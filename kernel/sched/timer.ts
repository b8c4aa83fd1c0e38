// Timeouts of sleeping tasks (Linux's timer list, with the host's monotonic clock as the time base).
//
// The PIT ticks at HZ = 100 (head.S); each tick's do_IRQ calls runTimers, which wakes every task
// whose deadline has passed. So a timeout ends on the first tick at or after its deadline — the
// resolution of a Linux 2.6 kernel without high-resolution timers. When every task sleeps, the idle
// task's HLT sleeps the machine until that tick (Atomics.wait in the worker), so the host CPU rests.

import type { Kernel } from '../kernel.ts';
import type { Task } from '../task.ts';
import { wakeTask } from './wait.ts';

/** Arm (or re-arm) the task's one timer. */
export function addTimer(k: Kernel, task: Task, deadline: bigint): void {
  k.timers.set(task, deadline);
}

export function cancelTimer(k: Kernel, task: Task): void {
  k.timers.delete(task);
}

/** From the timer interrupt: wake the tasks whose deadline has passed; returns how many. */
export function runTimers(k: Kernel): number {
  if (k.timers.size === 0) return 0;
  const now = k.host.monotonic();
  let woken = 0;
  for (const [task, deadline] of [...k.timers]) {
    if (deadline > now) continue;
    k.timers.delete(task);
    wakeTask(k, task, 'timeout');
    woken++;
  }
  return woken;
}
