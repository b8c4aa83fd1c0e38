// Who may execute what (Intel SDM Vol. 3A 5.9 "Privileged instructions", 18.5 I/O privilege).

import type { Cpu } from '../cpu.ts';
import { Vector } from '../fault.ts';
import { IOPL } from '../flags.ts';
import { isProtectedMode, isVirtual8086 } from './descriptors.ts';

/** LGDT, MOV CRn, HLT, WRMSR...: only at CPL 0 (real mode counts as CPL 0); else #GP(0). */
export function requireCpl0(cpu: Cpu): void {
  if (isProtectedMode(cpu) && (cpu.cpl !== 0 || isVirtual8086(cpu))) cpu.raise(Vector.GP, 0);
}

export function iopl(cpu: Cpu): number {
  return (cpu.flags & IOPL) >>> 12;
}

/** CLI/STI (and, via the I/O bitmap, port I/O) are allowed when CPL <= IOPL. */
export function cplWithinIopl(cpu: Cpu): boolean {
  if (!isProtectedMode(cpu)) return true;
  if (isVirtual8086(cpu)) return iopl(cpu) === 3;
  return cpu.cpl <= iopl(cpu);
}
