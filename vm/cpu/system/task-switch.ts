// The TSS and hardware task switching (Intel SDM Vol. 3A chapter 7).
//
// Every protected-mode OS needs a TSS for one thing: the ring-0 stack (SS0:ESP0) an interrupt from
// ring 3 switches to (readStackFromTss). Linux i386 also uses the full hardware task switch for one
// case: the double-fault handler is a task gate, so that #DF runs on a fresh stack with fresh
// registers even when the kernel stack itself is what broke. A task switch saves the registers into
// the current TSS, marks the new TSS busy, and loads every register — CR3, LDTR, segments, EFLAGS,
// EIP, the general registers — from the new one (7.3).

import { CS, SS, DS, ES, FS, GS, LDTR, TR, ESP, SEG_UNUSABLE, type Cpu } from '../cpu.ts';
import { CpuFault, Vector } from '../fault.ts';
import { NT, RF, readEflags, writeEflags } from '../flags.ts';
import {
  Descriptor, loadCache, loadDataSegment, loadNull, markAccessed, readDescriptor,
  TYPE_LDT, TYPE_TSS16_AVAILABLE, TYPE_TSS16_BUSY, TYPE_TSS32_AVAILABLE, TYPE_TSS32_BUSY,
} from './descriptors.ts';
import { armInterruptCheck } from './state.ts';
import { switchDebugContext } from '../debug/debug-unit.ts';
import { systemRead16, systemRead32, systemWrite16, systemWrite32, systemWrite8 } from './system-memory.ts';

export const enum TaskSwitchReason { Jump, InterruptOrCall, Iret }

/** 32-bit TSS field offsets (SDM Vol. 3A figure 7-2). */
const TSS_LINK = 0x00, TSS_CR3 = 0x1c, TSS_EIP = 0x20, TSS_EFLAGS = 0x24, TSS_EAX = 0x28, TSS_ES = 0x48, TSS_LDT = 0x60;
/** The 16-bit word whose bit 0 is the T (debug trap) flag. */
const TSS_TRAP = 0x64;
const TSS32_MIN_LIMIT = 0x67;

function trError(cpu: Cpu, ext: number): number {
  return (cpu.segSelector[TR]! & 0xfffc) + ext;
}

/** What readStackFromTss read (two fields, not an array: an INT from ring 3 reads them every time). */
export const tssStack = { ss: 0, esp: 0 };

/** SS:ESP for privilege level `cpl` from the current TSS (32- or 16-bit), into tssStack. */
export function readStackFromTss(cpu: Cpu, cpl: number, ext: number): void {
  const base = cpu.segBase[TR]!;
  const limit = cpu.segLimit[TR]!;
  const type = cpu.segAccess[TR]! & 0xf;
  if ((cpu.segAccess[TR]! & SEG_UNUSABLE) !== 0) cpu.raise(Vector.TS, trError(cpu, ext));
  if (type === TYPE_TSS32_BUSY || type === TYPE_TSS32_AVAILABLE) {
    const offset = 4 + 8 * cpl;
    if (offset + 5 > limit) cpu.raise(Vector.TS, trError(cpu, ext));
    tssStack.ss = systemRead16(cpu, base + offset + 4);
    tssStack.esp = systemRead32(cpu, base + offset);
    return;
  }
  const offset = 2 + 4 * cpl;
  if (offset + 3 > limit) cpu.raise(Vector.TS, trError(cpu, ext));
  tssStack.ss = systemRead16(cpu, base + offset + 2);
  tssStack.esp = systemRead16(cpu, base + offset);
}

const next = new Descriptor();
const current = new Descriptor();
const ldt = new Descriptor();

/** Flip a TSS descriptor's busy bit (type bit 1) in the GDT. */
function setBusy(cpu: Cpu, d: Descriptor, busy: boolean): void {
  d.high = busy ? d.high | 0x200 : d.high & ~0x200;
  systemWrite8(cpu, d.address + 5, d.high >>> 8);
}

/**
 * Switch to the task whose TSS `selector` names (for IRET: the task in the current TSS's link field).
 * Faults before the switch point are the old task's; faults while loading the new state (#TS with the
 * offending selector) are delivered in the new task, as the SDM orders it (7.3, step 12).
 */
