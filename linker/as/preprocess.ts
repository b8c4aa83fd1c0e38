// The C preprocessor pass for `.S` files, as `gcc -x assembler-with-cpp` runs it — in TypeScript,
// so building the kernel needs no cpp.
//
// Supported: #include "file" and <file> (searched in the including file's directory, then -I
// directories), #define with and without parameters (# stringizing and ## pasting), #undef,
// #if/#ifdef/#ifndef/#elif/#else/#endif with C integer expressions and defined(), #error,
// #warning, line continuations, and C and C++ comments. As in assembler-with-cpp mode, `$` is not
// part of an identifier (so `$__KERNEL_CS` expands), and a `#` line that is not a directive (an
// assembler comment) is passed through.
//
// The output keeps each line's origin (file and line number) so assembler errors point at the
// source the user wrote.

import type { SourceLine } from './source.ts';

export interface PreprocessOptions {
  includeDirs: string[];
  defines: Map<string, string>;
  readFile(path: string): string;
}

export class PreprocessError extends Error {
  constructor(where: SourceLine, message: string) {
    super(`${where.file}:${where.line}: ${message}`);
  }
}

interface MacroDefinition {
  parameters: string[] | null;
  variadic: boolean;
  body: string;
}

interface Conditional {
  active: boolean;
  taken: boolean;
  outer: boolean;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const MAX_INCLUDE_DEPTH = 64;

export class Preprocessor {
  readonly macros = new Map<string, MacroDefinition>();
  private readonly output: SourceLine[] = [];
  private depth = 0;

  constructor(private readonly options: PreprocessOptions) {
    for (const [name, value] of options.defines) this.macros.set(name, { parameters: null, variadic: false, body: value });
    this.macros.set('__ASSEMBLER__', { parameters: null, variadic: false, body: '1' });
    this.macros.set('__i386__', { parameters: null, variadic: false, body: '1' });
    this.macros.set('__ELF__', { parameters: null, variadic: false, body: '1' });
  }

  run(path: string, text: string): SourceLine[] {
    this.file(path, text);
    return this.output;
  }

  private file(path: string, text: string): void {
    if (++this.depth > MAX_INCLUDE_DEPTH) throw new PreprocessError({ file: path, line: 1, text: '' }, '#include nested too deeply');
    const lines = logicalLines(path, text);
    const conditionals: Conditional[] = [];
    const active = (): boolean => conditionals.length === 0 || conditionals[conditionals.length - 1]!.active;
    for (const line of lines) {
      const directive = /^\s*#\s*([A-Za-z_]*)\s*(.*)$/.exec(line.text);
      if (directive) {
        const [, name = '', rest = ''] = directive;
        if (this.conditional(line, name, rest, conditionals, active())) continue;
        if (!active()) continue;
        if (this.directive(line, path, name, rest)) continue;
        // Not a directive: an assembler `#` comment line.
        continue;
      }
      if (!active()) continue;
      this.output.push({ ...line, text: this.expand(line.text, new Set(), line) });
    }
    if (conditionals.length > 0) throw new PreprocessError(lines[lines.length - 1] ?? { file: path, line: 1, text: '' }, 'unterminated #if');
    this.depth--;
  }

  private conditional(line: SourceLine, name: string, rest: string, stack: Conditional[], active: boolean): boolean {
    switch (name) {
      case 'if': case 'ifdef': case 'ifndef': {
        let value = false;
        if (active) {
          const id = rest.trim().split(/\s+/)[0] ?? '';
          value = name === 'if' ? this.condition(rest, line) : name === 'ifdef' ? this.macros.has(id) : !this.macros.has(id);
        }
        stack.push({ active: active && value, taken: active && value, outer: active });
        return true;
      }
      case 'elif': case 'else': {
        const top = stack[stack.length - 1];
        if (!top) throw new PreprocessError(line, `#${name} without #if`);
        if (top.taken || !top.outer) top.active = false;
        else {
          top.active = name === 'else' ? true : this.condition(rest, line);
          top.taken = top.active;
        }
        return true;
      }
      case 'endif':
        if (!stack.pop()) throw new PreprocessError(line, '#endif without #if');
        return true;
    }
    return false;
  }

