// The kernel helpers the guest assembly calls through gates, besides the system call services:
//   boot_log(event, a, b)              head.S reports each boot step (the `gate86 boot` log)
//   kernel_init(regs)                  start_init: exec the first program into the pt_regs at regs
//   do_notify_resume(regs, flags)      entry.S's work_notifysig: signals, restart, TIF_IRET
//   schedule()                         entry.S's work_resched
//   do_IRQ(regs)                       common_interrupt
//   do_syscall_trace(regs, entryexit)  entry.S's syscall_trace_entry / syscall_exit_work (ptrace.ts)
//   do_page_fault(regs, error), do_*(regs, error)   the exception entries (error_code)
// Each reads its arguments from the guest stack (k.stackArg) like an asmlinkage C function.

import type { GateFunction, Kernel } from './kernel.ts';
import { loadProgram, startThread, ExecError } from './exec.ts';
import { exitTask } from './services/process.ts';
import { deliverSignal, nextSignal, restartSyscall } from './signals.ts';
import { pickNextTask } from './scheduler.ts';
import { doSyscallTrace } from './ptrace.ts';
import { physicalOf } from './mm/ram.ts';
import {
  TIF_NOTIFY_RESUME, BOOT_CPU, BOOT_GDT, BOOT_IDT, BOOT_VSYSCALL, BOOT_WRMSR, SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTRAP, TIF_IRET,
  TIF_NEED_RESCHED, TIF_SIGPENDING, X86_CAPABILITY, X86_FAMILY, X86_MODEL, X86_SEP_VERDICT, X86_STEPPING,
  X86_VENDOR_ID, X86_CPUID_LEVEL, X86_FEATURE_SEP_BIT, SEP_MIN_SIGNATURE, __KERNEL_CS, __KERNEL_DS, __USER_CS,
  __USER_DS, VSYSCALL_ENTRY, MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
} from './layout.ts';

const hex = (v: number): string => '0x' + (v >>> 0).toString(16);

/** boot_cpu_data as head.S left it. */
export function readBootCpuData(k: Kernel): { vendor: string; family: number; model: number; stepping: number; level: number; capability: number; sysenter: boolean } {
  const at = physicalOf(k.image.addressOf('boot_cpu_data'));
  return {
    vendor: Buffer.from(k.ram.u8.subarray(at + X86_VENDOR_ID, at + X86_VENDOR_ID + 12)).toString('latin1').replace(/\0+$/, ''),
    family: k.ram.read8(at + X86_FAMILY),
    model: k.ram.read8(at + X86_MODEL),
    stepping: k.ram.read8(at + X86_STEPPING),
    level: k.ram.read32(at + X86_CPUID_LEVEL) | 0,
    capability: k.ram.read32(at + X86_CAPABILITY),
    sysenter: k.ram.read32(at + X86_SEP_VERDICT) === 1,
  };
}

const MSR_NAMES: Record<number, string> = {
  [MSR_IA32_SYSENTER_CS]: 'IA32_SYSENTER_CS', [MSR_IA32_SYSENTER_ESP]: 'IA32_SYSENTER_ESP', [MSR_IA32_SYSENTER_EIP]: 'IA32_SYSENTER_EIP',
};

const bootLog: GateFunction = (k, sp) => {
  const [event, a, b] = [k.stackArg(sp, 0), k.stackArg(sp, 1), k.stackArg(sp, 2)];
  const log = (line: string): void => k.host.log(line);
  switch (event) {
    case BOOT_GDT:
      log(`GDT: __KERNEL_CS ${hex(__KERNEL_CS)} __KERNEL_DS ${hex(__KERNEL_DS)} __USER_CS ${hex(__USER_CS)} __USER_DS ${hex(__USER_DS)} (entries 12-15)`);
      void a; void b;
      break;
    case BOOT_IDT:
      log('IDT: exceptions 0-18, IRQs 0x20-0x2f, vector 0x80 = system_call (trap gate, DPL 3)');
      break;
    case BOOT_CPU: {
      const c = readBootCpuData(k);
      if (c.level < 0) { log('CPU: no CPUID instruction'); break; }
      const signature = (c.family << 8) | (c.model << 4) | c.stepping;
      const sep = (c.capability >>> X86_FEATURE_SEP_BIT) & 1;
      const intel = c.vendor === 'GenuineIntel';
      const rule = intel ? `(family<<8|model<<4|stepping) = ${hex(signature)} ${signature < SEP_MIN_SIGNATURE ? '<' : '>='} ${hex(SEP_MIN_SIGNATURE)}` : 'not Intel: SEP trusted';
      log(`CPU: ${c.vendor} family ${c.family} model ${c.model} stepping ${c.stepping}; SEP ${sep ? 'usable' : 'not usable'} (${rule})`);
      break;
    }
    case BOOT_VSYSCALL:
      log(`vsyscall: linux-gate.so.1 mapped at ${hex(a)} (user, read-only) with the ${b === 1 ? 'sysenter' : 'int $0x80'} stub; __kernel_vsyscall at ${hex(VSYSCALL_ENTRY)}`);
      break;
    case BOOT_WRMSR:
      log(`wrmsr ${hex(a)} (${MSR_NAMES[a] ?? 'MSR'}) = ${hex(b)}`);
      break;
    default:
      log(`boot event ${event}`);
  }
  return 0;
};

