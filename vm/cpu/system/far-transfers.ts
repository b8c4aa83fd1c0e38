// Far control transfers and segment-register loads (Intel SDM Vol. 2A "JMP", "CALL", "RET";
// Vol. 3A 5.8 "Privilege level checking when transferring program control between code segments").
//
// A far JMP or CALL names a selector. If it is a code segment, the transfer stays at the current
// privilege level (conforming code: DPL <= CPL; non-conforming: DPL == CPL and RPL <= CPL). If it is a
// call gate, the gate's DPL must admit the caller and the gate's target may be more privileged: a
// CALL through such a gate switches to the inner ring's stack from the TSS and copies the gate's
// parameter count of arguments across. A TSS or task gate switches tasks. RET far undoes a CALL,
// popping SS:ESP too when it returns to an outer ring.

import { CS, SS, ESP, ES, DS, FS, GS, type Cpu } from '../cpu.ts';
import { Vector } from '../fault.ts';
import type { Binder } from '../op.ts';
import { effectiveAddress } from '../op.ts';
import {
  Descriptor, isProtectedMode, isVirtual8086, loadCache, loadDataSegment, markAccessed, nullInaccessibleSegments,
  readDescriptor, TYPE_CALL_GATE16, TYPE_CALL_GATE32, TYPE_TASK_GATE, TYPE_TSS32_AVAILABLE,
} from './descriptors.ts';
import { readStackFromTss, taskSwitch, TaskSwitchReason, tssStack } from './task-switch.ts';
import { systemStateOf } from './state.ts';
import { crossingEnd, crossingStart } from './crossing.ts';

const codeDescriptor = new Descriptor();
const stackDescriptor = new Descriptor();

/** Real mode / virtual-8086: CS is a paragraph number. */
function farRealMode(cpu: Cpu, selector: number, offset: number): void {
  cpu.loadSegmentCache(CS, selector, selector << 4, cpu.segLimit[CS]!, cpu.segAccess[CS]!);
  cpu.eip = offset;
}

/** The checks for a direct transfer to a code segment at the current level; returns the CS to load. */
function checkSameLevelCode(cpu: Cpu, selector: number, d: Descriptor): number {
  const error = selector & 0xfffc;
  const rpl = selector & 3;
  if (d.isConforming) {
    if (d.dpl > cpu.cpl) cpu.raise(Vector.GP, error);
  } else if (rpl > cpu.cpl || d.dpl !== cpu.cpl) {
    cpu.raise(Vector.GP, error);
  }
  if (!d.present) cpu.raise(Vector.NP, error);
  return (selector & 0xfffc) | cpu.cpl;
}

/** The end of every protected-mode far JMP, CALL and RET: load CS and go (and pay the cycle model's far transfer). */
function enterCode(cpu: Cpu, selector: number, d: Descriptor, offset: number): void {
  markAccessed(cpu, d);
  loadCache(cpu, CS, selector, d);
  cpu.setCpl(selector & 3);
  cpu.eip = offset;
  cpu.centicycles += cpu.cycleCosts.farTransfer;
}

/** JMP ptr16:16/32 and JMP m16:16/32. */
export function farJump(cpu: Cpu, selector: number, offset: number, wide: boolean): void {
  const from = crossingStart(systemStateOf(cpu), cpu);
  farJumpTo(cpu, selector, offset, wide);
  crossingEnd(systemStateOf(cpu), cpu, from, 'task-switch'); // a far JMP changes CPL only by switching tasks
}

