// Runs programs on a student's copy of the kernel with the console scripted: `node --import tsx
// labs/harness.ts DIR` reads one JSON request per line on stdin and answers each with one JSON line
// on stdout (labs/context.ts keeps one such process for a whole grade: the copy's modules load once).
//
// The copy's own TypeScript (its kernel/, vm/) is imported from the copy, and its kernel image from
// the copy's build/ — so the run is the student's kernel, whatever they changed. A scripted read is
// what makes "a signal arrives while the reader sleeps" deterministic: the Ctrl-C is posted from
// inside the read, exactly as the worker posts a real one (kernel/worker-job.ts).
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HarnessOutcome, HarnessRequest } from './lab.ts';

/** The parts of the copy's kernel the harness calls (the copy is the project, with the student's edits). */
interface CopyBoot {
  runProgram(options: {
    kernel: Uint8Array; cpu?: string; program: { path: string; image: Uint8Array; argv: string[]; envp: string[] };
    write(fd: number, bytes: Uint8Array): void; read?(max: number): Uint8Array | null;
    log?(line: string): void; trace?: ((line: string) => void) | null; instructionLimit?: number;
    attach?(kernel: unknown): void;
    inspect?(machine: { cpu: { msr: Map<number, bigint>; debugTranslate(linear: number): number }; memory: { u8: Uint8Array } }, kernel: { image: { addressOf(name: string): number } }): void;
  }): { kind: string; status?: { code: number } | { signal: number }; message?: string };
}
interface CopyLocate { loadKernelImage(): Uint8Array }
interface CopyTerminal { terminalInterrupt(kernel: unknown): void }
interface CopyModels { cpuModels: Record<string, { name: string; family: number; model: number; stepping: number; vendor: string }> }

interface Copy { dir: string; boot: CopyBoot; locate: CopyLocate; terminal: CopyTerminal; models: CopyModels }

async function load(dir: string): Promise<Copy> {
  const from = (path: string) => import(pathToFileURL(join(dir, path)).href);
  return {
    dir,
    boot: await from('kernel/boot.ts') as CopyBoot,
    locate: await from('kernel/locate.ts') as CopyLocate,
    terminal: await from('kernel/terminal.ts') as CopyTerminal,
    models: await from('vm/cpu/models.ts') as CopyModels,
  };
}

function serve(copy: Copy, request: HarnessRequest): HarnessOutcome {
  const { boot, locate, terminal, models } = copy;
  for (const extra of request.extraModels ?? []) {
    const base = models.cpuModels[extra.like];
    if (base === undefined) throw new Error(`no CPU model ${extra.like} to make ${extra.name} from`);
    models.cpuModels[extra.name] = { ...base, name: extra.name, family: extra.family, model: extra.model, stepping: extra.stepping, vendor: extra.vendor ?? base.vendor };
  }
  const outcome: HarnessOutcome = { status: null, signal: null, stdout: '', trace: [], log: [], msrs: {}, symbols: {}, peeks: [] };
  const out: Buffer[] = [];
  const reads = [...(request.reads ?? [])];
  let kernel: unknown = null;
  const program = join(copy.dir, request.program);
  const result = boot.runProgram({
    kernel: locate.loadKernelImage(),
    cpu: request.cpu,
    program: { path: program, image: new Uint8Array(readFileSync(program)), argv: [program, ...(request.args ?? [])], envp: [] },
    write: (_fd, bytes) => { out.push(Buffer.from(bytes)); },
    read: () => {
      const next = reads.shift();
      if (next === undefined) return new Uint8Array(0);
      if (next === 'interrupt') {
        terminal.terminalInterrupt(kernel);
        return null;
      }
      return new TextEncoder().encode(next);
    },
    log: (line) => outcome.log.push(line),
    trace: (line) => outcome.trace.push(line),
    instructionLimit: 200_000_000,
    attach: (k) => { kernel = k; },
    inspect: (machine, k) => {
      for (const [index, value] of machine.cpu.msr) outcome.msrs['0x' + index.toString(16)] = '0x' + value.toString(16);
      for (const name of request.symbols ?? []) {
        const address = k.image.addressOf(name) as number | undefined; // undefined: not in this kernel
        if (address !== undefined) outcome.symbols[name] = address >>> 0;
      }
      for (const p of request.peeks ?? []) {
        const base = typeof p.at === 'number' ? p.at : (k.image.addressOf(p.at) as number | undefined);
        const bytes: number[] = [];
        for (let i = 0; i < p.length; i++) {
          const physical = base === undefined ? -1 : machine.cpu.debugTranslate(base + (p.offset ?? 0) + i);
          bytes.push(physical < 0 ? -1 : machine.memory.u8[physical]!);
        }
        outcome.peeks.push(bytes);
      }
    },
  });
  outcome.stdout = Buffer.concat(out).toString('utf8');
  if (result.kind === 'exit' && result.status) {
    if ('code' in result.status) outcome.status = result.status.code;
    else outcome.signal = result.status.signal;
  } else {
    outcome.error = `the machine stopped: ${result.kind}${result.message ? ` (${result.message})` : ''}`;
  }
  return outcome;
}

const failed = (error: unknown): HarnessOutcome =>
  ({ status: null, signal: null, stdout: '', trace: [], log: [], msrs: {}, symbols: {}, peeks: [], error: String((error as Error).stack ?? error) });

async function main(): Promise<void> {
  const copy = await load(process.argv[2]!);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let outcome: HarnessOutcome;
    try {
      outcome = serve(copy, JSON.parse(line) as HarnessRequest);
    } catch (error) {
      outcome = failed(error);
    }
    process.stdout.write(JSON.stringify(outcome) + '\n');
  }
}

main().catch((error: unknown) => {
  process.stdout.write(JSON.stringify(failed(error)) + '\n');
});
