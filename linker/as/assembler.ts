// The assembler's driver: passes over the source until branch sizes and symbol values settle.
//
// GNU as relaxes branches in frags after reading the source once. gate86 gets the same result more
// simply: it assembles the whole source again and again. Every jmp/jcc to a label starts short;
// after each pass, a short branch whose target turned out to be out of range (or in another
// section, or undefined) is marked long for the following passes. Marks are never removed, so the
// process reaches a fixed point — the one gas reaches, since gas also only grows branches.
// The last pass's bytes, fixups and symbols make the object file (object.ts).

import { SHF_EXECINSTR } from '../../vm/elf/format.ts';
import { defaultAttributes } from './sections.ts';
import { ExpressionError, evaluate, type SymbolResolver } from './expression.ts';
import { encodeInstruction, EncodeError, isKnownMnemonic, isRelaxable, PREFIX_NAMES } from './encoder.ts';
import { statementsOf, sourceLines } from './lines.ts';
import { ABSOLUTE, AsmSymbol, Section, SectionTooLarge, type Value } from './model.ts';
import { OperandError, parseOperand, splitOperands, type MemoryOperand } from './operands.ts';
import { AsmError, type SourceLine } from './source.ts';
import { runDirective, isDirective } from './directives.ts';
import { MacroProcessor } from './macros.ts';
import { CallFrames } from './cfi.ts';

export interface AssembleOptions {
  /** Directories searched by .include (after the including file's own directory). */
  includeDirs: string[];
  /** Reads a file (the CLI passes fs.readFileSync; tests may pass a map). */
  readFile(path: string): string;
}

interface BranchRecord {
  index: number;
  section: Section;
  /** Offset just after the instruction in its short form. */
  end: number;
  target: Value;
}

const MAX_PASSES = 64;
/** Statements one pass may execute (after .rept/.irp/macro expansion): a bound on runaway input. */
const MAX_STATEMENTS = 10_000_000;

export class Assembler implements SymbolResolver {
  readonly sections: Section[] = [];
  readonly symbols = new Map<string, AsmSymbol>();
  current!: Section;
  previous!: Section;
  sectionStack: { current: Section; previous: Section }[] = [];
  /** .local + .comm and .lcomm symbols of this pass, allocated in .bss after the pass. */
  localCommons: { symbol: AsmSymbol; size: number; align: number }[] = [];
  /** .file names, in order: each becomes an STT_FILE symbol. */
  files: string[] = [];
  /** .ident strings, for .comment. */
  idents: string[] = [];
  /** Branches that must use the long form (by their index in pass order). */
  private readonly longBranches = new Set<number>();
  private branchCount = 0;
  private statementCount = 0;
  private branches: BranchRecord[] = [];
  /** The targets of this pass's relaxable jumps, where the jumps are. */
  private branchTargets: { section: Section; offset: number; symbol: AsmSymbol }[] = [];
  private numericCounts = new Map<number, number>();
  readonly macros: MacroProcessor;
  /** .cfi_* state: becomes .eh_frame. */
  readonly cfi: CallFrames;
  /**
   * Positions in gas's symbol chain, which is the order of the symbol table: a symbol takes one when
   * created, a section's symbol when the section is, a .L symbol when gas turns it into a full one.
   */
  private clock = 0;
  /** The line being assembled, for errors. */
  where: SourceLine = { file: '', line: 0, text: '' };
  ended = false;
  pass = 0;
  /** .code16: 16-bit operand and address sizes by default. */
  code16 = false;

  constructor(readonly options: AssembleOptions) {
    this.macros = new MacroProcessor(this);
    this.cfi = new CallFrames(this);
    this.resetSections();
  }

  // --- Sections ---------------------------------------------------------------------------

  private resetSections(): void {
    this.current = this.section('.text');
    this.section('.data');
    this.section('.bss');
    this.previous = this.current;
  }

  /** The section of that name, created with gas's default attributes for the name if new. */
  section(name: string, flags?: number, type?: number, entsize = 0): Section {
    let s = this.sections.find((x) => x.name === name);
    if (!s) {
      const defaults = defaultAttributes(name);
      s = new Section(name, type ?? defaults.type, flags ?? defaults.flags, entsize || defaults.entsize, this.sections.length);
      // gas creates a section's symbol with the section: it sorts among the local symbols by that time.
      s.symbolOrder = this.clock++;
      this.sections.push(s);
    } else if (flags !== undefined && this.pass === 0) {
      s.flags = flags;
      if (type !== undefined) s.type = type;
      if (entsize) s.entsize = entsize;
    }
    return s;
  }

