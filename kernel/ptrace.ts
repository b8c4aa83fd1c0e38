// System call tracing on the entry path, as Linux does it for strace (arch/i386/kernel/ptrace.c's
// do_syscall_trace, called from entry.S's syscall_trace_entry and syscall_exit_work).
//
// `--trace syscall` sets TIF_SYSCALL_TRACE on every task (traceTask: at its creation, as a tracer
// attached to the whole machine would). entry.S then calls do_syscall_trace(regs, 0) before a call
// runs and do_syscall_trace(regs, 1) after it, so the trace sees what strace sees: every call,
// including those that end in sys_ni_syscall (glibc's set_robust_list, rseq) and numbers past the
// table, whatever door they came through. The line is printed on the way out, when the result is
// known; a call that never returns (exit, exit_group, a task killed meanwhile) is printed with `= ?`
// when its task ends.
//
//   syscall 24 getuid() = 1000 [sysenter]

import type { HypercallHandler, Kernel } from './kernel.ts';
import type { Task } from './task.ts';
import type { PtRegs } from './pt-regs.ts';
import { physicalOf } from './mm/ram.ts';
import { TIF_SYSCALL_TRACE, VSYSCALL_SYSCALL_RETURN, VSYSCALL_SYSENTER_RETURN } from './layout.ts';

/** The call a traced task is in: what entry saw. */
interface TracedCall {
  number: number;
  args: number[];
  door: 'sysenter' | 'syscall' | 'int $0x80';
  /** The sleep was reported already (a call may sleep and be called again many times). */
  slept: boolean;
}

const inFlight = new WeakMap<Task, TracedCall>();
/** sys_call_names as read from the image, per kernel (the table never changes while it runs). */
const nameCache = new WeakMap<Kernel, Map<number, string>>();

/** The table's name for a number (read from the image's sys_call_names), or syscall_N. */
export function syscallName(k: Kernel, number: number): string {
  let names = nameCache.get(k);
  if (names === undefined) nameCache.set(k, names = new Map());
  const cached = names.get(number);
  if (cached !== undefined) return cached;
  const table = k.image.addressOf('sys_call_names');
  const slots = ((k.image.symbols.get('sys_call_names_end') ?? table) - table) / 4;
  let name = `syscall_${number >>> 0}`;
  if (number >= 0 && number < slots) {
    const pointer = k.ram.read32(physicalOf(table + 4 * number));
    if (pointer !== 0) {
      let text = '';
      for (let at = physicalOf(pointer); k.ram.read8(at) !== 0 && text.length < 64; at++) text += String.fromCharCode(k.ram.read8(at));
      name = text;
    }
  }
  names.set(number, name);
  return name;
}

/** With --trace syscall, a new task is traced from its first call. */
export function traceTask(k: Kernel, task: Task): void {
  if (k.host.traceSyscalls === true) k.setThreadFlag(task, TIF_SYSCALL_TRACE);
}

/**
 * The trace line, and the same as data for --trace-json. `result` is the call's value, null when
 * it never returned (`= ?`), or 'sleeps' when it went to sleep on a wait queue (kernel/sched/wait.ts:
 * strace's "<unfinished ...>"; the line with its result follows when it returns).
 */
function report(k: Kernel, task: Task, call: TracedCall, result: number | null | 'sleeps'): void {
  const name = syscallName(k, call.number);
  const args = call.args.map((a) => '0x' + (a >>> 0).toString(16)).join(', ');
  const outcome = result === 'sleeps' ? 'sleeps' : `= ${result === null ? '?' : result}`;
  k.host.trace?.(`syscall ${call.number >>> 0} ${name}(${args}) ${outcome} [${call.door}]`, {
    event: 'syscall', pid: task.pid, number: call.number >>> 0, name, args: call.args.map((a) => a >>> 0), result, door: call.door,
  });
}

/** A traced call's service put its task to sleep (it returned -ESLEEPING): say so, once per call. */
export function traceSleep(k: Kernel, task: Task): void {
  const call = inFlight.get(task);
  if (call === undefined || call.slept) return;
  call.slept = true;
  report(k, task, call, 'sleeps');
}

/** do_syscall_trace(regs, entryexit): 0 on the way in, 1 on the way out. */
export const doSyscallTrace: HypercallHandler = (k, sp) => {
  const regs = k.ptRegsAt(k.stackArg(sp, 0));
  const task = k.task();
  if (k.stackArg(sp, 1) === 0) {
    inFlight.set(task, entered(regs));
    return 0;
  }
  const call = inFlight.get(task);
  inFlight.delete(task);
  // A child's first return (ret_from_fork) comes out of a call its parent made.
  if (call !== undefined) report(k, task, call, regs.get('eax') | 0);
  return 0;
};

function entered(regs: PtRegs): TracedCall {
  return {
    number: regs.get('orig_eax') | 0,
    args: regs.args(),
    // sysenter_entry's fake iret frame returns to SYSENTER_RETURN, syscall_entry's to SYSCALL_RETURN
    // (two different addresses in the two flavours of the page); int $0x80's to after the int.
    door: regs.get('eip') === VSYSCALL_SYSENTER_RETURN ? 'sysenter' : regs.get('eip') === VSYSCALL_SYSCALL_RETURN ? 'syscall' : 'int $0x80',
    slept: false,
  };
}

/** A task ends inside a call (exit, exit_group, a fatal signal): the call's line, with no result. */
export function traceTaskExit(k: Kernel, task: Task): void {
  const call = inFlight.get(task);
  if (call === undefined) return;
  inFlight.delete(task);
  report(k, task, call, null);
}
