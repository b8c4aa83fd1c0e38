// do_page_fault(regs, error_code): entry.S's page_fault entry (an interrupt gate, so CR2 is still
// this fault's when it is read here) — Linux's arch/i386/mm/fault.c. Today every user page is mapped
// when its mapping is made, so a #PF is always an access the process may not make: SIGSEGV from user
// mode, the exception table's fixup or an oops from the kernel (traps.ts handleFault).

import type { HypercallHandler } from '../kernel.ts';
import { handleFault } from '../traps.ts';
import { SIGSEGV } from '../signal-numbers.ts';

export const doPageFault: HypercallHandler = (k, sp) => {
  const regs = k.ptRegsAt(k.stackArg(sp, 0));
  const error = k.stackArg(sp, 1);
  handleFault(k, regs, 'page_fault', error, SIGSEGV, k.cpu.cr2());
  return 0;
};