  switchTo(s: Section): void {
    if (s !== this.current) {
      this.previous = this.current;
      this.current = s;
    }
  }

  isCodeSection(s: Section = this.current): boolean {
    return (s.flags & SHF_EXECINSTR) !== 0;
  }

  // --- Symbols ------------------------------------------------------------------------------

  symbol(name: string): AsmSymbol {
    let s = this.symbols.get(name);
    if (!s) {
      s = new AsmSymbol(name, this.clock++);
      this.symbols.set(name, s);
    }
    return s;
  }

  dot(): Value {
    const s = new AsmSymbol('.', -1);
    s.section = this.current;
    s.value = this.current.size;
    s.frag = this.current.frag;
    s.definedThisPass = true;
    return { symbol: s, addend: 0, known: true };
  }

  localLabel(n: number, forward: boolean): AsmSymbol {
    const count = this.numericCounts.get(n) ?? 0;
    if (!forward && count === 0) throw new ExpressionError(`undefined local label '${n}b'`);
    return this.symbol(`${n}\u0002${forward ? count : count - 1}`);
  }

  defineLabel(name: string): void {
    let s: AsmSymbol;
    if (/^[0-9]+$/.test(name)) {
      const n = Number(name);
      const count = this.numericCounts.get(n) ?? 0;
      this.numericCounts.set(n, count + 1);
      s = this.symbol(`${n}\u0002${count}`);
    } else {
      s = this.symbol(name);
      if (s.definedThisPass) throw new AsmError(this.where, `symbol '${name}' is already defined`);
    }
    s.section = this.current;
    s.value = this.current.size;
    s.frag = this.current.frag;
    s.definedThisPass = true;
  }

  /** .set/.equ/=: the symbol takes the expression's value (a number, or a place in a section). */
  assign(name: string, value: Value): void {
    const s = this.symbol(name);
    s.equated = true;
    if (value.symbol === null) {
      s.section = ABSOLUTE;
      s.value = value.addend;
    } else {
      s.section = value.symbol.section;
      s.value = value.symbol.value + value.addend;
      s.aliasOf = value.addend === 0 && value.symbol.name !== '.' ? value.symbol : null;
      s.frag = value.symbol.frag;
    }
    s.definedThisPass = true;
  }

  evaluate(text: string): Value {
    try {
      return evaluate(text, this);
    } catch (error) {
      if (error instanceof ExpressionError) throw new AsmError(this.where, error.message);
      throw error;
    }
  }

  /** An expression that must be a plain number now (counts, sizes, .if conditions). */
  absolute(text: string): number {
    const v = this.evaluate(text);
    if (v.symbol !== null) throw new AsmError(this.where, `expression '${text}' is not a constant`);
    return v.addend;
  }

  // --- Emitting -----------------------------------------------------------------------------

