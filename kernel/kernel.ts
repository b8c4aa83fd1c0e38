// The TypeScript half of the kernel: what runs when the guest calls a hypercall stub (`vmcall; ret`).
//
// head.S and entry.S are the guest code; they call into this file only through those stubs, with their
// arguments on the guest stack as for an asmlinkage C function:
//   - a system call service (`call *sys_call_table(,%eax,4)`): the stack holds the return address,
//     then struct pt_regs itself, so the service reads EBX, ECX, ... from the frame (pt-regs.ts);
//   - one of the kernel's own entry points (do_page_fault(regs, error_code), do_notify_resume(regs),
//     boot_log(...): hypercalls.ts): the stack holds the return address, then its arguments.
// The result goes to EAX, and the guest's `ret` continues after the call.

import { initialLimits } from './rlimit.ts';
import { physicalOf, Ram, type CodeWatch } from './mm/ram.ts';
import { FrameAllocator } from './mm/frames.ts';
import { KernelStacks } from './mm/kernel-stacks.ts';
import type { AddressSpace } from './mm/address-space.ts';
import { PtRegs } from './pt-regs.ts';
import { Task } from './task.ts';
import { createIdleTask } from './sched/schedule.ts';
import type { WaitQueue } from './sched/wait.ts';
import type { KernelImage } from './image.ts';
import { Vfs } from './fs/vfs.ts';
import type { Tty } from './tty/tty.ts';
import { EFAULT, ESLEEPING, PT_REGS_SIZE, THREAD_SIZE, TI_FLAGS, TI_TASK, X86_CAPABILITY } from './layout.ts';
import { syscallName, traceSleep, traceTask } from './ptrace.ts';
import type { TraceRecord } from './crossing-trace.ts';
import { forceSignal } from './traps.ts';
import { SIGSEGV } from './signal-numbers.ts';

/** Physical memory below this (after the kernel image) holds kernel stacks; above it, user frames. */
const KERNEL_STACKS_END = 0x400000;

/** The CPU as a hypercall handler sees it (kernel/boot.ts adapts vm/cpu's Cpu to this). */
export interface HypercallCpu {
  /** The general registers in encoding order (EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI). */
  readonly regs: Int32Array;
  /** EIP just past the VMCALL. */
  readonly eip: number;
  /** CR2: the linear address of the last page fault. */
  cr2(): number;
  /** The selector in %fs or %gs (user TLS: not part of pt_regs). */
  selector(segment: 'fs' | 'gs'): number;
  /** Load CR3 (and flush the TLB, as a MOV to CR3 does). */
  writeCr3(value: number): void;
  /** MOV from and to CR0: the kernel sets and clears CR0.TS to switch the FPU lazily (kernel/fpu.ts). */
  readCr0(): number;
  writeCr0(value: number): void;
  /** FXSAVE: the FPU, MMX and SSE state as a fresh 512-byte image. */
  saveFpu(): Uint8Array;
  /** FXRSTOR of such an image. */
  restoreFpu(image: Uint8Array): void;
  /** The CPU's brand string (CPUID 0x80000002-4), '' when it has none: /proc/cpuinfo's model name. */
  brand?(): string;
}
/** Register numbers in HypercallCpu.regs (the x86 encoding order, as vm/cpu uses). */
export const REG_EAX = 0;
export const REG_ESP = 4;

/**
 * The machine the kernel is bound to, once, when it is made: the CPU its hypercalls run on, guest
 * physical memory, and the decoded-code cache its direct writes must keep honest.
 */
export interface KernelMachine {
  readonly cpu: HypercallCpu;
  readonly memory: Uint8Array;
  readonly code: CodeWatch | null;
}

