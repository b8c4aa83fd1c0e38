// npm run bench: how fast gate86 is, printed as figures and ratios. It asserts nothing (speed is not
// a test); each figure is printed as soon as it is measured. Every gate86 figure is taken twice: with
// the block compiler (the JIT, the default) and with --no-jit (the interpreter alone, the reference),
// next to qemu-i386 / qemu-system-i386 where they are installed and the host CPU where it runs i386
// code. On a shared machine only the ratios within one run mean much, and times are CPU seconds
// (user + system: this process's for gate86, GNU time's for a child) so that other processes on the
// host count less; boot (d) and sysbench (c) are wall-clock, as a user sees them.
//
// (a) Three microloops (register ALU, memory, call/ret with push/pop): gate86 on a FlatMachine at CPL
//     3; the same loops as a static Linux ELF under qemu-i386 and natively.
// (b) An integer workload in C (scripts/bench/workload.c: sieve, CRC-32, heapsort, string ops), built
//     two ways: freestanding (gate86 runs it on a FlatMachine with a write/exit shim) and against
//     static glibc (gate86 runs it under its own kernel, as `gate86 run` does); the same ELFs under
//     qemu-i386 and natively, and an x86-64 build as a proxy for "native"; checksums must agree.
// (c) sysbench (build/userland/sysbench.elf): getppid through `int $0x80` and through
//     __kernel_vsyscall, on gate86 (pentium3: the sysenter stub), qemu-i386 and natively.
// (d) `gate86 boot` to the first user output (init's first line), with and without the JIT.
// (e) The whole machine: the Multiboot microloop kernel booted in the worker, timed from its console
//     bytes, next to the same six instructions on the bare integer core.
// (f) The code cache after (b) and (c): blocks decoded and compiled, compile time, size, hit rate.

import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { FlatMachine } from '../vm/cpu/flat-machine.ts';
import type { CodeCache } from '../vm/cpu/code-cache.ts';
import { readElf, readSymbolTable } from '../vm/elf/reader.ts';
import { PT_LOAD } from '../vm/elf/format.ts';
import { assembleI386, compileC, i386Oracle } from '../test/support/i386-oracle.ts';
import { runElfOnFlatMachine } from './bench/flat-elf.ts';
import { benchmarkMicroloop, buildMicroloopKernel } from '../vm/machine/microloop-bench.ts';
import { runProgram } from '../kernel/boot.ts';
import { loadKernelImage } from '../kernel/locate.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const source = (name: string): string => readFileSync(join(here, 'bench', name), 'utf8');
const STOP_VECTOR = 0xfd;

function seconds(start: bigint): number { return Number(process.hrtime.bigint() - start) / 1e9; }
/** CPU seconds (user + system) of this process since `start` (process.cpuUsage()). */
function cpuSeconds(start: NodeJS.CpuUsage): number { const u = process.cpuUsage(start); return (u.user + u.system) / 1e6; }
const GNU_TIME = existsSync('/usr/bin/time');
const timeFile = join(mkdtempSync(join(tmpdir(), 'gate86-bench-')), 'time');
/** Run a command; its CPU seconds (GNU time; wall-clock where /usr/bin/time is missing) and output. */
function runTimed(command: string, args: string[]): { seconds: number; stdout: Buffer; status: number | null; stderr: string } {
  const t0 = process.hrtime.bigint();
  const r = GNU_TIME
    ? spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, command, ...args], { maxBuffer: 64 << 20 })
    : spawnSync(command, args, { maxBuffer: 64 << 20 });
  const wall = seconds(t0);
  let elapsed = wall;
  if (GNU_TIME) {
    const [user, system] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
    elapsed = Math.max((user ?? 0) + (system ?? 0), 0.005);
  }
  return { seconds: elapsed, stdout: r.stdout, status: r.status, stderr: r.stderr.toString() };
}
function fixed(n: number, digits = 1): string { return n.toFixed(digits); }
function ratio(a: number, b: number): string { return `${fixed(a / b, 2)}x`; }
const hasCommand = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
const QEMU_USER = hasCommand('qemu-i386');
const NATIVE = i386Oracle() === 'native';

