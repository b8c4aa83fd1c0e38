// Decimal adjustment: DAA DAS AAA AAS AAM AAD (SDM Vol. 2; the P6 forms: AAA/AAS adjust all of AX).

import type { Cpu } from '../cpu.ts';
import { CF, AF, OF, ZF, SF, PF, carry, adjust, materialiseFlags, parityOf } from '../flags.ts';
import { Vector } from '../fault.ts';
import type { Binder, Op } from '../op.ts';

function setFlags(cpu: Cpu, mask: number, value: number): void {
  materialiseFlags(cpu);
  cpu.flags = (cpu.flags & ~mask) | value;
}
function resultFlags(al: number): number {
  return (al === 0 ? ZF : 0) | (al & 0x80 ? SF : 0) | parityOf(al);
}

function daa(cpu: Cpu): void {
  const oldAl = cpu.regs8[0]!;
  const oldCf = carry(cpu);
  let al = oldAl;
  let flags = 0;
  if ((al & 0x0f) > 9 || adjust(cpu) !== 0) {
    al = (al + 6) & 0xff;
    flags |= AF;
  }
  if (oldAl > 0x99 || oldCf !== 0) {
    al = (al + 0x60) & 0xff;
    flags |= CF;
  }
  cpu.regs8[0] = al;
  setFlags(cpu, CF | AF | ZF | SF | PF | OF, flags | resultFlags(al));
}

function das(cpu: Cpu): void {
  const oldAl = cpu.regs8[0]!;
  const oldCf = carry(cpu);
  let al = oldAl;
  let flags = 0;
  if ((al & 0x0f) > 9 || adjust(cpu) !== 0) {
    flags |= AF;
    if (al < 6 || oldCf !== 0) flags |= CF;
    al = (al - 6) & 0xff;
  }
  if (oldAl > 0x99 || oldCf !== 0) {
    al = (al - 0x60) & 0xff;
    flags |= CF;
  }
  cpu.regs8[0] = al;
  setFlags(cpu, CF | AF | ZF | SF | PF | OF, flags | resultFlags(al));
}

function aaa(cpu: Cpu): void {
  if ((cpu.regs8[0]! & 0x0f) > 9 || adjust(cpu) !== 0) {
    cpu.regs16[0] = cpu.regs16[0]! + 0x106;
    cpu.regs8[0] = cpu.regs8[0]! & 0x0f;
    setFlags(cpu, AF | CF, AF | CF);
  } else {
    cpu.regs8[0] = cpu.regs8[0]! & 0x0f;
    setFlags(cpu, AF | CF, 0);
  }
}

function aas(cpu: Cpu): void {
  if ((cpu.regs8[0]! & 0x0f) > 9 || adjust(cpu) !== 0) {
    cpu.regs16[0] = cpu.regs16[0]! - 6;
    cpu.regs8[1] = cpu.regs8[1]! - 1;
    cpu.regs8[0] = cpu.regs8[0]! & 0x0f;
    setFlags(cpu, AF | CF, AF | CF);
  } else {
    cpu.regs8[0] = cpu.regs8[0]! & 0x0f;
    setFlags(cpu, AF | CF, 0);
  }
}

function aam(cpu: Cpu, op: Op): void {
  const base = op.imm & 0xff;
  if (base === 0) cpu.raise(Vector.DE);
  const al = cpu.regs8[0]!;
  cpu.regs8[1] = Math.floor(al / base);
  const r = al % base;
  cpu.regs8[0] = r;
  setFlags(cpu, CF | AF | ZF | SF | PF | OF, resultFlags(r));
}

function aad(cpu: Cpu, op: Op): void {
  const r = (cpu.regs8[0]! + cpu.regs8[1]! * (op.imm & 0xff)) & 0xff;
  cpu.regs16[0] = r;
  setFlags(cpu, CF | AF | ZF | SF | PF | OF, resultFlags(r));
}

export const bindDaa: Binder = () => daa;
export const bindDas: Binder = () => das;
export const bindAaa: Binder = () => aaa;
export const bindAas: Binder = () => aas;
export const bindAam: Binder = () => aam;
export const bindAad: Binder = () => aad;
