// The exception table (Linux's kernel/extable.c): for each kernel instruction allowed to fault on a
// user address (a uaccess in entry.S, such as the sixth argument's load from (%ebp)), where to
// continue instead. entry.S builds it with `.section __ex_table` pairs; the linker gathers them
// between __start___ex_table and __stop___ex_table.

import type { Kernel } from './kernel.ts';
import { physicalOf } from './mm/ram.ts';

/** The fixup address for a faulting kernel EIP, or null when the fault is a kernel bug. */
export function searchExceptionTable(k: Kernel, eip: number): number | null {
  const start = physicalOf(k.image.addressOf('__start___ex_table'));
  const stop = physicalOf(k.image.addressOf('__stop___ex_table'));
  for (let at = start; at < stop; at += 8) if (k.ram.read32(at) === eip >>> 0) return k.ram.read32(at + 4);
  return null;
}
