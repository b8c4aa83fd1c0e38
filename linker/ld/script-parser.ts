// Reading GNU ld link-script text (`gate86 ld -T file.lds`) into the model of script.ts.
//
// The subset is what kernel and embedded scripts use: ENTRY, OUTPUT_FORMAT/OUTPUT_ARCH (checked,
// then ignored), PHDRS, SECTIONS with assignments, PROVIDE/PROVIDE_HIDDEN/HIDDEN, output sections
// with an address, AT(), ALIGN(), (NOLOAD), :phdr lists and =fill, input patterns with KEEP(),
// SORT*() (by name; SORT_NONE keeps input order), EXCLUDE_FILE(), BYTE/SHORT/LONG/FILL, and
// expressions with C operators and ALIGN, ADDR, LOADADDR, SIZEOF, ALIGNOF, DEFINED, MAX, MIN,
// ABSOLUTE, SIZEOF_HEADERS, CONSTANT(MAXPAGESIZE), SEGMENT_START, DATA_SEGMENT_* (as ld evaluates
// them for a static link).
//
// ld's own lexer changes its idea of a word with the context (a section pattern may hold `*`, `-`
// and `.`; an expression may not), so this parser reads characters directly rather than tokens.

import { PT_DYNAMIC, PT_GNU_EH_FRAME, PT_GNU_RELRO, PT_GNU_STACK, PT_INTERP, PT_LOAD, PT_NOTE, PT_NULL, PT_PHDR, PT_TLS } from '../../vm/elf/format.ts';
import { LinkError } from './errors.ts';
import type {
  Assignment, BinaryOperator, Expr, InputPattern, LinkScript, OutputSectionSpec, SectionBodyItem, SegmentSpec,
  Statement,
} from './script.ts';

const SEGMENT_TYPES: Record<string, number> = {
  PT_NULL, PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_PHDR, PT_TLS, PT_GNU_EH_FRAME, PT_GNU_STACK, PT_GNU_RELRO,
};

/** Binary operators by precedence, loosest first (C's table, as ld uses). */
const LEVELS: BinaryOperator[][] = [
  ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<=', '>=', '<', '>'], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
];

const PAGE = 0x1000;

/** A message fit for one line: line breaks in quoted text become spaces, and a long quote is cut short. */
function oneLine(message: string): string {
  const flat = message.replace(/\s*\n\s*/g, ' ');
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat;
}

class Reader {
  pos = 0;
  constructor(readonly text: string, readonly file: string) {}

  /** A LinkError in one line (the inputs fuzzer found quoted script text carrying its newlines along). */
  fail(message: string): never {
    const line = this.text.slice(0, this.pos).split('\n').length;
    throw new LinkError(`${this.file}:${line}: ${oneLine(message)}`);
  }

