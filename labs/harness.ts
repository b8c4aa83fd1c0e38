// Runs one program on a student's copy of the kernel with its console scripted, and prints what
// happened as JSON: `node --import tsx labs/harness.ts < request.json` (labs/context.ts does this).
//
// The copy's own TypeScript (its kernel/, vm/) is imported from the copy, and its kernel image from
// the copy's build/ — so the run is the student's kernel, whatever they changed. A scripted read is
// what makes "a signal arrives while the reader sleeps" deterministic: the Ctrl-C is posted from
// inside the read, exactly as the worker posts a real one (kernel/worker-job.ts).
import { readFileSync } from 'node:fs';
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

async function main(): Promise<void> {
  const request = JSON.parse(readFileSync(0, 'utf8')) as HarnessRequest & { dir: string };
  const from = (path: string) => import(pathToFileURL(join(request.dir, path)).href);
  const boot = await from('kernel/boot.ts') as CopyBoot;
  const locate = await from('kernel/locate.ts') as CopyLocate;
  const terminal = await from('kernel/terminal.ts') as CopyTerminal;
  const outcome: HarnessOutcome = { status: null, signal: null, stdout: '', trace: [], log: [], msrs: {}, symbols: {}, peek: [] };
  const out: Buffer[] = [];
  const reads = [...(request.reads ?? [])];
  let kernel: unknown = null;
  const program = join(request.dir, request.program);
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
      if (request.peek) {
        for (let i = 0; i < request.peek.length; i++) {
          const physical = machine.cpu.debugTranslate(request.peek.address + i);
          outcome.peek.push(physical < 0 ? -1 : machine.memory.u8[physical]!);
        }
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
  process.stdout.write(JSON.stringify(outcome));
}

main().catch((error: unknown) => {
  process.stdout.write(JSON.stringify({ status: null, signal: null, stdout: '', trace: [], log: [], msrs: {}, symbols: {}, peek: [], error: String((error as Error).stack ?? error) }));
});
