// The assembler's model of an object file being built: sections, symbols and the values that
// expressions evaluate to.

import type { SourceLine } from './source.ts';

/** gate86 refuses sections larger than this: bad input must not exhaust the host's memory. */
export const MAX_SECTION_SIZE = 64 << 20;

export class SectionTooLarge extends Error {}

/** A section of the object: its ELF attributes and, during a pass, its bytes and fixups. */
export class Section {
  /** Bytes emitted so far in this pass. */
  bytes = new Uint8Array(256);
  size = 0;
  fixups: Fixup[] = [];
  /**
   * gas's frag number at the current position: it grows after every relaxable branch and every
   * alignment. gas knows the difference of two labels while parsing only inside one frag.
   */
  frag = 0;
  /** The COMDAT group (`.section name,"axG",@progbits,group,comdat`), or null. */
  group: string | null = null;
  /** Where the section symbol falls among local symbols (creation order). */
  symbolOrder = -1;
  /** Largest alignment requested (.align/.p2align), which becomes sh_addralign. */
  align = 1;
  constructor(
    readonly name: string,
    public type: number,
    public flags: number,
    public entsize: number,
    /** Index in creation order: the order of the section headers. */
    readonly order: number,
  ) {}

  reset(): void {
    this.size = 0;
    this.frag = 0;
    this.fixups = [];
  }

  reserve(n: number): number {
    const at = this.size;
    if (at + n > MAX_SECTION_SIZE) throw new SectionTooLarge(`section ${this.name} would exceed ${MAX_SECTION_SIZE / (1 << 20)} MiB`);
    if (at + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, at + n));
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.size += n;
    return at;
  }

  emit(values: ArrayLike<number>): void {
    const at = this.reserve(values.length);
    for (let i = 0; i < values.length; i++) this.bytes[at + i] = values[i]! & 0xff;
  }

  /** A NOBITS section (.bss) only counts bytes. */
  get isNobits(): boolean {
    return this.type === 8;
  }
}

/** The section of symbols whose value is a plain number (`.equ`, `=`). */
export const ABSOLUTE = 'abs' as const;

export type Binding = 'local' | 'global' | 'weak';

export class AsmSymbol {
  /** null: undefined (so far); a Section; or ABSOLUTE. */
  section: Section | typeof ABSOLUTE | null = null;
  value = 0;
  /** Defined earlier in the current pass (textually before the current statement). */
  definedThisPass = false;
  /** An instruction before the current statement named it, in this pass (see Assembler: chainOrder). */
  namedByInstructionThisPass = false;
  binding: Binding = 'local';
  /** Named by .local: a later .comm allocates it in .bss instead of making it common. */
  declaredLocal = false;
  /** The frag of its section the label was defined in (see Section.frag). */
  frag = 0;
  /** STT_* given by .type (0 = NOTYPE). */
  type = 0;
  size = 0;
  /** .comm: a common symbol with this size and alignment (or .local + .comm: allocated in .bss). */
  common: { size: number; align: number } | null = null;
  /** Referenced by an expression or a relocation (so an undefined one goes in the symbol table). */
  used = false;
  /** Needed by a relocation as itself (not replaced by its section symbol). */
  usedInRelocation = false;
  /** When a temporary (.L) symbol was first kept for a relocation: gas lists them in that order. */
  keptOrder = 0;
  /** Where a temporary symbol entered gas's symbol chain early (see Assembler.clock), or -1. */
  chainOrder = -1;
  /** st_other: visibility from .hidden/.internal/.protected. */
  visibility = 0;
  /** `.set alias, sym`: the symbol this one names (gas gives the alias its type and size). */
  aliasOf: AsmSymbol | null = null;
  /** Defined by .set/.equ/= rather than as a label. */
  equated = false;
  /** Creation order: the symbol table keeps it. */
  constructor(readonly name: string, readonly order: number) {}

  /** Symbols gas keeps out of the table: .L* temporaries and numeric local labels. */
  get isTemporary(): boolean {
    return this.name.startsWith('.L') || this.name.includes('\u0002');
  }
}

/**
 * The value of an expression: `symbol + addend`, or a plain number when symbol is null.
 * `known` is false when the value used a symbol not yet defined in this pass (a forward
 * reference): gas sizes such operands for the largest value, and so must we.
 */
export interface Value {
  symbol: AsmSymbol | null;
  addend: number;
  known: boolean;
  /** A `sym@PLT`/`@GOT`/`@GOTOFF`/`@GOTPC` operator (PIC code), or the GOT32X form of @GOT. */
  reloc?: PicRelocation;
}

export type PicRelocation = 'plt' | 'got' | 'got32x' | 'gotoff' | 'gotpc';

/** A place in a section whose bytes depend on a symbol: resolved at the end or turned into a relocation. */
export interface Fixup {
  offset: number;
  size: 1 | 2 | 4;
  value: Value;
  /** PC-relative: the field holds target - (address of the field) + value.addend. */
  pcrel: boolean;
  /** A relaxable jmp/jcc: resolved inside its section even when the target is global, as gas does. */
  relaxable: boolean;
  /** Made by a data directive (.long) rather than an instruction: gas keeps @GOTOFF symbols then. */
  data?: boolean;
  /** An FDE's address in .eh_frame: may refer to a COMDAT section through its section symbol. */
  frame?: boolean;
  where: SourceLine;
}
