// String instructions: MOVS, CMPS, STOS, LODS, SCAS, with REP / REPE / REPNE.
//
// Addresses are (E)SI and (E)DI by the address size; the source segment is DS unless overridden, the
// destination is always ES. Each iteration updates ECX/ESI/EDI before the next, so a fault in the
// middle of a REP leaves the registers at the faulting element and EIP at the instruction: the
// instruction restarts where it stopped, as on the real CPU.

import { ECX, ESI, EDI, ES, FAST_READ, FAST_WRITE, type Cpu } from '../cpu.ts';
import { DF, ZF, zero } from '../flags.ts';
import type { Binder, Op } from '../op.ts';
import { getRegister, setRegister } from './operands.ts';
import { arithmetic, CMP } from './alu.ts';

const MOVS = 0, CMPS = 1, STOS = 2, LODS = 3, SCAS = 4;
const NAMES = ['movs', 'cmps', 'stos', 'lods', 'scas'];

function index(cpu: Cpu, reg: number, op: Op): number {
  return op.addressSize === 32 ? cpu.regs[reg]! : cpu.regs16[reg << 1]!;
}
function advance(cpu: Cpu, reg: number, op: Op, delta: number): void {
  if (op.addressSize === 32) cpu.regs[reg] = (cpu.regs[reg]! + delta) | 0;
  else cpu.regs16[reg << 1] = cpu.regs16[reg << 1]! + delta;
}

/** One element of the string operation. Returns false when a REPE/REPNE condition ends the loop. */
function step(cpu: Cpu, op: Op, delta: number): void {
  const bits = op.size;
  switch (op.kind) {
    case MOVS: {
      const v = cpu.readSized(op.seg, index(cpu, ESI, op), bits);
      cpu.writeSized(ES, index(cpu, EDI, op), bits, v);
      advance(cpu, ESI, op, delta);
      advance(cpu, EDI, op, delta);
      break;
    }
    case CMPS: {
      // ES:EDI is read first, as on the CPU: with both operands unmapped the page fault names EDI's
      // address, and a misaligned ESI loses to a page fault on EDI (test/kernel/alignment-check.test.ts).
      const b = cpu.readSized(ES, index(cpu, EDI, op), bits);
      const a = cpu.readSized(op.seg, index(cpu, ESI, op), bits);
      arithmetic(cpu, CMP, a, b, bits);
      advance(cpu, ESI, op, delta);
      advance(cpu, EDI, op, delta);
      break;
    }
    case STOS:
      cpu.writeSized(ES, index(cpu, EDI, op), bits, getRegister(cpu, 0, bits));
      advance(cpu, EDI, op, delta);
      break;
    case LODS:
      setRegister(cpu, 0, bits, cpu.readSized(op.seg, index(cpu, ESI, op), bits));
      advance(cpu, ESI, op, delta);
      break;
    default: { // SCAS
      const b = cpu.readSized(ES, index(cpu, EDI, op), bits);
      arithmetic(cpu, CMP, getRegister(cpu, 0, bits), b, bits);
      advance(cpu, EDI, op, delta);
      break;
    }
  }
}

function once(cpu: Cpu, op: Op): void {
  step(cpu, op, (cpu.flags & DF) !== 0 ? -(op.size >> 3) : op.size >> 3);
}

/**
 * Iterations a REP instruction runs before letting the run loop look at pending interrupts and the
 * instruction limit. It then leaves EIP at itself, so the next run resumes it (the registers already
 * say how far it got), exactly as a real CPU does when an interrupt arrives mid-string.
 */
const REP_CHUNK = 65536;

/**
 * REP MOVS / REP STOS, forward, 32-bit addresses, flat segments: copy or fill whole runs that stay
 * within one source and one destination page with typed-array operations. Returns false when the
 * general loop must do the work (a TLB miss, a page holding code, an overlap that must replicate,
 * a backward copy...). Each run updates ECX/ESI/EDI as the element loop would.
 */
