// gate86 boot: watch the kernel start — the CPU identified and the SEP verdict, the GDT selectors, the
// IDT gate 0x80, each wrmsr, the vsyscall page and its stub — then the initramfs: init runs the sample
// programs and ends at a shell on the console.
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTimeout, parseTsc, timedOut, TIMEOUT_STATUS, TSC_USAGE, UsageError, type Command } from '../usage.ts';
import { runInWorker, terminalFacts } from '../program-host.ts';
import { loadKernelImage, packageRoot } from '../../kernel/locate.ts';
import { buildUserland, userlandPrograms } from '../../userland/build-userland.ts';
import { buildInitramfs, busyboxArchive, findBusybox, INITRAMFS_PATH, isStaticI386 } from '../../userland/initramfs.ts';
import { cpuModels, DEFAULT_CPU_MODEL } from '../../vm/cpu/models.ts';
import { parseGdbAddress, parseTraceKinds, type DebugChoice } from '../debugging.ts';

const TRACE_KINDS = ['syscall', 'fault', 'crossing'];

const usage = `usage: gate86 boot [--cpu NAME] [--tsc WHAT] [--no-jit] [--timeout SECONDS] [--busybox FILE | --no-busybox]
                   [--trace [KIND[,KIND...]]] [--trace-json] [--gdb [HOST:]PORT | --step]

Boots the gate86 kernel and prints its boot log: the CPU and the SEP verdict, the GDT, the IDT gate
0x80, each wrmsr, the vsyscall page and which __kernel_vsyscall it holds. The root file system is the
initramfs (build/initramfs.cpio, a newc cpio archive handed over as a Multiboot module, like
qemu -initrd); its /init mounts /proc and /dev, runs the samples (hello, getuid, which-stub, sysbench)
and then starts a shell on the console: busybox's when one is at hand, else gate86's own
(userland/sh.c). The machine stops when the shell exits (exit, Ctrl-D, or the end of piped input).
With a terminal, the guest's terminal driver has it in raw mode: Ctrl-C and Ctrl-Z go to the
foreground job; Ctrl-A x stops the machine.
  --cpu NAME      the CPU model (${Object.keys(cpuModels).join(', ')}; default ${DEFAULT_CPU_MODEL})
  --busybox FILE  a static i386 busybox to add (default: Debian's busybox-static:i386 at /bin/busybox,
                  or $GATE86_BUSYBOX, when there)
  --no-busybox    use gate86's own shell even where busybox is installed
${TSC_USAGE}
  --no-jit        every instruction through the interpreter (the reference): no block compiler
  --timeout SECS  stop the machine after SECS seconds of wall time (status 124)
  --trace [KINDS] also show, on the same stream: syscall (every call of every process, from the
                  kernel's entry path; the default), crossing (each call's ring change in and out),
                  fault (user faults and their signals)
  --trace-json    the trace events as one JSON object per line
  --gdb [HOST:]PORT  a gdb stub; the machine waits for gdb before startup_32, the first instruction
  --step          the step view, stopped at startup_32: single-step head.S, run to the first ring change`;

const SAMPLE_ARGS: Record<string, string[]> = { sysbench: ['2000'] };
const SAMPLES = ['hello', 'getuid', 'which-stub', 'sysbench'];

/** The programs: build/userland if `npm run build` made them, else built now (assembly always; C with gcc). */
function programs(): Record<string, string> {
  const root = packageRoot();
  const names = [...userlandPrograms(root, '.S'), ...userlandPrograms(root, '.c')];
  const built = join(root, 'build/userland');
  if (names.every((n) => existsSync(join(built, `${n}.elf`)))) return Object.fromEntries(names.map((n) => [n, join(built, `${n}.elf`)]));
  return buildUserland(root, mkdtempSync(join(tmpdir(), 'gate86-userland-'))).programs;
}

/** The initramfs: the built one, else made now from the programs; null without init (no gcc). */
function initramfs(found: Record<string, string>): Uint8Array | null {
  const built = join(packageRoot(), INITRAMFS_PATH);
  if (existsSync(built) && existsSync(join(packageRoot(), 'build/userland/init.elf'))) return new Uint8Array(readFileSync(built));
  return found['init'] === undefined ? null : buildInitramfs(found);
}

interface BootArguments {
  cpu: string; tsc: 'cycles' | 'instructions'; busybox: string | null | undefined; jit: boolean; timeout: number | undefined;
  trace: Set<string>; json: boolean; debug: DebugChoice;
}

function parseArguments(args: string[]): BootArguments {
  const a: BootArguments = { cpu: DEFAULT_CPU_MODEL, tsc: 'cycles', busybox: undefined, jit: true, timeout: undefined, trace: new Set(), json: false, debug: { gdb: null, step: false } };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--cpu') {
      a.cpu = args[++i] ?? '';
      if (cpuModels[a.cpu] === undefined) throw new UsageError(`unknown CPU model '${a.cpu}'`);
    } else if (args[i] === '--busybox') {
      const file = args[++i];
      if (file === undefined) throw new UsageError('--busybox needs a file');
      if (!isStaticI386(file)) throw new UsageError(`--busybox ${file}: not a static i386 ELF executable`);
      a.busybox = file;
    } else if (args[i] === '--tsc') {
      a.tsc = parseTsc(args[++i]);
    } else if (args[i] === '--no-busybox') {
      a.busybox = null;
    } else if (args[i] === '--no-jit') {
      a.jit = false;
    } else if (args[i] === '--timeout') {
      a.timeout = parseTimeout(args[++i] ?? '');
    } else if (args[i] === '--trace') {
      // The kinds are optional: a bare --trace shows the system calls.
      const next = args[i + 1];
      a.trace = next !== undefined && !next.startsWith('-') ? parseTraceKinds(args[++i]!, TRACE_KINDS) : new Set(['syscall']);
    } else if (args[i] === '--trace-json') {
      a.json = true;
    } else if (args[i] === '--gdb') {
      const value = args[++i];
      if (value === undefined) throw new UsageError('--gdb needs a value');
      a.debug.gdb = parseGdbAddress(value);
    } else if (args[i] === '--step') {
      a.debug.step = true;
    } else throw new UsageError(`unknown argument '${args[i]}'`);
  }
  if (a.debug.gdb !== null && a.debug.step) throw new UsageError('--gdb and --step both want to stop the machine: choose one');
  return a;
}