/** Code cache figures gathered from the runs, for (f). */
const caches: Array<{ what: string; code: CodeCache }> = [];

// ---------------------------------------------------------------------------------------------
// (a) Microloops

interface Loop { name: string; symbol: string; perIteration: number }
const LOOPS: Loop[] = [
  { name: 'register ALU (add/xor/dec/jnz)', symbol: 'alu_loop', perIteration: 6 },
  { name: 'memory (load/add/store/dec/jnz)', symbol: 'memory_loop', perIteration: 8 },
  { name: 'call/ret with push/pop', symbol: 'call_loop', perIteration: 10 },
];
/** Section (e)'s loop: test/kernels/microloop.c's six instructions, run here without the machine around them. */
const KERNEL_LOOP: Loop = { name: 'microloop kernel loop (add/xor/rol/lea/dec/jnz)', symbol: 'kernel_loop', perIteration: 6 };

const LOOP_MEMORY = 4 << 20;
const BUFFER = 0x300000;
const STACK_TOP = 0x3ff000;

function runLoop(machine: FlatMachine, entry: number, iterations: number): { instructions: number; seconds: number } {
  machine.setRegisters({ eip: entry, ecx: iterations, edi: BUFFER, esp: STACK_TOP, eax: 1, ebx: 2, edx: 3, esi: 4, eflags: 0x202 });
  const before = machine.instructionsExecuted;
  const t0 = process.cpuUsage();
  const stop = machine.run(0x7fffffff);
  const elapsed = cpuSeconds(t0);
  if (stop.kind !== 'interrupt' || stop.vector !== STOP_VECTOR) throw new Error(`microloop stopped with ${JSON.stringify(stop)}`);
  return { instructions: machine.instructionsExecuted - before, seconds: elapsed };
}

/** Best-of-three MIPS of one loop, calibrated to about 1 s a run. */
function measureLoop(machine: FlatMachine, entry: number): number {
  const probe = runLoop(machine, entry, 1_000_000);
  const iterations = Math.max(1_000_000, Math.min(0x7fffffff / 12, Math.round((1 / Math.max(probe.seconds, 1e-3)) * 1_000_000)));
  let best = 0;
  for (let k = 0; k < 3; k++) {
    const r = runLoop(machine, entry, iterations);
    best = Math.max(best, r.instructions / r.seconds / 1e6);
  }
  return best;
}

interface LoopMachine { machine: FlatMachine; entryOf: (loop: Loop) => number }

function loopMachine(jit: boolean): LoopMachine {
  const elfPath = assembleI386(source('microloops.s'), { ldArgs: ['-Ttext=0x100000'] });
  const elf = readElf(new Uint8Array(readFileSync(elfPath)), elfPath);
  const symbols = new Map(readSymbolTable(elf).map((s) => [s.name, s.value]));
  const machine = new FlatMachine({ memoryBytes: LOOP_MEMORY, cpl: 3, jit });
  for (const s of elf.segments) if (s.type === PT_LOAD) machine.load(s.vaddr, s.data.subarray(0, s.filesz));
  const entryOf = (loop: Loop): number => {
    const entry = symbols.get(loop.symbol);
    if (entry === undefined) throw new Error(`microloops.s lacks ${loop.symbol}`);
    return entry;
  };
  // Warm up every loop before timing any: decode and compile the blocks, and let V8 optimise the
  // machine for all three mixes (otherwise the first loop measured pays for the optimisation).
  for (let round = 0; round < 2; round++) for (const loop of LOOPS) runLoop(machine, entryOf(loop), 2_000_000);
  return { machine, entryOf };
}

