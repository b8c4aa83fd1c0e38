// The link-script model: what a GNU ld script says, as TypeScript data.
//
// A link script is a list of statements run top to bottom with a location counter `.`:
//   - an assignment moves `.` (`. = 0xffffe400`) or defines a symbol (`_end = .`, `PROVIDE(end = .)`);
//   - an output section (`.text : AT(...) { *(.text .text.*) } :text`) takes the input sections its
//     patterns match, in script order, lays them out from `.` (rounded up to their alignment), and
//     leaves `.` after them. It may be given an address, a load address (AT: where the bytes sit in
//     physical memory when that differs from where the code expects to run), the program headers
//     (segments) it belongs to, and fixed data (BYTE/SHORT/LONG) — which is how the kernel script
//     writes its Multiboot header.
// The three images gate86 links are built from this model in images.ts; `-T file.lds` parses GNU
// syntax into the same model (script-parser.ts). One model, one layout engine.

/** An expression over numbers, symbols, `.` and ld's builtin functions; all arithmetic is 32-bit. */
export type Expr =
  | { op: 'number'; value: number }
  | { op: 'symbol'; name: string }
  | { op: 'dot' }
  | { op: 'unary'; operator: '-' | '~' | '!'; operand: Expr }
  | { op: 'binary'; operator: BinaryOperator; left: Expr; right: Expr }
  | { op: 'conditional'; test: Expr; then: Expr; otherwise: Expr }
  | { op: 'call'; fn: ExprFunction; args: Expr[] }
  /** ADDR(.text), LOADADDR(.data), SIZEOF(.bss): functions of an output section's name. */
  | { op: 'section'; fn: 'ADDR' | 'LOADADDR' | 'SIZEOF' | 'ALIGNOF'; section: string }
  | { op: 'defined'; name: string }
  | { op: 'sizeofHeaders' };

export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';
export type ExprFunction = 'ALIGN' | 'MAX' | 'MIN' | 'ABSOLUTE';

/** `sym = expr`, `. = expr`, or `PROVIDE(sym = expr)` (defines sym only if something references it and nobody defines it). */
export interface Assignment {
  kind: 'assign';
  /** A symbol name, or '.' for the location counter. */
  target: string;
  value: Expr;
  provide: boolean;
}

/** `*(.text .text.*)`: input sections whose names match one of the globs, from files matching `file`. */
export interface InputPattern {
  kind: 'input';
  /** Glob over input object names ('*' = every file). */
  file: string;
  /** Globs over input section names; the word COMMON selects unallocated common symbols. */
  sections: string[];
  /** EXCLUDE_FILE(...): object names (globs) this pattern skips. */
  excludeFiles?: string[];
  /**
   * SORT / SORT_BY_NAME / SORT_BY_INIT_PRIORITY: order what matched by section name rather than by
   * input order. gcc names constructor sections .init_array.NNNNN with a zero-padded priority, so
   * name order is priority order.
   */
  sort?: boolean;
}

/** BYTE(x) / SHORT(x) / LONG(x): fixed data at `.`, evaluated after layout (so it may name any symbol). */
export interface DataItem {
  kind: 'data';
  size: 1 | 2 | 4;
  value: Expr;
}

export type SectionBodyItem = InputPattern | Assignment | DataItem;

export interface OutputSectionSpec {
  kind: 'output';
  /** The output section's name; '/DISCARD/' drops what its patterns match. */
  name: string;
  /** Its virtual address (VMA); default `.` rounded up to the section's alignment. */
  address?: Expr;
  /** AT(expr): its load address (LMA) when it differs from the VMA. */
  loadAddress?: Expr;
  /** ALIGN(n) before the colon: a minimum alignment for the section's start. */
  align?: Expr;
  body: SectionBodyItem[];
  /** `:text :dynamic`: the named program headers; omitted = the same as the previous section. */
  segments?: string[];
  /** `=0x90909090`: the fill pattern for alignment gaps (code sections pad with nops). */
  fill?: number;
}

export type Statement = Assignment | OutputSectionSpec;

/** PHDRS { text PT_LOAD FILEHDR PHDRS FLAGS(5); }: an explicitly named program header. */
export interface SegmentSpec {
  name: string;
  /** PT_* */
  type: number;
  /** PF_*; computed from its sections' flags when omitted. */
  flags?: number;
  /** FILEHDR PHDRS: the segment starts with the ELF header and program header table. */
  includeHeaders: boolean;
}

/** What a shared object (the vsyscall DSO) exports and calls itself. */
export interface SharedSpec {
  soname: string;
  /** Names to put in .dynsym; omitted = every defined global symbol. */
  exports?: string[];
}

export interface LinkScript {
  /** ENTRY(sym): the symbol whose address becomes e_entry. */
  entry?: string;
  /** ET_EXEC or ET_DYN. */
  outputType: 'exec' | 'dyn';
  statements: Statement[];
  /** PHDRS; when omitted the linker makes one PT_LOAD per run of sections with the same permissions. */
  segments?: SegmentSpec[];
  /**
   * Where the ELF header and program headers are loaded when segments are automatic: the script's
   * `. = BASE + SIZEOF_HEADERS` names BASE. Omitted: the headers are in the file but not in memory.
   */
  headersAddress?: Expr;
  /** Emit PT_GNU_STACK (a non-executable stack), as ld does for executables. */
  gnuStack?: boolean;
  /** Link a shared object with these dynamic tables (.hash .dynsym .dynstr .dynamic). */
  shared?: SharedSpec;
  /** Page size used for segment alignment. */
  pageSize: number;
}

// ---------------------------------------------------------------------------------------------
// Small constructors, so the built-in scripts read almost like the GNU ld text they mirror.

export const num = (value: number): Expr => ({ op: 'number', value });
export const sym = (name: string): Expr => ({ op: 'symbol', name });
export const dot: Expr = { op: 'dot' };
export const sizeofHeaders: Expr = { op: 'sizeofHeaders' };
export const add = (left: Expr, right: Expr): Expr => ({ op: 'binary', operator: '+', left, right });
export const sub = (left: Expr, right: Expr): Expr => ({ op: 'binary', operator: '-', left, right });
export const alignDot = (n: number): Expr => ({ op: 'call', fn: 'ALIGN', args: [num(n)] });
export const addr = (section: string): Expr => ({ op: 'section', fn: 'ADDR', section });
export const loadAddr = (section: string): Expr => ({ op: 'section', fn: 'LOADADDR', section });

export const setDot = (value: Expr): Assignment => ({ kind: 'assign', target: '.', value, provide: false });
export const define = (target: string, value: Expr = dot): Assignment => ({ kind: 'assign', target, value, provide: false });
export const provide = (target: string, value: Expr = dot): Assignment => ({ kind: 'assign', target, value, provide: true });
export const input = (...sections: string[]): InputPattern => ({ kind: 'input', file: '*', sections });
export const sorted = (...sections: string[]): InputPattern => ({ kind: 'input', file: '*', sections, sort: true });
export const long = (value: Expr): DataItem => ({ kind: 'data', size: 4, value });

/** Turn a glob (`*`, `?`, `[...]`) into an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) { source += '\\['; continue; }
      source += '[' + glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
      i = close;
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