export const bootCommand: Command = {
  name: 'boot',
  summary: 'boot the gate86 kernel, show each step, run the samples, end at a shell',
  usage,
  async run(args) {
    const a = parseArguments(args);
    const kernel = loadKernelImage();
    const found = programs();
    const samples = SAMPLES.filter((n) => found[n] !== undefined);
    const out = (text: string): void => { process.stdout.write(text); };
    out(`gate86: booting the kernel on a ${a.cpu}\n`);
    const base = initramfs(found);
    if (base === null) return bootEachSample(kernel, a, found, samples);
    const busybox = a.busybox === null ? null : findBusybox(a.busybox);
    const archive = busybox === null ? base : Buffer.concat([base, busyboxArchive(new Uint8Array(readFileSync(busybox)))]);
    out(`gate86: initramfs ${INITRAMFS_PATH}${busybox === null ? '' : ` + ${busybox}`} (${(archive.length / 1024).toFixed(0)} KiB)\n`);
    const commandLines = samples.map((n) => [`/bin/${n}`, ...(SAMPLE_ARGS[n] ?? [])].join(' '));
    const terminal = terminalFacts();
    const result = await runInWorker({
      kind: 'program', kernel, cpu: a.cpu, tsc: a.tsc, ...(a.jit ? {} : { jit: false }),
      program: { path: '/init', argv: ['/init', ...commandLines], envp: ['HOME=/root', 'PATH=/bin:/sbin:/usr/bin:/usr/sbin', `TERM=${process.env['TERM'] ?? 'vt100'}`] },
      initrd: { name: 'initramfs.cpio', bytes: new Uint8Array(archive) },
      ...terminal,
      log: { stream: 1, prefix: 'kernel: ', show: 'all' },
      ...traceOptions(a),
      mergeOutput: true,
    }, a.debug, 'boot', a.timeout);
    if (result.type === 'timed-out') { process.stderr.write(timedOut('boot', a.timeout!)); return TIMEOUT_STATUS; }
    if (result.type === 'stopped-by-user') { process.stderr.write(`\ngate86 boot: stopped by ${process.stdin.isTTY ? 'Ctrl-A x' : 'a second Ctrl-C'}\n`); return 130; }
    if (result.type !== 'program-exit') {
      out(`kernel: the machine stopped: ${result.type === 'exit' ? `isa-debug-exit ${result.status}` : result.type === 'output-closed' ? 'stdout was closed' : result.message}\n`);
      return 1;
    }
    out(`kernel: init ${'code' in result.status ? `exited with status ${result.status.code}` : `was killed by signal ${result.status.signal}`} after ${result.instructions} instructions\n`);
    return 0;
  },
};

/** Without gcc (no init, no initramfs): one boot per assembly sample, on the host's file system. */
async function bootEachSample(kernel: Uint8Array, a: BootArguments, found: Record<string, string>, samples: string[]): Promise<number> {
  const deadline = a.timeout === undefined ? null : Date.now() + a.timeout * 1000;
  let first = true;
  for (const name of samples) {
    const path = found[name]!;
    const result = await runInWorker({
      kind: 'program', kernel, cpu: a.cpu, tsc: a.tsc, ...(a.jit ? {} : { jit: false }),
      program: { path, image: new Uint8Array(readFileSync(path)), argv: [name, ...(SAMPLE_ARGS[name] ?? [])], envp: [] },
      ...terminalFacts(), terminals: [false, false, false],
      log: { stream: 1, prefix: 'kernel: ', show: first ? 'all' : ['exec '] },
      ...traceOptions(a),
      mergeOutput: true,
    }, a.debug, 'boot', deadline === null ? undefined : Math.max(0.001, (deadline - Date.now()) / 1000));
    first = false;
    if (result.type === 'timed-out') { process.stderr.write(timedOut('boot', a.timeout!)); return TIMEOUT_STATUS; }
    if (result.type !== 'program-exit') return 1;
    process.stdout.write(`kernel: ${name} ${'code' in result.status ? `exited with status ${result.status.code}` : `was killed by signal ${result.status.signal}`} after ${result.instructions} instructions\n`);
  }
  return 0;
}

/** The job's trace switches from --trace and --trace-json. */
function traceOptions(a: BootArguments): { traceSyscalls: boolean; traceFaults: boolean; traceCrossings: boolean; traceJson: boolean } {
  return { traceSyscalls: a.trace.has('syscall'), traceFaults: a.trace.has('fault'), traceCrossings: a.trace.has('crossing'), traceJson: a.json };
}
