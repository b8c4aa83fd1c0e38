// The controlling terminal's one job gate86 has so far: Ctrl-C. A terminal sends SIGINT to its
// foreground process group; gate86 has no process groups yet (no setpgid), so every process is in
// the group of the first one, as a program's children are when a shell starts it — all get SIGINT.

import type { Kernel } from './kernel.ts';
import { sendProcessSignal } from './signals.ts';
import { SIGINT } from './signal-numbers.ts';

/** siginfo si_code for a signal the kernel itself sends (a terminal's). */
const SI_KERNEL = 0x80;

/** Send SIGINT to every live task, waking those that sleep (their call restarts or ends). */
export function terminalInterrupt(k: Kernel): void {
  for (const task of k.tasks.values()) {
    if (task.isLeader) sendProcessSignal(k, task, SIGINT, { code: SI_KERNEL, pid: 0, uid: 0, addr: 0 });
  }
}