  private directive(line: SourceLine, path: string, name: string, rest: string): boolean {
    switch (name) {
      case 'define': this.define(line, rest); return true;
      case 'undef': this.macros.delete(rest.trim()); return true;
      case 'include': this.include(line, path, rest); return true;
      case 'error': throw new PreprocessError(line, `#error ${rest}`);
      case 'warning': case 'pragma': case 'line': case 'ident': case '': return true;
    }
    return false;
  }

  private define(line: SourceLine, rest: string): void {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(\(([^)]*)\))?\s*(.*)$/.exec(rest);
    if (!m) throw new PreprocessError(line, `bad #define '${rest}'`);
    const [, name = '', hasParameters, parameterText = '', body = ''] = m;
    let parameters: string[] | null = null;
    let variadic = false;
    if (hasParameters) {
      parameters = parameterText.split(',').map((p) => p.trim()).filter((p) => p !== '');
      if (parameters[parameters.length - 1] === '...') {
        variadic = true;
        parameters[parameters.length - 1] = '__VA_ARGS__';
      }
    }
    this.macros.set(name, { parameters, variadic, body: body.trim() });
  }

  private include(line: SourceLine, path: string, rest: string): void {
    let spec = rest.trim();
    if (!/^["<]/.test(spec)) spec = this.expand(spec, new Set(), line).trim();
    const m = /^"([^"]+)"|^<([^>]+)>/.exec(spec);
    if (!m) throw new PreprocessError(line, `#include expects "FILENAME" or <FILENAME>`);
    const name = m[1] ?? m[2]!;
    const here = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.';
    const dirs = m[1] !== undefined ? [here, ...this.options.includeDirs] : this.options.includeDirs;
    for (const dir of dirs) {
      const candidate = name.startsWith('/') ? name : `${dir}/${name}`;
      let text: string;
      try {
        text = this.options.readFile(candidate);
      } catch {
        continue;
      }
      this.file(candidate, text);
      return;
    }
    throw new PreprocessError(line, `${name}: No such file or directory`);
  }

  // --- Macro expansion ----------------------------------------------------------------------

