// do_IRQ(regs): common_interrupt in entry.S calls it for every device interrupt, with the IRQ number
// as ~irq in orig_eax (Linux's convention), and sends the PIC its end-of-interrupt afterwards.
// IRQ 0 is the timer tick (the PIT at HZ = 100): count it, and when another task could run, ask for
// a reschedule — taken by entry.S only on the way back to user mode (the kernel is not preemptible).
// The other lines are masked.

import type { HypercallHandler } from './kernel.ts';
import { TIF_NEED_RESCHED } from './layout.ts';

export const doIrq: HypercallHandler = (k, sp) => {
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