function farJumpTo(cpu: Cpu, selector: number, offset: number, wide: boolean): void {
  if (!wide) offset &= 0xffff;
  if (!isProtectedMode(cpu) || isVirtual8086(cpu)) { farRealMode(cpu, selector, offset); return; }
  const error = selector & 0xfffc;
  if (error === 0) cpu.raise(Vector.GP, 0);
  if (!readDescriptor(cpu, selector, codeDescriptor)) cpu.raise(Vector.GP, error);
  const d = codeDescriptor;
  if (d.isCode) {
    const cs = checkSameLevelCode(cpu, selector, d);
    if ((offset >>> 0) > d.limit) cpu.raise(Vector.GP, 0);
    enterCode(cpu, cs, d, offset);
    return;
  }
  const type = d.isSegment ? -1 : d.systemType;
  if (type === TYPE_CALL_GATE16 || type === TYPE_CALL_GATE32) {
    const gate = gateThrough(cpu, selector, d);
    const target = codeDescriptor;
    // A JMP through a gate never changes privilege: the target must be at CPL (or conforming).
    if (target.isConforming ? target.dpl > cpu.cpl : target.dpl !== cpu.cpl) cpu.raise(Vector.GP, gate.selector & 0xfffc);
    if (!target.present) cpu.raise(Vector.NP, gate.selector & 0xfffc);
    if ((gate.offset >>> 0) > target.limit) cpu.raise(Vector.GP, 0);
    enterCode(cpu, (gate.selector & 0xfffc) | cpu.cpl, target, gate.offset);
    return;
  }
  if (type === TYPE_TASK_GATE || type === TYPE_TSS32_AVAILABLE) {
    if (d.dpl < cpu.cpl || d.dpl < (selector & 3)) cpu.raise(Vector.GP, error);
    if (!d.present) cpu.raise(Vector.NP, error);
    taskSwitch(cpu, type === TYPE_TASK_GATE ? d.gateSelector : selector, TaskSwitchReason.Jump, 0);
    return;
  }
  cpu.raise(Vector.GP, error);
}

/** Check a call gate (already read into `gate`) and read its target into codeDescriptor. */
function gateThrough(cpu: Cpu, selector: number, gate: Descriptor): { selector: number; offset: number; wide: boolean; count: number } {
  const error = selector & 0xfffc;
  if (gate.dpl < cpu.cpl || gate.dpl < (selector & 3)) cpu.raise(Vector.GP, error);
  if (!gate.present) cpu.raise(Vector.NP, error);
  const wide = gate.systemType === TYPE_CALL_GATE32;
  const result = { selector: gate.gateSelector, offset: wide ? gate.gateOffset : gate.gateOffset & 0xffff, wide, count: gate.gateParameterCount };
  const targetError = result.selector & 0xfffc;
  if (targetError === 0) cpu.raise(Vector.GP, 0);
  if (!readDescriptor(cpu, result.selector, codeDescriptor)) cpu.raise(Vector.GP, targetError);
  const target = codeDescriptor;
  if (!target.isCode || target.dpl > cpu.cpl) cpu.raise(Vector.GP, targetError);
  return result;
}

function push(cpu: Cpu, wide: boolean, value: number): void {
  if (wide) cpu.push32(value);
  else cpu.push16(value & 0xffff);
}

/** CALL ptr16:16/32 and CALL m16:16/32. `returnAddress` is the next instruction. */
export function farCall(cpu: Cpu, selector: number, offset: number, wide: boolean, returnAddress: number): void {
  const from = crossingStart(systemStateOf(cpu), cpu);
  farCallTo(cpu, selector, offset, wide, returnAddress);
  crossingEnd(systemStateOf(cpu), cpu, from, 'call-gate'); // only a call gate to an inner ring changes CPL
}

