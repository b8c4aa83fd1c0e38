// `monitor` commands: what gdb cannot name, printed as a person reads it. gdb sends `monitor msr`
// as qRcmd; the step view and tests call `monitorCommand` through the session the same way.
//
//   msr    every MSR this CPU model has, by name (the three SYSENTER MSRs of seed 000 first)
//   gdt    the GDT's descriptors: selector, base, limit, type, DPL (Linux's 0x60/0x68/0x73/0x7b)
//   idt    the IDT's gates: vector, kind (interrupt/trap/task), DPL, selector:offset
//   tss    the current TSS: ss0:esp0 (the kernel stack), ss1:esp1 (the SYSENTER stack cache), ...
//   cpl    the privilege state: CPL, CS/SS with their RPL and DPL, IOPL, CR0.PE/PG
//   tlb    the TLB's cached translations: linear page -> physical page and permission bits
//   dr     the debug registers, decoded
// Every read goes through the debug path (inspect.ts): looking changes nothing.

import { CS, SS, TR, LDTR, SEG_DPL_SHIFT, SEG_UNUSABLE, TLB_READ, TLB_USER_READ, TLB_USER_WRITE, TLB_WRITE, type Cpu } from '../cpu/cpu.ts';
import { IOPL, readEflags } from '../cpu/flags.ts';
import { MSR_EFER, MSR_STAR, MSR_SYSENTER_CS, MSR_SYSENTER_EIP, MSR_SYSENTER_ESP, MSR_TSC } from '../cpu/models.ts';
import {
  Descriptor, TYPE_CALL_GATE16, TYPE_CALL_GATE32, TYPE_INTERRUPT_GATE16, TYPE_INTERRUPT_GATE32, TYPE_LDT, TYPE_TASK_GATE,
  TYPE_TRAP_GATE16, TYPE_TRAP_GATE32, TYPE_TSS16_AVAILABLE, TYPE_TSS16_BUSY, TYPE_TSS32_AVAILABLE, TYPE_TSS32_BUSY,
} from '../cpu/system/descriptors.ts';
import { breakpointEnabled, breakpointKind, breakpointLength } from '../cpu/debug/debug-registers.ts';
import { readLinearWord } from './inspect.ts';

/** Names a linear address after a symbol (`sysenter_entry`, `system_call+0x5`), or null. */
export type Symbolizer = (address: number) => string | null;

const hex = (v: number, digits = 8): string => '0x' + (v >>> 0).toString(16).padStart(digits, '0');

export const MSR_NAMES: Record<number, string> = {
  [MSR_SYSENTER_CS]: 'IA32_SYSENTER_CS', [MSR_SYSENTER_ESP]: 'IA32_SYSENTER_ESP', [MSR_SYSENTER_EIP]: 'IA32_SYSENTER_EIP',
  [MSR_TSC]: 'IA32_TIME_STAMP_COUNTER', [MSR_EFER]: 'EFER', [MSR_STAR]: 'STAR',
};

const HELP = [
  'gate86 monitor commands:',
  '  msr    the model-specific registers (IA32_SYSENTER_CS/ESP/EIP, TSC, EFER, STAR)',
  '  gdt    the global descriptor table',
  '  idt    the interrupt descriptor table',
  '  tss    the current task-state segment',
  '  cpl    the current privilege level and what decides it',
  '  tlb    the TLB: cached linear -> physical translations',
  '  dr     the debug registers DR0-DR7, decoded',
];

export function monitorCommand(cpu: Cpu, command: string, symbol: Symbolizer = () => null): string {
  const [name = '', ...args] = command.trim().split(/\s+/);
  switch (name) {
    case '': case 'help': return HELP.join('\n');
    case 'msr': return msrs(cpu);
    case 'gdt': return gdt(cpu);
    case 'idt': return idt(cpu, symbol);
    case 'tss': return tss(cpu, symbol);
    case 'cpl': return cpl(cpu);
    case 'tlb': return tlb(cpu, args[0] === undefined ? 64 : Number(args[0]));
    case 'dr': return debugRegisters(cpu);
    default: return `unknown monitor command '${name}'\n${HELP.join('\n')}`;
  }
}

function msrs(cpu: Cpu): string {
  const order = [MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP];
  const indices = [...cpu.msr].map(([index]) => index).sort((a, b) => {
    const ra = order.indexOf(a), rb = order.indexOf(b);
    return (ra < 0 ? 99 : ra) - (rb < 0 ? 99 : rb) || a - b;
  });
  if (indices.length === 0) return `the ${cpu.model.name} has no MSRs (RDMSR and WRMSR are #UD)`;
  return indices.map((i) => {
    const value = i === MSR_TSC ? cpu.readTsc() : cpu.msr.get(i)!;
    return `${hex(i, 8)}  ${(MSR_NAMES[i] ?? 'MSR').padEnd(24)} 0x${value.toString(16).padStart(16, '0')}`;
  }).join('\n');
}

