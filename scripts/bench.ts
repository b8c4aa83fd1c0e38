// npm run bench: how fast gate86's CPU is, printed as figures and ratios. It asserts nothing
// (speed is not a test); each figure is printed as soon as it is measured.
//
// (a) MIPS on three microloops in a FlatMachine: register ALU, memory, call/ret with push/pop,
//     next to the reference figures for v86 and QEMU from issue 2.
// (b) An integer workload in C (scripts/bench/workload.c: sieve, CRC-32, heapsort, string ops),
//     compiled with gcc -m32 -O2, run (i) on gate86, (ii) on the i386 oracle (the host CPU when it
//     runs i386 code, else qemu-i386), (iii) compiled for x86-64 and run natively as a proxy for
//     "native"; wall times, ratios, and a check that all three print the same checksums.
// (c) The whole machine, seen from outside: boot test/kernels/microloop (Multiboot) in the worker as
//     `gate86 machine` does and time its loop from the console bytes on the main thread; the same six
//     instructions in a FlatMachine (the integer core alone) give the system half's cost as a ratio.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { FlatMachine } from '../vm/cpu/flat-machine.ts';
import { readElf, readSymbolTable } from '../vm/elf/reader.ts';
import { PT_LOAD } from '../vm/elf/format.ts';
import { assembleI386, compileC, i386Oracle, runHostElf, runI386Elf } from '../test/support/i386-oracle.ts';
import { runElfOnFlatMachine } from './bench/flat-elf.ts';
import { benchmarkMicroloop, buildMicroloopKernel } from '../vm/machine/microloop-bench.ts';

const here = dirname(fileURLToPath(import.meta.url));
const source = (name: string): string => readFileSync(join(here, 'bench', name), 'utf8');
const STOP_VECTOR = 0xfd;

function seconds(start: bigint): number { return Number(process.hrtime.bigint() - start) / 1e9; }
function fixed(n: number, digits = 1): string { return n.toFixed(digits); }

// ---------------------------------------------------------------------------------------------
// (a) Microloops

interface Loop { name: string; symbol: string; reference: string }
const LOOPS: Loop[] = [
  { name: 'register ALU (add/xor/dec/jnz)', symbol: 'alu_loop', reference: 'v86 interpreter ~60, v86 JIT 500-740' },
  { name: 'memory (load/add/store/dec/jnz)', symbol: 'memory_loop', reference: 'v86 interpreter ~45, v86 JIT 400-640' },
  { name: 'call/ret with push/pop', symbol: 'call_loop', reference: 'v86 interpreter ~45, v86 JIT 256-370' },
];
/** Section (c)'s loop: test/kernels/microloop.c's six instructions, run here without the machine around them. */
const KERNEL_LOOP: Loop = { name: 'microloop kernel loop (add/xor/rol/lea/dec/jnz)', symbol: 'kernel_loop', reference: '' };

const LOOP_MEMORY = 4 << 20;
const BUFFER = 0x300000;
const STACK_TOP = 0x3ff000;

function runLoop(machine: FlatMachine, entry: number, iterations: number): { instructions: number; seconds: number } {
  machine.setRegisters({ eip: entry, ecx: iterations, edi: BUFFER, esp: STACK_TOP, eax: 1, ebx: 2, edx: 3, esi: 4, eflags: 0x202 });
  const before = machine.instructionsExecuted;
  const t0 = process.hrtime.bigint();
  const stop = machine.run(0x7fffffff);
  const elapsed = seconds(t0);
  if (stop.kind !== 'interrupt' || stop.vector !== STOP_VECTOR) throw new Error(`microloop stopped with ${JSON.stringify(stop)}`);
  return { instructions: machine.instructionsExecuted - before, seconds: elapsed };
}

/** Best-of-three MIPS of one loop, calibrated to about 1.5 s a run. */
function measureLoop(machine: FlatMachine, entry: number): { mips: number; instructions: number } {
  const probe = runLoop(machine, entry, 1_000_000);
  const iterations = Math.max(1_000_000, Math.min(0x7fffffff / 12, Math.round((1.5 / Math.max(probe.seconds, 1e-3)) * 1_000_000)));
  let best = 0;
  let instructions = 0;
  for (let k = 0; k < 3; k++) {
    const r = runLoop(machine, entry, iterations);
    instructions = r.instructions;
    best = Math.max(best, r.instructions / r.seconds / 1e6);
  }
  return { mips: best, instructions };
}

let loopMachine: { machine: FlatMachine; entryOf: (loop: Loop) => number } | undefined;

function microloops(): void {
  console.log('(a) microloops on gate86 (FlatMachine, CPL 3): million instructions per second');
  const elfPath = assembleI386(source('microloops.s'), { ldArgs: ['-Ttext=0x100000'] });
  const elf = readElf(new Uint8Array(readFileSync(elfPath)), elfPath);
  const symbols = new Map(readSymbolTable(elf).map((s) => [s.name, s.value]));
  const machine = new FlatMachine({ memoryBytes: LOOP_MEMORY, cpl: 3 });
  for (const s of elf.segments) if (s.type === PT_LOAD) machine.load(s.vaddr, s.data.subarray(0, s.filesz));
  const entryOf = (loop: Loop): number => {
    const entry = symbols.get(loop.symbol);
    if (entry === undefined) throw new Error(`microloops.s lacks ${loop.symbol}`);
    return entry;
  };
  // Warm up every loop before timing any: decode the blocks, and let V8 optimise the interpreter
  // for all three mixes (otherwise the first loop measured pays for the optimisation).
  for (let round = 0; round < 2; round++) for (const loop of LOOPS) runLoop(machine, entryOf(loop), 2_000_000);
  for (const loop of LOOPS) {
    const { mips, instructions } = measureLoop(machine, entryOf(loop));
    console.log(`  ${loop.name.padEnd(34)} ${fixed(mips).padStart(8)} MIPS   (${(instructions / 1e6).toFixed(0)}M instructions; for scale: ${loop.reference}, QEMU TCG 800+)`);
  }
  loopMachine = { machine, entryOf };
}