/** kernel_init(regs): task 1 execs the program the host gave; 0 on success, else the kernel stops. */
const kernelInit: GateFunction = (k, sp) => {
  const regs = k.ptRegsAt(k.stackArg(sp, 0));
  const p = k.host.program;
  const { uid, gid } = p.credentials ?? { uid: 0, gid: 0 };
  const credentials = { uid, euid: uid, gid, egid: gid };
  try {
    const loaded = loadProgram(k.ram, k.frames, k.kernelDirectory(), {
      image: p.image, path: p.path, argv: p.argv, envp: p.envp, credentials, hwcap: k.hwcap(), random: k.host.random(16),
    });
    const task = k.createInitTask(loaded.space, credentials);
    task.brkStart = task.brk = loaded.brk;
    task.executable = p.path;
    k.activate(task);
    startThread(regs, loaded.entry, loaded.stackPointer);
    k.setThreadFlag(task, TIF_IRET);            // pt_regs was written: leave through iret
    k.host.log(`exec ${p.path}: entry ${hex(loaded.entry)}, stack ${hex(loaded.stackPointer)}, AT_SYSINFO ${hex(VSYSCALL_ENTRY)}`);
    return 0;
  } catch (error) {
    if (error instanceof ExecError) {
      k.host.log(`exec ${p.path}: ${error.message}`);
      k.host.exit({ code: 126 });
      return -error.errno;
    }
    throw error;
  }
};

/**
 * do_notify_resume(regs, flags): deliver pending, unblocked signals — to a handler (a frame on the
 * user stack) or by their default action — then, if no handler ran, restart an interrupted call
 * (fidelity 10); and clear TIF_IRET, since entry.S leaves through iret from here in any case.
 */
const doNotifyResume: GateFunction = (k, sp) => {
  const regs = k.ptRegsAt(k.stackArg(sp, 0));
  const task = k.task();
  let handled = false;
  for (;;) {
    const signal = nextSignal(task.pendingSignals & ~task.blockedSignals);
    if (signal === 0) break;
    task.pendingSignals &= ~(1 << signal);
    const info = task.signalInfo.get(signal) ?? { code: 0x80, pid: 0, uid: 0, addr: 0 };
    task.signalInfo.delete(signal);
    const outcome = deliverSignal(k, task, regs, signal, info);
    if (typeof outcome === 'object') {
      exitTask(k, task, { signal: outcome.kill });
      return 0;
    }
    if (outcome === 'handled') {
      handled = true;
      break;                                         // one frame at a time, as Linux does
    }
  }
  if ((task.pendingSignals & ~task.blockedSignals) === 0) k.clearThreadFlag(task, TIF_SIGPENDING);
  if (!handled) restartSyscall(regs);
  k.clearThreadFlag(task, TIF_IRET);
  k.clearThreadFlag(task, TIF_NOTIFY_RESUME);
  const execed = task.justExeced;
  task.justExeced = false;
  return execed ? 1 : 0;                             // 1: entry.S loads null %fs/%gs
};

/**
 * do_IRQ(regs): IRQ 0 is the timer tick: count it, and when another task could run, ask for a
 * reschedule — taken by entry.S only on the way back to user mode (the kernel is not preemptible).
 * Other lines are masked; common_interrupt sends the PIC its end-of-interrupt.
 */
const doIrq: GateFunction = (k, sp) => {
  const irq = (k.ptRegsAt(k.stackArg(sp, 0)).get('orig_eax') | 0) + 256;
  if (irq !== 0) {
    k.host.log(`unexpected IRQ ${irq}`);
    return 0;
  }
  k.jiffies++;
  const current = k.current;
  if (current !== null && [...k.tasks.values()].some((t) => t !== current && t.state === 'running')) {
    k.setThreadFlag(current, TIF_NEED_RESCHED);
  }
  return 0;
};

