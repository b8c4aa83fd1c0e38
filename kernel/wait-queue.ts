// Wait queues: where a task that cannot go on (an empty pipe, a terminal with no line typed yet, a
// poll with nothing ready) sleeps until something changes, as Linux's wait_queue_head_t.
//
// gate86 sleeps the way wait4 already does: the service marks the task waiting, asks for a reschedule
// and returns -ERESTARTSYS; whoever changes the object wakes the queue; when the task runs again,
// do_notify_resume sees no signal and restarts the call (fidelity point 10), which then finds the data.
// A signal wakes a waiting task too, and then the restart rules decide: restart, or -EINTR for a
// handler without SA_RESTART — what Linux's interruptible sleeps do. A deadline (poll's timeout)
// wakes it at the first timer tick past it.

import type { Kernel } from './kernel.ts';
import type { Task } from './task.ts';
import { ERESTARTSYS, TIF_NEED_RESCHED, TIF_NOTIFY_RESUME } from './layout.ts';

export class WaitQueue {
  readonly sleepers = new Set<Task>();

  /** Wake every task sleeping here (each re-runs its call and sleeps again if it still must). */
  wakeAll(): void {
    for (const task of [...this.sleepers]) wakeTask(task);
  }
}

/** Make a waiting task runnable and take it off every queue it slept on. */
export function wakeTask(task: Task): void {
  for (const queue of task.sleepingOn) queue.sleepers.delete(task);
  task.sleepingOn = [];
  task.wakeAt = null;
  if (task.state === 'waiting') task.state = 'running';
}

/**
 * Sleep the current task on `queues` (and until `deadline`, monotonic ns, if given); the service
 * returns what this returns. The call runs again when the task is woken.
 */
export function sleepOn(k: Kernel, queues: WaitQueue[], deadline: bigint | null = null, restart = -ERESTARTSYS): number {
  const task = k.task();
  for (const queue of queues) queue.sleepers.add(task);
  task.sleepingOn = [...queues];
  task.wakeAt = deadline;
  task.state = 'waiting';
  k.setThreadFlag(task, TIF_NEED_RESCHED);
  k.setThreadFlag(task, TIF_NOTIFY_RESUME);
  return restart;
}

/** At each timer tick: wake the tasks whose deadline has passed. */
export function wakeExpired(k: Kernel, now: bigint): void {
  for (const task of k.tasks.values()) {
    if (task.state === 'waiting' && task.wakeAt !== null && now >= task.wakeAt) wakeTask(task);
  }
}