// ---------------------------------------------------------------------------------------------
// (c) The whole machine, seen from outside

async function wholeMachine(): Promise<void> {
  console.log('\n(c) the Multiboot microloop kernel booted in the worker (CPL 0, system half, PIC/PIT/UART), timed from its console bytes');
  if (loopMachine === undefined) throw new Error('section (a) must run first');
  const { machine, entryOf } = loopMachine;
  for (let round = 0; round < 2; round++) runLoop(machine, entryOf(KERNEL_LOOP), 2_000_000);
  const core = measureLoop(machine, entryOf(KERNEL_LOOP));
  console.log(`  the same loop in a FlatMachine (integer core alone)   ${fixed(core.mips).padStart(8)} MIPS`);
  const kernel = buildMicroloopKernel();
  let best: Awaited<ReturnType<typeof benchmarkMicroloop>> | undefined;
  for (let k = 0; k < 3; k++) {
    const r = await benchmarkMicroloop({ iterations: 50_000_000, kernel });
    if (best === undefined || r.mips > best.mips) best = r;
  }
  if (best === undefined) return;
  console.log(`  booted kernel, ${best.cpu}, seen from outside             ${fixed(best.mips).padStart(8)} MIPS   (${(best.instructions / 1e6).toFixed(0)}M instructions in ${fixed(best.seconds, 3)} s, best of 3)`);
  console.log(`  ratio: whole machine / integer core = ${fixed(best.mips / core.mips, 2)}`);
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

function timed(f: () => { stdout: Buffer; status: number | null; signal: string | null }): { stdout: string; status: number | null; seconds: number } {
  const t0 = process.hrtime.bigint();
  const r = f();
  const elapsed = seconds(t0);
  if (r.status !== 0) throw new Error(`workload exited with status ${r.status} signal ${r.signal}`);
  return { stdout: r.stdout.toString('latin1'), status: r.status, seconds: elapsed };
}

function workload(): void {
  const sources = { 'workload.c': source('workload.c'), 'sys.h': source('sys.h') };
  // Linked low (1 MiB) so that a 16 MiB flat machine holds it; the oracle runs it there just as well.
  const i386 = compileC(sources, { cflags: [...WORKLOAD_FLAGS, '-Wl,-Ttext-segment=0x100000'] });
  const x86_64 = compileC(sources, { target: 'x86-64', cflags: WORKLOAD_FLAGS });
  const command = `gcc -m32 ${WORKLOAD_FLAGS.join(' ')} -ffreestanding -nostdlib -static -fno-pic -no-pie`;
  console.log(`\n(b) integer workload: sieve, CRC-32, heapsort, string ops (scripts/bench/workload.c, ${command})`);

  const gate86 = runElfOnFlatMachine(new Uint8Array(readFileSync(i386)));
  const gate86Out = gate86.stdout.toString('latin1');
  console.log(`  gate86 (FlatMachine; write/exit by the bench shim): ${fixed(gate86.seconds, 3)} s, ${(gate86.instructions / 1e6).toFixed(1)}M instructions, ${fixed(gate86.instructions / gate86.seconds / 1e6)} MIPS`);

  const oracle = i386Oracle();
  const emulated = bestOf(3, () => timed(() => runI386Elf(i386)));
  console.log(`  ${oracle === 'native' ? 'host CPU, same i386 ELF' : 'qemu-i386 (user-mode TCG), same i386 ELF; the host cannot run i386 code'}: ${fixed(emulated.seconds, 3)} s (best of 3, process start included)`);

  const native = bestOf(5, () => timed(() => runHostElf(x86_64)));
  console.log(`  native x86-64 build of the same C (a proxy for "native i386"): ${fixed(native.seconds, 3)} s (best of 5, process start included)`);

  console.log(`  ratios: gate86 / ${oracle} = ${fixed(gate86.seconds / emulated.seconds)}x, gate86 / native = ${fixed(gate86.seconds / native.seconds)}x, ${oracle} / native = ${fixed(emulated.seconds / native.seconds)}x`);
  const outputs: Array<[string, string]> = [['gate86', gate86Out], [oracle, emulated.stdout], ['native x86-64', native.stdout]];
  const agree = outputs.every(([, out]) => out === gate86Out) && gate86.status === 0;
  if (agree) {
    console.log(`  checksums agree on all three: ${gate86Out.trim().split('\n').join(', ')}`);
  } else {
    console.log('  !!! MISMATCH: the workload printed different checksums !!!');
    for (const [who, out] of outputs) console.log(`    ${who.padEnd(14)} ${JSON.stringify(out)}`);
    process.exitCode = 1;
  }
}

microloops();
workload();
await wholeMachine();
