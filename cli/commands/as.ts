// gate86 as: the GNU-as-compatible assembler (AT&T syntax, i386, ELF32 relocatable output).
import { readFileSync, writeFileSync } from 'node:fs';
import { assemble, AsmError } from '../../linker/as/index.ts';
import { PreprocessError } from '../../linker/as/preprocess.ts';
import { UsageError, type Command } from '../usage.ts';

const usage = `usage: gate86 as [-o OUT.o] [-I DIR]... [-D NAME[=VALUE]]... FILE.S|FILE.s

Assembles one file of GNU as AT&T syntax for i386 into an ELF32 relocatable object
(default output: a.out, as GNU as does). FILE.S goes through the C preprocessor first.
  -o FILE      write the object to FILE
  -I DIR       search DIR for #include and .include
  -D NAME=VAL  define a preprocessor macro (for .S files)
  --32         accepted for compatibility with GNU as (gate86 only assembles 32-bit code)`;

function parseArguments(args: string[]): { input: string; output: string; includeDirs: string[]; defines: Map<string, string> } {
  let input: string | null = null;
  let output = 'a.out';
  const includeDirs: string[] = [];
  const defines = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (flag: string): string => {
      if (a.length > flag.length) return a.slice(flag.length);
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    if (a.startsWith('-o')) output = value('-o');
    else if (a.startsWith('-I')) includeDirs.push(value('-I'));
    else if (a.startsWith('-D')) {
      const d = value('-D');
      const eq = d.indexOf('=');
      defines.set(eq < 0 ? d : d.slice(0, eq), eq < 0 ? '1' : d.slice(eq + 1));
    } else if (a === '--32') continue;
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else if (input !== null) throw new UsageError('only one input file is supported');
    else input = a;
  }
  if (input === null) throw new UsageError('no input file');
  return { input, output, includeDirs, defines };
}

export const asCommand: Command = {
  name: 'as',
  summary: 'assemble GNU as (AT&T) i386 source into an ELF32 object',
  usage,
  async run(args) {
    const { input, output, includeDirs, defines } = parseArguments(args);
    let text: string;
    try {
      text = readFileSync(input, 'latin1');
    } catch {
      process.stderr.write(`gate86 as: can't open ${input} for reading\n`);
      return 1;
    }
    try {
      const object = assemble(input, text, { includeDirs, defines, readFile: (p) => readFileSync(p, 'latin1') });
      writeFileSync(output, object);
      return 0;
    } catch (error) {
      if (error instanceof AsmError || error instanceof PreprocessError) {
        process.stderr.write(`gate86 as: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};
