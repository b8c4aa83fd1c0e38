// Booting the gate86 kernel on the machine and running one program to its end: the glue between
// vm/machine (the PC) and kernel/kernel.ts (the TypeScript half), used by `gate86 run`, `gate86 boot`
// and the tests.
//
// The machine boots build/kernel/gate86-kernel.elf like any Multiboot kernel. The only link between
// the two halves is the VMCALL hook: at CPL 0 the machine calls Kernel.onVmcall, which finds the
// hypercall stub from EIP and runs its TypeScript function.

import { randomBytes } from 'node:crypto';
import { Machine, type MachineState } from '../vm/machine/machine.ts';
import type { ClockKind } from '../vm/machine/clock.ts';
import { cpuid } from '../vm/cpu/models.ts';
import { EAX, FS, GS, StopKind, type Cpu, type TscCounts } from '../vm/cpu/cpu.ts';
import { Kernel, type HypercallCpu, type HypercallHandler, type KernelHost, type SyscallService } from './kernel.ts';
import { readKernelImage } from './image.ts';
import { SYSCALL_SERVICES } from './services/index.ts';
import { KERNEL_ENTRY_POINTS } from './hypercalls.ts';
import { crossingTracer, type TraceRecord } from './crossing-trace.ts';
import { writeCr0 } from '../vm/cpu/system/control.ts';
import { restoreFxsaveImage, saveFxsaveImage } from '../vm/cpu/fpu/control.ts';

/** How the first process ended (`reason`: why the kernel could not exec it, with status 126). */
export type ExitStatus = { code: number; reason?: string } | { signal: number };

export interface RunOptions {
  kernel: Uint8Array;
  program: KernelHost['program'];
  cpu?: string;
  memoryMiB?: number;
  /** What the TSC counts: modelled cycles (default) or retired instructions. */
  tsc?: TscCounts;
  /** false: `--no-jit`, the interpreter alone. */
  jit?: boolean;
  /**
   * The machine's time (`--clock`): the host's (default) or the modelled clock, the CPU model's
   * cycles (vm/machine/clock.ts) — then the kernel's clocks and timeouts read it too, and a run is
   * the same on every host.
   */
  clock?: ClockKind;
  /** Program output (fd 1 and 2). */
  write(fd: number, bytes: Uint8Array): void;
  /** Console input without waiting: what has arrived (maybe nothing), 'end' once it has ended. Default: none, ended. */
  input?(max: number): Uint8Array | 'end';
  /** The root when no initramfs is given: a host directory (default '/'), read-only or not. */
  root?: { directory: string; readOnly: boolean };
  /** The host working directory the first process starts in (default: this process's). */
  cwd?: string;
  /** The initramfs (newc cpio), handed to the kernel as a Multiboot module like `-initrd`. */
  initrd?: { name: string; bytes: Uint8Array };
  isTerminal?(fd: number): boolean;
  windowSize?(): { rows: number; columns: number };
  log?(line: string): void;
  trace?: ((line: string, record?: TraceRecord) => void) | null;
  /** `--trace crossing`: each system call's ring change in and out, to `trace` (crossing-trace.ts). */
  traceCrossings?: boolean;
  /** Trace every system call on the entry path (default: whenever `trace` is given). */
  traceSyscalls?: boolean;
  /** Called when the run ends, with the machine and the kernel (tests look at MSRs, the IDT ...). */
  inspect?(machine: Machine, kernel: Kernel): void;
  /** Stop after this many instructions (tests): the result is then { kind: 'limit' }. */
  instructionLimit?: number;
  /** System call services and kernel entry points instead of the kernel's own (tests that need a broken one). */
  syscalls?: Record<string, SyscallService>;
  entryPoints?: Record<string, HypercallHandler>;
  /** Called once the kernel exists, before the machine boots. */
  attach?(kernel: Kernel): void;
  /** Called between slices with the instructions retired so far (the worker turns a Ctrl-C into SIGINT here). */
  onSlice?(instructions: number): void;
  /** Wait up to `ms` while the CPU is halted (the worker also wakes for input and Ctrl-C). */
  idle?(ms: number): void;
  /** A debugger (vm/debug/session.ts): made once the machine has booted, told after every slice. */
  debug?(machine: Machine, kernel: Kernel): MachineDebugger;
}

/** What the run loop needs from a debugger: a start (it may stop before the first instruction)
 *  and a look after each slice (it may stop the machine there until it resumes). */
export interface MachineDebugger {
  begin(): void;
  afterRun(state: MachineState): void;
}

export type RunResult =
  | { kind: 'exit'; status: ExitStatus; instructions: number }
  | { kind: 'stopped'; message: string; instructions: number }
  | { kind: 'limit'; instructions: number };

/** The vm Cpu as the kernel's hypercall handlers see it. */
function hypercallCpu(cpu: Cpu): HypercallCpu {
  return {
    regs: cpu.regs,
    get eip() { return cpu.eip; },
    cr2: () => cpu.cr[2]! >>> 0,
    selector: (segment) => cpu.segSelector[segment === 'fs' ? FS : GS]!,
    writeCr3: (value: number) => {
      cpu.cr[3] = value;
      cpu.flushTlb();
    },
    readCr0: () => cpu.cr[0]! >>> 0,
    writeCr0: (value: number) => writeCr0(cpu, value),
    saveFpu: () => saveFxsaveImage(cpu),
    restoreFpu: (image: Uint8Array) => restoreFxsaveImage(cpu, image),
    brand: () => {
      // What CPUID leaves 0x80000002-4 return, read the way Linux's get_model_name does.
      const out = new Int32Array(4);
      cpuid(cpu.model, 0x80000000, out);
      if ((out[0]! >>> 0) < 0x80000004) return '';
      let text = '';
      for (let leaf = 0x80000002; leaf <= 0x80000004; leaf++) {
        cpuid(cpu.model, leaf, out);
        for (const word of out) for (let b = 0; b < 4; b++) text += String.fromCharCode((word >>> (8 * b)) & 0xff);
      }
      return text.replace(/\0+$/, '');
    },
  };
}