/** The same loops as a Linux program: `prog a|m|c N` runs loop a/m/c N times and exits. */
function linuxLoops(): string {
  const loops = source('microloops.s')
    .replace(/\.globl _start\n_start:/, '')
    .replace(/int \$0xfd/g, 'jmp bench_exit');
  return `
  .bss
  .balign 4096
buffer: .space 4096
  .text
  .globl _start
_start:
  movl 8(%esp), %esi          # argv[1]: which loop
  movzbl (%esi), %ebx
  movl 12(%esp), %esi         # argv[2]: iterations, decimal
  xorl %ecx, %ecx
1:movzbl (%esi), %eax
  testl %eax, %eax
  jz 2f
  imull $10, %ecx
  leal -48(%ecx,%eax), %ecx
  incl %esi
  jmp 1b
2:leal buffer, %edi
  movl $1, %eax
  movl $3, %edx
  movl $4, %esi
  cmpl $'a', %ebx
  je 3f
  cmpl $'m', %ebx
  je 4f
  movl $2, %ebx
  jmp call_loop
3:movl $2, %ebx
  jmp alu_loop
4:movl $2, %ebx
  jmp memory_loop
bench_exit:
  movl $1, %eax
  xorl %ebx, %ebx
  int $0x80
${loops}`;
}

/** MIPS of a Linux loop program run `runs` times (best), process start included. */
function externalLoopMips(command: string, args: string[], loop: Loop, iterations: number): number {
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const r = runTimed(command, [...args, loop.symbol[0]!, String(iterations)]);
    if (r.status !== 0) throw new Error(`${command} ${loop.symbol}: status ${r.status} ${r.stderr}`);
    best = Math.min(best, r.seconds);
  }
  return (iterations * loop.perIteration) / best / 1e6;
}

let jitLoops: LoopMachine | undefined;

function microloops(): void {
  console.log('(a) microloops: million guest instructions per CPU second (gate86: FlatMachine at CPL 3; others: the same loops as a static Linux ELF, process start included)');
  jitLoops = loopMachine(true);
  const interpreter = loopMachine(false);
  const linux = assembleI386(linuxLoops());
  console.log(`  ${'loop'.padEnd(34)} ${'gate86'.padStart(8)} ${'--no-jit'.padStart(9)} ${QEMU_USER ? 'qemu-i386'.padStart(10) : ''} ${NATIVE ? 'native'.padStart(8) : ''}   ratios`);
  for (const loop of LOOPS) {
    const jit = measureLoop(jitLoops.machine, jitLoops.entryOf(loop));
    const slow = measureLoop(interpreter.machine, interpreter.entryOf(loop));
    const qemu = QEMU_USER ? externalLoopMips('qemu-i386', [linux], loop, 50_000_000) : NaN;
    const native = NATIVE ? externalLoopMips(linux, [], loop, 200_000_000) : NaN;
    const ratios = [`JIT/--no-jit ${ratio(jit, slow)}`];
    if (QEMU_USER) ratios.push(`JIT/qemu ${ratio(jit, qemu)}`);
    if (NATIVE) ratios.push(`JIT/native ${ratio(jit, native)}`);
    console.log(`  ${loop.name.padEnd(34)} ${fixed(jit).padStart(8)} ${fixed(slow).padStart(9)} ${QEMU_USER ? fixed(qemu).padStart(10) : ''} ${NATIVE ? fixed(native).padStart(8) : ''}   ${ratios.join(', ')}`);
  }
  console.log('  (issue 13\'s targets: ALU >= 850, memory >= 900, call/ret >= 700 MIPS; v86 JIT 630/606/543, QEMU 7.2 TCG 804/887/665 on its harness)');
}

// ---------------------------------------------------------------------------------------------
// (b) The integer workload

const WORKLOAD_FLAGS = ['-O2', '-fno-tree-loop-distribute-patterns'];

function bestOf<T extends { seconds: number }>(runs: number, f: () => T): T {
  let best: T | undefined;
  for (let k = 0; k < runs; k++) {
    const r = f();
    if (!best || r.seconds < best.seconds) best = r;
  }
  return best!;
}

interface Timed { stdout: string; seconds: number }

function timedCommand(command: string, args: string[]): Timed {
  const r = runTimed(command, args);
  if (r.status !== 0) throw new Error(`${command} exited with status ${r.status}: ${r.stderr}`);
  return { stdout: r.stdout.toString('latin1'), seconds: r.seconds };
}