/** What the kernel needs from the world outside the guest. */
export interface KernelHost {
  /** Console output for fds 1 and 2 (the program's stdout/stderr). */
  write(fd: number, bytes: Uint8Array): void;
  /** Console input, without waiting: what has arrived (maybe nothing), or 'end' once the host's stdin has ended. */
  input(max: number): Uint8Array | 'end';
  /** Is this console fd a terminal on the host (isatty)? Decides TCGETS and what fstat reports. */
  isTerminal(fd: number): boolean;
  windowSize(): { rows: number; columns: number };
  /**
   * The first process exited: status 0..255, or killed by a signal. `reason` says, in one line, why
   * it never ran when the kernel could not exec it (status 126).
   */
  exit(status: { code: number; reason?: string } | { signal: number }): void;
  /** A line of the boot log (`gate86 boot` prints them; `gate86 run` drops them). */
  log(line: string): void;
  /** Wall-clock time in nanoseconds since the epoch. */
  now(): bigint;
  /** Monotonic time in nanoseconds. */
  monotonic(): bigint;
  random(bytes: number): Uint8Array;
  /** The host directory that is the root when no initramfs was handed over (gate86 run: --root, --ro). */
  root?: { directory: string; readOnly: boolean };
  /** The host's working directory: the first process starts there when it lies inside the root. */
  cwd?: string;
  /** What the first process runs: these bytes, or (no image) the file at `path` in the root file system. */
  program: { path: string; image?: Uint8Array; argv: string[]; envp: string[]; credentials?: { uid: number; gid: number } };
  /** Trace lines (`--trace syscall`, `--trace fault`), with the same event as data when there is one
   *  (`--trace-json`): null when off. */
  trace: ((line: string, record?: TraceRecord) => void) | null;
  /** `--trace syscall`: every task gets TIF_SYSCALL_TRACE, so entry.S reports each call (ptrace.ts). */
  traceSyscalls?: boolean;
}

/** A hypercall's TypeScript side: it gets the kernel and the ESP the guest had at the VMCALL. */
export type HypercallHandler = (k: Kernel, stackPointer: number) => number;
/** A system call service: reads its arguments from pt_regs, returns EAX. */
export type SyscallService = (k: Kernel, regs: PtRegs) => number;

/** A bug in the kernel's own machinery (not in one system call): the machine cannot go on. */
export class KernelPanic extends Error {}

/** An error's message on one line. */
function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}

export class Kernel {
  readonly ram: Ram;
  readonly frames: FrameAllocator;
  readonly kernelStacks: KernelStacks;
  /** Timer ticks since boot (HZ = 100). */
  jiffies = 0;
  /** The next pid fork hands out. */
  nextPid = 2;
  readonly tasks = new Map<number, Task>();
  current: Task | null = null;
  /** The mount tree (kernel/fs/vfs.ts). */
  readonly vfs: Vfs;
  /** The console terminal (kernel/tty/), when the console is one; null when fds 0-2 are plain streams. */
  console: Tty | null = null;
  /** Take the host's console input (set at kernel_init; called between slices and at each tick). */
  consolePoll: () => void = () => {};
  /** Ticks the CPU spent with no task to run, and task switches: /proc/stat, /proc/uptime. */
  idleTicks = 0;
  contextSwitches = 0;
  /** Boot time, seconds since the epoch (/proc/stat btime). */
  readonly bootTime: number;
  /** The idle task (pid 0): runs when no task can (kernel/sched/schedule.ts); made with task 1. */
  idle: Task | null = null;
  /** Sleeping tasks' deadlines in host monotonic ns (kernel/sched/timer.ts). */
  readonly timers = new Map<Task, bigint>();
  /** Inode numbers of MAP_SHARED|MAP_ANONYMOUS objects handed out so far (kernel/mm/shmem.ts). */
  shmemInodes = 0;
  /** Futex wait queues by key (kernel/services/futex.ts). */
  readonly futexes = new Map<string, WaitQueue>();
  /** Threads that have exited and reaped themselves: their kernel stacks go after the switch away. */
  readonly exited: Task[] = [];
  /** Handlers by the stub's offset from __hypercalls_start: an array, so a VMCALL costs no hashing. */
  private readonly hypercallHandlers: (HypercallHandler | undefined)[] = [];
  private readonly hypercallsStart: number;

  /** The CPU the hypercalls run on (CR2 for do_page_fault, CR3 for exec and switch_mm, %fs/%gs for fork). */
  readonly cpu: HypercallCpu;

