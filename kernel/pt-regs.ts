// struct pt_regs in guest memory: the frame entry.S leaves on the kernel stack (fidelity point 6).
// A service reads its arguments here exactly as an asmlinkage C function would read them from its
// stack: sys_write(fd, buf, count) is EBX, ECX, EDX. Writes change what RESTORE_ALL/iret restores.

import {
  PT_EAX, PT_EBP, PT_EBX, PT_ECX, PT_EDI, PT_EDX, PT_EFLAGS, PT_EIP, PT_ESI, PT_OLDESP, PT_ORIG_EAX, PT_CS, PT_DS,
  PT_ES, PT_OLDSS,
} from './layout.ts';
import type { Ram } from './mm/ram.ts';

export type PtRegsField = 'ebx' | 'ecx' | 'edx' | 'esi' | 'edi' | 'ebp' | 'eax' | 'ds' | 'es' | 'orig_eax' | 'eip' | 'cs'
  | 'eflags' | 'esp' | 'ss';

export const PT_REGS_OFFSETS: Record<PtRegsField, number> = {
  ebx: PT_EBX, ecx: PT_ECX, edx: PT_EDX, esi: PT_ESI, edi: PT_EDI, ebp: PT_EBP, eax: PT_EAX, ds: PT_DS, es: PT_ES,
  orig_eax: PT_ORIG_EAX, eip: PT_EIP, cs: PT_CS, eflags: PT_EFLAGS, esp: PT_OLDESP, ss: PT_OLDSS,
};

export class PtRegs {
  /** `physical` is where the frame lies in guest RAM (its kernel address minus __PAGE_OFFSET). */
  constructor(private readonly ram: Ram, physical: number) {
    this.physical = physical;
  }
  /** Where the frame lies. Changed only by Kernel.serve, which points one PtRegs at each call's frame. */
  physical: number;

  get(field: PtRegsField): number { return this.ram.read32(this.physical + PT_REGS_OFFSETS[field]); }
  set(field: PtRegsField, value: number): void { this.ram.write32(this.physical + PT_REGS_OFFSETS[field], value); }

  /** The six system call arguments, as signed 32-bit values are reinterpreted by each service. */
  args(): [number, number, number, number, number, number] {
    return [this.get('ebx'), this.get('ecx'), this.get('edx'), this.get('esi'), this.get('edi'), this.get('ebp')];
  }

  /** Was the interrupted context user mode? (CS's RPL) */
  fromUser(): boolean { return (this.get('cs') & 3) === 3; }
}