/** Instructions per call to Machine.run: the granularity at which device interrupts are seen. */
const SLICE = 20_000;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export function runProgram(options: RunOptions): RunResult {
  let exit: ExitStatus | null = null;
  const machine = new Machine({
    cpu: options.cpu, memoryMiB: options.memoryMiB ?? 64, ...(options.jit === false ? { jit: false } : {}),
    ...(options.tsc !== undefined ? { tsc: options.tsc } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    consoleOut: (byte) => options.write(1, Uint8Array.of(byte)),
    consoleIn: () => -1,
  });
  const start = process.hrtime.bigint();
  const modelled = options.clock === 'modelled';
  const epoch = BigInt(Date.now()) * 1_000_000n;
  const host: KernelHost = {
    write: options.write,
    input: options.input ?? (() => 'end'),
    root: options.root,
    cwd: options.cwd ?? process.cwd(),
    isTerminal: options.isTerminal ?? (() => false),
    windowSize: options.windowSize ?? (() => ({ rows: process.stdout.rows ?? 24, columns: process.stdout.columns ?? 80 })),
    exit: (status) => {
      exit = status;
      machine.cpu.requestStop(StopKind.Request);
    },
    log: options.log ?? (() => {}),
    // On the modelled clock the kernel's time is the machine's: wall time is the boot's plus it.
    now: modelled ? () => epoch + BigInt(Math.floor(machine.clock())) : () => BigInt(Date.now()) * 1_000_000n,
    monotonic: modelled ? () => BigInt(Math.floor(machine.clock())) : () => process.hrtime.bigint() - start,
    random: (n) => new Uint8Array(randomBytes(n)),
    // The program runs as the user who runs gate86, as a native run would.
    program: { credentials: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }, ...options.program },
    trace: options.trace ?? null,
    traceSyscalls: options.traceSyscalls ?? (options.trace != null),
  };
  const image = readKernelImage(options.kernel);
  const code = { codePages: machine.memory.codePages, written: (page: number) => machine.cpu.code.invalidatePage(page) };
  const kernel = new Kernel(image, { cpu: hypercallCpu(machine.cpu), memory: machine.memory.u8, code }, host, options.syscalls ?? SYSCALL_SERVICES, options.entryPoints ?? KERNEL_ENTRY_POINTS);
  machine.system.onVmcall = () => kernel.onVmcall();
  if (options.traceCrossings === true && host.trace !== null) {
    const trace = host.trace;
    machine.system.onCrossing = crossingTracer(kernel, () => machine.cpu.regs[EAX]!, trace);
  }
  options.attach?.(kernel);
  machine.boot(options.kernel, 'gate86-kernel', '', options.initrd === undefined ? [] : [options.initrd]);
  const debug = options.debug?.(machine, kernel) ?? null;
  debug?.begin();
  const limit = options.instructionLimit ?? Number.POSITIVE_INFINITY;
  try {
    const idle = options.idle ?? ((ms: number) => { Atomics.wait(sleeper, 0, 0, ms); });
    return runLoop(machine, () => exit, limit, idle, (n) => { options.onSlice?.(n); kernel.consolePoll(); }, debug, modelled);
  } finally {
    // Instructions the machine decodes but does not implement raised #UD in the guest; say which.
    for (const [name, times] of machine.cpu.unimplemented) host.trace?.(`fault #UD from an unimplemented instruction: ${name} x${times}`);
    options.inspect?.(machine, kernel);
  }
}

function runLoop(machine: Machine, exited: () => ExitStatus | null, limit: number, idle: (ms: number) => void, onSlice: (instructions: number) => void, debug: MachineDebugger | null, modelled: boolean): RunResult {
  for (;;) {
    // Short slices: the machine looks at its devices (the PIT tick, console input) between slices.
    const state = machine.run(Math.min(SLICE, limit - machine.cpu.instructionCount));
    const instructions = machine.cpu.instructionCount;
    const exit = exited();
    if (exit !== null) return { kind: 'exit', status: exit, instructions };
    if (state.kind === 'stopped') return { kind: 'stopped', message: state.message, instructions };
    if (state.kind === 'exited') return { kind: 'stopped', message: `isa-debug-exit ${state.status}`, instructions };
    debug?.afterRun(state);
    onSlice(instructions);
    if (state.kind === 'halted') {
      // On the modelled clock the next run() moves time to the next device event itself: sleeping
      // here would spend host time on a wait the guest is not meant to feel (a sleeping process, a
      // blocked wait4). Only a machine with no event to wait for sleeps (a short one, so Ctrl-C and
      // input still come in).
      const deadline = machine.nextDeadline();
      if (!modelled || !Number.isFinite(deadline)) idle(Math.min(1000, Math.max(0, deadline - machine.clock()) / 1e6));
    }
    if (instructions >= limit) return { kind: 'limit', instructions };
  }
}
