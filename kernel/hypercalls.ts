// The kernel's own entry points into TypeScript, by the symbol the guest assembly calls. Each is a
// hypercall stub (`name: vmcall; ret`, generated into build/kernel/hypercalls.S) that head.S or
// entry.S calls like an asmlinkage C function, with its arguments on the stack; the system call
// services are the other hypercalls (services/index.ts). "Gate" in this kernel means only an IDT gate.

import type { HypercallHandler } from './kernel.ts';
import { bootLog } from './boot-log.ts';
import { kernelInit } from './init.ts';
import { doNotifyResume } from './signals.ts';
import { pickNextTask } from './sched/schedule.ts';
import { doIrq } from './irq.ts';
import { TRAP_HANDLERS } from './traps.ts';
import { doPageFault } from './mm/fault.ts';

export const KERNEL_ENTRY_POINTS: Record<string, HypercallHandler> = {
  boot_log: bootLog,                    // head.S: each step of the boot story (boot-log.ts)
  kernel_init: kernelInit,              // head.S's start_init: task 1 execs the first program (init.ts)
  do_notify_resume: doNotifyResume,     // entry.S's work_notifysig: signals, restart (signals.ts)
  pick_next_task: pickNextTask,         // entry.S's schedule (sched/schedule.ts)
  do_IRQ: doIrq,                        // entry.S's common_interrupt (irq.ts)
  do_page_fault: doPageFault,           // entry.S's page_fault (mm/fault.ts)
  ...TRAP_HANDLERS,                     // entry.S's other exception entries (traps.ts)
};
