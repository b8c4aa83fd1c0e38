// What the inputs fuzzer feeds, and to which command: the good inputs each mutation starts from, how
// a case is made from them, how it runs (in this process or through the real CLI), and what a
// correct answer looks like.
//
//   run      a static ELF mutated (headers, program headers, overlapping and huge segments, bytes)
//   machine  a Multiboot kernel mutated (the header's fields, the ELF headers, bytes)
//   as       assembly mutated as text (lines, tokens, huge repeat counts, recursive macros ...)
//   ld       objects mutated as ELF (sections, symbols, relocations), or a link script as text
//   objdump  executables and objects mutated as ELF
//
// A correct answer: the command's usual success, or one line per error starting "gate86 TOOL: " with
// status 1 (2 for usage; `run`: 126 for a file it cannot execute, or the program's own status); never
// a host exception (a stack trace), never longer than its time (a hang).

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../../linker/as/index.ts';
import { linkImage } from '../../../linker/ld/link-image.ts';
import { writeGeneratedHeaders } from '../../../kernel/tools/build-kernel.ts';
import { packageRoot } from '../../../kernel/locate.ts';
import { Random } from '../../differential/case.ts';
import { mutateBytes, mutateElf, mutateText } from './mutate.ts';

export const TOOLS = ['run', 'machine', 'as', 'ld', 'objdump'] as const;
export type InputTool = (typeof TOOLS)[number];

export interface InputCase {
  tool: InputTool;
  /** The good input it was made from. */
  base: string;
  /** The files the command gets (names without directories), and its arguments ({dir} is the case's directory). */
  files: Record<string, Uint8Array>;
  args: string[];
}

/** The good inputs, built once per run into `work`. */
export interface Bases {
  executables: { name: string; bytes: Uint8Array }[];
  kernels: { name: string; bytes: Uint8Array }[];
  sources: { name: string; text: string }[];
  objects: { name: string; bytes: Uint8Array }[];
  scripts: { name: string; text: string }[];
  /** The directory with the generated headers (unistd.h, asm-offsets.h) the sources include. */
  include: string;
}

const root = packageRoot();
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(join(root, path)));
const text = (path: string): string => readFileSync(join(root, path), 'latin1');

function sourceFiles(): string[] {
  const dirs = ['test/assembler/corpus', 'userland', 'userland/lib', 'kernel/arch/x86', 'test/kernel/programs', 'test/linker/fixtures/toolchain', 'test/fuzz/inputs', 'test/fuzz/ring3'];
  return dirs.flatMap((d) => readdirSync(join(root, d)).filter((f) => /\.(s|S)$/.test(f)).map((f) => `${d}/${f}`));
}

export function buildBases(work: string): Bases {
  mkdirSync(work, { recursive: true });
  const include = writeGeneratedHeaders(root, join(work, 'include'));
  const sources = sourceFiles().map((name) => ({ name, text: text(name) }));
  const objects: Bases['objects'] = [];
  for (const s of sources) {
    try {
      const bytes = assemble(join(root, s.name), s.text, {
        includeDirs: [include, join(root, s.name, '..')], defines: new Map(), readFile: (p: string) => readFileSync(p, 'latin1'),
      });
      objects.push({ name: s.name.replace(/\.[sS]$/, '.o'), bytes });
    } catch {
      // a source that needs defines or includes the fuzzer does not give: its text is still a base
    }
  }
  const link = (name: string, options: Parameters<typeof linkImage>[0]): { name: string; bytes: Uint8Array } => ({ name, bytes: linkImage(options).bytes });
  const object = (name: string): { name: string; bytes: Uint8Array } => {
    const o = objects.find((x) => x.name === name);
    if (o === undefined) throw new Error(`the inputs fuzzer's base ${name} did not assemble`);
    return o;
  };
  const multiboot = object('test/fuzz/inputs/multiboot.o');
  const kernels = [
    link('multiboot (a.out kludge)', { image: 'multiboot-kernel', objects: [multiboot] }),
    link('multiboot (ELF)', { image: 'multiboot-kernel', aoutKludge: false, objects: [multiboot] }),
    { name: 'build/kernel/gate86-kernel.elf', bytes: read('build/kernel/gate86-kernel.elf') },
  ];
  const executables = [
    link('hello.S', { image: 'exec', objects: [object('userland/hello.o')] }),
    ...['build/userland/getuid.elf', 'build/userland/which-stub.elf'].flatMap((p) => { try { return [{ name: p, bytes: read(p) }]; } catch { return []; } }),
  ];
  const scripts = ['test/linker/fixtures/kernel/vmlinux.lds', 'test/linker/fixtures/vsyscall/vsyscall.lds'].map((name) => ({ name, text: text(name) }));
  return { executables, kernels, sources, objects, scripts, include };
}

