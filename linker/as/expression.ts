// Expressions as GNU as reads them: numbers, symbols, `.`, numeric local label references (1f, 2b),
// character constants, and the infix operators with gas's precedence, which is NOT C's:
//
//   highest   unary - ~ ! +
//             * / % << >>
//             | & ^ !          (binary ! is "or not")
//             + - == != <> < > <= >=
//   lowest    && ||
//
// A value is `symbol + number` or a plain number (see Value in model.ts). Adding two symbols is an
// error; subtracting two symbols of the same section gives a number, which is how `.size f, .-f` and
// `.long end - start` work.

import { ABSOLUTE, type AsmSymbol, type PicRelocation, type Value } from './model.ts';

export interface SymbolResolver {
  /** The symbol of that name, created (undefined) if new. */
  symbol(name: string): AsmSymbol;
  /** The current location `.`. */
  dot(): Value;
  /** The nearest numeric local label `n` after (forward) or before the current statement. */
  localLabel(n: number, forward: boolean): AsmSymbol;
}

export class ExpressionError extends Error {}

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'name'; text: string; reloc?: PicRelocation }
  | { kind: 'local'; n: number; forward: boolean }
  | { kind: 'op'; text: string };

/** `sym@PLT` and friends: the relocation operators of i386 PIC code. */
const PIC_SUFFIXES: Record<string, PicRelocation> = { PLT: 'plt', GOT: 'got', GOTOFF: 'gotoff', GOTPC: 'gotpc' };

const OPERATORS = ['<<', '>>', '==', '!=', '<>', '<=', '>=', '&&', '||', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '(', ')'];

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let p = 0;
  while (p < text.length) {
    const c = text[p]!;
    if (c === ' ' || c === '\t') { p++; continue; }
    if (/[0-9]/.test(c)) {
      const local = /^([0-9]+)([fb])(?![0-9a-zA-Z_$.])/.exec(text.slice(p));
      if (local) {
        tokens.push({ kind: 'local', n: Number(local[1]), forward: local[2] === 'f' });
        p += local[0].length;
        continue;
      }
      const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)/.exec(text.slice(p))!;
      tokens.push({ kind: 'number', value: parseNumber(m[0]) });
      p += m[0].length;
      continue;
    }
    if (c === "'") {
      const { value, length } = characterConstant(text, p + 1);
      tokens.push({ kind: 'number', value });
      p += 1 + length;
      if (text[p] === "'") p++; // 'a' as well as 'a
      continue;
    }
    const name = /^[A-Za-z_.$][A-Za-z0-9_.$]*/.exec(text.slice(p));
    if (name) {
      p += name[0].length;
      const suffix = /^@([A-Za-z]+)/.exec(text.slice(p));
      if (suffix) {
        const reloc = PIC_SUFFIXES[suffix[1]!.toUpperCase()];
        if (!reloc) throw new ExpressionError(`unsupported relocation operator '@${suffix[1]}'`);
        tokens.push({ kind: 'name', text: name[0], reloc });
        p += suffix[0].length;
      } else {
        tokens.push({ kind: 'name', text: name[0] });
      }
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, p));
    if (!op) throw new ExpressionError(`junk '${text.slice(p)}' in expression`);
    tokens.push({ kind: 'op', text: op });
    p += op.length;
  }
  return tokens;
}

function parseNumber(text: string): number {
  if (/^0[xX]/.test(text)) return parseInt(text.slice(2), 16);
  if (/^0[bB]/.test(text)) return parseInt(text.slice(2), 2);
  if (text.length > 1 && text[0] === '0') return parseInt(text, 8);
  return parseInt(text, 10);
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, '\\': 92, "'": 39, '"': 34, '0': 0 };

function characterConstant(text: string, p: number): { value: number; length: number } {
  if (text[p] === '\\') {
    const e = text[p + 1] ?? '';
    if (/[0-7]/.test(e)) {
      const m = /^[0-7]{1,3}/.exec(text.slice(p + 1))!;
      return { value: parseInt(m[0], 8), length: 1 + m[0].length };
    }
    return { value: ESCAPES[e] ?? e.charCodeAt(0), length: 2 };
  }
  return { value: text.charCodeAt(p), length: 1 };
}

/** Binary operators by gas precedence level (higher binds tighter). */
const PRECEDENCE: Record<string, number> = {
  '*': 4, '/': 4, '%': 4, '<<': 4, '>>': 4,
  '|': 3, '&': 3, '^': 3, '!': 3,
  '+': 2, '-': 2, '==': 2, '!=': 2, '<>': 2, '<': 2, '>': 2, '<=': 2, '>=': 2,
  '&&': 1, '||': 1,
};

const number = (value: number, known = true): Value => ({ symbol: null, addend: value, known });

class Parser {
  private p = 0;
  constructor(private readonly tokens: Token[], private readonly resolver: SymbolResolver) {}

  parseAll(): Value {
    const v = this.binary(1);
    if (this.p < this.tokens.length) throw new ExpressionError('junk at end of expression');
    return v;
  }

  private peekOp(): string | null {
    const t = this.tokens[this.p];
    return t && t.kind === 'op' ? t.text : null;
  }

