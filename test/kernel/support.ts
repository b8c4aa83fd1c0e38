// Shared by the kernel tests: build the kernel once per test file (gate86's own as/ld, into a
// temporary directory), build small test programs, run them under gate86 and on the i386 oracle.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildKernel, writeGeneratedHeaders, type KernelBuild } from '../../kernel/tools/build-kernel.ts';
import { assemble } from '../../linker/as/index.ts';
import { linkImage } from '../../linker/ld/link-image.ts';
import { runProgram, type RunOptions, type RunResult } from '../../kernel/boot.ts';
import { SIGNAL_NAMES } from '../../kernel/signal-numbers.ts';
import { nrSyscalls, parseSyscallTable, type SyscallRow } from '../../kernel/tools/syscall-table.ts';
import type { I386Run } from '../support/i386-oracle.ts';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * kernel/syscall_32.tbl as the build reads it. Tests read numbers from here instead of restating
 * them, so a lab that adds a row breaks no test.
 */
export const SYSCALL_ROWS: readonly SyscallRow[] = parseSyscallTable(readFileSync(join(root, 'kernel/syscall_32.tbl'), 'utf8'));
export const NR_SYSCALLS = nrSyscalls(SYSCALL_ROWS);
/** The highest number below NR_syscalls with no service: its slot holds sys_ni_syscall. */
export function highestEmptySlot(): number {
  const served = new Set(SYSCALL_ROWS.filter((r) => r.entry !== null).map((r) => r.number));
  for (let n = NR_SYSCALLS - 1; n >= 0; n--) if (!served.has(n)) return n;
  throw new Error('every slot of sys_call_table has a service');
}
const scratch = mkdtempSync(join(tmpdir(), 'gate86-kernel-test-'));

let kernelBuild: KernelBuild | null = null;
export function builtKernel(): KernelBuild {
  kernelBuild ??= buildKernel(root, join(scratch, 'kernel'));
  return kernelBuild;
}

export function kernelBytes(): Uint8Array {
  return new Uint8Array(readFileSync(builtKernel().kernel));
}

let headers: string | null = null;
/** The build's generated headers (unistd.h: the numbers of kernel/syscall_32.tbl), for the test programs. */
function generatedHeaders(): string {
  headers ??= writeGeneratedHeaders(root, join(scratch, 'include'));
  return headers;
}

/** Assemble and link DIRECTORY/NAME.S (test/kernel/programs by default) with gate86 as/ld; returns the ELF's path. */
export function buildTestProgram(name: string, defines: Record<string, string> = {}, directory = 'test/kernel/programs'): string {
  const source = join(root, directory, `${name}.S`);
  const object = join(scratch, `${name}.o`);
  writeFileSync(object, assemble(source, readFileSync(source, 'utf8'), {
    includeDirs: [generatedHeaders()], defines: new Map(Object.entries(defines)), readFile: (p: string) => readFileSync(p, 'utf8'),
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

/** Signal name -> number (the kernel's table: kernel/signal-numbers.ts). */
export const SIGNALS: Record<string, number> = Object.fromEntries(SIGNAL_NAMES.map((name, n) => [name, n]).filter(([name]) => name !== ''));

/**
 * Where qemu-i386 departs from Linux in a test program's output: the line qemu-i386 prints, and the
 * line Linux (and gate86, which follows Linux) prints instead. A test names its departures in its
 * title; this turns the oracle's output into Linux's. On the native oracle nothing changes; on
 * qemu-i386 each departure must be there, so a QEMU that stops departing fails the test until the
 * entry goes.
 */
export interface QemuDeparture { qemu: string | RegExp; linux: string }
export function linuxOutput(run: I386Run, departures: readonly QemuDeparture[]): string {
  let text = run.stdout.toString();
  if (run.oracle !== 'qemu-i386') return text;
  for (const { qemu, linux } of departures) {
    const found = typeof qemu === 'string' ? text.includes(qemu) : qemu.test(text);
    if (!found) throw new Error(`qemu-i386 no longer prints ${String(qemu)}: drop the departure`);
    text = text.replace(qemu, linux);
  }
  return text;
}

const glibcBuilt = new Map<string, string>();
/** gcc -m32 -static -pthread test/kernel/NAME.c (NAME may name a subfolder), once per test file. */
export function glibcProgram(name: string): string {
  const known = glibcBuilt.get(name);
  if (known !== undefined) return known;
  const program = join(scratch, name.replaceAll('/', '-'));
  const cc = spawnSync('gcc', ['-m32', '-static', '-O2', '-pthread', join(root, `test/kernel/${name}.c`), '-o', program], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`gcc -m32 -static failed (needs gcc-multilib, libc6-dev-i386): ${cc.stderr}`);
  glibcBuilt.set(name, program);
  return program;
}
