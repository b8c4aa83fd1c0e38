// gate86 run: boot the gate86 kernel quietly and run one i386 ELF program as its first process, with
// this terminal's stdin/stdout/stderr; exit with the program's status (128 + N if signal N killed it).
// The machine, the kernel and the program run in the machine's worker thread (cli/program-host.ts).
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { relative, resolve, sep, isAbsolute } from 'node:path';
import { CLOCK_USAGE, parseClock, parseTimeout, parseTsc, timedOut, TIMEOUT_STATUS, TSC_USAGE, UsageError, type Command } from '../usage.ts';
import { runInWorker, terminalFacts } from '../program-host.ts';
import { checkExecutable, ExecError } from '../../kernel/exec.ts';
import { loadKernelImage } from '../../kernel/locate.ts';
import { cpuModels, DEFAULT_CPU_MODEL } from '../../vm/cpu/models.ts';
import { parseGdbAddress, parseTraceKinds, type DebugChoice } from '../debugging.ts';

const TRACE_KINDS = ['syscall', 'fault', 'crossing', 'boot', 'msr', 'cpuid'];

const usage = `usage: gate86 run [OPTIONS] PROGRAM.elf [ARGS...]

Boots the gate86 kernel and runs PROGRAM (a static i386 ELF executable) as its first process, the
way qemu-i386 runs it: it sees the host's files (gate86's own /proc and /dev are mounted over the
host's), starts in the current directory, gets this environment and argv[0] = PROGRAM as given.
The program's stdin/stdout/stderr are this terminal's; gate86 exits with the program's exit status,
or 128 + N when signal N killed it. A file that is not an i386 ELF executable: status 126.
When stdin is a terminal it is put in raw mode and the guest's terminal driver handles the keys:
Ctrl-C is SIGINT for the foreground job, Ctrl-Z stops it; Ctrl-A x stops the machine. Otherwise
Ctrl-C sends SIGINT to the program (and its children); a second Ctrl-C within a second stops the
machine (status 130).
  --cpu NAME      the CPU model (${Object.keys(cpuModels).join(', ')}; default ${DEFAULT_CPU_MODEL})
  --root DIR      the guest's / is DIR: nothing outside it can be reached (not by "..", nor by a
                  symlink, absolute or relative); the working directory is kept if it is inside DIR
  --ro            the host file system is read-only for the guest (EROFS)
  -E VAR=VALUE    set VAR in the program's environment (repeatable)
  -U VAR          remove VAR from the program's environment (repeatable)
  --env-clear     start from an empty environment (then -E adds to it)
  -0 ARGV0        the program's argv[0] (default: PROGRAM as given)
  --mem MiB       guest memory (default 64)
${TSC_USAGE}
${CLOCK_USAGE}
  --timeout SECS  stop the machine after SECS seconds of wall time (status 124)
  --no-jit        every instruction through the interpreter (the reference): no block compiler
  --trace KINDS   to stderr: syscall (each call as strace shows it: its arguments, its result, its
                  door — int $0x80 or sysenter; reported from the kernel's entry path, so calls
                  that end in sys_ni_syscall show too), crossing (each call's ring change in and
                  out: CS:EIP and SS:ESP on both sides, the door, the instructions and modelled
                  cycles spent in the kernel), fault (user faults and the signal they become), boot (the boot log),
                  msr (each wrmsr the kernel's boot code made, with its value),
                  cpuid (what identify_cpu found and the SEP verdict)
  --trace-json    the syscall, crossing and fault events as one JSON object per line
  --gdb [HOST:]PORT  a gdb remote stub on this TCP port (host default 127.0.0.1); the machine waits
                  for gdb before its first instruction. gdb build/kernel/gate86-kernel.elf, then
                  target remote :PORT (docs/debugging.md)
  --step          the step view: the machine stops before its first instruction and a full-screen
                  view of the crossing takes the terminal (plain text without a TTY or with
                  NO_COLOR); the program's stdin is then empty`;

interface RunArguments {
  cpu: string; tsc: 'cycles' | 'instructions'; clock: 'host' | 'modelled'; jit: boolean; trace: Set<string>; json: boolean; debug: DebugChoice; program: string; args: string[]; root: string; readOnly: boolean;
  environment: string[]; argv0: string | null; memoryMiB: number; timeout: number | undefined;
}

