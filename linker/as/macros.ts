// Text-level features of gas: conditionals (.if family), macros (.macro/.endm with named and
// default arguments, \@), and repetition (.rept, .irp, .irpc).
//
// Blocks are collected as source lines and re-run through the assembler, so an error inside a macro
// body still points at the line of the macro definition it came from.

import type { Assembler } from './assembler.ts';
import { statementsOf } from './lines.ts';
import { splitOperands } from './operands.ts';
import { AsmError, type SourceLine } from './source.ts';

interface Parameter {
  name: string;
  defaultValue: string;
  required: boolean;
  vararg: boolean;
}

interface Macro {
  name: string;
  parameters: Parameter[];
  body: SourceLine[];
}

interface Conditional {
  /** This branch's statements are assembled. */
  active: boolean;
  /** Some branch of this .if was already taken (so .else/.elseif stay off). */
  taken: boolean;
  /** The enclosing state was active. */
  outer: boolean;
}

/** Thrown by .exitm to leave the innermost macro expansion. */
class ExitMacro {}

/** Limits that keep bad input from exhausting the host (gas has similar ones). */
const MAX_MACRO_DEPTH = 100;
const MAX_REPEAT = 1 << 20;

const BLOCK_START = /^\.(macro|rept|irp|irpc)\b/i;

export class MacroProcessor {
  private readonly definitions = new Map<string, Macro>();
  private conditionals: Conditional[] = [];
  private expansions = 0;
  private depth = 0;
  /** .altmacro: macro arguments may be %expressions and <strings>. */
  private alternate = false;

  constructor(private readonly asm: Assembler) {}

  startPass(): void {
    this.definitions.clear();
    this.conditionals = [];
    this.expansions = 0;
    this.alternate = false;
  }

  checkClosed(): void {
    if (this.conditionals.length > 0) throw new AsmError(null, 'end of file inside a conditional (.if without .endif)');
  }

  active(): boolean {
    return this.conditionals.length === 0 || this.conditionals[this.conditionals.length - 1]!.active;
  }

  /** Handle .if/.ifdef/.else/.elseif/.endif; returns false for any other word. */
  conditional(word: string, operands: string): boolean {
    if (word === '.endif') {
      if (!this.conditionals.pop()) throw new AsmError(this.asm.where, '.endif without .if');
      return true;
    }
    if (word === '.else' || word === '.elseif') {
      const top = this.conditionals[this.conditionals.length - 1];
      if (!top) throw new AsmError(this.asm.where, `${word} without .if`);
      if (top.taken || !top.outer) {
        top.active = false;
      } else {
        top.active = word === '.else' ? true : this.asm.absolute(operands) !== 0;
        top.taken = top.active;
      }
      return true;
    }
    if (!/^\.if/.test(word)) return false;
    const outer = this.active();
    const value = outer ? this.test(word, operands) : false;
    this.conditionals.push({ active: outer && value, taken: outer && value, outer });
    return true;
  }

  private test(word: string, operands: string): boolean {
    const asm = this.asm;
    switch (word) {
      case '.if': case '.ifne': return asm.absolute(operands) !== 0;
      case '.ifeq': return asm.absolute(operands) === 0;
      case '.ifgt': return asm.absolute(operands) > 0;
      case '.ifge': return asm.absolute(operands) >= 0;
      case '.iflt': return asm.absolute(operands) < 0;
      case '.ifle': return asm.absolute(operands) <= 0;
      case '.ifdef': return this.defined(operands);
      case '.ifndef': case '.ifnotdef': return !this.defined(operands);
      case '.ifb': return operands.trim() === '';
      case '.ifnb': return operands.trim() !== '';
      case '.ifc': case '.ifnc': {
        const [a = '', b = ''] = splitOperands(operands).map(unquote);
        return (a === b) === (word === '.ifc');
      }
    }
    throw new AsmError(asm.where, `unknown conditional '${word}'`);
  }

  private defined(name: string): boolean {
    const s = this.asm.symbols.get(name.trim());
    return s !== undefined && s.definedThisPass;
  }

  /**
   * If line i starts a block (.macro, .rept, .irp, .irpc), take its lines up to the matching end,
   * act on it, and return how many lines were used; 0 otherwise.
   */
  collect(lines: SourceLine[], i: number): number {
    const first = statementsOf(lines[i]!.text)[0] ?? '';
    const start = BLOCK_START.exec(first);
    if (!start || !this.active()) return 0;
    const kind = start[1]!.toLowerCase();
    const header = first.slice(start[0].length).trim();
    let depth = 1;
    let j = i + 1;
    const body: SourceLine[] = [];
    for (; j < lines.length; j++) {
      const head = (statementsOf(lines[j]!.text)[0] ?? '').toLowerCase();
      if (kind === 'macro') {
        if (/^\.macro\b/.test(head)) depth++;
        else if (/^\.endm\b/.test(head) && --depth === 0) break;
      } else {
        if (/^\.(rept|irp|irpc)\b/.test(head)) depth++;
        else if (/^\.endr\b/.test(head) && --depth === 0) break;
      }
      body.push(lines[j]!);
    }
    if (j >= lines.length) throw new AsmError(lines[i]!, `no matching ${kind === 'macro' ? '.endm' : '.endr'}`);
    this.asm.where = lines[i]!;
    if (kind === 'macro') this.define(header, body);
    else if (kind === 'rept') {
      const count = this.asm.absolute(header);
      if (count > MAX_REPEAT) throw new AsmError(lines[i]!, `.rept count ${count} is larger than gate86 allows (${MAX_REPEAT})`);
      for (let n = 0; n < count; n++) this.asm.runLines(body);
    } else {
      const [name = '', ...values] = splitOperands(header);
      const list = kind === 'irp' ? values : [...(values.join(','))];
      for (const value of list.length ? list : ['']) {
        this.asm.runLines(substitute(body, new Map([[name.trim(), value]]), String(this.expansions)));
      }
    }
    return j - i + 1;
  }

