// Evaluating link-script expressions. Everything is unsigned 32-bit, as addresses are on i386;
// what an expression may look up (symbols, `.`, output sections) is supplied by the caller, so the
// same evaluator serves layout (where `.` moves) and the final pass that fills LONG() data.

import { LinkError } from './errors.ts';
import type { Expr } from './script.ts';

export interface SectionFacts {
  address: number;
  loadAddress: number;
  size: number;
  align: number;
}

export interface ExprContext {
  /** The location counter. */
  dot: number;
  /** A symbol's value, or undefined when it has none (yet). */
  symbol(name: string): number | undefined;
  /** Whether a symbol is defined at all (DEFINED()). */
  defined(name: string): boolean;
  section(name: string): SectionFacts | undefined;
  sizeofHeaders: number;
  /** Strict: an unknown symbol is an error (the final pass); lax: it is 0 (an early pass). */
  strict: boolean;
}

const u32 = (value: number): number => value >>> 0;

export function alignUp(value: number, align: number): number {
  if (align <= 1) return u32(value);
  return u32(Math.ceil(value / align) * align);
}

export function evaluate(expr: Expr, ctx: ExprContext): number {
  switch (expr.op) {
    case 'number': return u32(expr.value);
    case 'dot': return u32(ctx.dot);
    case 'sizeofHeaders': return ctx.sizeofHeaders;
    case 'defined': return ctx.defined(expr.name) ? 1 : 0;
    case 'symbol': {
      const value = ctx.symbol(expr.name);
      if (value !== undefined) return u32(value);
      if (ctx.strict) throw new LinkError(`link script: undefined symbol \`${expr.name}' in an expression`);
      return 0;
    }
    case 'section': {
      const facts = ctx.section(expr.section);
      if (!facts) {
        // SIZEOF of a section that does not exist is 0 (ld's default script asks for SIZEOF(.got.plt)).
        if (expr.fn === 'SIZEOF') return 0;
        if (ctx.strict) throw new LinkError(`link script: ${expr.fn}(${expr.section}): no such output section`);
        return 0;
      }
      if (expr.fn === 'ADDR') return facts.address;
      if (expr.fn === 'LOADADDR') return facts.loadAddress;
      if (expr.fn === 'ALIGNOF') return facts.align;
      return facts.size;
    }
    case 'unary': {
      const v = evaluate(expr.operand, ctx);
      if (expr.operator === '-') return u32(-v);
      if (expr.operator === '~') return u32(~v);
      return v === 0 ? 1 : 0;
    }
    case 'conditional':
      return evaluate(expr.test, ctx) !== 0 ? evaluate(expr.then, ctx) : evaluate(expr.otherwise, ctx);
    case 'call': return call(expr.fn, expr.args.map((a) => evaluate(a, ctx)), ctx);
    case 'binary': return binary(expr.operator, evaluate(expr.left, ctx), evaluate(expr.right, ctx));
  }
}

function call(fn: string, args: number[], ctx: ExprContext): number {
  const [a = 0, b = 0] = args;
  switch (fn) {
    // ALIGN(n) rounds `.` up; ALIGN(x, n) rounds x up.
    case 'ALIGN': return args.length === 1 ? alignUp(ctx.dot, a) : alignUp(a, b);
    case 'MAX': return Math.max(a, b);
    case 'MIN': return Math.min(a, b);
    case 'ABSOLUTE': return a;
    default: throw new LinkError(`link script: unknown function ${fn}()`);
  }
}

function binary(operator: string, a: number, b: number): number {
  switch (operator) {
    case '+': return u32(a + b);
    case '-': return u32(a - b);
    case '*': return u32(Math.imul(a, b));
    case '/': if (b === 0) throw new LinkError('link script: division by zero'); return u32(Math.floor(a / b));
    case '%': if (b === 0) throw new LinkError('link script: division by zero'); return u32(a % b);
    case '&': return u32(a & b);
    case '|': return u32(a | b);
    case '^': return u32(a ^ b);
    case '<<': return u32(a << b);
    case '>>': return a >>> b;
    case '==': return a === b ? 1 : 0;
    case '!=': return a !== b ? 1 : 0;
    case '<': return a < b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '>': return a > b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    case '&&': return a !== 0 && b !== 0 ? 1 : 0;
    case '||': return a !== 0 || b !== 0 ? 1 : 0;
    default: throw new LinkError(`link script: unknown operator ${operator}`);
  }
}