/** A program under gate86's kernel, in this process (the machine `gate86 run` runs in its worker). */
function onGate86Kernel(path: string, args: string[], jit: boolean, cacheLabel?: string): Timed & { instructions: number } {
  const out: Buffer[] = [];
  const t0 = process.cpuUsage();
  const result = runProgram({
    kernel: loadKernelImage(), cpu: 'pentium3', jit,
    program: { path, image: new Uint8Array(readFileSync(path)), argv: [path, ...args], envp: [] },
    write: (_fd, bytes) => { out.push(Buffer.from(bytes)); },
    inspect: (machine) => { if (cacheLabel !== undefined) caches.push({ what: cacheLabel, code: machine.cpu.code }); },
  });
  const elapsed = cpuSeconds(t0);
  if (result.kind !== 'exit' || !('code' in result.status) || result.status.code !== 0) throw new Error(`${path} on gate86: ${JSON.stringify(result)}`);
  return { stdout: Buffer.concat(out).toString('latin1'), seconds: elapsed, instructions: result.instructions };
}

function reportRow(label: string, t: Timed, native: number | undefined): void {
  console.log(`  ${label.padEnd(44)} ${fixed(t.seconds, 3).padStart(7)} s${native !== undefined ? `   ${fixed(t.seconds / native).padStart(6)}x native` : ''}`);
}

function checkSame(what: string, outputs: Array<[string, string]>): void {
  const first = outputs[0]![1];
  if (outputs.every(([, out]) => out === first)) {
    console.log(`  ${what}: checksums agree on all ${outputs.length}: ${first.trim().split('\n').join(', ')}`);
  } else {
    console.log(`  !!! MISMATCH (${what}): the workload printed different checksums !!!`);
    for (const [who, out] of outputs) console.log(`    ${who.padEnd(18)} ${JSON.stringify(out)}`);
    process.exitCode = 1;
  }
}

function workload(): void {
  const sources = { 'workload.c': source('workload.c'), 'sys.h': source('sys.h') };
  // Linked low (1 MiB) so that a 16 MiB flat machine holds it; the oracle runs it there just as well.
  const freestanding = compileC(sources, { cflags: [...WORKLOAD_FLAGS, '-Wl,-Ttext-segment=0x100000'] });
  const x86_64 = compileC(sources, { target: 'x86-64', cflags: WORKLOAD_FLAGS });
  // The glibc build: the same C, with write() from glibc instead of sys.h's int $0x80.
  const glibcSource = source('workload.c').replace('#include "sys.h"', '#include <unistd.h>\n#define sys_write write');
  const glibc = compileC({ 'workload.c': glibcSource }, { libc: true, cflags: WORKLOAD_FLAGS });
  console.log(`\n(b) integer workload: sieve, CRC-32, heapsort, string ops (scripts/bench/workload.c, gcc -m32 ${WORKLOAD_FLAGS.join(' ')}), CPU seconds, best of 3, process start included outside gate86`);

  const nativeX64 = bestOf(5, () => timedCommand(x86_64, []));
  const native = NATIVE ? bestOf(3, () => timedCommand(freestanding, [])) : undefined;
  const base = native?.seconds ?? nativeX64.seconds;
  console.log(`  freestanding (-ffreestanding -nostdlib; on gate86 a FlatMachine with a write/exit shim):`);
  const runFlat = (jit: boolean): Timed & { instructions: number } => {
    const r = runElfOnFlatMachine(new Uint8Array(readFileSync(freestanding)), 16 << 20, jit);
    if (jit) caches.push({ what: 'workload (freestanding, FlatMachine)', code: r.machine.cpu.code });
    return { stdout: r.stdout.toString('latin1'), seconds: r.seconds, instructions: r.instructions };
  };
  const jit = runFlat(true);
  const slow = runFlat(false);
  reportRow(`gate86 (${fixed(jit.instructions / 1e6)}M instructions, ${fixed(jit.instructions / jit.seconds / 1e6)} MIPS)`, jit, base);
  reportRow(`gate86 --no-jit (${fixed(slow.instructions / slow.seconds / 1e6)} MIPS)`, slow, base);
  const outputs: Array<[string, string]> = [['gate86', jit.stdout], ['gate86 --no-jit', slow.stdout], ['x86-64 native', nativeX64.stdout]];
  if (QEMU_USER) {
    const qemu = bestOf(3, () => timedCommand('qemu-i386', [freestanding]));
    reportRow('qemu-i386', qemu, base);
    outputs.push(['qemu-i386', qemu.stdout]);
  }
  if (native !== undefined) {
    reportRow('native (host CPU, same i386 ELF)', native, base);
    outputs.push(['native', native.stdout]);
  }
  reportRow('x86-64 build of the same C (a proxy for native)', nativeX64, base);
  checkSame('freestanding', outputs);

  console.log(`  static glibc (gcc -m32 -static; on gate86 under its own kernel, boot included):`);
  const glibcNative = NATIVE ? bestOf(3, () => timedCommand(glibc, [])) : undefined;
  const glibcBase = glibcNative?.seconds ?? nativeX64.seconds;
  const gJit = onGate86Kernel(glibc, [], true, 'workload (glibc, under the kernel)');
  const gSlow = onGate86Kernel(glibc, [], false);
  reportRow('gate86', gJit, glibcBase);
  reportRow('gate86 --no-jit', gSlow, glibcBase);
  const glibcOutputs: Array<[string, string]> = [['gate86', gJit.stdout], ['gate86 --no-jit', gSlow.stdout]];
  if (QEMU_USER) {
    const qemu = bestOf(3, () => timedCommand('qemu-i386', [glibc]));
    reportRow('qemu-i386', qemu, glibcBase);
    glibcOutputs.push(['qemu-i386', qemu.stdout]);
  }
  if (glibcNative !== undefined) {
    reportRow('native (host CPU, same i386 ELF)', glibcNative, glibcBase);
    glibcOutputs.push(['native', glibcNative.stdout]);
  }
  checkSame('glibc', glibcOutputs);
}

