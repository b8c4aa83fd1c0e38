// The assembler's entry point: source text in, ELF32 relocatable object out.
//
//   assemble(path, text, options) -> Uint8Array
//
// `.S` files (capital S) go through the C preprocessor pass first (preprocess.ts), as gcc does.
// Errors are AsmError with a one-line `file:line: message ('text')`.

import { Assembler, type AssembleOptions } from './assembler.ts';
import { withoutComments } from './lines.ts';
import { writeObject } from './object.ts';
import { SectionTooLarge } from './model.ts';
import { AsmError } from './source.ts';
import { preprocess, type PreprocessOptions } from './preprocess.ts';

export interface AssemblerOptions extends AssembleOptions {
  /** -D NAME[=VALUE] for the preprocessor. */
  defines: Map<string, string>;
}

export function assemble(path: string, text: string, options: AssemblerOptions): Uint8Array {
  const asm = new Assembler(options);
  try {
    if (path.endsWith('.S')) {
      const pp: PreprocessOptions = { includeDirs: options.includeDirs, defines: options.defines, readFile: options.readFile };
      asm.assembleLines(path, withoutComments(preprocess(path, text, pp)));
    } else {
      asm.assembleFile(path, text);
    }
    return writeObject(asm);
  } catch (error) {
    if (error instanceof SectionTooLarge) throw new AsmError(null, `${path}: ${error.message}`);
    if (error instanceof RangeError) throw new AsmError(asm.where, `input too large or too deeply nested (${error.message})`);
    throw error;
  }
}

export { AsmError };