const bytesOf = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** Case `index` of a run with `seed`: the tools take turns. */
export function inputCase(bases: Bases, seed: number, index: number): InputCase {
  const r = new Random((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const tool = TOOLS[index % TOOLS.length]!;
  const elfOrBytes = (b: Uint8Array): Uint8Array => (r.chance(0.75) ? mutateElf(r, b) : mutateBytes(r, b));
  switch (tool) {
    case 'run': {
      const base = r.pick(bases.executables);
      return { tool, base: base.name, files: { 'prog.elf': elfOrBytes(base.bytes) }, args: ['{dir}/prog.elf'] };
    }
    case 'machine': {
      const base = r.pick(bases.kernels);
      return { tool, base: base.name, files: { 'kernel.elf': elfOrBytes(base.bytes) }, args: ['{dir}/kernel.elf'] };
    }
    case 'as': {
      const base = r.pick(bases.sources);
      const name = base.name.endsWith('.S') ? 'input.S' : 'input.s';
      const source = r.chance(0.9) ? mutateText(r, base.text) : new TextDecoder('latin1').decode(mutateBytes(r, bytesOf(base.text)));
      return { tool, base: base.name, files: { [name]: bytesOf(source) }, args: ['-I', bases.include, '-o', '{dir}/out.o', `{dir}/${name}`] };
    }
    case 'ld': {
      const objects = Array.from({ length: 1 + r.below(3) }, () => r.pick(bases.objects));
      const files: Record<string, Uint8Array> = {};
      objects.forEach((o, i) => { files[`in${i}.o`] = i === 0 || r.chance(0.3) ? elfOrBytes(o.bytes) : o.bytes; });
      const args = ['-o', '{dir}/out', ...objects.map((_, i) => `{dir}/in${i}.o`)];
      if (r.chance(0.25)) {
        const script = r.pick(bases.scripts);
        files['link.ld'] = bytesOf(mutateText(r, script.text));
        args.unshift('-T', '{dir}/link.ld');
      } else if (r.chance(0.2)) {
        args.unshift('--image', r.pick(['multiboot-kernel', 'vsyscall-dso']));
      }
      return { tool, base: objects.map((o) => o.name).join(' '), files, args };
    }
    case 'objdump': {
      const base = r.chance(0.5) ? r.pick(bases.objects) : r.pick([...bases.executables, ...bases.kernels]);
      return { tool, base: base.name, files: { 'file.elf': elfOrBytes(base.bytes) }, args: ['-d', '{dir}/file.elf'] };
    }
  }
}

/** Write a case's files into `dir`; returns its arguments with {dir} filled in. */
export function materialise(c: InputCase, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(c.files)) writeFileSync(join(dir, name), bytes);
  return c.args.map((a) => a.replaceAll('{dir}', dir));
}

// ---------------------------------------------------------------------------------------------
// Judging an answer

export interface InputAnswer {
  status: number | null;
  /** The signal that ended the command, if one did (a host crash: SIGSEGV, SIGABRT from OOM ...). */
  signal: string | null;
  stderr: string;
  /** A host exception that escaped the command (in-process runs), with its stack. */
  exception: string | null;
  /** It did not finish in its time. */
  hung: boolean;
}

/** What is wrong with an answer (null: it is a correct one). */
export function judgeAnswer(c: InputCase, a: InputAnswer): string | null {
  if (a.hung) return 'did not finish (a hang)';
  if (a.exception !== null) return `a host exception escaped: ${a.exception.split('\n')[0]}`;
  if (a.signal !== null) return `the command died of ${a.signal}`;
  if (/^\s+at .+:\d+:\d+\)?$/m.test(a.stderr) || /node:internal|^\w*Error: /m.test(a.stderr)) return `a stack trace on stderr: ${a.stderr.split('\n').slice(0, 2).join(' | ')}`;
  const status = a.status!;
  const lines = a.stderr.split('\n').filter((l) => l !== '');
  const prefix = `gate86 ${c.tool}: `;
  const ownLines = lines.filter((l) => l.startsWith(prefix));
  if (c.tool === 'run') {
    // The program's own status (0..255, 128 + N for a signal), 126 for a file it cannot execute,
    // 124 for --timeout (the program may loop); 125 means the machine or the kernel broke.
    if (status === 126 || status === 127) return ownLines.length === 1 ? null : `status ${status} without exactly one error line: ${JSON.stringify(a.stderr.slice(0, 300))}`;
    if (status === 125) return `the machine or the kernel broke: ${ownLines[0] ?? a.stderr.slice(0, 200)}`;
    return null;
  }
  if (c.tool === 'machine') {
    // isa-debug-exit statuses are odd; 1 is an error with one line; 124 the timeout.
    if (status === 1) return ownLines.length === 1 && lines.length === 1 ? null : `status 1 without exactly one error line: ${JSON.stringify(a.stderr.slice(0, 300))}`;
    return status === 124 || status % 2 === 1 ? null : `status ${status}`;
  }
  if (status === 0) return lines.every((l) => l.startsWith(`${prefix}warning: `)) ? null : `status 0 with errors: ${lines[0]}`;
  if (status === 1) return lines.length > 0 && ownLines.length === lines.length ? null : `status 1 without one-line errors: ${JSON.stringify(a.stderr.slice(0, 300))}`;
  return `status ${status}`;
}
