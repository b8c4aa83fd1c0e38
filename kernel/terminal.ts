// What the host's terminal does to the guest from outside the line discipline:
//   - a Ctrl-C the host saw as SIGINT (its terminal was not in raw mode: stdin is not a terminal, so
//     there is no guest tty): SIGINT for every guest process, as a terminal sends it to its foreground
//     group when the program and its children are all in it;
//   - the host terminal was resized: the console tty's size changes and its foreground group gets
//     SIGWINCH (kernel/tty/console.ts).
// With a guest tty, Ctrl-C is a byte like any other and kernel/tty/tty.ts turns it into SIGINT.

import type { Kernel } from './kernel.ts';
import { queueSignal, SI_KERNEL, signalGroup } from './signals.ts';

import { SIGINT, SIGWINCH } from './signal-numbers.ts';

export function terminalInterrupt(k: Kernel): void {
  const tty = k.console;
  if (tty !== null && tty.foregroundGroup > 0) {
    signalGroup(k, tty.foregroundGroup, SIGINT);
    return;
  }
  for (const task of [...k.tasks.values()]) if (task.isLeader) queueSignal(k, task, SIGINT, { code: SI_KERNEL, pid: 0, uid: 0, addr: 0 });
}

export function terminalResized(k: Kernel, rows: number, columns: number): void {
  const tty = k.console;
  if (tty === null || (tty.rows === rows && tty.columns === columns)) return;
  tty.rows = rows;
  tty.columns = columns;
  if (tty.foregroundGroup > 0) signalGroup(k, tty.foregroundGroup, SIGWINCH);
}
