// Shared by the kernel tests: build the kernel once per test file (gate86's own as/ld, into a
// temporary directory), build small test programs, run them under gate86 and on the i386 oracle.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildKernel, type KernelBuild } from '../../kernel/tools/build-kernel.ts';
import { assemble } from '../../linker/as/index.ts';
import { linkImage } from '../../linker/ld/link-image.ts';
import { runProgram, type RunOptions, type RunResult } from '../../kernel/boot.ts';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'gate86-kernel-test-'));

let kernelBuild: KernelBuild | null = null;
export function builtKernel(): KernelBuild {
  kernelBuild ??= buildKernel(root, join(scratch, 'kernel'));
  return kernelBuild;
}

export function kernelBytes(): Uint8Array {
  return new Uint8Array(readFileSync(builtKernel().kernel));
}

/** Assemble and link test/kernel/programs/NAME.S with gate86 as/ld; returns the ELF's path. */
export function buildTestProgram(name: string, defines: Record<string, string> = {}): string {
  const source = join(root, 'test/kernel/programs', `${name}.S`);
  const object = join(scratch, `${name}.o`);
  writeFileSync(object, assemble(source, readFileSync(source, 'utf8'), {
    includeDirs: [], defines: new Map(Object.entries(defines)), readFile: (p: string) => readFileSync(p, 'utf8'),
  }));
  const output = join(scratch, `${name}.elf`);
  linkImage({ image: 'exec', objects: [object], output });
  return output;
}

export interface Gate86Run {
  stdout: Buffer;
  /** Exit status, or null when a signal ended the program. */
  status: number | null;
  signal: number | null;
  trace: string[];
  log: string[];
  result: RunResult;
}

/** Run an ELF under gate86 (booting the kernel built above). */
/** GATE86_JIT=off runs every kernel test with the interpreter alone (`gate86 run --no-jit`). */
const JIT = process.env.GATE86_JIT !== 'off';

export function runOnGate86(path: string, args: string[] = [], options: Partial<RunOptions> = {}): Gate86Run {
  const chunks: Buffer[] = [];
  const trace: string[] = [];
  const log: string[] = [];
  const result = runProgram({
    kernel: kernelBytes(),
    program: { path, image: new Uint8Array(readFileSync(path)), argv: [path, ...args], envp: [] },
    write: (_fd, bytes) => { chunks.push(Buffer.from(bytes)); },
    log: (line) => log.push(line),
    trace: (line) => trace.push(line),
    instructionLimit: 50_000_000,
    ...(JIT ? {} : { jit: false }),
    ...options,
  });
  const status = result.kind === 'exit' && 'code' in result.status ? result.status.code : null;
  const signal = result.kind === 'exit' && 'signal' in result.status ? result.status.signal : null;
  return { stdout: Buffer.concat(chunks), status, signal, trace, log, result };
}

/** Raw little-endian 32-bit words, as signed numbers (the test programs write EAX values). */
export function words(bytes: Buffer): number[] {
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readInt32LE(i * 4));
}

export const SIGNALS: Record<string, number> = { SIGILL: 4, SIGTRAP: 5, SIGBUS: 7, SIGFPE: 8, SIGSEGV: 11 };