  constructor(
    readonly image: KernelImage,
    machine: KernelMachine,
    readonly host: KernelHost,
    syscalls: Record<string, SyscallService>,
    entryPoints: Record<string, HypercallHandler>,
  ) {
    const memory = machine.memory;
    this.cpu = machine.cpu;
    this.ram = new Ram(memory, machine.code);
    this.serviceRegs = new PtRegs(this.ram, 0);
    this.vfs = new Vfs(this);
    this.bootTime = Number(host.now() / 1_000_000_000n);
    // Frames for user pages and page tables: everything above the kernel image and the early map
    // (head.S's direct map covers 0..8 MiB; the TypeScript half reaches any frame physically).
    const kernelEnd = physicalOf(image.addressOf('_end'));
    this.frames = new FrameAllocator(this.ram, KERNEL_STACKS_END, memory.length);
    this.kernelStacks = new KernelStacks(this.ram, kernelEnd, KERNEL_STACKS_END);
    this.hypercallsStart = image.addressOf('__hypercalls_start');
    for (const [address, name] of image.hypercalls) {
      const service = syscalls[name];
      const entryPoint = entryPoints[name];
      const slot = address - this.hypercallsStart;
      if (service !== undefined) this.hypercallHandlers[slot] = (k, sp) => k.serve(service, k.serviceRegsAt(sp + 4));
      else if (entryPoint !== undefined) this.hypercallHandlers[slot] = entryPoint;
      else throw new Error(`kernel: the hypercall stub ${name} has no TypeScript function (the kernel image and the services are out of step: npm run build)`);
    }
  }

  /**
   * The machine's VMCALL hook: EIP is past the 3-byte VMCALL, so the stub starts 3 bytes back. A
   * host exception in one of the kernel's own entry points (the page fault handler, the scheduler,
   * signal delivery ...) leaves no task to blame and no state to trust: a kernel panic, which stops
   * the machine with one line naming the entry point. A system call's is an oops (serve).
   */
  onVmcall(): void {
    const cpu = this.cpu;
    const stub = (cpu.eip - 3) >>> 0;
    const fn = stub >= this.hypercallsStart ? this.hypercallHandlers[stub - this.hypercallsStart] : undefined;
    if (fn === undefined) throw new KernelPanic(`vmcall at 0x${stub.toString(16)}: not a hypercall stub`);
    try {
      cpu.regs[REG_EAX] = fn(this, cpu.regs[REG_ESP]! >>> 0);
    } catch (error) {
      if (error instanceof KernelPanic) throw error;
      const name = this.image.hypercalls.get(stub) ?? `0x${stub.toString(16)}`;
      throw new KernelPanic(`kernel panic in ${name}: ${oneLine(error)}`);
    }
  }

  /**
   * The pt_regs a system call service is given: one object, pointed at each call's frame (a service
   * call allocates nothing). Valid for the call: no service keeps it (a sleeping call is called
   * again with its frame, kernel/sched/wait.ts).
   */
  private readonly serviceRegs: PtRegs;

  serviceRegsAt(kernelAddress: number): PtRegs {
    const regs = this.serviceRegs;
    regs.physical = physicalOf(kernelAddress);
    return regs;
  }

  /** Run a system call service (its tracing is on the entry path: kernel/ptrace.ts). */
  serve(service: SyscallService, regs: PtRegs): number {
    const task = this.current;
    let result: number;
    try {
      result = service(this, regs);
    } catch (error) {
      if (error instanceof KernelPanic) throw error;
      result = this.oops(this.entryPointName(regs.get('orig_eax')), regs, error);
    }
    // A call that slept keeps its Sleep record until it returns for real (kernel/sched/wait.ts).
    if (result !== -ESLEEPING && task !== null) task.sleep = null;
    else if (task !== null && this.host.traceSyscalls === true) traceSleep(this, task);
    // It took rights or frames from present pages (fork's copy-on-write, munmap): no stale TLB entry.
    const current = this.current;
    if (current !== null && current.space.ptesChanged) {
      current.space.ptesChanged = false;
      this.flushTlb();
    }
    return result;
  }

  /**
   * A bug in a system call service (a host exception escaped it): Linux's oops. The console gets one
   * line naming the call, its arguments and the task; the task is killed by SIGSEGV, as Linux's die()
   * does; the machine and every other task go on. The call itself returns -EFAULT, which nobody sees.
   */
  private oops(name: string, regs: PtRegs, error: unknown): number {
    const task = this.current;
    const args = regs.args().map((a) => '0x' + (a >>> 0).toString(16)).join(', ');
    const who = task === null ? 'no task' : `pid ${task.pid}`;
    const line = `kernel oops: ${name}(${args}) from ${who}: ${oneLine(error)}; ${who} killed`;
    this.oopses.push(line);
    this.host.log(line);
    this.host.write(2, new TextEncoder().encode(line + '\n'));
    if (task !== null) forceSignal(this, SIGSEGV, 0);
    return -EFAULT;
  }