  private binary(level: number): Value {
    let left = this.unary();
    for (;;) {
      const op = this.peekOp();
      const rank = op ? PRECEDENCE[op] : undefined;
      if (op === null || rank === undefined || rank < level) return left;
      this.p++;
      const right = this.binary(rank + 1);
      left = combine(op, left, right);
    }
  }

  private unary(): Value {
    const t = this.tokens[this.p++];
    if (!t) throw new ExpressionError('missing operand in expression');
    switch (t.kind) {
      case 'number':
        return number(t.value);
      case 'local': {
        const s = this.resolver.localLabel(t.n, t.forward);
        return valueOfSymbol(s);
      }
      case 'name':
        if (t.text === '.') return this.resolver.dot();
        if (t.reloc) {
          // gas brings _GLOBAL_OFFSET_TABLE_ into the object with the first GOT-relative operator.
          if (t.reloc !== 'plt') this.resolver.symbol('_GLOBAL_OFFSET_TABLE_').used = true;
          const s = this.resolver.symbol(t.text);
          s.used = true;
          return { symbol: s, addend: 0, known: false, reloc: t.reloc };
        }
        return valueOfSymbol(this.resolver.symbol(t.text));
      case 'op':
        if (t.text === '(') {
          const v = this.binary(1);
          if (this.peekOp() !== ')') throw new ExpressionError("missing ')' in expression");
          this.p++;
          return v;
        }
        if (t.text === '-' || t.text === '~' || t.text === '!' || t.text === '+') {
          const v = this.unary();
          if (t.text === '+') return v;
          const n = absolute(v, t.text);
          const r = t.text === '-' ? -n : t.text === '~' ? ~n : n === 0 ? 1 : 0;
          return number(r, v.known);
        }
        throw new ExpressionError(`unexpected '${t.text}' in expression`);
    }
  }
}

/** A symbol as a value: a number for absolute symbols, symbol+0 otherwise. */
export function valueOfSymbol(s: AsmSymbol): Value {
  s.used = true;
  if (s.section === ABSOLUTE) return number(s.value, s.definedThisPass);
  return { symbol: s, addend: 0, known: s.definedThisPass };
}

function absolute(v: Value, op: string): number {
  if (v.symbol !== null) throw new ExpressionError(`operator '${op}' needs absolute operands (found symbol '${v.symbol.name}')`);
  return v.addend;
}

function combine(op: string, a: Value, b: Value): Value {
  const known = a.known && b.known;
  if (op === '+') {
    if (a.symbol && b.symbol) throw new ExpressionError(`cannot add symbols '${a.symbol.name}' and '${b.symbol.name}'`);
    const reloc = a.reloc ?? b.reloc;
    return { symbol: a.symbol ?? b.symbol, addend: a.addend + b.addend, known, ...(reloc ? { reloc } : {}) };
  }
  if (op === '-') {
    if (b.symbol === null) return { symbol: a.symbol, addend: a.addend - b.addend, known, ...(a.reloc ? { reloc: a.reloc } : {}) };
    if (a.symbol && a.symbol.section !== null && a.symbol.section === b.symbol.section) {
      // Known while parsing only when nothing of variable size (a relaxable jump, an alignment) lies
      // between the two labels: gas then sizes an operand holding the difference for 32 bits.
      const sameFrag = a.symbol.section === ABSOLUTE || a.symbol.frag === b.symbol.frag;
      return number(a.symbol.value + a.addend - b.symbol.value - b.addend, known && sameFrag);
    }
    if (a.symbol && (a.symbol.section === null || b.symbol.section === null)) {
      // A forward reference in an early pass: the difference is settled once both are defined.
      return number(0, false);
    }
    throw new ExpressionError(`cannot subtract symbol '${b.symbol.name}' of another section`);
  }
  const x = absolute(a, op);
  const y = absolute(b, op);
  return number(arithmetic(op, x, y), known);
}

const truth = (c: boolean): number => (c ? -1 : 0);

function arithmetic(op: string, x: number, y: number): number {
  switch (op) {
    case '*': return Math.imul(x, y);
    case '/': if (y === 0) throw new ExpressionError('division by zero'); return Math.trunc(x / y);
    case '%': if (y === 0) throw new ExpressionError('division by zero'); return x % y;
    case '<<': return y >= 32 ? 0 : x << y;
    case '>>': return y >= 32 ? 0 : x >= 0 ? Math.floor(x / 2 ** y) : x >> y;
    case '|': return x | y;
    case '&': return x & y;
    case '^': return x ^ y;
    case '!': return x | ~y;
    case '==': return truth(x === y);
    case '!=': case '<>': return truth(x !== y);
    case '<': return truth(x < y);
    case '>': return truth(x > y);
    case '<=': return truth(x <= y);
    case '>=': return truth(x >= y);
    case '&&': return truth(x !== 0 && y !== 0);
    case '||': return truth(x !== 0 || y !== 0);
  }
  throw new ExpressionError(`unknown operator '${op}'`);
}

export function evaluate(text: string, resolver: SymbolResolver): Value {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new ExpressionError('missing expression');
  return new Parser(tokens, resolver).parseAll();
}
