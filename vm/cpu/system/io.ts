// Port I/O: IN, OUT, INS, OUTS (Intel SDM Vol. 1 chapter 19 "Input/Output"; Vol. 3A... the I/O
// permission bit map, Vol. 1 19.5.2). When CPL <= IOPL any port is allowed. Otherwise the TSS's I/O
// permission bitmap decides: one bit per port, a set bit forbids, and every port an access touches
// (a 32-bit IN at 0x3F8 touches 0x3F8-0x3FB) must be allowed; a bitmap beyond the TSS limit forbids.

import { ES, ECX, EDI, ESI, EDX, TR, SEG_UNUSABLE, type Cpu } from '../cpu.ts';
import { Vector } from '../fault.ts';
import { DF } from '../flags.ts';
import type { Binder, Op } from '../op.ts';
import { TYPE_TSS32_AVAILABLE, TYPE_TSS32_BUSY } from './descriptors.ts';
import { cplWithinIopl } from './privilege.ts';
import { systemRead16 } from './system-memory.ts';

const TSS_IO_MAP_BASE = 0x66;

/** #GP(0) unless the access of `size` bytes at `port` is allowed (IOPL, then the bitmap). */
export function checkIoPermission(cpu: Cpu, port: number, size: number): void {
  if (cplWithinIopl(cpu)) return;
  const type = cpu.segAccess[TR]! & 0xf;
  if ((cpu.segAccess[TR]! & SEG_UNUSABLE) !== 0 || (type !== TYPE_TSS32_BUSY && type !== TYPE_TSS32_AVAILABLE)) cpu.raise(Vector.GP, 0);
  const base = cpu.segBase[TR]!;
  const limit = cpu.segLimit[TR]!;
  if (limit < TSS_IO_MAP_BASE + 1) cpu.raise(Vector.GP, 0);
  const mapOffset = systemRead16(cpu, base + TSS_IO_MAP_BASE);
  const byte = mapOffset + (port >>> 3);
  if (byte + 1 > limit) cpu.raise(Vector.GP, 0);
  const bits = systemRead16(cpu, base + byte);
  const mask = ((1 << size) - 1) << (port & 7);
  if ((bits & mask) !== 0) cpu.raise(Vector.GP, 0);
}

/** Tell the debug unit about a port access (I/O breakpoints, DR7 R/W = 10 with CR4.DE): a trap after the instruction. */
function noteIo(cpu: Cpu, port: number, bytes: number): void {
  if (cpu.debugActive !== 0) cpu.debug.noteIo(port, bytes);
}

function sizeInBytes(op: Op): 1 | 2 | 4 {
  return op.size === 8 ? 1 : op.size === 16 ? 2 : 4;
}

/** IN: the port is an imm8 or DX (the form's second operand says which). */
export const bindIn: Binder = (op) => {
  const fromDx = op.form!.operands[1]!.kind === 'dx';
  const bytes = sizeInBytes(op);
  return (cpu, o) => {
    const port = fromDx ? cpu.regs16[EDX * 2]! : o.imm & 0xff;
    checkIoPermission(cpu, port, bytes);
    const value = cpu.io.in(port, bytes);
    noteIo(cpu, port, bytes);
    if (bytes === 4) cpu.regs[0] = value;
    else if (bytes === 2) cpu.regs16[0] = value;
    else cpu.regs8[0] = value;
  };
};

export const bindOut: Binder = (op) => {
  const toDx = op.form!.operands[0]!.kind === 'dx';
  const bytes = sizeInBytes(op);
  return (cpu, o) => {
    const port = toDx ? cpu.regs16[EDX * 2]! : o.imm & 0xff;
    checkIoPermission(cpu, port, bytes);
    const value = bytes === 4 ? cpu.regs[0]! >>> 0 : bytes === 2 ? cpu.regs16[0]! : cpu.regs8[0]!;
    cpu.io.out(port, bytes, value);
    noteIo(cpu, port, bytes);
  };
};

function step(cpu: Cpu, bytes: number): number {
  return (cpu.flags & DF) !== 0 ? -bytes : bytes;
}

function indexRegister(cpu: Cpu, reg: number, wide: boolean): number {
  return wide ? cpu.regs[reg]! : cpu.regs16[reg * 2]!;
}

function advance(cpu: Cpu, reg: number, wide: boolean, delta: number): void {
  if (wide) cpu.regs[reg] = (cpu.regs[reg]! + delta) | 0;
  else cpu.regs16[reg * 2] = (cpu.regs16[reg * 2]! + delta) & 0xffff;
}

/** INS: port DX to ES:(E)DI; with REP, (E)CX times. Each element completes before the next, so a
 *  fault in the middle leaves (E)CX and (E)DI ready for the restart. */
export const bindIns: Binder = (op) => {
  const bytes = sizeInBytes(op);
  const repeat = op.repeat !== 0;
  return (cpu, o) => {
    const wide = o.addressSize === 32;
    const port = cpu.regs16[EDX * 2]!;
    checkIoPermission(cpu, port, bytes);
    const delta = step(cpu, bytes);
    for (;;) {
      if (repeat && indexRegister(cpu, ECX, wide) === 0) return;
      const address = indexRegister(cpu, EDI, wide);
      cpu.writableLinear(ES, address, bytes); // the destination must be writable before the port is read
      cpu.writeSized(ES, address, bytes * 8, cpu.io.in(port, bytes));
      noteIo(cpu, port, bytes);
      advance(cpu, EDI, wide, delta);
      if (!repeat) return;
      advance(cpu, ECX, wide, -1);
    }
  };
};

export const bindOuts: Binder = (op) => {
  const bytes = sizeInBytes(op);
  const repeat = op.repeat !== 0;
  return (cpu, o) => {
    const wide = o.addressSize === 32;
    const port = cpu.regs16[EDX * 2]!;
    checkIoPermission(cpu, port, bytes);
    const delta = step(cpu, bytes);
    for (;;) {
      if (repeat && indexRegister(cpu, ECX, wide) === 0) return;
      const value = cpu.readSized(o.seg, indexRegister(cpu, ESI, wide), bytes * 8);
      cpu.io.out(port, bytes, value >>> 0);
      noteIo(cpu, port, bytes);
      advance(cpu, ESI, wide, delta);
      if (!repeat) return;
      advance(cpu, ECX, wide, -1);
    }
  };
};
