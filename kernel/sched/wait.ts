// Wait queues, and how a system call sleeps (Linux's wait_event_interruptible_timeout, adapted to
// services that are TypeScript functions and cannot stop half-way).
//
// A Linux service sleeps *inside* itself: prepare_to_wait(); if (!condition) schedule(); and loops.
// A gate86 service runs to its end in one go, so the loop is split between it and entry.S:
//
//   1. The service finds it must wait (no zombie child, the futex word unchanged, no input). It calls
//      sleepOn(k, queues, {deadline}) and returns what sleepOn returned: -ESLEEPING.
//   2. entry.S sees -ESLEEPING in EAX, calls schedule (other tasks, or the idle task, run) and, when
//      this task is woken and picked again, calls the same service again with the same pt_regs.
//   3. The service starts over: it re-checks its condition, exactly as Linux re-checks the
//      condition after every wake-up. If it must still wait, it calls sleepOn again.
//
// Between those runs the task keeps a Sleep record (task.sleep): the deadline fixed by the first
// sleep of the call, and why the last sleep ended (woken / timed out / a signal). sleepOn decides
// from it, before sleeping again: a pending signal gives -ERESTARTSYS (the signal code then makes
// it -EINTR or restarts the call, fidelity 10), a passed deadline gives -ETIMEDOUT. Kernel.serve
// drops the record when the call returns anything else. A wake-up never loses its race with the
// sleep: the task is on the queue and not runnable before the service returns, and interrupts
// cannot run between the two (the service is one VMCALL).
//
// The API (used by wait4, nanosleep, futex; pipes, ttys and poll use the same):
//   new WaitQueue()                     one per thing that can be waited for
//   sleepOn(k, queues, {deadline?, interruptible?})  from a service: return its result
//   wokenBy(task)                       null on a call's first run, else why the last sleep ended
//   queue.wakeAll(k) / queue.wake(k, n) make sleepers runnable (they re-run their service)
//   wakeTask(k, task, reason)           wake one task whatever it sleeps on (signals, timers)

import type { Kernel } from '../kernel.ts';
import type { Task } from '../task.ts';
import { ERESTARTSYS, ESLEEPING, ETIMEDOUT } from '../layout.ts';
import { recalcSignalPending, signalPending } from '../signals.ts';
import { SIGKILL } from '../signal-numbers.ts';
import { addTimer, cancelTimer } from './timer.ts';

export type WakeReason = 'woken' | 'timeout' | 'signal';

/** What a task that sleeps in a system call keeps between the runs of its service. */
export interface Sleep {
  /** The queues it is on now (empty once woken). */
  queues: WaitQueue[];
  /** Host monotonic nanoseconds, or null for no timeout. Fixed by the first sleep of the call. */
  deadline: bigint | null;
  /** Signals end the sleep (TASK_INTERRUPTIBLE) or not (TASK_UNINTERRUPTIBLE). */
  interruptible: boolean;
  /** Uninterruptible, but a fatal signal (SIGKILL) ends it (TASK_KILLABLE). */
  killable: boolean;
  /** Why the last sleep ended; null while asleep. */
  wokenBy: WakeReason | null;
}

export class WaitQueue {
  /** Sleepers in arrival order (a Set keeps insertion order): wake(k, 1) is first come, first served. */
  private readonly sleepers = new Set<Task>();

  /** `emptied` runs when the last sleeper leaves, however it leaves (the futex table forgets the queue). */
  constructor(private readonly emptied: (() => void) | null = null) {}

  get size(): number { return this.sleepers.size; }
  has(task: Task): boolean { return this.sleepers.has(task); }
  /** The sleepers, oldest first (futex requeue moves them between queues). */
  tasks(): Task[] { return [...this.sleepers]; }

  add(task: Task): void { this.sleepers.add(task); }
  remove(task: Task): void {
    if (this.sleepers.delete(task) && this.sleepers.size === 0) this.emptied?.();
  }

  /** Wake up to `count` sleepers (oldest first) that `accept`; returns how many woke. */
  wake(k: Kernel, count = Infinity, accept: (task: Task) => boolean = () => true): number {
    let woken = 0;
    for (const task of [...this.sleepers]) {
      if (woken >= count) break;
      if (!accept(task)) continue;
      wakeTask(k, task, 'woken');
      woken++;
    }
    return woken;
  }

  wakeAll(k: Kernel): number { return this.wake(k); }
}

/** Is SIGKILL on its way to the task (kill -9, exit_group, a fatal signal, another thread's execve)? */
export function fatalSignalPending(task: Task): boolean {
  return task.pending.has(SIGKILL);
}

/**
 * From a service: sleep the current task on `queues` until a wake-up, the deadline (host monotonic
 * ns) or, if interruptible, a signal (if killable, SIGKILL only). Returns -ESLEEPING (return it
 * from the service), or, without sleeping, -ERESTARTSYS when such a signal is pending or
 * -ETIMEDOUT when the deadline has passed.
 */
export function sleepOn(k: Kernel, queues: WaitQueue | WaitQueue[], options: { deadline?: bigint | null; interruptible?: boolean; killable?: boolean } = {}): number {
  const task = k.task();
  const interruptible = options.interruptible ?? true;
  const killable = options.killable ?? false;
  const deadline = task.sleep !== null ? task.sleep.deadline : options.deadline ?? null;
  if (interruptible ? signalPending(task) : killable && fatalSignalPending(task)) {
    // The signal that ends the sleep must be taken on the way out: entry.S looks only at
    // TIF_SIGPENDING, so set it here, whatever changed the mask before (Linux's signal_pending() is
    // that flag itself). Without it -ERESTARTSYS reaches user space as errno 512..514, and a
    // program that loops until its handler has run (ash's `while (!got_sigchld) sigsuspend()`)
    // spins for ever.
    recalcSignalPending(k, task);
    return -ERESTARTSYS;
  }
  if (deadline !== null && k.host.monotonic() >= deadline) return -ETIMEDOUT;
  const list = Array.isArray(queues) ? queues : [queues];
  task.sleep = { queues: list, deadline, interruptible, killable, wokenBy: null };
  for (const queue of list) queue.add(task);
  if (deadline !== null) addTimer(k, task, deadline);
  task.state = 'sleeping';
  return -ESLEEPING;
}

/** Why the last sleep of the current call ended (null: this is the call's first run). */
export function wokenBy(task: Task): WakeReason | null {
  return task.sleep?.wokenBy ?? null;
}

/** Make a sleeping task runnable: off its queues and its timer; it re-runs its service when picked. */
export function wakeTask(k: Kernel, task: Task, reason: WakeReason): void {
  const sleep = task.sleep;
  if (task.state !== 'sleeping' || sleep === null) return;
  if (reason === 'signal' && !sleep.interruptible && !(sleep.killable && fatalSignalPending(task))) return;
  for (const queue of sleep.queues) queue.remove(task);
  sleep.queues = [];
  sleep.wokenBy = reason;
  cancelTimer(k, task);
  task.state = 'running';
}
