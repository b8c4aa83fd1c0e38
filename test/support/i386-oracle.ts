// The i386 oracle: running i386 code on something gate86's authors did not write.
//
// gate86's strongest tests compare it against a real i386: the same static ELF is run on gate86 and
// on the oracle, and the two must agree. On a host whose kernel runs i386 ELF files (ia32 emulation
// on) the oracle is the host CPU itself; on a host where exec fails with "Exec format error" (this
// project's CI machine is such a host) it is `qemu-i386`, QEMU's Linux user-mode emulator, which runs
// the same ELF and forwards its system calls to the host kernel. We probe once, by building and
// executing a tiny i386 ELF, and report which oracle was used so a test title can say so.
//
// GATE86_ORACLE=native or GATE86_ORACLE=qemu forces one (native on a host that cannot run i386 code
// is an error, not a fallback). The CPU's differential suite runs on every oracle the host has
// (availableOracles): qemu-i386 always, the host CPU where it runs i386 code — the host is the
// stronger oracle (QEMU sets no RF in fault frames, skips ENTER's final-ESP probe), qemu the one
// every host has, so a result that holds on both holds on any CI machine.
//
// The module also builds i386 ELF files with the host toolchain (`as --32`, `ld -m elf_i386`,
// `gcc -m32`). Builds are cached by a hash of everything that goes into them (sources, flags, tool
// versions) under os.tmpdir(), so a second test run does not pay for assembling again.
//
// Missing tools are a loud error, never a silent skip: CI installs binutils, gcc-multilib and
// qemu-user, and a test that quietly skips proves nothing.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type OracleKind = 'native' | 'qemu-i386';

export interface I386Run {
  stdout: Buffer;
  stderr: string;
  /** Exit status, or null when a signal ended the program. */
  status: number | null;
  /** The signal that ended the program ('SIGFPE', ...), or null. */
  signal: NodeJS.Signals | null;
  oracle: OracleKind;
}

export interface RunOptions {
  stdin?: Uint8Array | string;
  /** Kill the program after this long (default 60 s): a runaway guest must not hang the suite. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run on this oracle instead of the preferred one (i386Oracle()). */
  oracle?: OracleKind;
  /**
   * Natively: without address-space randomization (`setarch -R`, personality ADDR_NO_RANDOMIZE), so
   * the heap starts right after the bss as on gate86. qemu-i386 lays out its guest without it anyway.
   */
  noRandomize?: boolean;
}

/** A tool the oracle needs is missing or failed; the message says which and how to install it. */
export class OracleError extends Error {}

const CACHE_ROOT = join(tmpdir(), 'gate86-i386-cache');

// ---------------------------------------------------------------------------------------------
// Tools

const toolVersions = new Map<string, string>();

/** The first line of `tool --version`; throws OracleError naming the Debian package when absent. */
export function toolVersion(tool: string): string {
  const known = toolVersions.get(tool);
  if (known !== undefined) return known;
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const hint: Record<string, string> = {
      as: 'binutils', ld: 'binutils', objdump: 'binutils', gcc: 'gcc and gcc-multilib', 'qemu-i386': 'qemu-user',
    };
    throw new OracleError(`${tool} is not available (${r.error?.message ?? `exit ${r.status}`}); install ${hint[tool] ?? tool}`);
  }
  const line = r.stdout.split('\n')[0] ?? '';
  toolVersions.set(tool, line);
  return line;
}