  /** Skip blanks and comments. */
  space(): void {
    for (;;) {
      const rest = this.text.slice(this.pos);
      const m = /^(\s+|\/\*[\s\S]*?\*\/|#[^\n]*|\/\/[^\n]*)/.exec(rest);
      if (!m) return;
      this.pos += m[0].length;
    }
  }

  peek(literal: string): boolean {
    this.space();
    return this.text.startsWith(literal, this.pos);
  }

  eat(literal: string): boolean {
    if (!this.peek(literal)) return false;
    this.pos += literal.length;
    return true;
  }

  expect(literal: string): void {
    if (!this.eat(literal)) this.fail(`expected '${literal}' at '${this.text.slice(this.pos, this.pos + 20).split('\n')[0]}'`);
  }

  /** A word made of the characters `chars` allows; '' when there is none. */
  word(chars: RegExp): string {
    this.space();
    let end = this.pos;
    while (end < this.text.length && chars.test(this.text[end]!)) end++;
    const w = this.text.slice(this.pos, end);
    this.pos = end;
    return w;
  }

  /** Look at the next symbol-like word without consuming it. */
  peekWord(): string {
    const at = this.pos;
    const w = this.word(SYMBOL_CHAR);
    this.pos = at;
    return w;
  }

  atEnd(): boolean {
    this.space();
    return this.pos >= this.text.length;
  }
}

const SYMBOL_CHAR = /[A-Za-z0-9_.$]/;
const NAME_CHAR = /[A-Za-z0-9_.$*?[\]\-/\\~+!^]/; // section names and patterns
const KEYWORD_FUNCTIONS = new Set(['ALIGN', 'MAX', 'MIN', 'ABSOLUTE']);

/** Parse an expression on its own (for --defsym). */
export function parseExpression(text: string): Expr {
  const r = new Reader(text, '--defsym');
  const e = expression(r);
  if (!r.atEnd()) r.fail(`unexpected '${text.slice(r.pos)}'`);
  return e;
}

function expression(r: Reader): Expr {
  const test = binary(r, 0);
  if (!r.eat('?')) return test;
  const then = expression(r);
  r.expect(':');
  return { op: 'conditional', test, then, otherwise: expression(r) };
}

function binary(r: Reader, level: number): Expr {
  if (level === LEVELS.length) return unary(r);
  let left = binary(r, level + 1);
  for (;;) {
    r.space();
    // Longest operator first, and never mistake `=`, `+=` (an assignment) or `||` for `|`.
    const operator = LEVELS[level]!.slice().sort((a, b) => b.length - a.length).find((op) => {
      if (!r.text.startsWith(op, r.pos)) return false;
      const next = r.text[r.pos + op.length];
      if (op.length === 1 && (next === '=' || (next === op && '|&<>'.includes(op)))) return false;
      if ((op === '<' || op === '>') && next === op) return false;
      return true;
    });
    if (!operator) return left;
    r.pos += operator.length;
    left = { op: 'binary', operator, left, right: binary(r, level + 1) };
  }
}

function unary(r: Reader): Expr {
  for (const operator of ['-', '~', '!'] as const) {
    if (r.peek(operator) && !r.peek('!=')) {
      r.pos++;
      return { op: 'unary', operator, operand: unary(r) };
    }
  }
  if (r.eat('+')) return unary(r);
  return primary(r);
}

function number(text: string, r: Reader): Expr {
  const m = /^(0x[0-9a-f]+|[0-9]+)([KM]?)$/i.exec(text);
  if (!m) r.fail(`'${text}' is not a number`);
  const scale = m[2]!.toUpperCase() === 'K' ? 1024 : m[2]!.toUpperCase() === 'M' ? 1024 * 1024 : 1;
  const digits = m[1]!;
  const value = /^0[0-7]+$/.test(digits) ? parseInt(digits, 8) : Number(digits);
  return { op: 'number', value: (value * scale) >>> 0 };
}

function primary(r: Reader): Expr {
  if (r.eat('(')) {
    const e = expression(r);
    r.expect(')');
    return e;
  }
  r.space();
  if (r.text[r.pos] === '"') {
    const end = r.text.indexOf('"', r.pos + 1);
    if (end < 0) r.fail('unterminated string');
    const name = r.text.slice(r.pos + 1, end);
    r.pos = end + 1;
    return { op: 'symbol', name };
  }
  const word = r.word(SYMBOL_CHAR);
  if (word === '') r.fail(`expected an expression at '${r.text.slice(r.pos, r.pos + 20).split('\n')[0]}'`);
  if (word === '.') return { op: 'dot' };
  if (/^[0-9]/.test(word)) return number(word, r);
  if (word === 'SIZEOF_HEADERS') return { op: 'sizeofHeaders' };
  if (!r.peek('(')) return { op: 'symbol', name: word };
  r.expect('(');
  let result: Expr;
  if (KEYWORD_FUNCTIONS.has(word)) {
    const args = [expression(r)];
    while (r.eat(',')) args.push(expression(r));
    result = { op: 'call', fn: word as 'ALIGN', args };
  } else if (word === 'ADDR' || word === 'LOADADDR' || word === 'SIZEOF' || word === 'ALIGNOF') {
    result = { op: 'section', fn: word, section: r.word(NAME_CHAR) };
  } else if (word === 'DEFINED') {
    result = { op: 'defined', name: r.word(SYMBOL_CHAR) };
  } else if (word === 'CONSTANT') {
    const name = r.word(SYMBOL_CHAR);
    if (name !== 'MAXPAGESIZE' && name !== 'COMMONPAGESIZE') r.fail(`CONSTANT(${name}) is not known`);
    result = { op: 'number', value: PAGE };
  } else if (word === 'SEGMENT_START') {
    // SEGMENT_START("text-segment", default): gate86 has no -Ttext-segment, so the default.
    primary(r);
    r.expect(',');
    result = expression(r);
  } else if (word === 'DATA_SEGMENT_ALIGN') {
    // A static link: ld's result is ALIGN(maxpagesize) + (. & (maxpagesize - 1)).
    const max = expression(r);
    r.expect(',');
    expression(r);
    result = {
      op: 'binary', operator: '+', left: { op: 'call', fn: 'ALIGN', args: [max] },
      right: { op: 'binary', operator: '&', left: { op: 'dot' }, right: { op: 'binary', operator: '-', left: max, right: { op: 'number', value: 1 } } },
    };
  } else if (word === 'DATA_SEGMENT_RELRO_END') {
    expression(r);
    r.expect(',');
    result = expression(r);
  } else if (word === 'DATA_SEGMENT_END') {
    result = expression(r);
  } else {
    r.fail(`unknown function ${word}()`);
  }
  r.expect(')');
  return result;
}

// ---------------------------------------------------------------------------------------------
// Statements

/** `sym = expr;`, `. += 4;`, `PROVIDE(sym = expr);` — after the caller has seen the target word. */
function assignmentRest(r: Reader, target: string, provide: boolean): Assignment {
  const compound = ['+=', '-=', '*=', '/=', '<<=', '>>=', '&=', '|='].find((op) => r.peek(op));
  if (compound) {
    r.expect(compound);
    const operator = compound.slice(0, -1) as BinaryOperator;
    const left: Expr = target === '.' ? { op: 'dot' } : { op: 'symbol', name: target };
    return { kind: 'assign', target, value: { op: 'binary', operator, left, right: expression(r) }, provide };
  }
  r.expect('=');
  return { kind: 'assign', target, value: expression(r), provide };
}

/** An assignment statement, if one starts here (returns null otherwise, consuming nothing). */
function assignment(r: Reader): Assignment | null {
  const at = r.pos;
  const word = r.word(SYMBOL_CHAR);
  if (word === 'PROVIDE' || word === 'PROVIDE_HIDDEN' || word === 'HIDDEN') {
    r.expect('(');
    const target = r.word(SYMBOL_CHAR);
    const a = assignmentRest(r, target, word !== 'HIDDEN');
    r.expect(')');
    r.eat(';');
    return a;
  }
  if (word !== '' && (r.peek('=') && !r.peek('==') || /^(\+|-|\*|\/|<<|>>|&|\|)=/.test(r.text.slice(r.pos)))) {
    const a = assignmentRest(r, word, false);
    r.expect(';');
    return a;
  }
  r.pos = at;
  return null;
}

/**
 * The section names inside `*( ... )`. EXCLUDE_FILE(files) is honoured for the whole list (ld
 * applies it to the names after it only; the scripts gate86 reads put it first or use it alike).
 */
function sectionPatterns(r: Reader, excludeFiles: string[], sorting: { sort: boolean }): string[] {
  const names: string[] = [];
  while (!r.peek(')')) {
    const word = r.word(NAME_CHAR);
    if (word === '') r.fail(`expected a section name at '${r.text.slice(r.pos, r.pos + 20).split('\n')[0]}'`);
    if (word === 'EXCLUDE_FILE' && r.eat('(')) {
      while (!r.eat(')')) {
        const file = r.word(NAME_CHAR);
        if (file === '') r.fail('expected a file name in EXCLUDE_FILE');
        excludeFiles.push(file);
      }
      continue;
    }
    if (/^SORT(_BY_NAME|_BY_ALIGNMENT|_BY_INIT_PRIORITY|_NONE)?$/.test(word) && r.eat('(')) {
      // Sorting by name (or init priority, the same thing for gcc's zero-padded names); SORT_NONE
      // and SORT_BY_ALIGNMENT keep input order.
      if (word === 'SORT' || word === 'SORT_BY_NAME' || word === 'SORT_BY_INIT_PRIORITY') sorting.sort = true;
      names.push(...sectionPatterns(r, excludeFiles, sorting));
      r.expect(')');
      continue;
    }
    names.push(word);
  }
  return names;
}

function inputPattern(r: Reader): InputPattern {
  const file = r.word(NAME_CHAR);
  if (file === '') r.fail(`expected an input section pattern at '${r.text.slice(r.pos, r.pos + 20).split('\n')[0]}'`);
  if (!r.eat('(')) return { kind: 'input', file, sections: ['*'] };
  const excludeFiles: string[] = [];
  const sorting = { sort: false };
  const sections = sectionPatterns(r, excludeFiles, sorting);
  r.expect(')');
  const pattern: InputPattern = { kind: 'input', file, sections };
  if (excludeFiles.length > 0) pattern.excludeFiles = excludeFiles;
  if (sorting.sort) pattern.sort = true;
  return pattern;
}

function sectionBody(r: Reader, spec: OutputSectionSpec): SectionBodyItem[] {
  const body: SectionBodyItem[] = [];
  r.expect('{');
  while (!r.eat('}')) {
    if (r.eat(';')) continue;
    const a = assignment(r);
    if (a) { body.push(a); continue; }
    const word = r.peekWord();
    const sizes: Record<string, 1 | 2 | 4> = { BYTE: 1, SHORT: 2, LONG: 4 };
    if (Object.hasOwn(sizes, word) && r.text.slice(r.pos).match(/^\s*[A-Z]+\s*\(/)) {
      r.word(SYMBOL_CHAR);
      r.expect('(');
      body.push({ kind: 'data', size: sizes[word]!, value: expression(r) });
      r.expect(')');
      continue;
    }
    if (word === 'FILL' && /^\s*FILL\s*\(/.test(r.text.slice(r.pos))) {
      r.word(SYMBOL_CHAR);
      r.expect('(');
      spec.fill = evaluateConstant(expression(r), r);
      r.expect(')');
      continue;
    }
    if (word === 'KEEP' && /^\s*KEEP\s*\(/.test(r.text.slice(r.pos))) {
      r.word(SYMBOL_CHAR);
      r.expect('(');
      body.push(inputPattern(r));
      r.expect(')');
      continue;
    }
    body.push(inputPattern(r));
  }
  return body;
}

function evaluateConstant(e: Expr, r: Reader): number {
  if (e.op === 'number') return e.value;
  if (e.op === 'unary' && e.operator === '-' && e.operand.op === 'number') return (-e.operand.value) >>> 0;
  return r.fail('a fill pattern must be a number');
}

function outputSection(r: Reader, name: string): OutputSectionSpec {
  const spec: OutputSectionSpec = { kind: 'output', name, body: [] };
  if (!r.peek(':')) {
    const at = r.pos;
    if (r.eat('(')) {
      const type = r.word(SYMBOL_CHAR);
      if (['NOLOAD', 'COPY', 'INFO', 'OVERLAY', 'DSECT'].includes(type) && r.eat(')')) {
        if (type !== 'NOLOAD') r.fail(`(${type}) sections are not supported`);
      } else {
        r.pos = at;
        spec.address = expression(r);
      }
    } else {
      spec.address = expression(r);
    }
  }
  r.expect(':');
  for (;;) {
    const word = r.peekWord();
    if (word === 'AT' && /^\s*AT\s*\(/.test(r.text.slice(r.pos))) { r.word(SYMBOL_CHAR); r.expect('('); spec.loadAddress = expression(r); r.expect(')'); }
    else if (word === 'ALIGN') { r.word(SYMBOL_CHAR); r.expect('('); spec.align = expression(r); r.expect(')'); }
    else if (word === 'SUBALIGN') r.fail('SUBALIGN is not supported');
    else if (word === 'ONLY_IF_RO' || word === 'ONLY_IF_RW') r.word(SYMBOL_CHAR); // a static link keeps both
    else break;
  }
  spec.body = sectionBody(r, spec);
  if (r.eat('>')) r.fail('memory regions (>REGION) are not supported');
  const segments: string[] = [];
  while (r.peek(':')) {
    r.expect(':');
    segments.push(r.word(SYMBOL_CHAR));
  }
  if (segments.length > 0) spec.segments = segments;
  if (r.eat('=')) spec.fill = evaluateConstant(expression(r), r);
  r.eat(',');
  return spec;
}

function phdrs(r: Reader): SegmentSpec[] {
  const list: SegmentSpec[] = [];
  r.expect('{');
  while (!r.eat('}')) {
    const name = r.word(SYMBOL_CHAR);
    if (name === '') r.fail('expected a program header name');
    const typeWord = r.word(SYMBOL_CHAR);
    const type = SEGMENT_TYPES[typeWord] ?? (/^(0x[0-9a-f]+|[0-9]+)$/i.test(typeWord) ? Number(typeWord) : r.fail(`unknown program header type ${typeWord}`));
    const spec: SegmentSpec = { name, type, includeHeaders: false };
    while (!r.eat(';')) {
      const word = r.word(SYMBOL_CHAR);
      if (word === 'FILEHDR' || word === 'PHDRS') spec.includeHeaders = true;
      else if (word === 'FLAGS') { r.expect('('); spec.flags = evaluateConstant(expression(r), r); r.expect(')'); }
      else if (word === 'AT') r.fail('AT() in PHDRS is not supported; put AT() on the sections');
      else r.fail(`unexpected '${word || r.text.slice(r.pos, r.pos + 10)}' in PHDRS`);
    }
    list.push(spec);
  }
  return list;
}

/** Parse a whole link script. */
export function parseLinkScript(text: string, file = 'link script'): LinkScript {
  const r = new Reader(text, file);
  const script: LinkScript = { outputType: 'exec', statements: [], pageSize: PAGE, gnuStack: true };
  const statements: Statement[] = script.statements;
  const command = (word: string): boolean => {
    if (word === 'ENTRY') { r.expect('('); script.entry = r.word(SYMBOL_CHAR); r.expect(')'); r.eat(';'); return true; }
    if (word === 'OUTPUT_FORMAT' || word === 'OUTPUT_ARCH' || word === 'SEARCH_DIR' || word === 'TARGET') {
      r.expect('(');
      const args = r.text.slice(r.pos, r.text.indexOf(')', r.pos));
      if (word === 'OUTPUT_FORMAT' && !/elf32-i386/.test(args)) r.fail(`OUTPUT_FORMAT(${args}): gate86 ld writes elf32-i386 only`);
      r.pos += args.length;
      r.expect(')');
      r.eat(';');
      return true;
    }
    return false;
  };
  while (!r.atEnd()) {
    if (r.eat(';')) continue;
    const a = assignment(r);
    if (a) { statements.push(a); continue; }
    const word = r.word(SYMBOL_CHAR);
    if (command(word)) continue;
    if (word === 'PHDRS') { script.segments = phdrs(r); continue; }
    if (word !== 'SECTIONS') r.fail(`unknown command '${word || r.text.slice(r.pos, r.pos + 20)}'`);
    r.expect('{');
    while (!r.eat('}')) {
      if (r.eat(';')) continue;
      const inner = assignment(r);
      if (inner) { statements.push(inner); continue; }
      const at = r.pos;
      const name = r.word(NAME_CHAR);
      if (command(name)) continue;
      if (name === '') { r.pos = at; r.fail(`unexpected '${r.text.slice(r.pos, r.pos + 20).split('\n')[0]}' in SECTIONS`); }
      statements.push(outputSection(r, name));
    }
  }
  script.headersAddress = headersAddressOf(statements);
  return script;
}

/**
 * `. = BASE + SIZEOF_HEADERS` is how a script says "the headers are loaded at BASE, and the first
 * section follows them": find BASE in the first assignment to `.` that mentions SIZEOF_HEADERS.
 */
function headersAddressOf(statements: Statement[]): Expr | undefined {
  for (const s of statements) {
    if (s.kind !== 'assign' || s.target !== '.') continue;
    const v = s.value;
    if (v.op === 'binary' && v.operator === '+' && v.right.op === 'sizeofHeaders') return v.left;
    if (v.op === 'binary' && v.operator === '+' && v.left.op === 'sizeofHeaders') return v.right;
  }
  return undefined;
}
