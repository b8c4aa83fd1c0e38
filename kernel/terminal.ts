// The controlling terminal's one job gate86 has so far: Ctrl-C. A terminal sends SIGINT to its
// foreground process group; gate86 has no process groups yet (no setpgid), so every process is in
// the group of the first one, as a program's children are when a shell starts it — all get SIGINT.

import type { Kernel } from './kernel.ts';
import { TIF_SIGPENDING } from './layout.ts';
import { SIGINT } from './signal-numbers.ts';

/** siginfo si_code for a signal the kernel itself sends (a terminal's). */
const SI_KERNEL = 0x80;

/** Queue SIGINT for every live task, waking those that wait (their wait restarts or ends). */
export function terminalInterrupt(k: Kernel): void {
  for (const task of k.tasks.values()) {
    if (task.state === 'zombie') continue;
    task.signalInfo.set(SIGINT, { code: SI_KERNEL, pid: 0, uid: 0, addr: 0 });
    task.pendingSignals |= 1 << SIGINT;
    k.setThreadFlag(task, TIF_SIGPENDING);
    if (task.state === 'waiting' && (task.blockedSignals & (1 << SIGINT)) === 0) task.state = 'running';
  }
}
