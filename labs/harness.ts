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

// The copy's modules have the project's own types (the copy is the project, with the student's
// edits), so the harness is type-checked against the kernel's real API: a change to runProgram's
// options breaks `npm run typecheck` here, not a grade at run time.
type CopyBoot = Pick<typeof import('../kernel/boot.ts'), 'runProgram'>;
type CopyLocate = Pick<typeof import('../kernel/locate.ts'), 'loadKernelImage'>;
type CopyTerminal = Pick<typeof import('../kernel/terminal.ts'), 'terminalInterrupt'>;
type CopyModels = Pick<typeof import('../vm/cpu/models.ts'), 'cpuModels'>;
type Kernel = import('../kernel/kernel.ts').Kernel;

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
  let kernel: Kernel | null = null;
  let held = false;
  const giveUpAt = Date.now() + (request.seconds ?? 30) * 1000;
  const program = join(copy.dir, request.program);
  const result = boot.runProgram({
    kernel: locate.loadKernelImage(),
    cpu: request.cpu,
    clock: 'modelled', // the same run on every host (vm/machine/clock.ts): a sleep takes no host time
    program: { path: program, image: new Uint8Array(readFileSync(program)), argv: [program, ...(request.args ?? [])], envp: [] },
    write: (_fd, bytes) => { out.push(Buffer.from(bytes)); },
    // The host's files, read-only: init (say) must not leave anything behind on the grader's machine.
    root: { directory: '/', readOnly: true },
    // The console, scripted: each text is input once it is first in line; an 'interrupt' is the
    // host's Ctrl-C (what the worker does with a real one), posted only once a task sleeps — in the
    // call it interrupts, never before it. The texts behind it wait until a task sleeps again (the
    // restarted read): input that arrived with the signal would be read at once, which is right but
    // would not show a restart. Then end of input.
    input: () => {
      const next = reads[0];
      if (next === undefined) return 'end';
      if (next === 'interrupt' || held) return new Uint8Array(0);
      reads.shift();
      return new TextEncoder().encode(next);
    },
    onSlice: () => {
      if (Date.now() > giveUpAt) throw new Error(`gave up after ${request.seconds ?? 30} s: the program never finished (a task asleep that nothing wakes?)`);
      if (kernel === null) return;
      const asleep = [...kernel.tasks.values()].some((t) => t.state === 'sleeping');
      if (held && asleep) held = false;
      if (reads[0] === 'interrupt' && asleep) {
        reads.shift();
        terminal.terminalInterrupt(kernel);
        held = true;
      }
    },
    idle: () => {}, // nothing to wait for: the next slice runs the machine on to its timer
    log: (line) => outcome.log.push(line),
    trace: (line) => outcome.trace.push(line),
    instructionLimit: 200_000_000,
    attach: (k) => { kernel = k; },
    inspect: (machine, k) => {
      for (const [index, value] of machine.cpu.msr) outcome.msrs['0x' + index.toString(16)] = '0x' + value.toString(16);
      for (const name of request.symbols ?? []) {
        const address = k.image.symbols.get(name); // undefined: not in this kernel
        if (address !== undefined) outcome.symbols[name] = address >>> 0;
      }
      for (const p of request.peeks ?? []) {
        const base = typeof p.at === 'number' ? p.at : k.image.symbols.get(p.at);
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
  if (result.kind === 'exit') {
    if ('code' in result.status) outcome.status = result.status.code;
    else outcome.signal = result.status.signal;
  } else {
    outcome.error = `the machine stopped: ${result.kind}${result.kind === 'stopped' ? ` (${result.message})` : ''}`;
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
