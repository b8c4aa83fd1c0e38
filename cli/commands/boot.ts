// gate86 boot: watch the kernel start — the CPU identified and the SEP verdict, the GDT selectors, the
// IDT gate 0x80, each wrmsr, the vsyscall page and its stub — then the sample programs run.
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTimeout, timedOut, TIMEOUT_STATUS, UsageError, type Command } from '../usage.ts';
import { runInWorker, terminalFacts } from '../program-host.ts';
import { loadKernelImage, packageRoot } from '../../kernel/locate.ts';
import { buildUserland, ASSEMBLY_PROGRAMS, C_PROGRAMS } from '../../userland/build-userland.ts';
import { cpuModels, DEFAULT_CPU_MODEL } from '../../vm/cpu/models.ts';

const usage = `usage: gate86 boot [--cpu NAME] [--timeout SECONDS]

Boots the gate86 kernel and prints its boot log: the CPU and the SEP verdict, the GDT, the IDT gate
0x80, each wrmsr, the vsyscall page and which __kernel_vsyscall it holds. Then runs the sample
programs (hello, getuid, which-stub, sysbench): the first process, init, forks and execs each one and
waits for it. The command ends by itself (there is no shell yet). The machine runs in a worker
thread; Ctrl-C sends SIGINT to the guest's processes, a second within a second stops the machine.
  --cpu NAME   the CPU model (${Object.keys(cpuModels).join(', ')}; default ${DEFAULT_CPU_MODEL})
  --timeout S  stop the machine after S seconds of wall time in all (status 124)`;

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
    let timeout: number | undefined;
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--cpu') {
        cpu = args[++i] ?? '';
        if (cpuModels[cpu] === undefined) throw new UsageError(`unknown CPU model '${cpu}'`);
      } else if (args[i] === '--timeout') {
        timeout = parseTimeout(args[++i] ?? '');
      } else throw new UsageError(`unknown argument '${args[i]}'`);
    }
    const deadline = timeout === undefined ? null : Date.now() + timeout * 1000;
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
        kind: 'program', kernel, cpu,
        program: { path: run.path, image: new Uint8Array(readFileSync(run.path)), argv: run.argv, envp: [] },
        ...terminalFacts(), terminals: [false, false, false],
        log: { stream: 1, prefix: 'kernel: ', show: first ? 'all' : ['exec '] },
        traceSyscalls: false, traceFaults: false,
        mergeOutput: true,
      }, deadline === null ? undefined : Math.max(0.001, (deadline - Date.now()) / 1000));
      first = false;
      if (result.type === 'stopped-by-user') { process.stderr.write('\ngate86 boot: stopped by a second Ctrl-C\n'); return 130; }
      if (result.type === 'timed-out') { process.stderr.write(timedOut('boot', timeout!)); return TIMEOUT_STATUS; }
      if (result.type !== 'program-exit') {
        out(`kernel: the machine stopped: ${result.type === 'exit' ? `isa-debug-exit ${result.status}` : result.message}\n`);
        return 1;
      }
      out(`kernel: ${run.argv[0]} ${'code' in result.status ? `exited with status ${result.status.code}` : `was killed by signal ${result.status.signal}`} after ${result.instructions} instructions\n`);
    }
    return 0;
  },
};