const SYSTEM_TYPES: Record<number, string> = {
  [TYPE_TSS16_AVAILABLE]: 'TSS16 (available)', [TYPE_LDT]: 'LDT', [TYPE_TSS16_BUSY]: 'TSS16 (busy)',
  [TYPE_CALL_GATE16]: 'call gate16', [TYPE_TASK_GATE]: 'task gate', [TYPE_INTERRUPT_GATE16]: 'interrupt gate16',
  [TYPE_TRAP_GATE16]: 'trap gate16', [TYPE_TSS32_AVAILABLE]: 'TSS32 (available)', [TYPE_TSS32_BUSY]: 'TSS32 (busy)',
  [TYPE_CALL_GATE32]: 'call gate32', [TYPE_INTERRUPT_GATE32]: 'interrupt gate', [TYPE_TRAP_GATE32]: 'trap gate',
};

function readDescriptorAt(cpu: Cpu, linear: number): Descriptor | null {
  const low = readLinearWord(cpu, linear);
  const high = readLinearWord(cpu, linear + 4);
  if (low === null || high === null) return null;
  const d = new Descriptor();
  d.low = low | 0;
  d.high = high | 0;
  d.address = linear;
  return d;
}

function describeSegment(d: Descriptor): string {
  if (!d.isSegment) return SYSTEM_TYPES[d.systemType] ?? `system type ${d.systemType}`;
  const bits = d.isCode
    ? `code ${d.readWrite ? 'r-x' : '--x'}${d.isConforming ? ' conforming' : ''}`
    : `data ${d.readWrite ? 'rw-' : 'r--'}${(d.high & 0x400) !== 0 ? ' expand-down' : ''}`;
  return `${bits}${(d.high & 0x400000) !== 0 ? ' 32-bit' : ' 16-bit'}`;
}

function gdt(cpu: Cpu): string {
  const base = cpu.tableBase[0]!, limit = cpu.tableLimit[0]!;
  const out = [`GDTR base ${hex(base)} limit 0x${limit.toString(16)} (${Math.floor((limit + 1) / 8)} entries)`];
  for (let index = 1; index * 8 + 7 <= limit; index++) {
    const d = readDescriptorAt(cpu, base + index * 8);
    if (d === null) { out.push(`  ${index.toString().padStart(2)}  (not mapped)`); break; }
    if (d.low === 0 && d.high === 0) continue;
    out.push(`  ${index.toString().padStart(2)}  sel 0x${(index * 8).toString(16).padStart(4, '0')}  base ${hex(d.base)} limit ${hex(d.limit)}  DPL ${d.dpl}  ${d.present ? 'P' : '-'}  ${describeSegment(d)}`);
  }
  return out.join('\n');
}

function idt(cpu: Cpu, symbol: Symbolizer): string {
  const base = cpu.tableBase[1]!, limit = cpu.tableLimit[1]!;
  const out = [`IDTR base ${hex(base)} limit 0x${limit.toString(16)}`];
  const gates: { vector: number; d: Descriptor }[] = [];
  for (let vector = 0; vector * 8 + 7 <= limit && vector < 256; vector++) {
    const d = readDescriptorAt(cpu, base + vector * 8);
    if (d === null) { out.push(`  0x${vector.toString(16).padStart(2, '0')}  (not mapped)`); break; }
    if (d.present) gates.push({ vector, d });
  }
  // Many gates leading to one catch-all handler say nothing each: they are counted instead.
  const targets = new Map<number, number>();
  for (const { d } of gates) targets.set(d.gateOffset, (targets.get(d.gateOffset) ?? 0) + 1);
  const common = new Set([...targets].filter(([, n]) => n > CATCH_ALL_GATES).map(([offset]) => offset));
  for (const { vector, d } of gates) {
    if (common.has(d.gateOffset)) continue;
    const name = symbol(d.gateOffset >>> 0);
    const kind = SYSTEM_TYPES[d.systemType] ?? `type ${d.systemType}`;
    const target = d.systemType === TYPE_TASK_GATE ? `TSS selector 0x${d.gateSelector.toString(16)}` : `0x${d.gateSelector.toString(16).padStart(4, '0')}:${hex(d.gateOffset)}${name ? ` <${name}>` : ''}`;
    out.push(`  0x${vector.toString(16).padStart(2, '0')}  ${kind.padEnd(15)} DPL ${d.dpl}  ${target}`);
  }
  for (const offset of common) {
    const name = symbol(offset >>> 0);
    out.push(`  (${targets.get(offset)} more present gates lead to ${hex(offset)}${name ? ` <${name}>` : ''})`);
  }
  return out.join('\n');
}

/** More gates than this with one target are a catch-all (Linux's ignore_int). */
const CATCH_ALL_GATES = 16;