export function taskSwitch(cpu: Cpu, selector: number, reason: TaskSwitchReason, ext: number): void {
  const base = cpu.segBase[TR]!;
  if (reason === TaskSwitchReason.Iret) selector = systemRead16(cpu, base + TSS_LINK);
  const error = (selector & 0xfffc) + ext;
  if ((selector & 4) !== 0 || !readDescriptor(cpu, selector, next)) cpu.raise(reason === TaskSwitchReason.Iret ? Vector.TS : Vector.GP, error);
  const type = next.isSegment ? -1 : next.systemType;
  const wantBusy = reason === TaskSwitchReason.Iret;
  const ok = wantBusy ? type === TYPE_TSS32_BUSY : type === TYPE_TSS32_AVAILABLE;
  if (!ok) {
    if (type === TYPE_TSS16_AVAILABLE || type === TYPE_TSS16_BUSY) cpu.raise(Vector.TS, error); // 16-bit tasks: not implemented
    cpu.raise(reason === TaskSwitchReason.Iret ? Vector.TS : Vector.GP, error);
  }
  if (!next.present) cpu.raise(Vector.NP, error);
  if (next.limit < TSS32_MIN_LIMIT) cpu.raise(Vector.TS, error);

  // Save the outgoing task (EIP is already where it resumes).
  let eflags = readEflags(cpu);
  if (reason === TaskSwitchReason.Iret) eflags &= ~NT;
  systemWrite32(cpu, base + TSS_EIP, cpu.eip);
  systemWrite32(cpu, base + TSS_EFLAGS, eflags);
  for (let r = 0; r < 8; r++) systemWrite32(cpu, base + TSS_EAX + 4 * r, cpu.regs[r]!);
  for (let s = 0; s < 6; s++) systemWrite16(cpu, base + TSS_ES + 4 * s, cpu.segSelector[s]!);
  if (reason !== TaskSwitchReason.InterruptOrCall && readDescriptor(cpu, cpu.segSelector[TR]!, current)) setBusy(cpu, current, false);

  // Enter the new one.
  const newBase = next.base;
  if (reason === TaskSwitchReason.InterruptOrCall) systemWrite16(cpu, newBase + TSS_LINK, cpu.segSelector[TR]!);
  if (reason !== TaskSwitchReason.Iret) setBusy(cpu, next, true);
  loadCache(cpu, TR, selector, next);
  cpu.cr[0] = cpu.cr[0]! | 8; // CR0.TS: the next x87/MMX instruction may need the FPU state switched

  const cr3 = systemRead32(cpu, newBase + TSS_CR3);
  const newEip = systemRead32(cpu, newBase + TSS_EIP);
  let newFlags = systemRead32(cpu, newBase + TSS_EFLAGS);
  const regs: number[] = [];
  for (let r = 0; r < 8; r++) regs.push(systemRead32(cpu, newBase + TSS_EAX + 4 * r));
  const selectors: number[] = [];
  for (let s = 0; s < 6; s++) selectors.push(systemRead16(cpu, newBase + TSS_ES + 4 * s));
  const ldtSelector = systemRead16(cpu, newBase + TSS_LDT);
  const debugTrap = (systemRead16(cpu, newBase + TSS_TRAP) & 1) !== 0;
  if ((cpu.cr[0]! & 0x80000000) !== 0) { cpu.cr[3] = cr3; cpu.flushTlb(); }
  if (reason === TaskSwitchReason.InterruptOrCall) newFlags |= NT;
  writeEflags(cpu, newFlags);
  cpu.resumeFlagLoaded = (newFlags & RF) !== 0; // the new task's RF stays for its first instruction
  armInterruptCheck(cpu);
  // The debug registers (SDM 17.2.4, 7.3): local breakpoints belong to the task that armed them;
  // a TSS with its T bit set makes a #DB trap (DR6.BT) before the new task's first instruction.
  switchDebugContext(cpu, debugTrap);
  cpu.eip = newEip;
  for (let r = 0; r < 8; r++) cpu.regs[r] = regs[r]!;
  cpu.regs[ESP] = regs[ESP]!;

  // Selectors first (so a fault leaves the new task's values visible), then the descriptor checks.
  const cpl = selectors[CS]! & 3;
  for (let s = 0; s < 6; s++) cpu.segSelector[s] = selectors[s]!;
  cpu.setCpl(cpl);
  loadLdt(cpu, ldtSelector);
  loadTaskCode(cpu, selectors[CS]!);
  for (const s of [SS, DS, ES, FS, GS]) {
    try {
      loadDataSegment(cpu, s, selectors[s]!);
    } catch (fault) {
      if (fault instanceof CpuFault && fault.vector === Vector.GP) cpu.raise(Vector.TS, selectors[s]! & 0xfffc);
      throw fault;
    }
  }
  cpu.centicycles += cpu.cycleCosts.taskSwitch; // the cycle model's price of the whole switch
}

function loadLdt(cpu: Cpu, selector: number): void {
  if ((selector & 0xfffc) === 0) { loadNull(cpu, LDTR, selector); return; }
  if ((selector & 4) !== 0 || !readDescriptor(cpu, selector, ldt) || ldt.isSegment || ldt.systemType !== TYPE_LDT) {
    cpu.raise(Vector.TS, selector & 0xfffc);
  }
  if (!ldt.present) cpu.raise(Vector.TS, selector & 0xfffc);
  loadCache(cpu, LDTR, selector, ldt);
}

const code = new Descriptor();

function loadTaskCode(cpu: Cpu, selector: number): void {
  const error = selector & 0xfffc;
  if (error === 0 || !readDescriptor(cpu, selector, code) || !code.isCode) cpu.raise(Vector.TS, error);
  const rpl = selector & 3;
  if (code.isConforming ? code.dpl > rpl : code.dpl !== rpl) cpu.raise(Vector.TS, error);
  if (!code.present) cpu.raise(Vector.NP, error);
  markAccessed(cpu, code);
  loadCache(cpu, CS, selector, code);
}