  emitBytes(bytes: ArrayLike<number>): void {
    if (this.current.isNobits) {
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] !== 0) throw new AsmError(this.where, `non-zero data in NOBITS section ${this.current.name}`);
      }
      this.current.reserve(bytes.length);
      return;
    }
    this.current.emit(bytes);
  }

  /** A little-endian field of `size` bytes holding `value` (with a fixup when symbolic). */
  emitValue(value: Value, size: 1 | 2 | 4 | 8, pcrel = false): void {
    const at = this.current.size;
    const bytes = new Array<number>(size).fill(0);
    if (value.symbol === null) {
      let n = BigInt.asUintN(size * 8, BigInt(Math.trunc(value.addend)));
      for (let i = 0; i < size; i++) { bytes[i] = Number(n & 0xffn); n >>= 8n; }
    }
    this.emitBytes(bytes);
    if (value.symbol !== null) {
      if (size === 8) throw new AsmError(this.where, 'a symbol in an 8-byte field needs a 64-bit relocation, which i386 lacks');
      this.current.fixups.push({ offset: at, size, value, pcrel, relaxable: false, data: true, where: this.where });
    }
  }

  // --- Passes -------------------------------------------------------------------------------

  assembleFile(path: string, text: string): void {
    this.assembleLines(path, sourceLines(text, path));
  }

  assembleLines(path: string, lines: SourceLine[]): void {
    for (this.pass = 0; this.pass < MAX_PASSES; this.pass++) {
      const before = this.snapshotSymbols();
      this.startPass();
      this.runLines(lines);
      this.macros.checkClosed();
      this.cfi.checkClosed();
      this.allocateLocalCommons();
      const grew = this.relaxBranches();
      const settled = this.pass > 0 && !grew && this.snapshotSymbols() === before;
      if (settled) {
        this.placeBranchTargets();
        return;
      }
    }
    throw new AsmError(null, `${path}: symbol values did not settle after ${MAX_PASSES} passes (a symbol defined in terms of itself?)`);
  }

  private snapshotSymbols(): string {
    const parts: string[] = [];
    for (const s of this.symbols.values()) {
      const where = s.section === null ? '-' : s.section === ABSOLUTE ? 'abs' : s.section.name;
      parts.push(`${where}:${s.value}`);
    }
    for (const s of this.sections) parts.push(`${s.name}=${s.size}`);
    return parts.join(',');
  }

  private startPass(): void {
    for (const s of this.sections) s.reset();
    for (const s of this.symbols.values()) {
      s.definedThisPass = false;
      s.namedByInstructionThisPass = false;
    }
    this.current = this.sections[0]!;
    this.previous = this.current;
    this.sectionStack = [];
    this.branchCount = 0;
    this.statementCount = 0;
    this.branches = [];
    this.branchTargets = [];
    this.numericCounts = new Map();
    this.files = [];
    this.idents = [];
    this.localCommons = [];
    this.ended = false;
    this.code16 = false;
    this.macros.startPass();
    this.cfi.startPass();
  }

  /**
   * gas turns the .L targets of relaxable jumps into full symbols while relaxing, after reading the
   * source and section by section: that is their place in the symbol table should a relocation
   * keep them.
   */
  private placeBranchTargets(): void {
    const ordered = [...this.branchTargets].sort((a, b) => a.section.order - b.section.order || a.offset - b.offset);
    for (const { symbol } of ordered) {
      if (symbol.isTemporary && symbol.chainOrder < 0) symbol.chainOrder = this.clock++;
    }
  }

  /** Lay out .local/.lcomm symbols at the end of .bss (gas's .bss subsection 1). */
  private allocateLocalCommons(): void {
    const bss = this.section('.bss');
    for (const c of this.localCommons) {
      if (c.align > 1) {
        bss.reserve((c.align - (bss.size % c.align)) % c.align);
        bss.align = Math.max(bss.align, c.align);
      }
      c.symbol.section = bss;
      c.symbol.value = bss.size;
      c.symbol.definedThisPass = true;
      bss.reserve(c.size);
    }
  }

  /** Mark long every short branch whose target is out of reach. Returns whether any changed. */
  private relaxBranches(): boolean {
    let grew = false;
    for (const b of this.branches) {
      const target = b.target.symbol;
      let reachable = false;
      if (target && target.section === b.section && target.binding !== 'weak') {
        const distance = target.value + b.target.addend - b.end;
        reachable = distance >= -128 && distance <= 127;
      }
      if (!reachable) {
        this.longBranches.add(b.index);
        grew = true;
      }
    }
    return grew;
  }

  runLines(lines: SourceLine[]): void {
    for (let i = 0; i < lines.length && !this.ended; i++) {
      const line = lines[i]!;
      this.where = line;
      // Block directives (.macro, .rept, .irp) take the lines up to their end marker.
      const consumed = this.macros.collect(lines, i);
      if (consumed > 0) {
        i += consumed - 1;
        continue;
      }
      for (const statement of statementsOf(line.text)) {
        this.where = line;
        if (++this.statementCount > MAX_STATEMENTS) throw new AsmError(line, `more than ${MAX_STATEMENTS} statements in one pass (a runaway .rept or macro?)`);
        try {
          this.statement(statement);
        } catch (error) {
          if (error instanceof SectionTooLarge) throw new AsmError(line, error.message);
          throw error;
        }
        if (this.ended) break;
      }
    }
  }

  private statement(text: string): void {
    let rest = text;
    // Labels: `name:` (several may precede a statement).
    for (;;) {
      const label = /^([A-Za-z_.$][A-Za-z0-9_.$]*|[0-9]+)\s*:(?!:)/.exec(rest);
      if (!label) break;
      if (this.macros.active()) this.defineLabel(label[1]!);
      rest = rest.slice(label[0].length).trim();
    }
    if (rest === '') return;
    const assignment = /^([A-Za-z_.$][A-Za-z0-9_.$]*)\s*=(?!=)\s*(.*)$/.exec(rest);
    const word = /^[^\s]+/.exec(rest)![0];
    const operands = rest.slice(word.length).trim();
    if (this.macros.conditional(word.toLowerCase(), operands)) return;
    if (!this.macros.active()) return;
    if (assignment) {
      this.assign(assignment[1]!, this.evaluate(assignment[2]!));
      return;
    }
    if (this.macros.invoke(word, operands)) return;
    if (isDirective(word)) {
      runDirective(this, word.toLowerCase(), operands);
      return;
    }
    this.instruction(word.toLowerCase(), operands);
  }

  private instruction(word: string, operandText: string): void {
    const userPrefixes: number[] = [];
    let mnemonic = word;
    let rest = operandText;
    // Prefixes written before the mnemonic: `rep movsb`, `lock incl (%eax)`.
    while (PREFIX_NAMES[mnemonic] !== undefined) {
      userPrefixes.push(PREFIX_NAMES[mnemonic]!);
      const next = /^[^\s]+/.exec(rest);
      if (!next || next[0].startsWith('%') || next[0].startsWith('$')) {
        if (rest !== '') break;
        // A prefix on its own (`rep; movsb`): emitted as a byte.
        this.requireCode();
        this.emitBytes(userPrefixes);
        return;
      }
      mnemonic = next[0].toLowerCase();
      rest = rest.slice(next[0].length).trim();
    }
    if (!isKnownMnemonic(mnemonic)) throw new AsmError(this.where, `unknown instruction '${mnemonic}'`);
    try {
      const operands = splitOperands(rest).map((o) => parseOperand(o, this));
      const relaxable = isRelaxable(mnemonic, operands);
      let index = -1;
      let branch: 'short' | 'long' = 'long';
      if (relaxable) {
        index = this.branchCount++;
        branch = this.longBranches.has(index) ? 'long' : 'short';
      }
      const encoding = encodeInstruction({ mnemonic, operands, prefixes: userPrefixes, branch, code16: this.code16 });
      const start = this.current.size;
      this.emitBytes(encoding.bytes);
      for (const f of encoding.fixups) {
        // gas makes a full symbol of a .L symbol at an @GOTOFF (or other PIC) operand of an
        // instruction: it then takes its place in the symbol table there — if the label already
        // existed (defined, or named by an earlier instruction). One first named here and defined
        // later (gcc's float constants in .rodata.cst4/8/16 follow the functions using them) is
        // kept at the end, after the section symbols.
        const target = f.value.symbol;
        if (f.value.reloc !== undefined && target && target.isTemporary && target.chainOrder < 0 && (target.definedThisPass || target.namedByInstructionThisPass)) target.chainOrder = this.clock++;
        if (target) target.namedByInstructionThisPass = true;
        this.current.fixups.push({ offset: start + f.offset, size: f.size, value: f.value, pcrel: f.pcrel, where: this.where, relaxable: f.relaxable === true });
      }
      if (relaxable) {
        this.current.frag++;
        const target = (operands[0] as MemoryOperand).disp?.symbol;
        if (target) this.branchTargets.push({ section: this.current, offset: start, symbol: target });
      }
      if (relaxable && branch === 'short') {
        const target = (operands[0] as MemoryOperand).disp!;
        this.branches.push({ index, section: this.current, end: this.current.size, target });
      }
    } catch (error) {
      if (error instanceof EncodeError || error instanceof OperandError || error instanceof ExpressionError) {
        throw new AsmError(this.where, error.message);
      }
      throw error;
    }
  }

  private requireCode(): void {
    // Nothing to check: gas accepts instructions in any section.
  }

  /** The bytes of an .incbin'd file (searched like .include). */
  includeBinary(name: string): Uint8Array {
    const here = this.where.file.includes('/') ? this.where.file.slice(0, this.where.file.lastIndexOf('/')) : '.';
    for (const dir of [here, ...this.options.includeDirs, '.']) {
      const path = name.startsWith('/') ? name : `${dir}/${name}`;
      try {
        return Buffer.from(this.options.readFile(path), 'latin1');
      } catch {
        continue;
      }
    }
    throw new AsmError(this.where, `file not found: ${name}`);
  }

  /** Lines of an .include'd file. */
  includeLines(name: string): SourceLine[] {
    const here = this.where.file.includes('/') ? this.where.file.slice(0, this.where.file.lastIndexOf('/')) : '.';
    for (const dir of [here, ...this.options.includeDirs, '.']) {
      const path = `${dir}/${name}`;
      let text: string;
      try {
        text = this.options.readFile(path);
      } catch {
        continue;
      }
      return sourceLines(text, path);
    }
    throw new AsmError(this.where, `can't open '${name}' for reading`);
  }
}

export { AsmError };
