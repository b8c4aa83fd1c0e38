// do_page_fault(regs, error_code): entry.S's page_fault entry (an interrupt gate, so CR2 is still
// this fault's when it is read here) — Linux's arch/i386/mm/fault.c. A fault on a user address
// goes to the address space (kernel/mm/address-space.ts `fault`): a page of an area touched for the
// first time (demand paging), a write to a copy-on-write page, the stack growing down. Then the
// CPU runs the faulting instruction again. A file mapping's page wholly past the file's end is
// SIGBUS. An address no area allows is SIGSEGV from user mode,
// the exception table's fixup or an oops from the kernel (traps.ts handleFault); no frame left is
// the OOM killer's SIGKILL.

import type { HypercallHandler } from '../kernel.ts';
import { handleFault } from '../traps.ts';
import { BUS_ADRERR, SEGV_ACCERR, SEGV_MAPERR, SIGBUS, SIGKILL, SIGSEGV } from '../signal-numbers.ts';
import { TASK_SIZE } from '../layout.ts';
import { exitGroup } from '../services/process.ts';

/** Error code bits (SDM Vol. 3A 4.7): bit 1 = the access was a write. */
const PF_WRITE = 2;

export const doPageFault: HypercallHandler = (k, sp) => {
  const regs = k.ptRegsAt(k.stackArg(sp, 0));
  const error = k.stackArg(sp, 1);
  const address = k.cpu.cr2();
  const task = k.current;
  if (task !== null && task !== k.idle && address >>> 0 < TASK_SIZE) {
    const outcome = task.space.fault(address, (error & PF_WRITE) !== 0, regs.fromUser() ? regs.get('esp') : null);
    if (outcome === 'mapped') {
      if (task.space.ptesChanged) k.flushTlb();
      task.space.ptesChanged = false;
      return 0;
    }
    if (outcome === 'oom') {
      k.host.log(`Out of memory: killed process ${task.tgid}`);
      exitGroup(k, task, { signal: SIGKILL });
      return 0;
    }
    if (outcome === 'sigbus') {
      handleFault(k, regs, 'page_fault', error, SIGBUS, address, BUS_ADRERR);
      return 0;
    }
  }
  // Linux's bad_area (SEGV_ACCERR: an area is there but forbids the access, e.g. a store into the
  // text) or bad_area_nosemaphore / no area at all (SEGV_MAPERR: the kernel half is one).
  const area = task !== null && address >>> 0 < TASK_SIZE ? task.space.findVma(address >>> 0) : null;
  handleFault(k, regs, 'page_fault', error, SIGSEGV, address, area !== null ? SEGV_ACCERR : SEGV_MAPERR);
  return 0;
};