const TSS_FIELDS: [string, number, 16 | 32][] = [
  ['link', 0x00, 16], ['esp0', 0x04, 32], ['ss0', 0x08, 16], ['esp1', 0x0c, 32], ['ss1', 0x10, 16],
  ['esp2', 0x14, 32], ['ss2', 0x18, 16], ['cr3', 0x1c, 32], ['eip', 0x20, 32], ['eflags', 0x24, 32],
  ['esp', 0x38, 32], ['ldt', 0x60, 16], ['iomap', 0x66, 16],
];

function tss(cpu: Cpu, symbol: Symbolizer): string {
  const selector = cpu.segSelector[TR]!;
  if (selector === 0) return 'TR is 0: no task-state segment loaded';
  const base = cpu.segBase[TR]! >>> 0, limit = cpu.segLimit[TR]!;
  const out = [`TR 0x${selector.toString(16)}: TSS at ${hex(base)}, limit 0x${limit.toString(16)}`];
  for (const [name, offset, bits] of TSS_FIELDS) {
    const word = readLinearWord(cpu, base + offset);
    if (word === null) { out.push(`  ${name}: (not mapped)`); continue; }
    const value = bits === 16 ? word & 0xffff : word;
    const label = name === 'eip' ? symbol(value) : null;   // a stack top named after the symbol above it would mislead
    out.push(`  ${name.padEnd(6)} ${bits === 16 ? '0x' + value.toString(16).padStart(4, '0') : hex(value)}${label ? ` <${label}>` : ''}`);
  }
  const sysenterEsp = cpu.msr.get(MSR_SYSENTER_ESP);
  if (sysenterEsp !== undefined && sysenterEsp !== 0n) {
    const at = Number(sysenterEsp) >>> 0;
    out.push(`  IA32_SYSENTER_ESP ${hex(at)} = TSS base + 0x${((at - base) >>> 0).toString(16)}${at > base && at - base <= 0x1000 ? ' (inside/at the end of this TSS: sysenter_entry loads esp0 from there)' : ''}`);
  }
  return out.join('\n');
}

function cpl(cpu: Cpu): string {
  const dpl = (seg: number): number => (cpu.segAccess[seg]! >>> SEG_DPL_SHIFT) & 3;
  const cs = cpu.segSelector[CS]!, ss = cpu.segSelector[SS]!;
  const eflags = readEflags(cpu);
  const cr0 = cpu.cr[0]!;
  return [
    `CPL ${cpu.cpl} (ring ${cpu.cpl === 0 ? '0: the kernel' : cpu.cpl === 3 ? '3: user mode' : cpu.cpl})`,
    `  CS 0x${cs.toString(16).padStart(4, '0')}  RPL ${cs & 3}  DPL ${dpl(CS)}   (CPL is CS's RPL)`,
    `  SS 0x${ss.toString(16).padStart(4, '0')}  RPL ${ss & 3}  DPL ${dpl(SS)}`,
    `  IOPL ${(eflags & IOPL) >>> 12}  CR0.PE ${cr0 & 1}  CR0.PG ${(cr0 >>> 31) & 1}  LDTR 0x${cpu.segSelector[LDTR]!.toString(16)}${(cpu.segAccess[LDTR]! & SEG_UNUSABLE) !== 0 ? ' (none)' : ''}`,
  ].join('\n');
}

function tlb(cpu: Cpu, max: number): string {
  const entries: string[] = [];
  let count = 0;
  const t = cpu.tlb;
  for (let page = 0; page < t.length; page++) {
    const e = t[page]!;
    if (e === 0) continue;
    count++;
    if (entries.length >= max) continue;
    const bits = `${(e & TLB_READ) !== 0 ? 'r' : '-'}${(e & TLB_WRITE) !== 0 ? 'w' : '-'} ${(e & TLB_USER_READ) !== 0 ? 'u' : '-'}${(e & TLB_USER_WRITE) !== 0 ? 'w' : '-'}`;
    entries.push(`  ${hex(page << 12)} -> ${hex(e & ~0xfff)}  ${bits}`);
  }
  const header = `TLB: ${count} cached translations (supervisor r/w, user r/w; a missing w: not dirty yet, or the page holds decoded code)`;
  return [header, ...entries, ...(count > entries.length ? [`  ... ${count - entries.length} more (monitor tlb N shows N)`] : [])].join('\n');
}

function debugRegisters(cpu: Cpu): string {
  const dr7 = cpu.dr[7]!;
  const kinds = ['execute', 'write', 'I/O', 'read/write'];
  const out = [`DR6 ${hex(cpu.dr[6]!)}  DR7 ${hex(dr7)}${(dr7 & 0x2000) !== 0 ? '  GD' : ''}`];
  for (let n = 0; n < 4; n++) {
    out.push(`  DR${n} ${hex(cpu.dr[n]!)}  ${breakpointEnabled(dr7, n) ? `${kinds[breakpointKind(dr7, n)]}, ${breakpointLength(dr7, n)} byte(s)` : 'off'}`);
  }
  return out.join('\n');
}
