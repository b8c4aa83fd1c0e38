// A process as the TypeScript half of the kernel knows it (Linux's task_struct, trimmed to what the
// first services need). Its kernel stack and thread_info live in guest memory; everything else here.

import type { Rlimit } from './rlimit.ts';
import type { AddressSpace } from './mm/address-space.ts';
import type { FileTable, FsContext } from './fs/fdtable.ts';
import type { Tty } from './tty/tty.ts';
import type { Inode } from './fs/inode.ts';
import { WaitQueue, type Sleep } from './sched/wait.ts';
import type { PtRegs } from './pt-regs.ts';
import type { Kernel } from './kernel.ts';
import { SigPending, type Sigset } from './sigset.ts';

export interface Credentials { uid: number; euid: number; gid: number; egid: number }

/** struct sigaction as the kernel keeps it (handler 0 = SIG_DFL, 1 = SIG_IGN). */
export interface SignalAction { handler: number; flags: number; restorer: number; mask: Sigset }

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
  /** The thread group (the process) this task is a thread of; a new process starts its own. */
  group: ThreadGroup;
  /** exit_signal: what the parent is sent when this process ends (clone's CSIGNAL byte). */
  exitSignal = 17;
  /** The wake mask of the futex this task waits on (FUTEX_WAIT_BITSET). */
  futexBitset = 0xffffffff;
  /** set_robust_list: the head of the user's list of robust futexes held (0: none). */
  robustList = 0;
  /** The wait status a zombie leaves for its parent (exit code << 8, or the signal number). */
  waitStatus = 0;
  /** Set by execve: on its way out, entry.S loads null %fs/%gs for the new program. */
  justExeced = false;
  /** Has exec'd since fork (setpgid may no longer move it: EACCES). */
  execed = false;
  /** Set once a zombie's address space has been freed (after the switch away from it). */
  spaceReleased = false;
  /** set_tid_address: cleared (and futex-woken) at exit. */
  clearChildTid = 0;
  /** Signals sent to this thread alone (tgkill, a fault's), each with its siginfo (kernel/sigset.ts). */
  readonly pending = new SigPending();
  /** Signals blocked by sigprocmask (1..64, bit n-1 for signal n). */
  blockedSignals: Sigset = 0n;
  /** rt_sigaction's table: index = signal number. CLONE_SIGHAND threads share one array. */
  actions: SignalAction[] = Array.from({ length: 65 }, () => ({ handler: 0, flags: 0, restorer: 0, mask: 0n }));
  readonly tls: (TlsDescriptor | null)[] = [null, null, null];
  /** The executable's path, for readlink("/proc/self/exe"). */
  executable = '';
  /** The executable's inode while this task runs it: writers of it get ETXTBSY (kernel/fs/vfs.ts). */
  executableInode: Inode | null = null;
  /**
   * A vfork child: the queue its parent sleeps on until the child execs or exits (Linux's
   * vfork_done), null once it has. A vfork parent: the child it waits for.
   */
  vforkDone: WaitQueue | null = null;
  vforkChild: Task | null = null;
  /** The command name (TASK_COMM_LEN 16): the last component of the path exec was given, or prctl(PR_SET_NAME)'s. */
  comm = '';

  /** The descriptor table and the root/cwd/umask (kernel/fs/fdtable.ts): shared or copied by clone. */
  files!: FileTable;
  fs!: FsContext;
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
  /** The mask ppoll/pselect6 replaced for the length of the call (restored after it, or by a handler's sigreturn). */
  savedMask: Sigset | null = null;
  /** rt_sigtimedwait's mask while it sleeps with the awaited signals unblocked (Linux's real_blocked). */
  realBlocked: Sigset | null = null;
  /**
   * The FPU/MMX/SSE state (kernel/fpu.ts): its FXSAVE image while the task is not using the FPU, or
   * null if it has not used it since exec (Linux's used_math clear); fpuLive while its state is in
   * the FPU's registers (Linux's TS_USEDFPU: save it when switching away).
   */
  fpu: Uint8Array | null = null;
  fpuLive = false;
  /** ITIMER_REAL (alarm, setitimer): next expiry in monotonic ns (null: off) and the reload interval. */
  realTimer: { at: bigint; interval: bigint } | null = null;

  constructor(
    /** The thread id (gettid); a thread that execs takes over its group leader's (de_thread). */
    public pid: number,
    public ppid: number,
    public space: AddressSpace,
    /** Physical address of this task's thread_info (the bottom of its 8 KiB kernel stack). */
    readonly threadInfo: number,
    public credentials: Credentials,
  ) {
    this.group = new ThreadGroup(pid);
    this.group.threads.add(this);
  }

  /** getpid(): the thread group's id, the pid of its first thread. */
  get tgid(): number { return this.group.tgid; }
  /** A group leader is the thread whose tid is the process's pid (wait4 reaps leaders only). */
  get isLeader(): boolean { return this.pid === this.group.tgid; }
  /** wait4 sleeps on the process's queue until a child exits (Linux's signal->wait_chldexit). */
  get childExit(): WaitQueue { return this.group.childExit; }

  // Job control belongs to the process, so every thread sees what any one of them set.
  get pgid(): number { return this.group.pgid; }
  set pgid(v: number) { this.group.pgid = v; }
  get sid(): number { return this.group.sid; }
  set sid(v: number) { this.group.sid = v; }
  get tty(): Tty | null { return this.group.tty; }
  set tty(v: Tty | null) { this.group.tty = v; }

  // The heap's bounds belong to the address space: CLONE_VM threads share them.
  get brkStart(): number { return this.space.brkStart; }
  set brkStart(v: number) { this.space.brkStart = v; }
  get brk(): number { return this.space.brk; }
  set brk(v: number) { this.space.brk = v; }
  get mmapNext(): number { return this.space.mmapNext; }
  set mmapNext(v: number) { this.space.mmapNext = v; }
}

export type ExitStatus = { code: number } | { signal: number };

/**
 * A process as its threads share it (Linux's signal_struct): the threads, the signals sent to the
 * process as a whole (kill) rather than to one thread (tgkill, a fault), the queue wait4 sleeps on,
 * its process group, session and controlling terminal, and, once exit_group or a fatal signal has
 * begun, the status every thread leaves with.
 */
export class ThreadGroup {
  readonly threads = new Set<Task>();
  /** Signals sent to the process as a whole (kill), each with its siginfo (Linux's shared_pending). */
  readonly sharedPending = new SigPending();
  readonly childExit = new WaitQueue();
  exitStatus: ExitStatus | null = null;
  /** A thread in execve waits here for the others to end (Linux's group_exec_task and its wake-up). */
  execTask: Task | null = null;
  readonly threadExit = new WaitQueue();
  /** getrlimit/setrlimit's table: set by createTask (init's defaults), copied by fork (rlimit.ts). */
  limits: Rlimit[] = [];
  /** Job control (setpgid, setsid, TIOCSCTTY): the process group, the session, the controlling terminal. */
  pgid = 0;
  sid = 0;
  tty: Tty | null = null;
  /**
   * Linux's SIGNAL_UNKILLABLE: task 1's process, which signals from other processes cannot end
   * (kernel/signals.ts initIgnores). Set when the kernel creates task 1 and kept across its execve;
   * a fault's signal with the default action clears it (forceSignal), as force_sig_info_to_task does.
   */
  unkillable = false;
  constructor(readonly tgid: number) {}
}
