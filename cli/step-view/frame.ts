// What the step view shows, as lines of styled text, built from one MachineView (vm/debug/protocol.ts)
// and nothing else: the terminal renderer (screen.ts) and the plain-text one (plain.ts) draw the
// same frame. At 80x24:
//
//   row 0        the door line: which ring, where, and how the CPU got there (or is about to leave)
//   rows 1-12    the code (the one table's disassembler: the instructions just run, the current one,
//                those that follow)           | registers (changes since the last stop highlighted)
//   rows 13-21   the kernel stack below tss.esp0, slot by slot as entry.S names pt_regs
//                                             | segment registers with RPL/DPL, CPL, the SYSENTER MSRs
//   row 22       the program's last line of output, or what the view is doing
//   row 23       the keys

import { disassembleOne } from '../../vm/isa/disassembler.ts';
import type { MachineView, RegisterName, RegisterValues } from '../../vm/debug/protocol.ts';
import type { CrossingEvent } from '../../vm/cpu/system/crossing.ts';
import { PT_REGS_OFFSETS } from '../../kernel/pt-regs.ts';
import { PT_REGS_SIZE, VSYSCALL_BASE } from '../../kernel/layout.ts';

export type Style = 'plain' | 'title' | 'header' | 'current' | 'changed' | 'dim' | 'key';
export interface Span { text: string; style: Style }
export type Line = Span[];

/** Names for addresses (kernel, vsyscall page and program symbols). */
export type Namer = (address: number) => string | null;

/** An instruction the view has seen run, for the lines above the current one. */
export interface Executed { address: number; text: string }

export interface FrameInput {
  view: MachineView;
  /** The registers at the previous stop (null at the first): what changed is highlighted. */
  previous: RegisterValues | null;
  history: Executed[];
  name: Namer;
  /** The last line of program output, or a message about what the view is doing. */
  status: string;
  width: number;
  height: number;
}

export const KEYS = 's step  n over  r ring change  y syscall  c continue  ^L redraw  q quit';
/** The right column (registers, segments, MSRs) is this wide; the code and the stack get the rest. */
const RIGHT = 32;

const hex8 = (v: number | undefined): string => v === undefined ? '--------' : (v >>> 0).toString(16).padStart(8, '0');
const hex4 = (v: number): string => v.toString(16).padStart(4, '0');
const span = (text: string, style: Style = 'plain'): Span => ({ text, style });

/** One instruction of the code pane, spelled as objdump does (the one table's disassembler). */
export function disassembleAt(bytes: Uint8Array, offset: number, address: number, name: Namer): { length: number; text: string } {
  const insn = disassembleOne(bytes, offset, bytes.length, address, {
    nameTarget: (target) => { const n = name(target); return n === null ? `0x${target.toString(16)}` : `${target.toString(16)} <${n}>`; },
  });
  return { length: Math.max(1, insn.bytes.length), text: insn.valid ? insn.text : '(bad)' };
}

/** The crossing the CPU is inside of: the last entry if it came after the last exit. */
function currentEntry(view: MachineView): CrossingEvent | null {
  const entry = view.lastEntry;
  if (entry === null) return null;
  const exit = view.lastExit;
  return exit === null || exit.instructions <= entry.instructions ? entry : null;
}

const DOOR_WORDS: Record<string, string> = {
  int80: 'int $0x80', sysenter: 'sysenter', syscall: 'syscall', int: 'int', exception: 'an exception', interrupt: 'an interrupt',
  'call-gate': 'a call gate', 'task-switch': 'a task switch',
};

