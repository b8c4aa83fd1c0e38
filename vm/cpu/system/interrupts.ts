// Interrupts and exceptions through the IDT, and IRET (Intel SDM Vol. 3A chapter 6; Vol. 2A "INT n"
// and "IRET" operation sections). This is the path an `int $0x80` takes:
//
//   1. the gate: IDT entry vector*8 must lie inside IDTR.limit, be an interrupt, trap or task gate,
//      be present (#NP), and for a software INT have DPL >= CPL (else #GP(vector*8+2), 6.12.1.1);
//   2. the target code segment named by the gate: a present code segment with DPL <= CPL;
//   3. a privilege change when that DPL is below CPL: SS:ESP for the new ring come from the TSS
//      (6.12.1, "stack switching"), and the old SS and ESP are pushed on the new stack;
//   4. EFLAGS, CS, EIP (and an error code for exceptions 8, 10-14, 17) are pushed;
//   5. TF, NT, RF and VM are cleared, and IF too when the gate is an interrupt gate (not a trap gate:
//      Linux's int $0x80 gate is a trap gate, so system calls run with interrupts enabled);
//   6. CS:EIP = the gate's selector:offset, and CPL = the target segment's DPL.
// IRET undoes it, popping SS:ESP too when it returns to an outer ring.
//
// A fault while delivering becomes the event delivered instead, or #DF when the pair is one the SDM's
// table 6-5 calls double-fault material; a fault while delivering #DF shuts the CPU down.

import { CS, SS, ESP, StopKind, SEG_BIG, type Cpu } from '../cpu.ts';
import { EventKind, Vector, NO_ERROR_CODE, pushedEflags } from '../fault.ts';
import { AC, CF, DF, ID, IF, IOPL, NT, OF, PF, AF, RF, SF, TF, VIF, VIP, VM, ZF, materialiseFlags, readEflags, overflow } from '../flags.ts';
import type { Binder, Executor } from '../op.ts';
import {
  Descriptor, isProtectedMode, isVirtual8086, loadCache, markAccessed, nullInaccessibleSegments,
  readDescriptor, TYPE_INTERRUPT_GATE16, TYPE_INTERRUPT_GATE32, TYPE_TASK_GATE, TYPE_TRAP_GATE16, TYPE_TRAP_GATE32,
} from './descriptors.ts';
import { systemRead16, systemRead32 } from './system-memory.ts';
import { armInterruptCheck, systemStateOf, type SystemState } from './state.ts';
import { taskSwitch, TaskSwitchReason, readStackFromTss, tssStack } from './task-switch.ts';
import { crossingEnd, crossingStart, type Door } from './crossing.ts';
import { CR0_NE } from '../fpu/unit.ts';

/** Exceptions the SDM calls contributory (table 6-4): two of them in a row make a double fault. */
function isContributory(vector: number): boolean {
  return vector === Vector.DE || (vector >= Vector.TS && vector <= Vector.GP);
}

/**
 * The Cpu's exception hook (cpu.deliverException): the run loop calls it with EIP already at the
 * faulting instruction (faults) or after it (traps, INT n). When delivering throws, the run loop calls
 * it again with the new fault; `state.delivering` tells the two cases apart.
 */
export function deliverException(cpu: Cpu, vector: number, errorCode: number, kind: EventKind): void {
  const state = systemStateOf(cpu);
  if (vector === Vector.MF && kind === EventKind.Fault && (cpu.cr[0]! & CR0_NE) === 0) {
    freezeOnNumericError(cpu);
    return;
  }
  let software = kind === EventKind.SoftwareInterrupt;
  let external = !software;
  if (state.delivering >= 0) {
    // The previous delivery faulted. Table 6-5: only exception pairs make a double fault; a fault
    // while delivering INT n or an external interrupt is simply delivered in its place, with EIP
    // back at the INT instruction.
    const first = state.delivering;
    const firstWasSoftware = state.deliveringSoftware;
    state.delivering = -1;
    if (firstWasSoftware) {
      cpu.eip = state.softwareInterruptAddress;
    } else if (first === Vector.DF) {
      shutdown(cpu);
      return;
    } else if ((isContributory(first) && isContributory(vector)) ||
      (first === Vector.PF && (vector === Vector.PF || isContributory(vector)))) {
      vector = Vector.DF;
      errorCode = 0;
    }
    software = false;
    kind = EventKind.Fault;
    external = true; // an exception is delivered now: faults while delivering it have EXT set (SDM 6.13)
  }
  state.delivering = vector;
  state.deliveringExternal = external;
  state.deliveringSoftware = software;
  if (state.onTrace !== null) state.onTrace({ kind: 'exception', vector, errorCode, eip: cpu.eip >>> 0, cpl: cpu.cpl, software });
  deliverEvent(cpu, state, vector, errorCode, kind, external);
  state.delivering = -1;
}

