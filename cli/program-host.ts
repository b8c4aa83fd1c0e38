// The main thread's half of `gate86 run` and `gate86 boot`: the machine, the gate86 kernel and the
// program run in the worker (vm/worker/); this thread owns the terminal.
//   - stdin is read as it comes and queued, in order and whole, for the guest's fd 0; when it ends,
//     the guest's reads return end of file once the queue is empty;
//   - the guest's fd 1 and fd 2 reach process.stdout and process.stderr as soon as they are written;
//   - Ctrl-C: the terminal stays in cooked mode, as for any program, so Ctrl-C reaches gate86 as
//     SIGINT. The first one becomes SIGINT for the guest's processes (what a terminal does to its
//     foreground group); a second within a second stops the machine, as `gate86 machine` does.

import { isatty } from 'node:tty';
import { WorkerHost } from '../vm/worker/host.ts';
import type { ProgramJob, WorkerReport } from '../vm/worker/protocol.ts';
import { debugClientFor, serveGdb, type DebugChoice } from './debugging.ts';
import type { DebugClient } from '../vm/debug/client.ts';
import { symbolizer, symbolsOf } from '../vm/debug/symbols.ts';
import { kernelDebugSymbols } from '../kernel/debug-symbols.ts';
import { StepView, wantsPlainText } from './step-view/step-view.ts';

/** A second Ctrl-C within this many milliseconds of the first stops the machine. */
const SECOND_INTERRUPT_MS = 1000;

export type ProgramOutcome = WorkerReport | { type: 'stopped-by-user' } | { type: 'debugger-failed'; message: string };

/** What the job needs to know about this terminal. */
export function terminalFacts(): Pick<ProgramJob, 'terminals' | 'windowSize'> {
  return {
    terminals: [0, 1, 2].map((fd) => isatty(fd)),
    windowSize: { rows: process.stdout.rows ?? 24, columns: process.stdout.columns ?? 80 },
  };
}

function connectTerminal(host: WorkerHost, stop: () => void): () => void {
  let lastInterrupt = 0;
  let stopping = false;
  const interrupt = (): void => {
    if (stopping) return;              // already on the way out: a third Ctrl-C changes nothing
    const now = Date.now();
    if (now - lastInterrupt < SECOND_INTERRUPT_MS) { stopping = true; stop(); return; }
    lastInterrupt = now;
    host.interrupt();
  };
  const stdin = process.stdin;
  const onData = (chunk: Buffer): void => { host.queueInput(new Uint8Array(chunk)); };
  const onEnd = (): void => { host.closeInput(); };
  stdin.on('data', onData);
  stdin.on('end', onEnd);
  stdin.on('error', onEnd);           // an unreadable stdin is an empty one
  if (stdin.destroyed || stdin.readableEnded) host.closeInput();   // an earlier run (gate86 boot) used it up
  process.on('SIGINT', interrupt);
  return () => {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    process.off('SIGINT', interrupt);
    // Once Ctrl-C has stopped the machine, gate86 is exiting with status 130: a further Ctrl-C
    // arriving in those last milliseconds must not kill it by the signal's default action instead.
    if (stopping) process.on('SIGINT', () => {});
    stdin.destroy();                  // a pipe or terminal still open must not keep the process alive
  };
}

/**
 * Run a program job in the worker with this terminal; resolves once its output is all written.
 * With a debugger (`--gdb`), the machine waits for it before its first instruction.
 */
export async function runInWorker(job: ProgramJob, debug: DebugChoice = { gdb: null, step: false }, command = 'run'): Promise<ProgramOutcome> {
  const client = debugClientFor(debug);
  // Output goes to the terminal, or to the step view while it has the screen.
  let sink: { stdout(bytes: Uint8Array): void; stderr(bytes: Uint8Array): void } = {
    stdout: (bytes) => { process.stdout.write(bytes); },
    stderr: (bytes) => { process.stderr.write(bytes); },
  };
  const host = new WorkerHost(job, {
    stdout: (bytes) => sink.stdout(bytes),
    stderr: (bytes) => sink.stderr(bytes),
  }, client === null ? undefined : { client, wait: true });
  if (client !== null && debug.gdb !== null) {
    const server = await serveGdb(client, host, debug.gdb, command, true);
    if (typeof server === 'string') {
      await host.ended;
      return { type: 'debugger-failed', message: server };
    }
  }
  if (client !== null && debug.step) return stepThrough(job, host, client, (s) => { sink = s; });
  let stoppedByUser = false;
  const disconnect = connectTerminal(host, () => { stoppedByUser = true; void host.terminate(); });
  const report = await host.ended;
  disconnect();
  await flushed();
  return stoppedByUser ? { type: 'stopped-by-user' } : report;
}

function flushed(): Promise<void[]> {
  return Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))));
}

/** --step: the view takes the keyboard and the screen; the guest's stdin is empty meanwhile. */
async function stepThrough(job: ProgramJob, host: WorkerHost, client: DebugClient, setSink: (sink: { stdout(b: Uint8Array): void; stderr(b: Uint8Array): void }) => void): Promise<ProgramOutcome> {
  host.closeInput();
  const names = symbolizer([...kernelDebugSymbols(job.kernel), ...symbolsOf(job.program.image)]);
  const view = new StepView({ client, names, input: process.stdin, output: process.stdout, plain: wantsPlainText(process.stdin, process.stdout, process.env) });
  setSink({ stdout: (b) => view.programOutput(b), stderr: (b) => view.programOutput(b) });
  await view.run();
  setSink({ stdout: (b) => { process.stdout.write(b); }, stderr: (b) => { process.stderr.write(b); } });
  const report = await host.ended;
  process.stdin.destroy();
  await flushed();
  return report;
}