/** The line that says which door the program is in. */
export function doorLine(view: MachineView, current: string, name: Namer): string {
  const eip = view.registers.eip ?? 0;
  const here = name(eip) ?? `0x${hex8(eip)}`;
  const pid = view.context !== null ? `pid ${view.context.pid} | ` : '';
  const leaving = /^(sysexit|iret|sysret)/.exec(current)?.[1];
  const entering = /^(sysenter|syscall|int\s+\$0x80)/.exec(current)?.[1];
  if (view.cpl === 3) {
    const where = (eip >>> 0) >= VSYSCALL_BASE ? `in linux-gate.so.1, ${here}` : `in the program, ${here}`;
    const next = entering !== undefined ? ` | next: into the kernel by ${entering.replace(/\s+/, ' ')}` : '';
    return `${pid}ring 3 | ${where}${next}`;
  }
  const entry = currentEntry(view);
  const call = view.syscall;
  const through = entry === null
    ? 'booting'
    : `by ${DOOR_WORDS[entry.door] ?? entry.door}${entry.vector >= 0 && entry.door !== 'int80' ? ` 0x${entry.vector.toString(16)}` : ''} from ${hex4(entry.from.cs)}:${hex8(entry.from.eip)}`;
  const syscall = entry !== null && call !== null ? `${call.name ?? 'system call'} (${call.number >>> 0}) | ` : '';
  const out = leaving !== undefined ? ` | next: back to ring 3 by ${leaving}` : '';
  return `${pid}ring ${view.cpl} | ${syscall}${here} | ${through}${out}`;
}

function codePane(input: FrameInput, rows: number, width: number): { lines: Line[]; current: string } {
  const { view, history, name } = input;
  const lines: Line[] = [];
  const shown = history.slice(-Math.min(3, Math.max(0, rows - 4)));
  for (const h of shown) lines.push([span(`  ${hex8(h.address)}  ${h.text}`, 'dim')]);
  const { address, bytes } = view.code;
  let offset = 0;
  let current = '';
  while (lines.length < rows) {
    if (offset >= bytes.length) {
      if (offset === 0) lines.push([span(`> ${hex8(address)}  (not mapped)`, 'current')]);
      break;
    }
    const at = (address + offset) >>> 0;
    const label = offset > 0 ? name(at) : null;
    if (label !== null && !label.includes('+') && lines.length < rows - 1) lines.push([span(`  <${label}>:`, 'header')]);
    const insn = disassembleAt(bytes, offset, at, name);
    if (offset === 0) current = insn.text;
    lines.push([span(`${offset === 0 ? '>' : ' '} ${hex8(at)}  ${insn.text}`, offset === 0 ? 'current' : 'plain')]);
    offset += insn.length;
  }
  void width;
  return { lines, current };
}

/** pt_regs slots by offset, named as entry.S names them (OLDESP/OLDSS for the user's ESP/SS). */
const SLOT_NAMES = new Map(Object.entries(PT_REGS_OFFSETS).map(([field, offset]) => [offset, field === 'esp' ? 'OLDESP' : field === 'ss' ? 'OLDSS' : field.toUpperCase()]));

function stackPane(input: FrameInput, rows: number, width: number): Line[] {
  const stack = input.view.kernelStack;
  const lines: Line[] = [];
  if (stack === null) {
    lines.push([span(' kernel stack: no TSS loaded yet', 'header')]);
    return lines;
  }
  const esp = input.view.registers.esp ?? 0;
  const frame = stack.esp0 - PT_REGS_SIZE;
  const inKernel = input.view.cpl === 0 && esp <= stack.esp0 && stack.esp0 - esp <= 0x1000;
  const depth = inKernel ? `esp0-0x${(stack.esp0 - esp).toString(16)}` : 'for the next entry';
  lines.push([span(` pt_regs below tss.esp0 ${hex8(stack.esp0)}, esp ${depth}`, 'header')]);
  const slots = stack.words.filter((w) => w.address >= frame);
  const half = Math.ceil(slots.length / 2);
  const cell = Math.floor(width / 2);
  for (let r = 0; r < Math.min(half, rows - 1); r++) {
    const line: Line = [];
    for (const w of [slots[r], slots[r + half]]) {
      if (w === undefined) continue;
      const offset = w.address - frame;
      const live = inKernel && w.address >= esp;
      const marker = inKernel && w.address === esp ? '>' : ' ';
      const text = `${marker}${hex4(offset).slice(2)} ${(SLOT_NAMES.get(offset) ?? '?').padEnd(8)} ${w.value === null ? '--------' : hex8(w.value)}`;
      line.push(span(text.padEnd(cell), live || !inKernel ? 'plain' : 'dim'));
    }
    lines.push(line);
  }
  return lines;
}

const FLAG_NAMES: [number, string][] = [[0x800, 'OF'], [0x400, 'DF'], [0x200, 'IF'], [0x100, 'TF'], [0x80, 'SF'], [0x40, 'ZF'], [0x10, 'AF'], [0x4, 'PF'], [0x1, 'CF']];