function farCallTo(cpu: Cpu, selector: number, offset: number, wide: boolean, returnAddress: number): void {
  if (!wide) offset &= 0xffff;
  const oldCs = cpu.segSelector[CS]!;
  const oldEsp = cpu.regs[ESP]!;
  if (!isProtectedMode(cpu) || isVirtual8086(cpu)) {
    try { push(cpu, wide, oldCs); push(cpu, wide, returnAddress); } catch (f) { cpu.regs[ESP] = oldEsp; throw f; }
    farRealMode(cpu, selector, offset);
    return;
  }
  const error = selector & 0xfffc;
  if (error === 0) cpu.raise(Vector.GP, 0);
  if (!readDescriptor(cpu, selector, codeDescriptor)) cpu.raise(Vector.GP, error);
  const d = codeDescriptor;
  if (d.isCode) {
    const cs = checkSameLevelCode(cpu, selector, d);
    if ((offset >>> 0) > d.limit) cpu.raise(Vector.GP, 0);
    try { push(cpu, wide, oldCs); push(cpu, wide, returnAddress); } catch (f) { cpu.regs[ESP] = oldEsp; throw f; }
    enterCode(cpu, cs, d, offset);
    return;
  }
  const type = d.isSegment ? -1 : d.systemType;
  if (type === TYPE_TASK_GATE || type === TYPE_TSS32_AVAILABLE) {
    if (d.dpl < cpu.cpl || d.dpl < (selector & 3)) cpu.raise(Vector.GP, error);
    if (!d.present) cpu.raise(Vector.NP, error);
    cpu.eip = returnAddress;
    taskSwitch(cpu, type === TYPE_TASK_GATE ? d.gateSelector : selector, TaskSwitchReason.InterruptOrCall, 0);
    return;
  }
  if (type !== TYPE_CALL_GATE16 && type !== TYPE_CALL_GATE32) cpu.raise(Vector.GP, error);
  const gate = gateThrough(cpu, selector, d);
  const target = codeDescriptor;
  if (!target.present) cpu.raise(Vector.NP, gate.selector & 0xfffc);
  if ((gate.offset >>> 0) > target.limit) cpu.raise(Vector.GP, 0);
  if (target.isConforming || target.dpl === cpu.cpl) {
    try { push(cpu, gate.wide, oldCs); push(cpu, gate.wide, returnAddress); } catch (f) { cpu.regs[ESP] = oldEsp; throw f; }
    enterCode(cpu, (gate.selector & 0xfffc) | cpu.cpl, target, gate.offset);
    return;
  }
  callToInnerRing(cpu, gate, target, oldCs, returnAddress);
}

/** CALL through a gate to a more privileged ring (SDM Vol. 3A 5.8.5, figure 5-13). */
function callToInnerRing(cpu: Cpu, gate: { selector: number; offset: number; wide: boolean; count: number }, target: Descriptor, oldCs: number, returnAddress: number): void {
  const newCpl = target.dpl;
  readStackFromTss(cpu, newCpl, 0);
  const newSs = tssStack.ss, newEsp = tssStack.esp;
  const ssError = newSs & 0xfffc;
  if (ssError === 0) cpu.raise(Vector.TS, 0);
  if (!readDescriptor(cpu, newSs, stackDescriptor)) cpu.raise(Vector.TS, ssError);
  const s = stackDescriptor;
  if ((newSs & 3) !== newCpl || s.dpl !== newCpl || !s.isSegment || s.isCode || !s.readWrite) cpu.raise(Vector.TS, ssError);
  if (!s.present) cpu.raise(Vector.SS, ssError);
  // Read the parameters from the caller's stack before leaving it.
  const size = gate.wide ? 4 : 2;
  const params: number[] = [];
  for (let i = gate.count - 1; i >= 0; i--) {
    const at = cpu.stackOffset(i * size);
    params.push(gate.wide ? cpu.read32(SS, at) : cpu.read16(SS, at));
  }
  const oldSs = cpu.segSelector[SS]!;
  const oldEsp = cpu.regs[ESP]!;
  const saved = [cpu.segSelector[SS]!, cpu.segBase[SS]!, cpu.segLimit[SS]!, cpu.segAccess[SS]!] as const;
  const oldCpl = cpu.cpl;
  try {
    loadCache(cpu, SS, newSs, s);
    cpu.setCpl(newCpl);
    cpu.regs[ESP] = cpu.stack32 ? newEsp : newEsp & 0xffff;
    push(cpu, gate.wide, oldSs);
    push(cpu, gate.wide, oldEsp);
    for (const p of params) push(cpu, gate.wide, p);
    push(cpu, gate.wide, oldCs);
    push(cpu, gate.wide, returnAddress);
  } catch (f) {
    cpu.loadSegmentCache(SS, saved[0], saved[1], saved[2], saved[3]);
    cpu.regs[ESP] = oldEsp;
    cpu.setCpl(oldCpl);
    throw f;
  }
  markAccessed(cpu, s);
  enterCode(cpu, (gate.selector & 0xfffc) | newCpl, target, gate.offset);
}

