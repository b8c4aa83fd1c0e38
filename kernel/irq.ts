// do_IRQ(regs): common_interrupt in entry.S calls it for every device interrupt, with the IRQ number
// as ~irq in orig_eax (Linux's convention), and sends the PIC its end-of-interrupt afterwards.
// IRQ 0 is the timer tick (the PIT at HZ = 100): count it, wake the sleepers whose time is up
// (sched/timer.ts), and when another task could run, ask for a reschedule — taken by entry.S on the
// way back to user mode or by the idle loop (the kernel is not preemptible). The other lines are masked.

import type { HypercallHandler } from './kernel.ts';
import { TIF_NEED_RESCHED } from './layout.ts';
import { anotherRunnable } from './sched/schedule.ts';
import { runTimers } from './sched/timer.ts';
import { checkCpuLimit, runRealTimers } from './services/jobs.ts';

export const doIrq: HypercallHandler = (k, sp) => {
  const irq = (k.ptRegsAt(k.stackArg(sp, 0)).get('orig_eax') | 0) + 256;
  if (irq !== 0) {
    k.host.log(`unexpected IRQ ${irq}`);
    return 0;
  }
  k.jiffies++;
  const current = k.current;
  // Where the tick landed: the running task's user or kernel time, or the idle task's.
  if (current === null || current === k.idle) k.idleTicks++;
  else if (k.ptRegsAt(k.stackArg(sp, 0)).fromUser()) current.userTicks++;
  else current.systemTicks++;
  if (current !== null && current !== k.idle) checkCpuLimit(k, current);   // RLIMIT_CPU (services/jobs.ts)
  k.consolePoll();                                   // the host's keystrokes into the terminal (kernel/tty/console.ts)
  runTimers(k);
  runRealTimers(k);                                  // alarm and setitimer's SIGALRM (services/jobs.ts)
  if (current !== null && anotherRunnable(k, current)) k.setThreadFlag(current, TIF_NEED_RESCHED);
  return 0;
};
