// gate86 boot: watch the kernel start — the CPU identified and the SEP verdict, the GDT selectors, the
// IDT gate 0x80, each wrmsr, the vsyscall page and its stub — then the sample programs run.
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, type Command } from '../usage.ts';
import { runInWorker, terminalFacts } from '../program-host.ts';
import { loadKernelImage, packageRoot } from '../../kernel/locate.ts';
import { buildUserland, ASSEMBLY_PROGRAMS, C_PROGRAMS } from '../../userland/build-userland.ts';
import { cpuModels, DEFAULT_CPU_MODEL } from '../../vm/cpu/models.ts';
import { parseGdbAddress, parseTraceKinds, type DebugChoice } from '../debugging.ts';

const TRACE_KINDS = ['syscall', 'fault', 'crossing'];

const usage = `usage: gate86 boot [--cpu NAME] [--no-jit] [--trace [KIND[,KIND...]]] [--trace-json] [--gdb [HOST:]PORT | --step]

Boots the gate86 kernel and prints its boot log: the CPU and the SEP verdict, the GDT, the IDT gate
0x80, each wrmsr, the vsyscall page and which __kernel_vsyscall it holds. Then runs the sample
programs (hello, getuid, which-stub, sysbench): the first process, init, forks and execs each one and
waits for it. The command ends by itself (there is no shell yet). The machine runs in a worker
thread; Ctrl-C sends SIGINT to the guest's processes, a second within a second stops the machine.
  --cpu NAME   the CPU model (${Object.keys(cpuModels).join(', ')}; default ${DEFAULT_CPU_MODEL})
  --no-jit     every instruction through the interpreter (the reference): no block compiler
  --trace [KINDS]  also show, on the same stream: syscall (every call of every process, from the
               kernel's entry path; the default), crossing (each call's ring change in and out),
               fault (user faults and their signals)
  --trace-json the trace events as one JSON object per line
  --gdb [HOST:]PORT  a gdb stub; the machine waits for gdb before startup_32, the first instruction
  --step       the step view, stopped at startup_32: single-step head.S, run to the first ring change`;

const SAMPLE_ARGS: Record<string, string[]> = { sysbench: ['2000'] };
const SAMPLES = ['hello', 'getuid', 'which-stub', 'sysbench'];

/** The programs: build/userland if `npm run build` made them, else built now (assembly always; C with gcc). */
function programs(): Record<string, string> {
  const root = packageRoot();
  const names = [...ASSEMBLY_PROGRAMS, ...C_PROGRAMS];
  const built = join(root, 'build/userland');
  if (names.every((n) => existsSync(join(built, `${n}.elf`)))) return Object.fromEntries(names.map((n) => [n, join(built, `${n}.elf`)]));
  return buildUserland(root, mkdtempSync(join(tmpdir(), 'gate86-userland-'))).programs;
}

export const bootCommand: Command = {
  name: 'boot',
  summary: 'boot the gate86 kernel, show each step, run the sample programs',
  usage,
  async run(args) {
    let cpu = DEFAULT_CPU_MODEL;
    let trace = new Set<string>();
    let json = false;
    const debug: DebugChoice = { gdb: null, step: false };
    let jit = true;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--cpu') {
        cpu = args[++i] ?? '';
        if (cpuModels[cpu] === undefined) throw new UsageError(`unknown CPU model '${cpu}'`);
      } else if (a === '--trace') {
        // The kinds are optional: a bare --trace shows the system calls.
        const next = args[i + 1];
        trace = next !== undefined && !next.startsWith('-') ? parseTraceKinds(args[++i]!, TRACE_KINDS) : new Set(['syscall']);
      } else if (a === '--trace-json') {
        json = true;
      } else if (a === '--gdb') {
        const value = args[++i];
        if (value === undefined) throw new UsageError('--gdb needs a value');
        debug.gdb = parseGdbAddress(value);
      } else if (a === '--no-jit') {
        jit = false;
      } else if (a === '--step') {
        debug.step = true;
      } else throw new UsageError(`unknown argument '${a}'`);
    }
    if (debug.gdb !== null && debug.step) throw new UsageError('--gdb and --step both want to stop the machine: choose one');
    const kernel = loadKernelImage();
    const found = programs();
    const samples = SAMPLES.filter((n) => found[n] !== undefined);
    const out = (text: string): void => { process.stdout.write(text); };
    out(`gate86: booting the kernel on a ${cpu}\n`);
    // With init (C, so only where gcc built it): one boot, init forks and execs each sample.
    // Without it: one boot per sample.
    const runs: { path: string; argv: string[] }[] = found['init'] !== undefined
      ? [{ path: found['init'], argv: ['init', ...samples.map((n) => [found[n]!, ...(SAMPLE_ARGS[n] ?? [])].join(' '))] }]
      : samples.map((n) => ({ path: found[n]!, argv: [n, ...(SAMPLE_ARGS[n] ?? [])] }));
    let first = true;
    for (const run of runs) {
      // The machine runs in the worker; the samples' output (both fds) and the boot log go to stdout.
      const result = await runInWorker({
        kind: 'program', kernel, cpu, ...(jit ? {} : { jit: false }),
        program: { path: run.path, image: new Uint8Array(readFileSync(run.path)), argv: run.argv, envp: [] },
        ...terminalFacts(), terminals: [false, false, false],
        log: { stream: 1, prefix: 'kernel: ', show: first ? 'all' : ['exec '] },
        traceSyscalls: trace.has('syscall'), traceFaults: trace.has('fault'), traceCrossings: trace.has('crossing'),
        traceJson: json,
        mergeOutput: true,
      }, debug, 'boot');
      first = false;
      if (result.type === 'stopped-by-user') { process.stderr.write('\ngate86 boot: stopped by a second Ctrl-C\n'); return 130; }
      if (result.type !== 'program-exit') {
        out(`kernel: the machine stopped: ${result.type === 'exit' ? `isa-debug-exit ${result.status}` : result.message}\n`);
        return 1;
      }
      out(`kernel: ${run.argv[0]} ${'code' in result.status ? `exited with status ${result.status.code}` : `was killed by signal ${result.status.signal}`} after ${result.instructions} instructions\n`);
    }
    return 0;
  },
};