function blockTransfer(cpu: Cpu, op: Op): boolean {
  if ((cpu.flags & DF) !== 0 || op.addressSize !== 32 || (cpu.segDataFast[ES]! & FAST_WRITE) === 0) return false;
  const movs = op.kind === MOVS;
  if (movs && (cpu.segDataFast[op.seg]! & FAST_READ) === 0) return false;
  const bytes = op.size >> 3;
  const r = cpu.regs;
  const tlb = cpu.tlb;
  for (let runs = 0; runs < 64; runs++) {
    const count = r[ECX]! >>> 0;
    if (count === 0) return true;
    const dst = r[EDI]!;
    const dstEntry = tlb[dst >>> 12]!;
    if ((dstEntry & cpu.tlbWriteMask) === 0) return false;
    let room = 0x1000 - (dst & 0xfff);
    let src = 0;
    let srcEntry = 0;
    if (movs) {
      src = r[ESI]!;
      srcEntry = tlb[src >>> 12]!;
      if ((srcEntry & cpu.tlbReadMask) === 0) return false;
      room = Math.min(room, 0x1000 - (src & 0xfff));
    }
    const elements = Math.min(count, Math.floor(room / bytes));
    if (elements === 0) return false; // an element straddles a page: the element loop handles it
    const length = elements * bytes;
    const d = (dstEntry & ~0xfff) | (dst & 0xfff);
    if (movs) {
      const p = (srcEntry & ~0xfff) | (src & 0xfff);
      // A forward copy onto a later, overlapping destination replicates bytes: not a memmove.
      if (d > p && d < p + length) return false;
      cpu.ram8.copyWithin(d, p, p + length);
      r[ESI] = (src + length) | 0;
    } else if (bytes === 1) {
      cpu.ram8.fill(r[0]! & 0xff, d, d + length);
    } else if (bytes === 4 && (d & 3) === 0) {
      cpu.ram32.fill(r[0]!, d >>> 2, (d >>> 2) + elements);
    } else {
      return false;
    }
    r[EDI] = (dst + length) | 0;
    r[ECX] = count - elements;
  }
  return r[ECX] === 0;
}

/** REP: the elements moved are priced where they happen (the cycle model's stringElement, per element). */
function repeated(cpu: Cpu, op: Op): void {
  const before = op.addressSize === 32 ? cpu.regs[ECX]! >>> 0 : cpu.regs16[ECX << 1]!;
  try {
    repeatElements(cpu, op);
  } finally { // a fault mid-string still pays for the elements it did
    const after = op.addressSize === 32 ? cpu.regs[ECX]! >>> 0 : cpu.regs16[ECX << 1]!;
    cpu.centicycles += (before - after) * cpu.cycleCosts.stringElement;
  }
}

function repeatElements(cpu: Cpu, op: Op): void {
  cpu.stringInterrupted = false;
  if ((op.kind === MOVS || op.kind === STOS) && blockTransfer(cpu, op)) {
    cpu.eip = op.next;
    return;
  }
  const delta = (cpu.flags & DF) !== 0 ? -(op.size >> 3) : op.size >> 3;
  const wide = op.addressSize === 32;
  const conditional = op.kind === CMPS || op.kind === SCAS;
  const untilEqual = op.repeat === 0xf2; // REPNE stops when ZF = 1; REPE when ZF = 0
  // A data breakpoint (the guest's DR0-DR3, a debugger's watchpoint) is reported after the
  // iteration that met it, not after the chunk (SDM Vol. 3A 17.3.1.2): only looked for while the
  // debug unit is armed, when every access to a watched page takes the slow path that notes it.
  const watched = cpu.debugActive !== 0;
  for (let n = 0; n < REP_CHUNK; n++) {
    const count = wide ? cpu.regs[ECX]! : cpu.regs16[ECX << 1]!;
    if (count === 0) break;
    step(cpu, op, delta);
    if (wide) cpu.regs[ECX] = count - 1;
    else cpu.regs16[ECX << 1] = count - 1;
    if (conditional && ((zero(cpu) === ZF) === untilEqual)) break;
    if ((n === REP_CHUNK - 1 || (watched && cpu.debug.dataHitPending())) && count !== 1) {
      cpu.eip = op.address;
      cpu.stringInterrupted = true;
      cpu.exitBlock = 1;
      return;
    }
  }
  cpu.eip = op.next;
}

export const bindString: Binder = (op, insn) => {
  op.kind = NAMES.indexOf(insn.form!.operation);
  const canRepeat = insn.form!.repeat !== undefined;
  if (!canRepeat || op.repeat === 0) return once;
  // F2 on MOVS/STOS/LODS acts as REP on real CPUs. The executor sets EIP itself (it may stop early).
  op.isBranch = true;
  return repeated;
};