  private define(header: string, body: SourceLine[]): void {
    const m = /^([A-Za-z_.$][A-Za-z0-9_.$]*)\s*,?\s*(.*)$/.exec(header);
    if (!m) throw new AsmError(this.asm.where, 'bad .macro name');
    const specs = m[2]!.includes(',') ? m[2]!.split(',') : m[2]!.split(/\s+/);
    const parameters = specs.map((s) => s.trim()).filter((s) => s !== '').map((spec): Parameter => {
      const eq = spec.indexOf('=');
      let name = eq >= 0 ? spec.slice(0, eq).trim() : spec;
      const defaultValue = eq >= 0 ? spec.slice(eq + 1).trim() : '';
      const qualifier = /:(req|vararg)$/.exec(name);
      if (qualifier) name = name.slice(0, qualifier.index);
      return { name, defaultValue, required: qualifier?.[1] === 'req', vararg: qualifier?.[1] === 'vararg' };
    });
    this.definitions.set(m[1]!.toLowerCase(), { name: m[1]!, parameters, body });
  }

  /** Expand a macro if `word` names one. */
  invoke(word: string, operands: string): boolean {
    const lower = word.toLowerCase();
    if (lower === '.exitm') {
      if (this.depth === 0) throw new AsmError(this.asm.where, '.exitm outside a macro');
      throw new ExitMacro();
    }
    if (lower === '.purgem') {
      if (!this.definitions.delete(operands.trim().toLowerCase())) throw new AsmError(this.asm.where, `macro '${operands.trim()}' is not defined`);
      return true;
    }
    if (lower === '.altmacro' || lower === '.noaltmacro') {
      this.alternate = lower === '.altmacro';
      return true;
    }
    if (lower === '.endm' || lower === '.endr') throw new AsmError(this.asm.where, `${word} without a matching block start`);
    const macro = this.definitions.get(lower);
    if (!macro) return false;
    const values = new Map<string, string>();
    let args = macroArguments(operands, macro.parameters.length);
    // In .altmacro mode `%expr` passes the expression's value and <text> passes text as is.
    if (this.alternate) {
      args = args.map((a) => (a.startsWith('%') ? String(this.asm.absolute(a.slice(1))) : a.startsWith('<') && a.endsWith('>') ? a.slice(1, -1) : a));
    }
    let positional = 0;
    let rest = false;
    args.forEach((arg, index) => {
      if (rest) return;
      const named = /^([A-Za-z_.$][A-Za-z0-9_.$]*)\s*=(?!=)\s*(.*)$/.exec(arg);
      if (named && macro.parameters.some((p) => p.name === named[1])) {
        values.set(named[1]!, named[2]!);
        return;
      }
      const p = macro.parameters[positional++];
      if (!p) throw new AsmError(this.asm.where, `too many arguments for macro '${macro.name}'`);
      if (p.vararg) {
        values.set(p.name, args.slice(index).join(','));
        rest = true;
      } else values.set(p.name, arg);
    });
    for (const p of macro.parameters) {
      if (!values.has(p.name) || values.get(p.name) === '') {
        if (p.required) throw new AsmError(this.asm.where, `missing value for required parameter '${p.name}' of macro '${macro.name}'`);
        values.set(p.name, values.get(p.name) || p.defaultValue);
      }
    }
    const body = substitute(macro.body, values, String(this.expansions++));
    if (this.depth >= MAX_MACRO_DEPTH) throw new AsmError(this.asm.where, `macros nested too deeply (more than ${MAX_MACRO_DEPTH}): a macro that calls itself?`);
    this.depth++;
    try {
      this.asm.runLines(body);
    } catch (signal) {
      if (!(signal instanceof ExitMacro)) throw signal;
    } finally {
      this.depth--;
    }
    return true;
  }
}

/** Macro arguments: separated by commas, or by blanks when no comma is used. Quotes are removed. */
function macroArguments(text: string, parameterCount: number): string[] {
  if (text.trim() === '') return [];
  let args = splitOperands(text);
  if (args.length === 1 && parameterCount > 1 && /\s/.test(args[0]!) && !/["'(]/.test(args[0]!)) args = args[0]!.split(/\s+/);
  return args.map(unquote);
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** Replace \name, \@ and \() in every line of a body. */
function substitute(body: SourceLine[], values: Map<string, string>, counter: string): SourceLine[] {
  return body.map((line) => ({
    ...line,
    text: line.text.replace(/\\([A-Za-z_.$][A-Za-z0-9_.$]*|@|\(\))/g, (whole, name: string) => {
      if (name === '@') return counter;
      if (name === '()') return '';
      const v = values.get(name);
      return v === undefined ? whole : v;
    }),
  }));
}
