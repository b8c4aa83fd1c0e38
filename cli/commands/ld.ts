// `gate86 ld`: the link editor. Links ELF32 relocatable objects (from `gate86 as`, `as --32` or
// `gcc -m32 -c -ffreestanding -fno-pic`) into a static executable, the vsyscall DSO, or a Multiboot
// kernel image. The work is done by linker/ld/; this file only reads flags.

import { readFileSync } from 'node:fs';
import { LinkError } from '../../linker/ld/errors.ts';
import { IMAGE_KINDS } from '../../linker/ld/images.ts';
import type { ImageKind } from '../../linker/ld/images.ts';
import { linkImage } from '../../linker/ld/link-image.ts';
import { linkMap } from '../../linker/ld/map.ts';
import type { LinkImageOptions } from '../../linker/ld/link-image.ts';
import { parseExpression, parseLinkScript } from '../../linker/ld/script-parser.ts';
import type { Assignment } from '../../linker/ld/script.ts';
import { UsageError } from '../usage.ts';
import type { Command } from '../usage.ts';

const usage = `usage: gate86 ld [-o OUT] [-T SCRIPT | --image KIND] [-e ENTRY] [--defsym SYM=VALUE]
                 [-Ttext=ADDR] [--no-aout-kludge] FILE.o|LIB.a...

Links i386 ELF relocatable objects, and the members of ar archives (LIB.a) that define something
still undefined when the archive is reached, as ld does. KIND is one of:
  exec              a static ELF executable at 0x08048000 (the default), entry _start
  vsyscall-dso      linux-gate.so.1: an ET_DYN page at 0xffffe000, code at 0xffffe400,
                    exporting __kernel_vsyscall, __kernel_sigreturn, __kernel_rt_sigreturn
  multiboot-kernel  a Multiboot kernel linked at 0xC0100000 and loaded at 0x100000

  -o OUT             output file (default a.out)
  -T SCRIPT          use a GNU ld link script (a subset: SECTIONS, PHDRS, ENTRY, PROVIDE, AT, ALIGN...)
  -e ENTRY           the entry symbol (or address)
  --defsym SYM=EXPR  define a symbol
  -Ttext=ADDR        put .text at ADDR
  --no-aout-kludge   multiboot-kernel: let the boot loader read the ELF program headers instead of
                     the header's address fields
  -shared [-soname NAME]  with -T: a shared object (.hash/.dynsym/.dynstr/.dynamic, all globals)
  -M, --print-map    print where every section and symbol went
  -m elf_i386        accepted for compatibility with GNU ld`;

function parseNumber(text: string, flag: string): number {
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(text)) throw new UsageError(`${flag}: '${text}' is not an address`);
  return Number(text) >>> 0;
}

function parseArgs(args: string[]): { options: LinkImageOptions; output: string; scriptPath?: string; shared: boolean; soname?: string; printMap: boolean } {
  const objects: string[] = [];
  const defsyms: Assignment[] = [];
  let output = 'a.out';
  let image: ImageKind | undefined;
  let scriptPath: string | undefined;
  let entry: string | undefined;
  let textAddress: number | undefined;
  let aoutKludge = true;
  let shared = false;
  let printMap = false;
  let soname: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '-o') output = value();
    else if (arg === '-T') scriptPath = value();
    else if (arg.startsWith('-Ttext=')) textAddress = parseNumber(arg.slice(7), '-Ttext');
    else if (arg === '-Ttext') textAddress = parseNumber(value(), '-Ttext');
    else if (arg.startsWith('-T') && arg.length > 2) scriptPath = arg.slice(2);
    else if (arg === '-e' || arg === '--entry') entry = value();
    else if (arg.startsWith('--entry=')) entry = arg.slice(8);
    else if (arg === '--image') image = imageKind(value());
    else if (arg.startsWith('--image=')) image = imageKind(arg.slice(8));
    else if (arg === '--defsym') defsyms.push(defsym(value()));
    else if (arg.startsWith('--defsym=')) defsyms.push(defsym(arg.slice(9)));
    else if (arg === '--no-aout-kludge') aoutKludge = false;
    else if (arg === '-shared') shared = true;
    else if (arg === '-M' || arg === '--print-map') printMap = true;
    else if (arg === '-soname' || arg === '-h') soname = value();
    else if (arg.startsWith('-soname=')) soname = arg.slice(8);
    else if (arg === '-m') { const m = value(); if (m !== 'elf_i386') throw new UsageError(`-m ${m}: only elf_i386 is supported`); }
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else objects.push(arg);
  }
  if (objects.length === 0) throw new UsageError('no input files');
  if (scriptPath !== undefined && image !== undefined) throw new UsageError('give either -T or --image, not both');
  if (shared && scriptPath === undefined) throw new UsageError('-shared needs -T SCRIPT (for the vsyscall DSO use --image vsyscall-dso)');
  return { output, scriptPath, shared, soname, printMap, options: { image, objects, entry, textAddress, defsyms, aoutKludge, output } };
}

function imageKind(text: string): ImageKind {
  if (!(IMAGE_KINDS as string[]).includes(text)) throw new UsageError(`--image ${text}: expected one of ${IMAGE_KINDS.join(', ')}`);
  return text as ImageKind;
}

function defsym(text: string): Assignment {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--defsym ${text}: expected SYMBOL=EXPRESSION`);
  try {
    return { kind: 'assign', target: text.slice(0, eq).trim(), value: parseExpression(text.slice(eq + 1)), provide: false };
  } catch (error) {
    if (error instanceof LinkError) throw new UsageError(`--defsym ${text}: ${error.message}`);
    throw error;
  }
}

export const ld: Command = {
  name: 'ld',
  summary: 'link ELF32 objects into an executable, the vsyscall DSO or a Multiboot kernel',
  usage,
  async run(args) {
    const { options, scriptPath, shared, soname, printMap } = parseArgs(args);
    try {
      if (scriptPath !== undefined) {
        let text: string;
        try {
          text = readFileSync(scriptPath, 'utf8');
        } catch (error) {
          throw new LinkError(`${scriptPath}: ${(error as Error).message}`);
        }
        options.script = parseLinkScript(text, scriptPath);
        // -shared: an ET_DYN with dynamic tables exporting every defined global, as ld -shared does.
        if (shared) Object.assign(options.script, { outputType: 'dyn', gnuStack: false, shared: { soname: soname ?? options.output ?? 'a.out' } });
      }
      const result = linkImage(options);
      for (const warning of result.warnings) process.stderr.write(`gate86 ld: warning: ${warning}\n`);
      if (printMap) process.stdout.write(linkMap(result));
      return 0;
    } catch (error) {
      if (error instanceof LinkError) {
        process.stderr.write(`gate86 ld: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};