/**
 * A pending x87 exception met a waiting instruction with CR0.NE = 0 (and IGNNE# not asserted: the
 * FPU checked that). No #MF: the CPU asserts FERR# — on a PC the numeric error latch, IRQ 13 — and
 * freezes at the instruction, which has not executed (EIP is still at it), until an external
 * interrupt arrives (SDM Vol. 1 D.2.1). Modelled as HLT with EIP left at the instruction, so the
 * interrupt handler's IRET returns to it and it runs again.
 */
function freezeOnNumericError(cpu: Cpu): void {
  const state = systemStateOf(cpu);
  state.onNumericError?.();
  state.halted = true;
  cpu.requestStop(StopKind.Halt);
}

/** An external interrupt (INTR, after the PIC's acknowledge cycle): a hardware event, no error code. */
export function deliverExternalInterrupt(cpu: Cpu, vector: number): void {
  const state = systemStateOf(cpu);
  state.halted = false;
  state.delivering = vector;
  state.deliveringExternal = true;
  state.deliveringSoftware = false;
  if (state.onTrace !== null) state.onTrace({ kind: 'interrupt', vector, eip: cpu.eip >>> 0, cpl: cpu.cpl });
  deliverEvent(cpu, state, vector, NO_ERROR_CODE, EventKind.ExternalInterrupt, true);
  cpu.stringInterrupted = false;
  state.delivering = -1;
}

function shutdown(cpu: Cpu): void {
  const state = systemStateOf(cpu);
  state.shutdown = true;
  state.onShutdown?.(cpu);
  cpu.requestStop(StopKind.Exception, Vector.DF, 0);
}

function deliverEvent(cpu: Cpu, state: SystemState, vector: number, errorCode: number, kind: EventKind, external: boolean): void {
  if (!isProtectedMode(cpu)) { deliverRealMode(cpu, vector); return; }
  // Where the event left from: the INT instruction itself, or the instruction a fault or interrupt
  // returns to (cpu.eip); a crossing listener is told when the delivery changed CPL.
  const software = kind === EventKind.SoftwareInterrupt;
  const from = crossingStart(state, cpu, software ? state.softwareInterruptAddress : cpu.eip);
  deliverProtectedMode(cpu, vector, errorCode, kind, external ? 1 : 0);
  crossingEnd(state, cpu, from, doorOf(vector, kind), vector);
}

function doorOf(vector: number, kind: EventKind): Door {
  if (kind === EventKind.SoftwareInterrupt) return vector === 0x80 ? 'int80' : 'int';
  return kind === EventKind.ExternalInterrupt ? 'interrupt' : 'exception';
}

/** Real-address mode: the IVT's 4-byte CS:IP vectors (SDM Vol. 3A 20.1.4). */
function deliverRealMode(cpu: Cpu, vector: number): void {
  const entry = cpu.tableBase[1]! + vector * 4;
  if (vector * 4 + 3 > cpu.tableLimit[1]!) cpu.raise(Vector.GP, 0);
  const ip = systemRead16(cpu, entry);
  const cs = systemRead16(cpu, entry + 2);
  cpu.push16(readEflags(cpu));
  cpu.push16(cpu.segSelector[CS]!);
  cpu.push16(cpu.eip);
  materialiseFlags(cpu);
  cpu.flags &= ~(IF | TF | AC | RF);
  cpu.loadSegmentCache(CS, cs, cs << 4, cpu.segLimit[CS]!, cpu.segAccess[CS]!);
  cpu.eip = ip;
  cpu.centicycles += cpu.cycleCosts.interruptSame;
}

const gate = new Descriptor();
const target = new Descriptor();
const stack = new Descriptor();

