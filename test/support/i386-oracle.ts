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
import { accessSync, constants as fsConstants, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

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
  /** The program execs other i386 programs, which the oracle must run too (see oracleCommand). */
  followsExec?: boolean;
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

/**
 * Whether the host kernel execs i386 ELF files itself (IA-32 emulation on). Probed once. An exec that
 * works only because binfmt_misc hands i386 ELF files to an emulator (qemu-user-binfmt, or the
 * registration below made global) is not the host CPU: binfmt_misc's handlers are tried before the
 * kernel's own ELF loader, so such a host is a qemu host whatever its CPU could do.
 */
export function hostRunsI386Code(): boolean {
  if (hostRunsI386 !== undefined) return hostRunsI386;
  const direct = spawnSync(assembleI386(PROBE_SOURCE), [], { encoding: 'utf8', timeout: 10_000 });
  hostRunsI386 = !direct.error && direct.status === 0 && direct.stdout === 'i386\n' && i386EmulatorOfBinfmt() === null;
  return hostRunsI386;
}

const BINFMT = '/proc/sys/fs/binfmt_misc';
/** The ELF header bytes binfmt_misc matches an i386 executable by (EI_CLASS 1, EI_DATA 1, e_machine 3), and which bits count. */
const I386_ELF_MAGIC = '7f454c4601010100000000000000000002000300';
const I386_ELF_MASK = 'fffffffffffefe00fffffffffffffffffeffffff';

/** The interpreter of an enabled binfmt_misc entry that takes i386 ELF files, or null. */
function i386EmulatorOfBinfmt(): string | null {
  let names: string[];
  try { names = readdirSync(BINFMT).filter((n) => n !== 'register' && n !== 'status'); } catch { return null; }
  for (const name of names) {
    let entry: string;
    try { entry = readFileSync(join(BINFMT, name), 'utf8'); } catch { continue; }
    if (!entry.startsWith('enabled')) continue;
    const magic = /^magic ([0-9a-f]+)$/m.exec(entry)?.[1];
    if (magic !== undefined && magic.startsWith('7f454c460101') && magic.slice(36, 40) === '0300') return /^interpreter (.*)$/m.exec(entry)?.[1] ?? name;
  }
  return null;
}

/**
 * A program that execs other i386 programs (a shell running applets, posix_spawn, execve tests) on
 * qemu-i386: QEMU's user mode emulates one process image, and the guest's execve goes to the host
 * kernel, which cannot run an i386 file without binfmt_misc handing it to qemu-i386. Without a
 * global registration the oracle makes one of its own: the program runs in a new user and mount
 * namespace (uid 0 stays 0) whose private binfmt_misc instance (Linux 6.7 and later) sends i386 ELF
 * files, with their argv[0] preserved (flag P, which qemu-i386 understands), to qemu-i386 — the host's
 * own binfmt table is never touched. Returns the command line to run, or throws OracleError naming
 * what is missing.
 */
function qemuFollowingExec(path: string, args: string[]): [string, string[]] {
  const qemu = hostTool('qemu-i386');
  if (i386EmulatorOfBinfmt() !== null) return [qemu, [path, ...args]];
  const hex = (bytes: string): string => bytes.replace(/../g, (b) => `\\x${b}`);
  const rule = `:gate86-qemu-i386:M::${hex(I386_ELF_MAGIC)}:${hex(I386_ELF_MASK)}:${qemu}:P`;
  const script = `${hostTool('mount')} -t binfmt_misc binfmt_misc ${BINFMT} && printf '%s' '${rule}' > ${BINFMT}/register && exec "$@"`;
  const wrapper: [string, string[]] = [hostTool('unshare'), ['--user', '--map-root-user', '--mount', '--', '/bin/sh', '-c', script, 'sh', qemu, path, ...args]];
  if (privateBinfmtWorks === undefined) {
    const probe = spawnSync(wrapper[0], [...wrapper[1].slice(0, 8), '/bin/sh', '-c', `exec ${assembleI386(PROBE_SOURCE)}`], { encoding: 'utf8', timeout: 10_000 });
    privateBinfmtWorks = !probe.error && probe.status === 0 && probe.stdout === 'i386\n';
    if (!privateBinfmtWorks) privateBinfmtError = probe.error?.message ?? probe.stderr.trim();
  }
  if (!privateBinfmtWorks) {
    throw new OracleError(`this test's program execs i386 programs, which qemu-i386 can follow only through binfmt_misc: no entry sends i386 ELF files to qemu-i386, and a private one (unshare --user --mount, Linux 6.7+) failed (${privateBinfmtError}). Register one: echo '${rule.replace(':P', ':').replace('gate86-', '')}' > ${BINFMT}/register`);
  }
  return wrapper;
}
let privateBinfmtWorks: boolean | undefined;
let privateBinfmtError = '';

/**
 * The command line that runs an i386 executable on `oracle`: the file itself natively (under
 * `setarch -R` without randomization), through qemu-i386 otherwise — in a namespace whose binfmt_misc
 * follows the program's own execs into qemu-i386 when `followsExec`.
 */
export function oracleCommand(path: string, args: string[], options: { oracle?: OracleKind; noRandomize?: boolean; followsExec?: boolean } = {}): [string, string[]] {
  const oracle = options.oracle ?? i386Oracle();
  if (oracle === 'qemu-i386') return options.followsExec ? qemuFollowingExec(path, args) : [hostTool('qemu-i386'), [path, ...args]];
  return options.noRandomize ? [hostTool('setarch'), ['-R', path, ...args]] : [path, args];
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

/**
 * A host tool's full path, looked up on the test process's own PATH: a guest program's environment
 * (options.env) may carry a PATH of its own — the guest's /bin — in which qemu-i386 and setarch are
 * not, and spawnSync looks a bare command up on the PATH of the environment it is given.
 */
const hostToolPaths = new Map<string, string>();
function hostTool(name: string): string {
  let found = hostToolPaths.get(name);
  if (found === undefined) {
    found = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name)).find((p) => isExecutable(p)) ?? name;
    hostToolPaths.set(name, found);
  }
  return found;
}

function isExecutable(path: string): boolean {
  try { accessSync(path, fsConstants.X_OK); return true; } catch { return false; }
}

/** Run an i386 ELF executable on the oracle and capture what it did. */
export function runI386Elf(path: string, args: string[] = [], options: RunOptions = {}): I386Run {
  const oracle = options.oracle ?? i386Oracle();
  const [command, argv] = oracleCommand(path, args, { oracle, noRandomize: options.noRandomize, followsExec: options.followsExec });
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