function registerPane(input: FrameInput, rows: number): Line[] {
  const { view, previous } = input;
  const r = view.registers;
  const value = (n: RegisterName): Span => span(hex8(r[n]), previous !== null && previous[n] !== r[n] ? 'changed' : 'plain');
  const pair = (a: RegisterName, b: RegisterName): Line => [span(`${a} `), value(a), span(`  ${b} `), value(b)];
  const eflags = r.eflags ?? 0;
  const flags = FLAG_NAMES.filter(([bit]) => (eflags & bit) !== 0).map(([, n]) => n).join(' ');
  const lines: Line[] = [
    [span(' registers', 'header')],
    pair('eax', 'ecx'), pair('edx', 'ebx'), pair('esp', 'ebp'), pair('esi', 'edi'),
    [span('eip '), value('eip'), span('  cpl '), span(String(view.cpl), previous !== null && (previous.cs ?? 0) % 4 !== view.cpl ? 'changed' : 'title')],
    [span('efl '), value('eflags'), span(` ${flags}`)],
    [span(' seg  sel  rpl dpl base', 'header')],
  ];
  for (const s of view.segments) {
    const changed = previous !== null && previous[s.name as RegisterName] !== s.selector;
    lines.push(s.usable
      ? [span(`${s.name}  `), span(hex4(s.selector), changed ? 'changed' : 'plain'), span(`  ${s.selector & 3}   ${s.dpl}   ${hex8(s.base)}`)]
      : [span(`${s.name}  `), span(hex4(s.selector), changed ? 'changed' : 'plain'), span('  null selector')]);
  }
  lines.push([span(' SYSENTER MSRs', 'header')]);
  for (const [label, n] of [['CS ', 'sysenter_cs'], ['ESP', 'sysenter_esp'], ['EIP', 'sysenter_eip']] as const) {
    const named = n === 'sysenter_eip' ? input.name(r[n] ?? 0) : null;     // an entry point has a name; a stack top does not
    lines.push(r[n] === undefined ? [span(`${label} (this CPU has no SEP MSRs)`, 'dim')] : [span(`${label} `), value(n), span(named === null ? '' : ` ${named}`)]);
  }
  lines.push([span(`instructions ${view.instructions}`)]);
  return lines.slice(0, rows);
}

/** Clip a line to `width` characters. */
export function clip(line: Line, width: number): Line {
  const out: Line = [];
  let left = width;
  for (const s of line) {
    if (left <= 0) break;
    const text = s.text.length > left ? s.text.slice(0, left) : s.text;
    out.push({ text, style: s.style });
    left -= text.length;
  }
  return out;
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

function pad(line: Line, width: number): Line {
  const clipped = clip(line, width);
  const length = lineText(clipped).length;
  return length < width ? [...clipped, span(' '.repeat(width - length))] : clipped;
}

/** The whole frame: exactly `height` lines, none longer than `width`. */
export function buildFrame(input: FrameInput): Line[] {
  const width = Math.max(40, input.width);
  const height = Math.max(12, input.height);
  const left = Math.max(20, width - RIGHT - 1);
  const body = height - 3;                       // door line, status line, keys
  const stackRows = Math.min(9, Math.floor(body / 2));
  const codeRows = body - stackRows - 1;
  const { lines: code, current } = codePane(input, codeRows, left);
  const leftLines: Line[] = [[span(` code: ${input.name(input.view.registers.eip ?? 0) ?? 'no symbol'}`, 'header')], ...code];
  while (leftLines.length < codeRows + 1) leftLines.push([]);
  leftLines.push(...stackPane(input, stackRows, left));
  const right = registerPane(input, body);
  const frame: Line[] = [[span(doorLine(input.view, current, input.name).padEnd(width), 'title')]];
  for (let row = 0; row < body; row++) {
    const l = leftLines[row] ?? [];
    const r = right[row] ?? [];
    frame.push(clip([...pad(l, left), span('|', 'dim'), ...r], width));
  }
  frame.push(clip([span(input.status)], width));
  frame.push(clip([span(KEYS, 'key')], width));
  return frame;
}
