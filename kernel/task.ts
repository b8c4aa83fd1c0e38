// A process as the TypeScript half of the kernel knows it (Linux's task_struct, trimmed to what the
// first services need). Its kernel stack and thread_info live in guest memory; everything else here.

import type { AddressSpace } from './mm/address-space.ts';
import type { FileTable, FsContext } from './fs/fdtable.ts';
import type { Tty } from './tty/tty.ts';
import type { WaitQueue } from './wait-queue.ts';

export interface Credentials { uid: number; euid: number; gid: number; egid: number }

/** struct sigaction as the kernel keeps it (handler 0 = SIG_DFL, 1 = SIG_IGN). */
export interface SignalAction { handler: number; flags: number; restorer: number; mask: number }

/** One TLS descriptor as set_thread_area stored it (struct user_desc's fields). */
export interface TlsDescriptor { base: number; limit: number; flags: number }

export type TaskState = 'running' | 'waiting' | 'zombie';

export class Task {
  /** running: may be scheduled; waiting: blocked in wait4 until a child exits; zombie: exited. */
  state: TaskState = 'running';
  /** The wait status a zombie leaves for its parent (exit code << 8, or the signal number). */
  waitStatus = 0;
  /** Set by execve: on its way out, entry.S loads null %fs/%gs for the new program. */
  justExeced = false;
  /** Has exec'd since fork (setpgid may no longer move it: EACCES). */
  execed = false;
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
  /** The command name (TASK_COMM_LEN 16): the last component of the path exec was given, or prctl(PR_SET_NAME)'s. */
  comm = '';

  /** The descriptor table and the root/cwd/umask (kernel/fs/fdtable.ts): shared or copied by clone. */
  files!: FileTable;
  fs!: FsContext;
  /** The thread group (getpid) this task belongs to: its own pid until threads exist. */
  tgid: number;
  /** Job control: the process group and the session (setpgid, setsid), and the controlling terminal. */
  pgid = 0;
  sid = 0;
  tty: Tty | null = null;
  /** Stopped by SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU until SIGCONT. */
  stopped = false;
  /** What wait4 has yet to report: a stop (WUNTRACED, the stopping signal) or a continue (WCONTINUED). */
  stopReport = 0;
  continuedReport = false;
  /** Timer ticks spent in user and kernel mode, its own and its reaped children's (times, getrusage). */
  userTicks = 0;
  systemTicks = 0;
  childUserTicks = 0;
  childSystemTicks = 0;
  /** jiffies when the task was created (/proc/PID/stat starttime). */
  startTicks = 0;
  /** Where exec put argv's and envp's strings in user memory (/proc/PID/cmdline, environ). */
  argStart = 0;
  argEnd = 0;
  envStart = 0;
  envEnd = 0;
  /** The wait queues a waiting task sleeps on, and its deadline (monotonic ns), if any. */
  sleepingOn: WaitQueue[] = [];
  wakeAt: bigint | null = null;
  /** A sleeping call's saved deadline, for its restart (poll, select: the timeout is not re-armed). */
  restartDeadline: { call: number; deadline: bigint | null } | null = null;
  /** The mask ppoll/pselect6 replaced for the length of the call (restored after it, or by a handler's sigreturn). */
  savedMask: number | null = null;
  /** ITIMER_REAL (alarm, setitimer): next expiry in monotonic ns (null: off) and the reload interval. */
  realTimer: { at: bigint; interval: bigint } | null = null;

  constructor(
    readonly pid: number,
    public ppid: number,
    public space: AddressSpace,
    /** Physical address of this task's thread_info (the bottom of its 8 KiB kernel stack). */
    readonly threadInfo: number,
    public credentials: Credentials,
  ) {
    this.tgid = pid;
  }
}
