// Where assembler input came from, and the error every stage throws.
//
// Every line the assembler reads (from a file, an .include, a macro body, a .rept) keeps the file
// and line number it came from, so an error can point at it: `entry.S:42: unknown mnemonic 'movx'`.

export interface SourceLine {
  file: string;
  line: number;
  text: string;
}

/** A problem in the input. The message is one line: file:line: what, and the offending text. */
export class AsmError extends Error {
  constructor(where: SourceLine | null, message: string) {
    super(where ? `${where.file}:${where.line}: ${message}${where.text.trim() ? ` ('${where.text.trim()}')` : ''}` : message);
  }
}