function deliverProtectedMode(cpu: Cpu, vector: number, errorCode: number, kind: EventKind, ext: number): void {
  const software = kind === EventKind.SoftwareInterrupt;
  const idtError = vector * 8 + 2 + ext;
  // 1. The gate.
  if (vector * 8 + 7 > cpu.tableLimit[1]!) cpu.raise(Vector.GP, idtError);
  gate.address = (cpu.tableBase[1]! + vector * 8) | 0;
  gate.low = systemRead32(cpu, gate.address);
  gate.high = systemRead32(cpu, gate.address + 4);
  const type = gate.systemType;
  const isGate = !gate.isSegment && (type === TYPE_TASK_GATE || type === TYPE_INTERRUPT_GATE16 || type === TYPE_TRAP_GATE16 ||
    type === TYPE_INTERRUPT_GATE32 || type === TYPE_TRAP_GATE32);
  if (!isGate) cpu.raise(Vector.GP, idtError);
  if (software && gate.dpl < cpu.cpl) cpu.raise(Vector.GP, vector * 8 + 2);
  if (!gate.present) cpu.raise(Vector.NP, idtError);
  if (type === TYPE_TASK_GATE) {
    taskSwitch(cpu, gate.gateSelector, TaskSwitchReason.InterruptOrCall, ext);
    if (errorCode !== NO_ERROR_CODE) pushValue(cpu, (cpu.segAccess[CS]! & SEG_BIG) !== 0, errorCode);
    return;
  }
  const gate32 = (type & 8) !== 0;
  const selector = gate.gateSelector;
  const offset = gate32 ? gate.gateOffset : gate.gateOffset & 0xffff;

  // 2. The code segment.
  const selectorError = (selector & 0xfffc) + ext;
  if ((selector & 0xfffc) === 0) cpu.raise(Vector.GP, ext);
  if (!readDescriptor(cpu, selector, target)) cpu.raise(Vector.GP, selectorError);
  if (!target.isCode || target.dpl > cpu.cpl) cpu.raise(Vector.GP, selectorError);
  if (!target.present) cpu.raise(Vector.NP, selectorError);
  if (isVirtual8086(cpu)) cpu.raise(Vector.GP, selectorError); // virtual-8086 mode is not implemented
  const oldCpl = cpu.cpl;
  const newCpl = target.isConforming ? oldCpl : target.dpl;
  if ((offset >>> 0) > target.limit) cpu.raise(Vector.GP, ext);

  const eflags = pushedEflags(readEflags(cpu), vector, kind, cpu.model.faultFramesSetResumeFlag, cpu.stringInterrupted);
  const oldCs = cpu.segSelector[CS]!;
  const oldEsp = cpu.regs[ESP]!;
  const oldSs = cpu.segSelector[SS]!;
  // The stack as it was, to put back if pushing the frame faults (locals: no object per delivery).
  const oldSsBase = cpu.segBase[SS]!, oldSsLimit = cpu.segLimit[SS]!, oldSsAccess = cpu.segAccess[SS]!;
  try {
    if (newCpl < oldCpl) {
      // 3. Inner-ring stack from the TSS.
      readStackFromTss(cpu, newCpl, ext);
      const newSs = tssStack.ss, newEsp = tssStack.esp;
      const ssError = (newSs & 0xfffc) + ext;
      if ((newSs & 0xfffc) === 0) cpu.raise(Vector.TS, ext);
      if (!readDescriptor(cpu, newSs, stack)) cpu.raise(Vector.TS, ssError);
      if ((newSs & 3) !== newCpl || stack.dpl !== newCpl || !stack.isSegment || stack.isCode || !stack.readWrite) {
        cpu.raise(Vector.TS, ssError);
      }
      if (!stack.present) cpu.raise(Vector.SS, ssError);
      markAccessed(cpu, stack);
      loadCache(cpu, SS, newSs, stack);
      cpu.setCpl(newCpl);
      cpu.regs[ESP] = newEsp;
      if (!cpu.stack32) cpu.regs[ESP] = newEsp & 0xffff;
      pushValue(cpu, gate32, oldSs);
      pushValue(cpu, gate32, oldEsp);
    }
    // 4. The return frame.
    pushValue(cpu, gate32, eflags);
    pushValue(cpu, gate32, oldCs);
    pushValue(cpu, gate32, cpu.eip);
    if (errorCode !== NO_ERROR_CODE) pushValue(cpu, gate32, errorCode);
  } catch (fault) {
    cpu.loadSegmentCache(SS, oldSs, oldSsBase, oldSsLimit, oldSsAccess);
    cpu.regs[ESP] = oldEsp;
    cpu.setCpl(oldCpl);
    throw fault;
  }
  // 5-6. Flags, CS:EIP, CPL.
  markAccessed(cpu, target);
  loadCache(cpu, CS, (selector & 0xfffc) | newCpl, target);
  cpu.setCpl(newCpl);
  cpu.eip = offset;
  cpu.flags &= ~(TF | NT | RF | VM); // non-arithmetic bits: they always live in cpu.flags
  if ((type & 1) === 0) cpu.flags &= ~IF; // interrupt gate
  // The cycle model's price of the whole delivery: the TSS stack switch is what makes ring 3 -> 0 dear.
  cpu.centicycles += newCpl < oldCpl ? cpu.cycleCosts.interruptInner : cpu.cycleCosts.interruptSame;
}