/** RET far [imm16]. */
export function farReturn(cpu: Cpu, wide: boolean, release: number): void {
  const from = crossingStart(systemStateOf(cpu), cpu);
  farReturnTo(cpu, wide, release);
  crossingEnd(systemStateOf(cpu), cpu, from, 'lret'); // reported when it returned to an outer ring
}

function farReturnTo(cpu: Cpu, wide: boolean, release: number): void {
  const size = wide ? 4 : 2;
  const read = (depth: number) => (wide ? cpu.read32(SS, cpu.stackOffset(depth)) : cpu.read16(SS, cpu.stackOffset(depth)));
  const offset = wide ? read(0) : read(0) & 0xffff;
  const selector = read(size) & 0xffff;
  if (!isProtectedMode(cpu) || isVirtual8086(cpu)) {
    cpu.setStackPointer(cpu.stackOffset(2 * size + release));
    farRealMode(cpu, selector, offset);
    return;
  }
  const error = selector & 0xfffc;
  const rpl = selector & 3;
  if (error === 0) cpu.raise(Vector.GP, 0);
  if (!readDescriptor(cpu, selector, codeDescriptor)) cpu.raise(Vector.GP, error);
  const d = codeDescriptor;
  if (!d.isCode || rpl < cpu.cpl) cpu.raise(Vector.GP, error);
  if (d.isConforming ? d.dpl > rpl : d.dpl !== rpl) cpu.raise(Vector.GP, error);
  if (!d.present) cpu.raise(Vector.NP, error);
  if ((offset >>> 0) > d.limit) cpu.raise(Vector.GP, 0);
  if (rpl === cpu.cpl) {
    cpu.setStackPointer(cpu.stackOffset(2 * size + release));
    enterCode(cpu, selector, d, offset);
    return;
  }
  // Return to an outer ring: the caller's SS:ESP sit above the released parameters.
  const newEsp = read(2 * size + release);
  const newSs = read(3 * size + release) & 0xffff;
  const ssError = newSs & 0xfffc;
  if (ssError === 0) cpu.raise(Vector.GP, 0);
  if (!readDescriptor(cpu, newSs, stackDescriptor)) cpu.raise(Vector.GP, ssError);
  const s = stackDescriptor;
  if ((newSs & 3) !== rpl || !s.isSegment || s.isCode || !s.readWrite || s.dpl !== rpl) cpu.raise(Vector.GP, ssError);
  if (!s.present) cpu.raise(Vector.SS, ssError);
  enterCode(cpu, selector, d, offset);
  markAccessed(cpu, s);
  loadCache(cpu, SS, newSs, s);
  cpu.regs[ESP] = cpu.stack32 ? (newEsp + release) | 0 : (newEsp + release) & 0xffff;
  nullInaccessibleSegments(cpu);
}

// ---------------------------------------------------------------------------------------------
// Binders

const wideOf = (size: number) => size === 32;

export const bindJumpFar: Binder = (op) => {
  op.isBranch = true;
  return (cpu, o) => farJump(cpu, o.imm2 & 0xffff, o.imm, wideOf(o.size));
};

export const bindCallFar: Binder = (op) => {
  op.isBranch = true;
  return (cpu, o) => farCall(cpu, o.imm2 & 0xffff, o.imm, wideOf(o.size), o.next);
};