  /** Expand macros in `text`; `hidden` holds the macros being expanded (no recursion). */
  expand(text: string, hidden: Set<string>, line: SourceLine): string {
    let out = '';
    let p = 0;
    while (p < text.length) {
      const c = text[p]!;
      if (c === '"') {
        const end = skipString(text, p);
        out += text.slice(p, end);
        p = end;
        continue;
      }
      if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[p + 1] ?? ''))) {
        const m = /^[0-9.][0-9A-Za-z_.]*/.exec(text.slice(p))!;
        out += m[0];
        p += m[0].length;
        continue;
      }
      IDENT.lastIndex = p;
      const id = IDENT.exec(text);
      if (!id) {
        out += c;
        p++;
        continue;
      }
      const name = id[0];
      p += name.length;
      const macro = this.macros.get(name);
      if (!macro || hidden.has(name)) {
        out += name;
        continue;
      }
      if (macro.parameters === null) {
        out += this.expand(macro.body, new Set([...hidden, name]), line);
        continue;
      }
      // A function-like macro only expands when followed by '('.
      let q = p;
      while (text[q] === ' ' || text[q] === '\t') q++;
      if (text[q] !== '(') {
        out += name;
        continue;
      }
      const { args, end } = collectArguments(text, q, line);
      p = end;
      out += this.expand(this.substitute(macro, args, hidden, line), new Set([...hidden, name]), line);
    }
    return out;
  }

  private substitute(macro: MacroDefinition, args: string[], hidden: Set<string>, line: SourceLine): string {
    const params = macro.parameters!;
    if (macro.variadic && args.length > params.length) {
      const fixed = args.slice(0, params.length - 1);
      args = [...fixed, args.slice(params.length - 1).join(',')];
    }
    if (args.length === 1 && args[0] === '' && params.length === 0) args = [];
    if (args.length !== params.length && !(macro.variadic && args.length === params.length - 1)) {
      throw new PreprocessError(line, `macro expects ${params.length} arguments, but ${args.length} given`);
    }
    const value = (name: string): string | undefined => {
      const i = params.indexOf(name);
      return i < 0 ? undefined : (args[i] ?? '').trim();
    };
    // ## pasting and # stringizing work on the unexpanded arguments; others are expanded first.
    const body = macro.body;
    let out = '';
    let p = 0;
    while (p < body.length) {
      const c = body[p]!;
      if (c === '"') {
        const end = skipString(body, p);
        out += body.slice(p, end);
        p = end;
        continue;
      }
      if (c === '#' && body[p + 1] === '#') {
        out = out.replace(/\s+$/, '');
        p += 2;
        while (body[p] === ' ' || body[p] === '\t') p++;
        IDENT.lastIndex = p;
        const id = IDENT.exec(body);
        if (id) {
          const v = value(id[0]);
          out += v ?? id[0];
          p += id[0].length;
        }
        continue;
      }
      if (c === '#') {
        let q = p + 1;
        while (body[q] === ' ') q++;
        IDENT.lastIndex = q;
        const id = IDENT.exec(body);
        if (id && value(id[0]) !== undefined) {
          out += JSON.stringify(value(id[0]));
          p = q + id[0].length;
          continue;
        }
        out += c;
        p++;
        continue;
      }
      IDENT.lastIndex = p;
      const id = IDENT.exec(body);
      if (id && (p === 0 || !/[0-9A-Za-z_]/.test(body[p - 1]!))) {
        const v = value(id[0]);
        const pasted = /^\s*##/.test(body.slice(p + id[0].length));
        out += v === undefined ? id[0] : pasted ? v : this.expand(v, hidden, line);
        p += id[0].length;
        continue;
      }
      out += c;
      p++;
    }
    return out;
  }

  // --- #if expressions ----------------------------------------------------------------------

  private condition(text: string, line: SourceLine): boolean {
    // defined(X) and defined X are replaced before macro expansion.
    const replaced = text.replace(/\bdefined\s*(\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)|([A-Za-z_][A-Za-z0-9_]*))/g,
      (_w, _a, inParens?: string, bare?: string) => (this.macros.has(inParens ?? bare ?? '') ? '1' : '0'));
    const expanded = this.expand(replaced, new Set(), line);
    try {
      return new ConditionParser(expanded).parse() !== 0n;
    } catch (error) {
      throw new PreprocessError(line, `#if: ${(error as Error).message}`);
    }
  }
}

/** Physical lines joined at backslash-newline, with comments replaced by a space. */
function logicalLines(file: string, text: string): SourceLine[] {
  const physical = text.split('\n');
  const out: SourceLine[] = [];
  let inComment = false;
  for (let i = 0; i < physical.length; i++) {
    const first = i;
    let raw = physical[i]!.replace(/\r$/, '');
    while (raw.endsWith('\\') && i + 1 < physical.length) raw = raw.slice(0, -1) + physical[++i]!.replace(/\r$/, '');
    let line = '';
    let quote = false;
    for (let p = 0; p < raw.length; p++) {
      const c = raw[p]!;
      if (inComment) {
        if (c === '*' && raw[p + 1] === '/') { inComment = false; p++; line += ' '; }
        continue;
      }
      if (quote) {
        line += c;
        if (c === '\\') { line += raw[p + 1] ?? ''; p++; }
        else if (c === '"') quote = false;
        continue;
      }
      if (c === '"') { quote = true; line += c; continue; }
      if (c === '/' && raw[p + 1] === '*') { inComment = true; p++; continue; }
      if (c === '/' && raw[p + 1] === '/') break;
      line += c;
    }
    out.push({ file, line: first + 1, text: line });
    // Keep line numbers: a continued line is followed by empty lines for the ones it swallowed.
    for (let k = first + 1; k <= i; k++) out.push({ file, line: k + 1, text: '' });
  }
  return out;
}

