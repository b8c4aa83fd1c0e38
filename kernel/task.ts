// A process as the TypeScript half of the kernel knows it (Linux's task_struct, trimmed to what the
// first services need). Its kernel stack and thread_info live in guest memory; everything else here.

import type { AddressSpace } from './mm/address-space.ts';
import { WaitQueue, type Sleep } from './sched/wait.ts';
import type { PtRegs } from './pt-regs.ts';
import type { Kernel } from './kernel.ts';

export interface Credentials { uid: number; euid: number; gid: number; egid: number }

/** struct sigaction as the kernel keeps it (handler 0 = SIG_DFL, 1 = SIG_IGN). */
export interface SignalAction { handler: number; flags: number; restorer: number; mask: number }

/** One TLS descriptor as set_thread_area stored it (struct user_desc's fields). */
export interface TlsDescriptor { base: number; limit: number; flags: number }

/**
 * running: runnable (on the CPU or waiting for it); sleeping: on wait queues or a timer until woken
 * (kernel/sched/wait.ts); zombie: exited, waiting to be reaped.
 */
export type TaskState = 'running' | 'sleeping' | 'zombie';

export class Task {
  state: TaskState = 'running';
  /** The system call this task sleeps in, between the runs of its service (null when in none). */
  sleep: Sleep | null = null;
  /** What restart_syscall continues after -ERESTART_RESTARTBLOCK (Linux's restart_block.fn). */
  restartBlock: ((k: Kernel, regs: PtRegs) => number) | null = null;
  /** wait4 sleeps here until a child exits (Linux's signal->wait_chldexit). */
  readonly childExit = new WaitQueue();
  /** The wait status a zombie leaves for its parent (exit code << 8, or the signal number). */
  waitStatus = 0;
  /** Set by execve: on its way out, entry.S loads null %fs/%gs for the new program. */
  justExeced = false;
  /** Set once a zombie's address space has been freed (after the switch away from it). */
  spaceReleased = false;
  /** Program break: where the heap starts (after exec) and where it ends now. */
  brkStart = 0;
  brk = 0;
  /** mmap hands out addresses bottom-up from here (Linux's TASK_UNMAPPED_BASE = TASK_SIZE / 3). */
  mmapNext = 0x40000000;
  /** set_tid_address: cleared (and futex-woken) at exit. */
  clearChildTid = 0;
  /** Signals waiting for delivery (a bit per signal number, 1..31). */
  pendingSignals = 0;
  /** Signals blocked by sigprocmask (bit per signal number). */
  blockedSignals = 0;
  /** What siginfo says about each pending signal (who sent it, or the faulting address). */
  readonly signalInfo = new Map<number, { code: number; pid: number; uid: number; addr: number }>();
  /** rt_sigaction's table: index = signal number. */
  readonly actions: SignalAction[] = Array.from({ length: 65 }, () => ({ handler: 0, flags: 0, restorer: 0, mask: 0 }));
  readonly tls: (TlsDescriptor | null)[] = [null, null, null];
  /** The executable's path, for readlink("/proc/self/exe"). */
  executable = '';

  constructor(
    readonly pid: number,
    public ppid: number,
    public space: AddressSpace,
    /** Physical address of this task's thread_info (the bottom of its 8 KiB kernel stack). */
    readonly threadInfo: number,
    public credentials: Credentials,
  ) {}
}
