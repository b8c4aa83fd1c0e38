// AT&T operands: `%eax`, `$expr`, `disp(base,index,scale)`, `%fs:0x10`, `*%eax`, `*table(,%eax,4)`.

import { registerNames16, registerNames32, registerNames8, segmentNames } from '../../vm/isa/table.ts';
import { evaluate, type SymbolResolver } from './expression.ts';
import type { Value } from './model.ts';

export const NONE = -1;

export type ParsedOperand =
  | { kind: 'reg'; reg: number; size: 8 | 16 | 32; indirect: boolean }
  | { kind: 'sreg'; reg: number; indirect: boolean }
  | { kind: 'creg'; reg: number; indirect: boolean }
  | { kind: 'dreg'; reg: number; indirect: boolean }
  | { kind: 'mmx'; reg: number; indirect: boolean }
  | { kind: 'xmm'; reg: number; indirect: boolean }
  | { kind: 'imm'; value: Value; indirect: boolean }
  | MemoryOperand;

export interface MemoryOperand {
  kind: 'mem';
  /** Segment override (0-5), or NONE. */
  segment: number;
  base: number;
  index: number;
  /** log2 of the scale. */
  scale: number;
  /** The displacement, or null when none was written (`(%eax)`). */
  disp: Value | null;
  indirect: boolean;
  /** 16 when the base/index are 16-bit registers ((%bx,%si)), 32 for 32-bit ones, null for an absolute address. */
  addressSize: 16 | 32 | null;
}

export class OperandError extends Error {}

interface Register { kind: 'reg' | 'sreg' | 'creg' | 'dreg' | 'mmx' | 'xmm'; reg: number; size: 8 | 16 | 32 | 64 | 128 }

export function registerNamed(name: string): Register | null {
  const lower = name.toLowerCase();
  let i = (registerNames32 as readonly string[]).indexOf(lower);
  if (i >= 0) return { kind: 'reg', reg: i, size: 32 };
  i = (registerNames16 as readonly string[]).indexOf(lower);
  if (i >= 0) return { kind: 'reg', reg: i, size: 16 };
  i = (registerNames8 as readonly string[]).indexOf(lower);
  if (i >= 0) return { kind: 'reg', reg: i, size: 8 };
  i = (segmentNames as readonly string[]).indexOf(lower);
  if (i >= 0) return { kind: 'sreg', reg: i, size: 16 };
  const m = /^(cr|db|dr)([0-7])$/.exec(lower);
  if (m) return { kind: m[1] === 'cr' ? 'creg' : 'dreg', reg: Number(m[2]), size: 32 };
  const simd = /^(x?)mm([0-7])$/.exec(lower);
  if (simd) return simd[1] === 'x' ? { kind: 'xmm', reg: Number(simd[2]), size: 128 } : { kind: 'mmx', reg: Number(simd[2]), size: 64 };
  return null;
}

function parseRegister(text: string): Register {
  const t = text.trim();
  if (!t.startsWith('%')) throw new OperandError(`expected a register, found '${t}'`);
  const r = registerNamed(t.slice(1));
  if (!r) throw new OperandError(`bad register name '${t}'`);
  return r;
}

export function parseOperand(text: string, resolver: SymbolResolver): ParsedOperand {
  let t = text.trim();
  if (t === '' || t === '*' || t === '$') throw new OperandError(`missing operand`);
  let indirect = false;
  if (t.startsWith('*')) {
    indirect = true;
    t = t.slice(1).trim();
  }
  if (t.startsWith('$')) return { kind: 'imm', value: evaluate(t.slice(1), resolver), indirect };
  let segment = NONE;
  const seg = /^%([a-z]s)\s*:\s*/i.exec(t);
  if (seg) {
    const r = registerNamed(seg[1]!);
    if (!r || r.kind !== 'sreg') throw new OperandError(`bad segment override '${seg[0]}'`);
    segment = r.reg;
    t = t.slice(seg[0].length);
  } else if (t.startsWith('%')) {
    const r = parseRegister(t);
    if (r.kind === 'reg') return { kind: 'reg', reg: r.reg, size: r.size as 8 | 16 | 32, indirect };
    return { kind: r.kind, reg: r.reg, indirect };
  }
  return parseMemory(t, segment, indirect, resolver);
}

/** `disp(base,index,scale)` with every part optional, or a bare expression. */
function parseMemory(text: string, segment: number, indirect: boolean, resolver: SymbolResolver): MemoryOperand {
  const operand: MemoryOperand = { kind: 'mem', segment, base: NONE, index: NONE, scale: 0, disp: null, indirect, addressSize: null };
  let dispText = text;
  if (text.endsWith(')')) {
    const open = matchingOpen(text);
    const inside = text.slice(open + 1, -1);
    // `(expr)` alone is a parenthesised displacement, not a base register.
    if (inside.trim().startsWith('%') || inside.trim().startsWith(',')) {
      dispText = text.slice(0, open);
      const parts = inside.split(',').map((s) => s.trim());
      if (parts.length > 3) throw new OperandError(`bad memory operand '${text}'`);
      const sizes: number[] = [];
      if (parts[0]) ({ reg: operand.base } = addressRegister(parts[0], sizes));
      if (parts.length >= 2 && parts[1]) ({ reg: operand.index } = addressRegister(parts[1], sizes));
      if (sizes.length === 2 && sizes[0] !== sizes[1]) throw new OperandError(`'${text}' mixes 16- and 32-bit address registers`);
      operand.addressSize = sizes.length ? (sizes[0] as 16 | 32) : null;
      if (parts.length === 3 && parts[2]) {
        const scale = Number(evaluate(parts[2], resolver).addend);
        const log = [1, 2, 4, 8].indexOf(scale);
        if (log < 0) throw new OperandError(`scale factor of ${parts[2]} is not 1, 2, 4 or 8`);
        operand.scale = log;
      }
      if (operand.index === 4 && operand.addressSize === 32) throw new OperandError(`%esp cannot be an index register`);
    }
  }
  if (dispText.trim() !== '') operand.disp = evaluate(dispText, resolver);
  return operand;
}

/** A base or index register: any 32-bit one, or %bx/%bp/%si/%di for 16-bit addressing. */
function addressRegister(text: string, sizes: number[]): { reg: number } {
  const r = parseRegister(text);
  const ok16 = r.kind === 'reg' && r.size === 16 && [3, 5, 6, 7].includes(r.reg);
  if (r.kind !== 'reg' || (r.size !== 32 && !ok16)) throw new OperandError(`'${text}' is not a valid base/index expression`);
  sizes.push(r.size);
  return { reg: r.reg };
}

function matchingOpen(text: string): number {
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(') {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new OperandError(`unbalanced parentheses in '${text}'`);
}

/** Split an operand list at top-level commas (not inside parentheses or quotes). */
export function splitOperands(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"') quote = c;
    else if (c === "'") {
      // A character constant 'c (or 'c' or '\n): skip the character so a quoted comma is not a separator.
      i += text[i + 1] === '\\' ? 2 : 1;
      if (text[i + 1] === "'") i++;
    }
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '' || out.length > 0) out.push(last);
  return out;
}
