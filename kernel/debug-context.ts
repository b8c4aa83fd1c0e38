// What the kernel can tell a debugger about the moment it stopped in: which task runs, and which
// system call it is in (the step view's door line). Read from the kernel's own state: the current
// task, and the ORIG_EAX slot of its pt_regs while the CPU is in ring 0 inside a call.

import type { Machine } from '../vm/machine/machine.ts';
import type { Kernel } from './kernel.ts';
import { syscallName } from './ptrace.ts';

export function debugContext(k: Kernel, machine: Machine): { pid: number; syscall: { number: number; name: string } | null } | null {
  const task = k.current;
  if (task === null) return null;
  if (machine.cpu.cpl !== 0) return { pid: task.pid, syscall: null };
  // In the kernel: pt_regs at the top of the task's stack says why it came in (a system call's
  // number, or -1 for an exception, an IRQ's negative number). Before SAVE_ALL the slot still holds
  // the previous entry's value: the step view shows where in entry.S the CPU is as well.
  const number = k.userRegs(task).get('orig_eax') | 0;
  return { pid: task.pid, syscall: number >= 0 ? { number, name: syscallName(k, number) } : null };
}