/** The far pointer in memory: offset (2 or 4 bytes) then the selector. */
function readFarPointer(cpu: Cpu, seg: number, address: number, wide: boolean): [number, number] {
  const offset = wide ? cpu.read32(seg, address) : cpu.read16(seg, address);
  const selector = cpu.read16(seg, (address + (wide ? 4 : 2)) | 0);
  return [selector, offset];
}

export const bindJumpFarIndirect: Binder = (op) => {
  op.isBranch = true;
  return (cpu, o) => {
    const [selector, offset] = readFarPointer(cpu, o.seg, effectiveAddress(cpu, o), wideOf(o.size));
    farJump(cpu, selector, offset, wideOf(o.size));
  };
};

export const bindCallFarIndirect: Binder = (op) => {
  op.isBranch = true;
  return (cpu, o) => {
    const [selector, offset] = readFarPointer(cpu, o.seg, effectiveAddress(cpu, o), wideOf(o.size));
    farCall(cpu, selector, offset, wideOf(o.size), o.next);
  };
};

export const bindReturnFar: Binder = (op, insn) => {
  op.isBranch = true;
  const release = insn.form?.operands.length ? op.imm & 0xffff : 0;
  return (cpu, o) => farReturn(cpu, wideOf(o.size), release);
};

/** LDS/LES/LSS/LFS/LGS: which segment register each opcode loads. */
function farPointerSegment(opcode: number[]): number {
  const last = opcode[opcode.length - 1]!;
  switch (last) {
    case 0xc5: return DS;
    case 0xc4: return ES;
    case 0xb2: return SS;
    case 0xb4: return FS;
    default: return GS;
  }
}

export const bindLoadFarPointer: Binder = (op) => {
  const seg = farPointerSegment(op.form!.opcode);
  return (cpu, o) => {
    const [selector, offset] = readFarPointer(cpu, o.seg, effectiveAddress(cpu, o), wideOf(o.size));
    loadDataSegment(cpu, seg, selector);
    cpu.centicycles += cpu.cycleCosts.segmentLoad;
    if (o.size === 32) cpu.regs[o.reg] = offset;
    else cpu.regs16[o.reg * 2] = offset;
    if (seg === SS) inhibitInterruptsForOneInstruction(cpu);
  };
};

/** MOV Sreg, r/m16. MOV to CS is #UD; MOV to SS holds off interrupts for one instruction. */
export const bindMovToSegment: Binder = (op) => {
  const seg = op.reg;
  if (seg === CS || seg > GS) return (cpu) => cpu.raise(Vector.UD);
  return (cpu, o) => {
    const selector = o.isMemory ? cpu.read16(o.seg, effectiveAddress(cpu, o)) : cpu.regs16[o.rm * 2]!;
    loadDataSegment(cpu, seg, selector);
    cpu.centicycles += cpu.cycleCosts.segmentLoad;
    if (seg === SS) inhibitInterruptsForOneInstruction(cpu);
  };
};

const SEGMENT_KINDS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];

/** POP Sreg: the value is checked and loaded before ESP moves. */
export const bindPopSegment: Binder = (op) => {
  const seg = SEGMENT_KINDS.indexOf(op.form!.operands[0]!.kind);
  return (cpu, o) => {
    const wide = o.size === 32;
    const selector = cpu.read16(SS, cpu.stackOffset(0));
    loadDataSegment(cpu, seg, selector);
    cpu.centicycles += cpu.cycleCosts.segmentLoad;
    cpu.setStackPointer(cpu.stackOffset(wide ? 4 : 2));
    if (seg === SS) inhibitInterruptsForOneInstruction(cpu);
  };
};

/** The one-instruction interrupt shadow of MOV SS / POP SS / LSS (and STI, control.ts). */
export function inhibitInterruptsForOneInstruction(cpu: Cpu): void {
  systemStateOf(cpu).interruptShadowUntil = cpu.instructionCount + cpu.opIndex + 1;
}
