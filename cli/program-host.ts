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

/** A second Ctrl-C within this many milliseconds of the first stops the machine. */
const SECOND_INTERRUPT_MS = 1000;

export type ProgramOutcome = WorkerReport | { type: 'stopped-by-user' } | { type: 'timed-out' };

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
 * With a timeout (seconds of wall time), the machine is stopped when it runs out.
 */
export async function runInWorker(job: ProgramJob, timeoutSeconds?: number): Promise<ProgramOutcome> {
  const host = new WorkerHost(job, {
    stdout: (bytes) => { process.stdout.write(bytes); },
    stderr: (bytes) => { process.stderr.write(bytes); },
  });
  let stoppedByUser = false;
  let timedOut = false;
  const disconnect = connectTerminal(host, () => { stoppedByUser = true; void host.terminate(); });
  const timer = timeoutSeconds === undefined ? null : setTimeout(() => { timedOut = true; void host.terminate(); }, timeoutSeconds * 1000);
  const report = await host.ended;
  if (timer !== null) clearTimeout(timer);
  disconnect();
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))));
  return stoppedByUser ? { type: 'stopped-by-user' } : timedOut ? { type: 'timed-out' } : report;
}