  /** The entry point sys_call_table[number] names (sys_getpid), as an oops names the function. */
  private entryPointName(number: number): string {
    const table = this.image.addressOf('sys_call_table');
    const slots = (this.image.addressOf('sys_call_names') - table) / 4;      // the generator puts the names right after the table
    const stub = number >= 0 && number < slots ? this.ram.read32(physicalOf(table + 4 * number)) : 0;
    return this.image.hypercalls.get(stub) ?? syscallName(this, number);
  }

  /** Every oops so far, for the fuzzers' consistency checks. */
  readonly oopses: string[] = [];

  /** The dword at a kernel stack address (an entry point's n-th argument is at sp + 4 + 4n). */
  stackArg(stackPointer: number, n: number): number {
    return this.ram.read32(physicalOf(stackPointer + 4 + 4 * n));
  }

  ptRegsAt(kernelAddress: number): PtRegs {
    return new PtRegs(this.ram, physicalOf(kernelAddress));
  }

  /** The current task's thread_info flags (entry.S tests them on every exit). */
  setThreadFlag(task: Task, bit: number): void {
    this.ram.write32(task.threadInfo + TI_FLAGS, this.ram.read32(task.threadInfo + TI_FLAGS) | (1 << bit));
  }
  clearThreadFlag(task: Task, bit: number): void {
    this.ram.write32(task.threadInfo + TI_FLAGS, this.ram.read32(task.threadInfo + TI_FLAGS) & ~(1 << bit));
  }
  threadFlags(task: Task): number {
    return this.ram.read32(task.threadInfo + TI_FLAGS);
  }

  /** The running task; a hypercall that needs one when none runs is a kernel bug. */
  task(): Task {
    if (this.current === null) throw new Error('kernel: no current task');
    return this.current;
  }

  /** Create task 1 on the init stack head.S used (init_thread_union). */
  createInitTask(space: Task['space'], credentials: Task['credentials']): Task {
    const threadInfo = physicalOf(this.image.addressOf('init_thread_union'));
    const task = new Task(1, 0, space, threadInfo, credentials);
    this.ram.write32(threadInfo + TI_TASK, task.pid);
    task.group.limits = initialLimits(this.kernelStacks.capacity);
    task.group.unkillable = true;
    this.tasks.set(task.pid, task);
    this.current = task;
    this.idle = createIdleTask(this);
    traceTask(this, task);
    return task;
  }

  /** A new task on a fresh kernel stack (fork). */
  createTask(ppid: number, space: Task['space'], credentials: Task['credentials']): Task {
    const threadInfo = this.kernelStacks.allocate();
    const task = new Task(this.nextPid++, ppid, space, threadInfo, { ...credentials });
    this.ram.write32(threadInfo + TI_TASK, task.pid);
    this.tasks.set(task.pid, task);
    traceTask(this, task);
    return task;
  }

  /** The pt_regs at the top of a task's kernel stack (where every user->kernel entry puts them). */
  userRegs(task: Task): PtRegs {
    return new PtRegs(this.ram, task.threadInfo + THREAD_SIZE - PT_REGS_SIZE);
  }

  /** CPUID leaf 1 EDX as head.S stored it in boot_cpu_data (with SEP cleared on a Pentium Pro). */
  hwcap(): number {
    return this.ram.read32(physicalOf(this.image.addressOf('boot_cpu_data')) + X86_CAPABILITY);
  }

  /** The kernel's page directory (physical): every address space copies its kernel half. */
  kernelDirectory(): number {
    return physicalOf(this.image.addressOf('swapper_pg_dir'));
  }

  /** After unmapping or write-protecting the current task's pages: reload CR3 so no stale TLB entry survives. */
  flushTlb(): void {
    this.loadedSpace = this.task().space;
    this.cpu.writeCr3(this.loadedSpace.directory);
  }

  /** The address space CR3 holds now (the idle task borrows the last one: sched/schedule.ts). */
  loadedSpace: AddressSpace | null = null;

  /** Switch the MMU to a task's address space (CR3), as switch_mm does. */
  activate(task: Task): void {
    this.loadedSpace = task.space;
    this.cpu.writeCr3(task.space.directory);
  }
}