function skipString(text: string, p: number): number {
  let q = p + 1;
  while (q < text.length && text[q] !== '"') q += text[q] === '\\' ? 2 : 1;
  return Math.min(q + 1, text.length);
}

function collectArguments(text: string, open: number, line: SourceLine): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let p = open; p < text.length; p++) {
    const c = text[p];
    if (c === '"') { p = skipString(text, p) - 1; continue; }
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) {
        args.push(text.slice(start, p));
        return { args, end: p + 1 };
      }
    } else if (c === ',' && depth === 1) {
      args.push(text.slice(start, p));
      start = p + 1;
    }
  }
  throw new PreprocessError(line, 'unterminated argument list invoking a macro');
}

/** C integer constant expressions (as intmax_t), for #if. */
class ConditionParser {
  private readonly tokens: string[];
  private p = 0;

  constructor(text: string) {
    this.tokens = text.match(/0[xX][0-9a-fA-F]+[uUlL]*|[0-9]+[uUlL]*|'(\\.|[^'])'|[A-Za-z_][A-Za-z0-9_]*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%<>&|^!~?:()]/g) ?? [];
  }

  parse(): bigint {
    const v = this.ternary();
    if (this.p < this.tokens.length) throw new Error(`unexpected '${this.tokens[this.p]}'`);
    return v;
  }

  private next(): string | undefined { return this.tokens[this.p]; }

  private ternary(): bigint {
    const c = this.binary(0);
    if (this.next() !== '?') return c;
    this.p++;
    const a = this.ternary();
    if (this.tokens[this.p++] !== ':') throw new Error("expected ':'");
    const b = this.ternary();
    return c !== 0n ? a : b;
  }

  private static readonly LEVELS: string[][] = [
    ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
  ];

  private binary(level: number): bigint {
    if (level >= ConditionParser.LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    while (ConditionParser.LEVELS[level]!.includes(this.next() ?? '')) {
      const op = this.tokens[this.p++]!;
      const right = this.binary(level + 1);
      left = apply(op, left, right);
    }
    return left;
  }

  private unary(): bigint {
    const t = this.tokens[this.p++];
    if (t === undefined) throw new Error('missing expression');
    if (t === '(') {
      const v = this.ternary();
      if (this.tokens[this.p++] !== ')') throw new Error("expected ')'");
      return v;
    }
    if (t === '-') return -this.unary();
    if (t === '+') return this.unary();
    if (t === '!') return this.unary() === 0n ? 1n : 0n;
    if (t === '~') return ~this.unary();
    if (/^[0-9]/.test(t)) {
      const digits = t.replace(/[uUlL]+$/, '');
      return /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits[0] === '0' ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
    }
    if (t.startsWith("'")) return BigInt(t.charCodeAt(1));
    if (/^[A-Za-z_]/.test(t)) return 0n; // identifiers left after expansion are 0
    throw new Error(`unexpected '${t}'`);
  }
}

function apply(op: string, a: bigint, b: bigint): bigint {
  const truth = (c: boolean): bigint => (c ? 1n : 0n);
  switch (op) {
    case '||': return truth(a !== 0n || b !== 0n);
    case '&&': return truth(a !== 0n && b !== 0n);
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '==': return truth(a === b);
    case '!=': return truth(a !== b);
    case '<': return truth(a < b);
    case '>': return truth(a > b);
    case '<=': return truth(a <= b);
    case '>=': return truth(a >= b);
    case '<<': return a << b;
    case '>>': return a >> b;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': if (b === 0n) throw new Error('division by zero'); return a / b;
    case '%': if (b === 0n) throw new Error('division by zero'); return a % b;
  }
  throw new Error(`unknown operator ${op}`);
}

export function preprocess(path: string, text: string, options: PreprocessOptions): SourceLine[] {
  return new Preprocessor(options).run(path, text);
}