function pushValue(cpu: Cpu, size32: boolean, value: number): void {
  if (size32) cpu.push32(value);
  else cpu.push16(value & 0xffff);
}

// ---------------------------------------------------------------------------------------------
// INT n, INT3, INTO, INT1: each ends its block and delivers its trap through cpu.trapAfter (no JS
// throw: a system call through `int $0x80` is one of these per call); deliverException does the rest.

// They remember where the instruction starts, for a fault during the delivery (see deliverException).

export const intExecutor: Executor = (cpu, op) => {
  systemStateOf(cpu).softwareInterruptAddress = op.address;
  cpu.trapAfter(op, op.imm & 0xff, true);
};
export const int3Executor: Executor = (cpu, op) => {
  systemStateOf(cpu).softwareInterruptAddress = op.address;
  cpu.trapAfter(op, Vector.BP, true);
};
export const int1Executor: Executor = (cpu, op) => cpu.trapAfter(op, Vector.DB, false);
export const intoExecutor: Executor = (cpu, op) => {
  if (overflow(cpu) !== 0) {
    systemStateOf(cpu).softwareInterruptAddress = op.address;
    cpu.trapAfter(op, Vector.OF, true);
    return;
  }
  cpu.eip = op.next;
};

// ---------------------------------------------------------------------------------------------
// EFLAGS from IRET and POPF (SDM Vol. 2A IRET "RETURN-TO-SAME/OUTER-PRIVILEGE-LEVEL"; POPF table 4-15)

const ALWAYS_WRITABLE = CF | PF | AF | ZF | SF | TF | DF | OF | NT;

/** Which EFLAGS bits an IRET or POPF at `cpl` may change; `wide` for a 32-bit operand. */
export function writableFlags(cpl: number, iopl: number, wide: boolean, forIret: boolean): number {
  let mask = ALWAYS_WRITABLE;
  if (wide) mask |= AC | ID | (forIret ? RF : 0);
  if (cpl === 0) mask |= IOPL | IF | (wide && forIret ? VIF | VIP : 0);
  else if (cpl <= iopl) mask |= IF;
  return mask;
}

function iretRealMode(cpu: Cpu, wide: boolean): void {
  const ip = wide ? cpu.read32(SS, cpu.stackOffset(0)) : cpu.read16(SS, cpu.stackOffset(0));
  const size = wide ? 4 : 2;
  const cs = cpu.read16(SS, cpu.stackOffset(size));
  const flags = wide ? cpu.read32(SS, cpu.stackOffset(2 * size)) : cpu.read16(SS, cpu.stackOffset(2 * size));
  if (isVirtual8086(cpu) && ((cpu.flags & IOPL) >>> 12) < 3) cpu.raise(Vector.GP, 0);
  cpu.setStackPointer(cpu.stackOffset(3 * size));
  loadCodeSegmentReal(cpu, cs);
  cpu.eip = wide ? ip : ip & 0xffff;
  materialiseFlags(cpu);
  const mask = isVirtual8086(cpu) ? ALWAYS_WRITABLE | IF | (wide ? AC | ID | RF : 0) : writableFlags(0, 3, wide, true);
  cpu.flags = (cpu.flags & ~mask) | (flags & mask) | 2;
  cpu.updateAlignmentCheck();
  armInterruptCheck(cpu);
  cpu.centicycles += cpu.cycleCosts.iretSame;
}

function loadCodeSegmentReal(cpu: Cpu, selector: number): void {
  cpu.loadSegmentCache(CS, selector & 0xffff, (selector & 0xffff) << 4, cpu.segLimit[CS]!, cpu.segAccess[CS]!);
}

const iretTarget = new Descriptor();
const iretStack = new Descriptor();

/** The IRET frame slot `depth` bytes above the stack top (a plain function: a closure per IRET was an allocation on every return from an interrupt). */
function iretPop(cpu: Cpu, wide: boolean, depth: number): number {
  return wide ? cpu.read32(SS, cpu.stackOffset(depth)) : cpu.read16(SS, cpu.stackOffset(depth));
}

/** IRET / IRETD. */
export function iret(cpu: Cpu, wide: boolean, state: SystemState = systemStateOf(cpu)): void {
  if (!isProtectedMode(cpu) || isVirtual8086(cpu)) { iretRealMode(cpu, wide); return; }
  const from = crossingStart(state, cpu);
  if ((cpu.flags & NT) !== 0) {
    taskSwitch(cpu, 0, TaskSwitchReason.Iret, 0);
    crossingEnd(state, cpu, from, 'task-switch');
    return;
  }
  iretProtected(cpu, wide);
  crossingEnd(state, cpu, from, 'iret');
}

