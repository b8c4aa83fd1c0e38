// Signal delivery on the way back to user mode (Linux's do_notify_resume / do_signal), reduced to
// what gate86 has: no handlers yet, so every pending signal takes its default action, and for the
// signals the fault handlers send that action is to kill the process.
//
// System call restart (fidelity point 10) lives here too: a call interrupted with -ERESTART* is
// re-executed by backing EIP up 2 bytes and putting the number back in EAX. For `int $0x80` those 2
// bytes are the `cd 80` itself; for sysenter the saved EIP is SYSENTER_RETURN, and 2 bytes before it
// is the `jmp` back to `mov %esp,%ebp; sysenter` in the vsyscall page.

import type { PtRegs } from './pt-regs.ts';
import { ERESTARTNOHAND, ERESTARTNOINTR, ERESTARTSYS } from './layout.ts';

/** Does this pt_regs hold an interrupted system call that must restart (no handler runs)? */
export function restartSyscall(regs: PtRegs): boolean {
  const origEax = regs.get('orig_eax') | 0;
  if (origEax < 0) return false;                      // an interrupt or exception, not a call
  const eax = regs.get('eax') | 0;
  if (eax !== -ERESTARTSYS && eax !== -ERESTARTNOINTR && eax !== -ERESTARTNOHAND) return false;
  regs.set('eax', origEax);
  regs.set('eip', regs.get('eip') - 2);
  return true;
}

/** The lowest pending signal number, or 0. */
export function nextSignal(pending: number): number {
  for (let signal = 1; signal < 32; signal++) if ((pending & (1 << signal)) !== 0) return signal;
  return 0;
}
