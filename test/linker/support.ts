// What the link editor's tests share: building objects with the host's gcc/as (cached by the i386
// oracle module), linking them with GNU ld for comparison and with gate86 ld, and writing gate86's
// output somewhere the oracle can run it.

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedBuild, toolVersion } from '../support/i386-oracle.ts';
import type { LinkInput } from '../../linker/ld/link.ts';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const ROOT = join(FIXTURES, '..', '..', '..');

/** The flags the task fixes for freestanding test code. */
export const CFLAGS = ['-m32', '-ffreestanding', '-fno-pic', '-fno-stack-protector', '-fcommon'];

/**
 * Compile (or assemble, for .S) one source file into an i386 relocatable object with gcc. Every
 * header in the source's directory (and `includeDirs`) is copied next to it, so `#include "x.h"`
 * finds it and the build cache's key covers it.
 */
export function compileObject(source: string, flags: string[] = ['-O2'], includeDirs: string[] = []): LinkInput {
  const files: Record<string, string> = {};
  const name = basename(source);
  for (const dir of [dirname(source), ...includeDirs]) {
    for (const header of readdirSync(dir)) {
      if (/\.(h|S)$/.test(header) && header !== name) files[header] = readFileSync(join(dir, header), 'utf8');
    }
  }
  files[name] = readFileSync(source, 'utf8');
  const object = name.replace(/\.[cS]$/, '.o');
  const path = cachedBuild({
    files,
    commands: [['gcc', ...CFLAGS, ...flags, '-I.', '-c', name, '-o', object]],
    output: object,
  });
  return { name: object, bytes: new Uint8Array(readFileSync(path)) };
}

/** Compile C source text given inline (for the error tests). */
export function compileSnippet(name: string, source: string, flags: string[] = ['-O2']): LinkInput {
  const object = name.replace(/\.[csS]$/, '.o');
  const path = cachedBuild({
    files: { [name]: source },
    commands: [['gcc', ...CFLAGS.filter((f) => !flags.includes('-fpic') || f !== '-fno-pic'), ...flags, '-c', name, '-o', object]],
    output: object,
  });
  return { name: object, bytes: new Uint8Array(readFileSync(path)) };
}

/** Link with GNU ld (the reference). Returns the path of the cached output. */
export function gnuLink(objects: LinkInput[], args: string[] = [], extraFiles: Record<string, string> = {}): string {
  const files: Record<string, string | Uint8Array> = { ...extraFiles };
  for (const o of objects) files[o.name] = o.bytes;
  return cachedBuild({
    files,
    commands: [['ld', '-m', 'elf_i386', '--no-warn-rwx-segments', '--no-warn-execstack', ...args, '-o', 'out', ...objects.map((o) => o.name)]],
    output: 'out',
  });
}

const OUT = join(tmpdir(), `gate86-ld-tests-${process.pid}`);

/** Write gate86's output to a file (executable) and return its path. */
export function writeOutput(name: string, bytes: Uint8Array): string {
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, name);
  writeFileSync(path, bytes, { mode: 0o755 });
  return path;
}

/** Run a binutils tool (readelf, objdump, objcopy) and return its stdout; throws on failure. */
export function tool(name: string, args: string[]): string {
  toolVersion(name === 'readelf' || name === 'objcopy' ? 'objdump' : name);
  const r = spawnSync(name, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) throw new Error(`${name} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

/** The loaded bytes of an image (objcopy -O binary), for comparing two links of the same objects. */
export function loadedBytes(path: string): Buffer {
  const out = `${path}.bin`;
  tool('objcopy', ['-O', 'binary', path, out]);
  return readFileSync(out);
}

/** `readelf -a`'s complaints (it prints "readelf: Warning: ..." / "Error: ..." to stderr for malformed files). */
export function readelfComplaints(path: string): string {
  toolVersion('objdump');
  const r = spawnSync('readelf', ['-a', '-W', path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`readelf: ${r.error.message}`);
  return r.stderr;
}