function iretProtected(cpu: Cpu, wide: boolean): void {
  const size = wide ? 4 : 2;
  const eip = iretPop(cpu, wide, 0);
  const cs = iretPop(cpu, wide, size) & 0xffff;
  const tempFlags = iretPop(cpu, wide, 2 * size);
  if (wide && (tempFlags & VM) !== 0 && cpu.cpl === 0) cpu.raise(Vector.GP, 0); // return to virtual-8086 mode: not implemented
  const csError = cs & 0xfffc;
  const rpl = cs & 3;
  if (csError === 0) cpu.raise(Vector.GP, 0);
  if (!readDescriptor(cpu, cs, iretTarget)) cpu.raise(Vector.GP, csError);
  const t = iretTarget;
  if (!t.isCode || rpl < cpu.cpl) cpu.raise(Vector.GP, csError);
  if (t.isConforming ? t.dpl > rpl : t.dpl !== rpl) cpu.raise(Vector.GP, csError);
  if (!t.present) cpu.raise(Vector.NP, csError);
  const oldCpl = cpu.cpl;
  const iopl = (cpu.flags & IOPL) >>> 12;
  let newEsp = 0;
  let newSs = 0;
  if (rpl > oldCpl) {
    newEsp = iretPop(cpu, wide, 3 * size);
    newSs = iretPop(cpu, wide, 4 * size) & 0xffff;
    const ssError = newSs & 0xfffc;
    if (ssError === 0) cpu.raise(Vector.GP, 0);
    if (!readDescriptor(cpu, newSs, iretStack)) cpu.raise(Vector.GP, ssError);
    const s = iretStack;
    if ((newSs & 3) !== rpl || !s.isSegment || s.isCode || !s.readWrite || s.dpl !== rpl) cpu.raise(Vector.GP, ssError);
    if (!s.present) cpu.raise(Vector.SS, ssError);
  }
  const newEip = wide ? eip : eip & 0xffff;
  if ((newEip >>> 0) > t.limit) cpu.raise(Vector.GP, 0);
  // Commit.
  markAccessed(cpu, t);
  loadCache(cpu, CS, cs, t);
  cpu.setCpl(rpl);
  cpu.eip = newEip;
  // The mask holds every arithmetic flag: the lazy record is replaced, not computed.
  const mask = writableFlags(oldCpl, iopl, wide, true);
  cpu.flags = (cpu.flags & ~mask) | (tempFlags & mask) | 2;
  cpu.lazyOp = 0;
  cpu.updateAlignmentCheck();
  cpu.resumeFlagLoaded = (cpu.flags & RF) !== 0;
  armInterruptCheck(cpu);
  if (rpl > oldCpl) {
    markAccessed(cpu, iretStack);
    loadCache(cpu, SS, newSs, iretStack);
    cpu.regs[ESP] = cpu.stack32 ? newEsp : newEsp & 0xffff;
    nullInaccessibleSegments(cpu);
    cpu.centicycles += cpu.cycleCosts.iretOuter;
  } else {
    cpu.setStackPointer(cpu.stackOffset(3 * size));
    cpu.centicycles += cpu.cycleCosts.iretSame;
  }
}

/** IRET: the system state is bound once (every return to user mode through iret reads its crossing listener). */
export const bindIret: Binder = (op, _insn, bound) => {
  op.isBranch = true;
  const state = systemStateOf(bound);
  return (cpu, o) => iret(cpu, o.size === 32, state);
};

/** POPF: privilege rules for IF and IOPL; VM, VIF, VIP never change; RF is cleared. */
export const popfExecutor: Executor = (cpu, op) => {
  const wide = op.size === 32;
  const iopl = (cpu.flags & IOPL) >>> 12;
  if (isVirtual8086(cpu) && iopl < 3) cpu.raise(Vector.GP, 0);
  const value = wide ? cpu.pop32() : cpu.pop16();
  materialiseFlags(cpu);
  const cpl = isProtectedMode(cpu) ? cpu.cpl : 0;
  let mask = writableFlags(isVirtual8086(cpu) ? 3 : cpl, iopl, wide, false);
  if (isVirtual8086(cpu)) mask |= IF;
  cpu.flags = (cpu.flags & ~mask & ~RF) | (value & mask) | 2;
  cpu.updateAlignmentCheck();
  armInterruptCheck(cpu);
  cpu.eip = op.next;
};