// ---------------------------------------------------------------------------------------------
// (c) sysbench through both doors

const SYSBENCH_CALLS = '20000';

function doors(output: string): { int80: number; vsyscall: number } | null {
  const int80 = /int \$0x80\s*: \d+ calls, \d+ TSC ticks\/call, (\d+) ns\/call/.exec(output);
  const vsyscall = /__kernel_vsyscall\s*: \d+ calls, \d+ TSC ticks\/call, (\d+) ns\/call/.exec(output);
  return int80 && vsyscall ? { int80: Number(int80[1]), vsyscall: Number(vsyscall[1]) } : null;
}

function sysbench(): void {
  const elf = join(root, 'build/userland/sysbench.elf');
  console.log(`\n(c) sysbench: getppid() through int $0x80 and through __kernel_vsyscall, ${SYSBENCH_CALLS} calls a round, fastest of 3 rounds (${elf})`);
  if (!existsSync(elf)) { console.log('  build/userland/sysbench.elf is missing: npm run build (needs gcc)'); return; }
  const rows: Array<[string, string | null]> = [
    ['gate86 (pentium3: the sysenter stub)', onGate86Kernel(elf, [SYSBENCH_CALLS], true, 'sysbench (pentium3, under the kernel)').stdout],
    ['gate86 --no-jit', onGate86Kernel(elf, [SYSBENCH_CALLS], false).stdout],
  ];
  if (QEMU_USER) rows.push(['qemu-i386', spawnSync('qemu-i386', [elf, SYSBENCH_CALLS]).stdout.toString()]);
  if (NATIVE) rows.push(['native (host kernel, its vDSO)', spawnSync(elf, [SYSBENCH_CALLS]).stdout.toString()]);
  let nativeVsyscall: number | undefined;
  for (const [who, out] of rows) if (who.startsWith('native')) nativeVsyscall = doors(out ?? '')?.vsyscall;
  for (const [who, out] of rows) {
    const d = doors(out ?? '');
    if (d === null) { console.log(`  ${who.padEnd(40)} did not report: ${JSON.stringify(out)}`); continue; }
    const vsNative = nativeVsyscall !== undefined ? `, vsyscall ${ratio(d.vsyscall, nativeVsyscall)} native's` : '';
    console.log(`  ${who.padEnd(40)} int $0x80 ${String(d.int80).padStart(6)} ns   __kernel_vsyscall ${String(d.vsyscall).padStart(6)} ns   int80/vsyscall ${ratio(d.int80, d.vsyscall)}${vsNative}`);
  }
  // The guest times its rounds with CLOCK_MONOTONIC, the host's wall clock: on a loaded host that
  // counts the other processes too. The CPU time of this process does not: the slope between a run of
  // N and one of 3N calls a round is the cost of 8 x 2N more calls (both doors, 4 rounds each).
  for (const jit of [true, false]) {
    const n = Number(SYSBENCH_CALLS);
    const small = onGate86Kernel(elf, [String(n)], jit);
    const large = onGate86Kernel(elf, [String(3 * n)], jit);
    const calls = 8 * 2 * n;
    console.log(`  gate86${jit ? '' : ' --no-jit'}: ${fixed(((large.seconds - small.seconds) / calls) * 1e9, 0)} CPU ns per call, both doors averaged (${fixed((large.instructions - small.instructions) / calls)} guest instructions per call, loop included)`);
  }
  console.log('  (issue 13\'s target: __kernel_vsyscall below 211 ns and at least 1.3x cheaper than int $0x80)');
}