function run(tool: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(tool, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new OracleError(`${tool}: ${r.error.message}`);
  if (r.status !== 0) throw new OracleError(`${tool} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr.trim()}`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// The build cache: one directory per content hash; the output appears there atomically (rename), so
// two test processes building the same thing at once both end with a whole file.

export interface BuildInput {
  /** Files written into the build directory before the tools run (sources, .incbin blobs). */
  files: Record<string, string | Uint8Array>;
  /** Commands to run in order inside the build directory: [tool, ...args]. */
  commands: string[][];
  /** The file (relative to the build directory) that the build produces. */
  output: string;
}

/** Run a build unless an identical one is cached; returns the absolute path of its output. */
export function cachedBuild(input: BuildInput): string {
  const hash = createHash('sha256');
  for (const command of input.commands) hash.update(`${toolVersion(command[0]!)}\0${command.join('\0')}\n`);
  for (const name of Object.keys(input.files).sort()) {
    hash.update(`file ${name}\0`);
    hash.update(input.files[name]!);
  }
  hash.update(`out ${input.output}`);
  const dir = join(CACHE_ROOT, hash.digest('hex').slice(0, 32));
  const output = join(dir, input.output);
  if (existsSync(output)) return output;
  const work = `${dir}.${process.pid}.${Date.now()}`;
  mkdirSync(work, { recursive: true });
  for (const [name, content] of Object.entries(input.files)) writeFileSync(join(work, name), content);
  for (const command of input.commands) run(command[0]!, command.slice(1), work);
  // Keep only the output: sources, objects and blobs would make the cache grow fast (a differential
  // batch carries megabytes of initial states).
  for (const name of readdirSync(work)) if (name !== input.output) rmSync(join(work, name), { recursive: true, force: true });
  try {
    renameSync(work, dir);
  } catch {
    // Another process finished the same build first: its result is as good as ours.
    if (!existsSync(output)) throw new OracleError(`could not publish build ${dir}`);
  }
  return output;
}

export interface AssembleOptions {
  /** Extra arguments for ld, e.g. ['-Ttext=0x100000', '--section-start=.low=0x8000']. */
  ldArgs?: string[];
  /** Extra files the source refers to (.incbin blobs, .include files). */
  files?: Record<string, string | Uint8Array>;
}

/**
 * Assemble GNU `as` AT&T source with `as --32` and link it statically with `ld -m elf_i386`.
 * The entry point is `_start`. Returns the path of the cached i386 ELF executable.
 */
export function assembleI386(source: string, options: AssembleOptions = {}): string {
  return cachedBuild({
    files: { 'prog.s': source, ...options.files },
    commands: [
      ['as', '--32', '-o', 'prog.o', 'prog.s'],
      ['ld', '-m', 'elf_i386', '-static', '-o', 'prog', 'prog.o', ...(options.ldArgs ?? [])],
    ],
    output: 'prog',
  });
}

export interface CompileOptions {
  /** Extra gcc flags (e.g. '-O2'). */
  cflags?: string[];
  /** Link freestanding (no libc: -ffreestanding -nostdlib -static -fno-pic -no-pie), the default; or against glibc statically. */
  libc?: boolean;
  /** Target: 'i386' (gcc -m32, the default) or 'x86-64' (a native build, e.g. a benchmark's baseline). */
  target?: 'i386' | 'x86-64';
}

/** Compile and link C (and .S/.s) sources with gcc; returns the path of the cached executable. */
export function compileC(sources: Record<string, string>, options: CompileOptions = {}): string {
  const target = options.target ?? 'i386';
  const flags = [
    ...(target === 'i386' ? ['-m32'] : []),
    ...(options.libc ? ['-static'] : ['-ffreestanding', '-nostdlib', '-static', '-fno-pic', '-no-pie']),
    ...(options.cflags ?? []),
  ];
  return cachedBuild({
    files: sources,
    commands: [['gcc', ...flags, '-o', 'prog', ...Object.keys(sources).filter((n) => /\.(c|S|s)$/.test(n)).sort()]],
    output: 'prog',
  });
}

// ---------------------------------------------------------------------------------------------
// Choosing and running the oracle

let oracleKind: OracleKind | undefined;
let hostRunsI386: boolean | undefined;

/** A program that prints "i386\n" with two int $0x80 calls and exits 0: the probe. */
const PROBE_SOURCE = `
  .globl _start
  .text
_start:
  movl $4, %eax          # write(1, msg, 5)
  movl $1, %ebx
  movl $msg, %ecx
  movl $5, %edx
  int $0x80
  movl $1, %eax          # exit(0)
  xorl %ebx, %ebx
  int $0x80
  .data
msg: .ascii "i386\\n"
`;

/** Whether the host kernel execs i386 ELF files itself (IA-32 emulation on). Probed once. */
export function hostRunsI386Code(): boolean {
  if (hostRunsI386 !== undefined) return hostRunsI386;
  const direct = spawnSync(assembleI386(PROBE_SOURCE), [], { encoding: 'utf8', timeout: 10_000 });
  hostRunsI386 = !direct.error && direct.status === 0 && direct.stdout === 'i386\n';
  return hostRunsI386;
}

/** Check once that qemu-i386 is installed and runs the probe. */
let qemuChecked = false;
function checkQemu(): void {
  if (qemuChecked) return;
  toolVersion('qemu-i386');
  const emulated = spawnSync('qemu-i386', [assembleI386(PROBE_SOURCE)], { encoding: 'utf8', timeout: 10_000 });
  if (emulated.error || emulated.status !== 0 || emulated.stdout !== 'i386\n') {
    throw new OracleError(`qemu-i386 does not run i386 code: ${emulated.error?.message ?? emulated.stderr.trim()}`);
  }
  qemuChecked = true;
}

/**
 * The preferred oracle: GATE86_ORACLE if set ('native' or 'qemu'), else the host itself when it can
 * exec an i386 ELF, else qemu-i386.
 */
export function i386Oracle(): OracleKind {
  if (oracleKind !== undefined) return oracleKind;
  const forced = process.env.GATE86_ORACLE;
  if (forced !== undefined && forced !== '' && forced !== 'native' && forced !== 'qemu') {
    throw new OracleError(`GATE86_ORACLE must be 'native' or 'qemu', not '${forced}'`);
  }
  if (forced === 'native' && !hostRunsI386Code()) {
    throw new OracleError('GATE86_ORACLE=native, but this host cannot execute i386 ELF files (no IA-32 emulation in its kernel)');
  }
  if (forced === 'qemu' || !hostRunsI386Code()) {
    checkQemu();
    oracleKind = 'qemu-i386';
  } else {
    oracleKind = 'native';
  }
  return oracleKind;
}

/**
 * Every oracle this host has, the preferred one first: both where the host runs i386 code (unless
 * GATE86_ORACLE picks one), otherwise qemu-i386.
 */
export function availableOracles(): OracleKind[] {
  const preferred = i386Oracle();
  if (process.env.GATE86_ORACLE) return [preferred];
  if (preferred === 'native') {
    checkQemu();
    return ['native', 'qemu-i386'];
  }
  return ['qemu-i386'];
}

/** Run an i386 ELF executable on the oracle and capture what it did. */
export function runI386Elf(path: string, args: string[] = [], options: RunOptions = {}): I386Run {
  const oracle = options.oracle ?? i386Oracle();
  const [command, argv] = oracle === 'qemu-i386' ? ['qemu-i386', [path, ...args]] : options.noRandomize ? ['setarch', ['-R', path, ...args]] : [path, args];
  const r = spawnSync(command, argv, {
    input: options.stdin,
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 256 << 20,
    env: options.env,
    cwd: options.cwd,
  });
  if (r.error) throw new OracleError(`running ${path} on ${oracle}: ${r.error.message}`);
  return { stdout: r.stdout, stderr: r.stderr.toString('utf8'), status: r.status, signal: r.signal, oracle };
}

/** Run a native (host-architecture) executable the same way, e.g. a benchmark's x86-64 baseline. */
export function runHostElf(path: string, args: string[] = [], options: RunOptions = {}): Omit<I386Run, 'oracle'> {
  const r = spawnSync(path, args, { input: options.stdin, timeout: options.timeoutMs ?? 60_000, maxBuffer: 256 << 20, env: options.env, cwd: options.cwd });
  if (r.error) throw new OracleError(`running ${path}: ${r.error.message}`);
  return { stdout: r.stdout, stderr: r.stderr.toString('utf8'), status: r.status, signal: r.signal };
}

/** `objdump -d` text for [start, stop) of an ELF file: how a mismatch report shows instruction bytes. */
export function objdumpRange(path: string, start: number, stop: number): string {
  const r = run('objdump', ['-d', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${stop.toString(16)}`, path], tmpdir());
  return r.stdout.split('\n').filter((line) => /^\s+[0-9a-f]+:\t/.test(line)).join('\n');
}

/** Read a whole file that a build produced (a convenience for ELF readers). */
export function readBuilt(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}