/** The exception table entry.S built: faulting instruction -> where to continue. */
export function searchExceptionTable(k: Kernel, eip: number): number | null {
  const start = physicalOf(k.image.addressOf('__start___ex_table'));
  const stop = physicalOf(k.image.addressOf('__stop___ex_table'));
  for (let at = start; at < stop; at += 8) if (k.ram.read32(at) === eip >>> 0) return k.ram.read32(at + 4);
  return null;
}

/** A fault: from user mode the process gets `signal`; from the kernel it is fixed up or fatal. */
function trap(name: string, signal: number): GateFunction {
  return (k, sp) => {
    const regs = k.ptRegsAt(k.stackArg(sp, 0));
    const error = k.stackArg(sp, 1);
    if (regs.fromUser()) {
      const task = k.task();
      // force_sig: a fault's signal cannot be blocked or ignored (it would fault again forever).
      if ((task.blockedSignals & (1 << signal)) !== 0 || task.actions[signal]!.handler === 1) {
        task.blockedSignals &= ~(1 << signal);
        task.actions[signal] = { handler: 0, flags: 0, restorer: 0, mask: 0 };
      }
      const addr = name === 'page_fault' && k.cpu ? k.cpu.cr2() : regs.get('eip');
      task.signalInfo.set(signal, { code: 0x80, pid: 0, uid: 0, addr });
      task.pendingSignals |= 1 << signal;
      k.setThreadFlag(task, TIF_SIGPENDING);
      if (k.host.trace !== null) k.host.trace(`fault ${name} at ${hex(regs.get('eip'))} error ${hex(error)}${name === 'page_fault' && k.cpu ? ` cr2 ${hex(k.cpu.cr2())}` : ''} eax ${hex(regs.get('eax'))} -> signal ${signal}`);
      return 0;
    }
    const fixup = searchExceptionTable(k, regs.get('eip'));
    if (fixup !== null) {
      regs.set('eip', fixup);
      return 0;
    }
    throw new Error(`kernel oops: ${name} at ${hex(regs.get('eip'))} error ${hex(error)}${k.cpu ? ` cr2 ${hex(k.cpu.cr2())}` : ''}`);
  };
}

const TF = 0x100;

/**
 * do_debug: a single-step trap in the kernel is the user's TF leaking in through SYSENTER (which keeps
 * TF): the trap hits sysenter_entry's first instruction, and entry.S's `debug` has already moved the
 * frame to the real kernel stack as if it hit sysenter_past_esp (fidelity 3). As Linux 2.6.0's
 * clear_TF_reenable does, clear TF in the kernel context and carry on with the system call.
 */
const doDebug: GateFunction = (k, sp) => {
  const regs = k.ptRegsAt(k.stackArg(sp, 0));
  if (regs.fromUser()) return trap('debug', SIGTRAP)(k, sp);
  regs.set('eflags', regs.get('eflags') & ~TF);
  if (k.host.trace !== null) {
    k.host.trace(`fault debug in the kernel at ${hex(regs.get('eip'))}, pt_regs at ${hex(k.stackArg(sp, 0))}: TF cleared`);
  }
  return 0;
};

export const KERNEL_HELPERS: Record<string, GateFunction> = {
  boot_log: bootLog,
  kernel_init: kernelInit,
  do_notify_resume: doNotifyResume,
  pick_next_task: pickNextTask,
  do_IRQ: doIrq,
  do_syscall_trace: doSyscallTrace,
  do_divide_error: trap('divide_error', SIGFPE),
  do_debug: doDebug,
  do_nmi: trap('nmi', SIGSEGV),
  do_int3: trap('int3', SIGTRAP),
  do_overflow: trap('overflow', SIGSEGV),
  do_bounds: trap('bounds', SIGSEGV),
  do_invalid_op: trap('invalid_op', SIGILL),
  do_device_not_available: trap('device_not_available', SIGFPE),
  do_double_fault: trap('double_fault', SIGSEGV),
  do_coprocessor_segment_overrun: trap('coprocessor_segment_overrun', SIGFPE),
  do_invalid_TSS: trap('invalid_TSS', SIGSEGV),
  do_segment_not_present: trap('segment_not_present', SIGBUS),
  do_stack_segment: trap('stack_segment', SIGBUS),
  do_general_protection: trap('general_protection', SIGSEGV),
  do_page_fault: trap('page_fault', SIGSEGV),
  do_spurious_interrupt_bug: trap('spurious_interrupt_bug', SIGSEGV),
  do_coprocessor_error: trap('coprocessor_error', SIGFPE),
  do_alignment_check: trap('alignment_check', SIGBUS),
  do_machine_check: trap('machine_check', SIGBUS),
};
