// gate86 run: boot the gate86 kernel quietly and run one i386 ELF program as its first process, with
// this terminal's stdin/stdout/stderr; exit with the program's status (128 + N if signal N killed it).
// The machine, the kernel and the program run in the machine's worker thread (cli/program-host.ts).
import { readFileSync } from 'node:fs';
import { parseTimeout, timedOut, TIMEOUT_STATUS, UsageError, type Command } from '../usage.ts';
import { runInWorker, terminalFacts } from '../program-host.ts';
import { checkExecutable, ExecError } from '../../kernel/exec.ts';
import { loadKernelImage } from '../../kernel/locate.ts';
import { cpuModels, DEFAULT_CPU_MODEL } from '../../vm/cpu/models.ts';

const TRACE_KINDS = ['syscall', 'fault', 'boot', 'msr', 'cpuid'];

const usage = `usage: gate86 run [--cpu NAME] [--timeout SECONDS] [--trace KIND[,KIND...]] PROGRAM.elf [ARGS...]

Boots the gate86 kernel and runs PROGRAM (a static i386 ELF executable) as its first process.
The program's stdin/stdout/stderr are this terminal's; gate86 exits with the program's exit status,
or 128 + N when signal N killed it. A file that is not an i386 ELF executable: status 126.
Ctrl-C sends SIGINT to the program (and its children); a second Ctrl-C within a second stops the
machine (status 130).
  --cpu NAME      the CPU model (${Object.keys(cpuModels).join(', ')}; default ${DEFAULT_CPU_MODEL})
  --timeout SECS  stop the machine after SECS seconds of wall time (status 124)
  --trace KINDS   to stderr: syscall (each call, its result, its door: int $0x80 or sysenter),
                  fault (user faults and the signal they become), boot (the boot log),
                  msr (each wrmsr the kernel's boot code made, with its value),
                  cpuid (what identify_cpu found and the SEP verdict)`;

interface RunArguments { cpu: string; trace: Set<string>; program: string; args: string[]; timeout: number | undefined }

function parseArguments(args: string[]): RunArguments {
  let cpu = DEFAULT_CPU_MODEL;
  const trace = new Set<string>();
  let timeout: number | undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) break;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--cpu') {
      cpu = value();
      if (cpuModels[cpu] === undefined) throw new UsageError(`unknown CPU model '${cpu}'`);
    } else if (a === '--timeout') {
      timeout = parseTimeout(value());
    } else if (a === '--trace') {
      for (const kind of value().split(',')) {
        if (!TRACE_KINDS.includes(kind)) throw new UsageError(`unknown trace kind '${kind}' (known: ${TRACE_KINDS.join(', ')})`);
        trace.add(kind);
      }
    } else if (a === '--') {
      i++;
      break;
    } else throw new UsageError(`unknown option '${a}'`);
  }
  const program = args[i];
  if (program === undefined) throw new UsageError('no program to run');
  return { cpu, trace, program, args: args.slice(i + 1), timeout };
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run an i386 Linux ELF program on the gate86 kernel',
  usage,
  async run(argv) {
    const a = parseArguments(argv);
    let image: Uint8Array;
    try {
      image = new Uint8Array(readFileSync(a.program));
      checkExecutable(image, a.program);
    } catch (error) {
      const message = error instanceof ExecError ? error.message : `${a.program}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`;
      process.stderr.write(`gate86 run: ${message}\n`);
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 127 : 126;
    }
    let kernel: Uint8Array;
    try {
      kernel = loadKernelImage();
    } catch (error) {
      process.stderr.write(`gate86 run: ${(error as Error).message}\n`);
      return 125;
    }
    const outcome = await runInWorker({
      kind: 'program',
      kernel,
      program: { path: a.program, image, argv: [a.program, ...a.args], envp: [] },
      cpu: a.cpu,
      ...terminalFacts(),
      // The boot log goes to stderr only as --trace asks: all of it (boot), the wrmsr lines (msr),
      // the CPU verdict (cpuid).
      log: { stream: 2, prefix: '', show: a.trace.has('boot') ? 'all' : [...(a.trace.has('msr') ? ['wrmsr'] : []), ...(a.trace.has('cpuid') ? ['CPU:'] : [])] },
      traceSyscalls: a.trace.has('syscall'),
      traceFaults: a.trace.has('fault'),
    }, a.timeout);
    switch (outcome.type) {
      case 'program-exit':
        if (!('code' in outcome.status)) return 128 + outcome.status.signal;
        // The kernel could not exec it after all (its segments do not fit in memory ...): say why.
        if (outcome.status.reason !== undefined) process.stderr.write(`gate86 run: ${outcome.status.reason}\n`);
        return outcome.status.code;
      case 'stopped-by-user': process.stderr.write('\ngate86 run: stopped by a second Ctrl-C\n'); return 130;
      case 'timed-out': process.stderr.write(timedOut('run', a.timeout!)); return TIMEOUT_STATUS;
      // A bug in the kernel's TypeScript half (an oops): one line, not a host stack trace.
      case 'error': process.stderr.write(`gate86 run: ${outcome.message}\n`); return 125;
      case 'stopped': process.stderr.write(`gate86 run: the machine stopped: ${outcome.message}\n`); return 125;
      case 'exit': process.stderr.write(`gate86 run: the machine stopped: isa-debug-exit ${outcome.status}\n`); return 125;
    }
  },
};