// ---------------------------------------------------------------------------------------------
// (d) gate86 boot to the first user output

function firstUserOutput(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(root, 'bin/gate86.js'), 'boot', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    let done = false;
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (!done && /^init: /m.test(text)) {
        done = true;
        resolve(seconds(t0));
        child.kill();
      }
    });
    child.on('exit', () => { if (!done) reject(new Error(`gate86 boot ended before any user output: ${text}`)); });
  });
}

async function bootTime(): Promise<void> {
  console.log('\n(d) `gate86 boot` to its first user output (init\'s first line), from process start, best of 3');
  const best = async (args: string[]): Promise<number> => {
    let b = Infinity;
    for (let k = 0; k < 3; k++) b = Math.min(b, await firstUserOutput(args));
    return b;
  };
  const jit = await best([]);
  const slow = await best(['--no-jit']);
  console.log(`  gate86 ${fixed(jit, 3)} s, gate86 --no-jit ${fixed(slow, 3)} s: JIT/--no-jit ${ratio(jit, slow)} of the time`);
}

// ---------------------------------------------------------------------------------------------
// (e) The whole machine, seen from outside

async function wholeMachine(): Promise<void> {
  console.log('\n(e) the Multiboot microloop kernel booted in the worker (CPL 0, system half, PIC/PIT/UART), timed from its console bytes');
  if (jitLoops === undefined) throw new Error('section (a) must run first');
  const { machine, entryOf } = jitLoops;
  for (let round = 0; round < 2; round++) runLoop(machine, entryOf(KERNEL_LOOP), 2_000_000);
  const core = measureLoop(machine, entryOf(KERNEL_LOOP));
  console.log(`  the same loop in a FlatMachine (integer core alone)   ${fixed(core).padStart(8)} MIPS`);
  const kernel = buildMicroloopKernel();
  let best: Awaited<ReturnType<typeof benchmarkMicroloop>> | undefined;
  for (let k = 0; k < 3; k++) {
    const r = await benchmarkMicroloop({ iterations: 50_000_000, kernel });
    if (best === undefined || r.mips > best.mips) best = r;
  }
  if (best === undefined) return;
  console.log(`  booted kernel, ${best.cpu}, seen from outside             ${fixed(best.mips).padStart(8)} MIPS   (${(best.instructions / 1e6).toFixed(0)}M instructions in ${fixed(best.seconds, 3)} s, best of 3)`);
  console.log(`  ratio: whole machine / integer core = ${fixed(best.mips / core, 2)}`);
}

// ---------------------------------------------------------------------------------------------
// (f) The code cache

function codeCache(): void {
  console.log('\n(f) the code cache (JIT runs): blocks decoded / compiled, compile time, live blocks, block entries through a link');
  for (const { what, code } of caches) {
    const entries = code.linkHits + code.lookups;
    console.log(`  ${what.padEnd(40)} ${code.blocksBuilt} decoded, ${code.blocksCompiled} compiled in ${fixed(code.compileMilliseconds)} ms, ${code.liveBlocks} live (${code.evictions} full flushes), links ${fixed(100 * code.linkHits / Math.max(entries, 1), 2)}% of ${entries} block changes`);
  }
}

microloops();
workload();
sysbench();
await bootTime();
await wholeMachine();
codeCache();