/** The environment as qemu-i386 builds it: the host's (in its order), then -U removals and -E settings in order. */
function environment(steps: ({ set: string } | { unset: string } | 'clear')[]): string[] {
  let env = new Map<string, string>(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  for (const step of steps) {
    if (step === 'clear') env = new Map();
    else if ('unset' in step) env.delete(step.unset);
    else {
      const cut = step.set.indexOf('=');
      env.set(step.set.slice(0, cut), step.set.slice(cut + 1));
    }
  }
  return [...env].map(([name, value]) => `${name}=${value}`);
}

function parseArguments(args: string[]): RunArguments {
  let cpu = DEFAULT_CPU_MODEL;
  let tsc: 'cycles' | 'instructions' = 'cycles';
  let clock: 'host' | 'modelled' = 'host';
  let jit = true;
  const trace = new Set<string>();
  let json = false;
  const debug: DebugChoice = { gdb: null, step: false };
  let root = '/';
  let readOnly = false;
  let argv0: string | null = null;
  let memoryMiB = 64;
  let timeout: number | undefined;
  const steps: ({ set: string } | { unset: string } | 'clear')[] = [];
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
    } else if (a === '--tsc') {
      tsc = parseTsc(value());
    } else if (a === '--clock') {
      clock = parseClock(value());
    } else if (a === '--timeout') {
      timeout = parseTimeout(value());
    } else if (a === '--no-jit') {
      jit = false;
    } else if (a === '--trace') {
      for (const kind of parseTraceKinds(value(), TRACE_KINDS)) trace.add(kind);
    } else if (a === '--trace-json') {
      json = true;
    } else if (a === '--gdb') {
      debug.gdb = parseGdbAddress(value());
    } else if (a === '--step') {
      debug.step = true;
    } else if (a === '--root') {
      const dir = value();
      let real: string;
      try {
        real = realpathSync(dir);
        if (!statSync(real).isDirectory()) throw new Error('not a directory');
      } catch (error) {
        throw new UsageError(`--root ${dir}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (error as Error).message}`);
      }
      root = real;
    } else if (a === '--ro') {
      readOnly = true;
    } else if (a === '-E') {
      const setting = value();
      if (!/^[^=]+=/.test(setting)) throw new UsageError(`-E ${setting}: expected VAR=VALUE`);
      steps.push({ set: setting });
    } else if (a === '-U') {
      steps.push({ unset: value() });
    } else if (a === '--env-clear') {
      steps.push('clear');
    } else if (a === '-0') {
      argv0 = value();
    } else if (a === '--mem') {
      memoryMiB = Number(value());
      if (!Number.isInteger(memoryMiB) || memoryMiB < 16 || memoryMiB > 3072) throw new UsageError('--mem takes a whole number of MiB, 16 to 3072');
    } else if (a === '--') {
      i++;
      break;
    } else throw new UsageError(`unknown option '${a}'`);
  }
  const program = args[i];
  if (program === undefined) throw new UsageError('no program to run');
  if (debug.gdb !== null && debug.step) throw new UsageError('--gdb and --step both want to stop the machine: choose one');
  return { cpu, tsc, clock, jit, trace, json, debug, program, args: args.slice(i + 1), root, readOnly, environment: environment(steps), argv0, memoryMiB, timeout };
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
      program: { path: guestPath(a.program, a.root), image, argv: [a.argv0 ?? a.program, ...a.args], envp: a.environment },
      root: { directory: a.root, readOnly: a.readOnly },
      cwd: process.cwd(),
      cpu: a.cpu,
      tsc: a.tsc,
      ...(a.clock === 'modelled' ? { clock: a.clock } : {}),
      memoryMiB: a.memoryMiB,
      ...(a.jit ? {} : { jit: false }),
      ...terminalFacts(),
      // The boot log goes to stderr only as --trace asks: all of it (boot), the wrmsr lines (msr),
      // the CPU verdict (cpuid).
      log: { stream: 2, prefix: '', show: a.trace.has('boot') ? 'all' : [...(a.trace.has('msr') ? ['wrmsr'] : []), ...(a.trace.has('cpuid') ? ['CPU:'] : [])] },
      traceSyscalls: a.trace.has('syscall'),
      traceFaults: a.trace.has('fault'),
      traceCrossings: a.trace.has('crossing'),
      traceJson: a.json,
    }, a.debug, 'run', a.timeout);
    switch (outcome.type) {
      case 'program-exit':
        if (!('code' in outcome.status)) return 128 + outcome.status.signal;
        // The kernel could not exec it after all (its segments do not fit in memory ...): say why.
        if (outcome.status.reason !== undefined) process.stderr.write(`gate86 run: ${outcome.status.reason}\n`);
        return outcome.status.code;
      case 'timed-out': process.stderr.write(timedOut('run', a.timeout!)); return TIMEOUT_STATUS;
      case 'stopped-by-user': process.stderr.write(`\ngate86 run: stopped by ${process.stdin.isTTY ? 'Ctrl-A x' : 'a second Ctrl-C'}\n`); return 130;
      case 'output-closed': return 128 + 13;                        // the reader of stdout went away: SIGPIPE
      // A bug in the kernel's TypeScript half (an oops): one line, not a host stack trace.
      case 'error': process.stderr.write(`gate86 run: ${outcome.message}\n`); return 125;
      case 'stopped': process.stderr.write(`gate86 run: the machine stopped: ${outcome.message}\n`); return 125;
      case 'exit': process.stderr.write(`gate86 run: the machine stopped: isa-debug-exit ${outcome.status}\n`); return 125;
      case 'debugger-failed': process.stderr.write(`gate86 run: ${outcome.message}\n`); return 125;
    }
  },
};

/** Where the program is inside the guest: its host path, relative to --root when it lies inside it. */
function guestPath(program: string, root: string): string {
  if (root === '/') return program;
  const inside = relative(root, resolve(program));
  return inside.startsWith('..') || isAbsolute(inside) ? program : '/' + inside.split(sep).join('/');
}
