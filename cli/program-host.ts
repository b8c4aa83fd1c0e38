// The main thread's half of `gate86 run` and `gate86 boot`: the machine, the gate86 kernel and the
// program run in the worker (vm/worker/); this thread owns the terminal.
//   - stdin is read as it comes and queued, in order and whole, for the guest's console; when it
//     ends, the guest's reads return end of file once the queue is empty;
//   - the guest's fd 1 and fd 2 reach process.stdout and process.stderr as soon as they are written;
//     if stdout goes away (EPIPE: `gate86 run prog | head`), the machine stops with status 141, as the
//     program would die of SIGPIPE;
//   - when stdin is a terminal, it is put in raw mode for as long as the guest owns it, and restored
//     on every way out (the end, an error, SIGTERM, SIGHUP, a crash): the guest's line discipline
//     (kernel/tty/) does the echo, the line editing and ^C/^Z/^\. Ctrl-A x stops the machine (as in
//     `qemu-system -nographic`; Ctrl-A Ctrl-A types a Ctrl-A). Its size follows the host's (SIGWINCH);
//   - when stdin is not a terminal, Ctrl-C reaches gate86 as SIGINT: the first one becomes SIGINT for
//     the guest's processes; a second within a second stops the machine, as `gate86 machine` does.

import { spawnSync } from 'node:child_process';
import { isatty } from 'node:tty';
import { WorkerHost, workerScript } from '../vm/worker/host.ts';
import type { ProgramJob, WorkerReport } from '../vm/worker/protocol.ts';
import { debugClientFor, serveGdb, type DebugChoice } from './debugging.ts';
import type { DebugClient } from '../vm/debug/client.ts';
import { symbolizer, symbolsOf } from '../vm/debug/symbols.ts';
import { kernelDebugSymbols } from '../kernel/debug-symbols.ts';
import { StepView, wantsPlainText } from './step-view/step-view.ts';

/** A second Ctrl-C within this many milliseconds of the first stops the machine. */
const SECOND_INTERRUPT_MS = 1000;
const CTRL_A = 0x01;

export type ProgramOutcome = WorkerReport | { type: 'stopped-by-user' } | { type: 'output-closed' } | { type: 'debugger-failed'; message: string } | { type: 'timed-out' };

/** What the job needs to know about this terminal. */
export function terminalFacts(): Pick<ProgramJob, 'terminals' | 'windowSize'> {
  return {
    terminals: [0, 1, 2].map((fd) => isatty(fd)),
    windowSize: { rows: process.stdout.rows ?? 24, columns: process.stdout.columns ?? 80 },
  };
}

/** Raw mode on the host terminal while the guest owns it; the returned function restores it (once). */
function rawTerminal(): () => void {
  const stdin = process.stdin;
  if (!stdin.isTTY) return () => {};
  stdin.setRawMode(true);
  // libuv's raw mode keeps the output's NL -> CR NL; the guest's own terminal does that (ONLCR), so
  // turn it off here too (setRawMode(false) puts back the settings saved before: opost included).
  spawnSync('stty', ['-opost'], { stdio: [0, 'ignore', 'ignore'] });
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    try { stdin.setRawMode(false); } catch { /* the terminal is gone */ }
  };
  const onSignal = (signal: NodeJS.Signals): void => { restore(); process.kill(process.pid, signal); };
  process.once('exit', restore);
  for (const signal of ['SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) process.once(signal, onSignal);
  process.once('uncaughtException', (error) => { restore(); throw error; });
  return () => {
    restore();
    process.off('exit', restore);
    for (const signal of ['SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) process.off(signal, onSignal);
  };
}

function connectTerminal(host: WorkerHost, stop: () => void): () => void {
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  let lastInterrupt = 0;
  let stopping = false;
  const interrupt = (): void => {
    if (stopping) return;              // already on the way out: a third Ctrl-C changes nothing
    const now = Date.now();
    if (now - lastInterrupt < SECOND_INTERRUPT_MS) { stopping = true; stop(); return; }
    lastInterrupt = now;
    host.interrupt();
  };
  let escape = false;
  /** In raw mode: Ctrl-A x stops the machine, Ctrl-A Ctrl-A is one Ctrl-A; everything else goes in. */
  const filter = (chunk: Uint8Array): Uint8Array => {
    const out: number[] = [];
    for (const b of chunk) {
      if (escape) {
        escape = false;
        if (b === 0x78 || b === 0x58) { stop(); return Uint8Array.from(out); }
        out.push(b === CTRL_A ? CTRL_A : b);
        continue;
      }
      if (b === CTRL_A) { escape = true; continue; }
      out.push(b);
    }
    return Uint8Array.from(out);
  };
  const onData = (chunk: Buffer): void => { host.queueInput(raw ? filter(new Uint8Array(chunk)) : new Uint8Array(chunk)); };
  const onEnd = (): void => { host.closeInput(); };
  const onResize = (): void => { host.resize(process.stdout.rows ?? 24, process.stdout.columns ?? 80); };
  const restore = rawTerminal();
  stdin.on('data', onData);
  stdin.on('end', onEnd);
  stdin.on('error', onEnd);           // an unreadable stdin is an empty one
  if (stdin.destroyed || stdin.readableEnded) host.closeInput();   // an earlier run (gate86 boot) used it up
  process.on('SIGINT', interrupt);
  process.stdout.on('resize', onResize);
  return () => {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    process.off('SIGINT', interrupt);
    process.stdout.off('resize', onResize);
    restore();
    // Once Ctrl-C has stopped the machine, gate86 is exiting with status 130: a further Ctrl-C
    // arriving in those last milliseconds must not kill it by the signal's default action instead.
    if (stopping) process.on('SIGINT', () => {});
    stdin.destroy();                  // a pipe or terminal still open must not keep the process alive
  };
}

/**
 * Run a program job in the worker with this terminal; resolves once its output is all written.
 * With a debugger (`--gdb`, `--step`), the machine waits for it before its first instruction. With a
 * timeout (seconds of wall time), the machine is stopped when it runs out.
 */
export async function runInWorker(job: ProgramJob, debug: DebugChoice = { gdb: null, step: false }, command = 'run', timeoutSeconds?: number): Promise<ProgramOutcome> {
  const client = debugClientFor(debug);
  let outputClosed = false;
  let host: WorkerHost | null = null;
  // Output goes to the terminal, or to the step view while it has the screen.
  let sinks: Sinks = { stdout: sink(process.stdout), stderr: sink(process.stderr) };
  function sink(stream: NodeJS.WriteStream) {
    return (bytes: Uint8Array): void => {
      if (outputClosed) return;
      stream.write(bytes);
    };
  }
  const onOutputError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE' || outputClosed) return;
    outputClosed = true;
    void host?.terminate();
  };
  process.stdout.on('error', onOutputError);
  process.stderr.on('error', onOutputError);
  host = new WorkerHost(job, { stdout: (bytes) => sinks.stdout(bytes), stderr: (bytes) => sinks.stderr(bytes) },
    workerScript(import.meta.url, '../kernel/program-worker.ts', './program-worker.js'),
    client === null ? undefined : { client, wait: true });
  try {
    if (client !== null && debug.gdb !== null) {
      const server = await serveGdb(client, host, debug.gdb, command, true);
      if (typeof server === 'string') {
        await host.ended;
        return { type: 'debugger-failed', message: server };
      }
    }
    if (client !== null && debug.step) {
      const stepping = host;
      return await stepThrough(job, stepping, client, (s) => { sinks = s; }, { stdout: sink(process.stdout), stderr: sink(process.stderr) });
    }
    let stoppedByUser = false;
    let timedOut = false;
    const running = host;
    const disconnect = connectTerminal(running, () => { stoppedByUser = true; void running.terminate(); });
    // A debugger session has no timeout: a person is at the controls.
    const timer = timeoutSeconds === undefined ? null : setTimeout(() => { timedOut = true; void running.terminate(); }, timeoutSeconds * 1000);
    try {
      const report = await running.ended;
      if (!outputClosed) await flushed();
      if (outputClosed) return { type: 'output-closed' };
      return stoppedByUser ? { type: 'stopped-by-user' } : timedOut ? { type: 'timed-out' } : report;
    } finally {
      if (timer !== null) clearTimeout(timer);
      disconnect();
    }
  } finally {
    process.stdout.off('error', onOutputError);
    process.stderr.off('error', onOutputError);
  }
}

function flushed(): Promise<void[]> {
  return Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))));
}

/** Where the guest's fd 1 and fd 2 go. */
type Sinks = { stdout(b: Uint8Array): void; stderr(b: Uint8Array): void };

/** --step: the view takes the keyboard and the screen; the guest's stdin is empty meanwhile. */
async function stepThrough(job: ProgramJob, host: WorkerHost, client: DebugClient, setSink: (sinks: Sinks) => void, terminal: Sinks): Promise<ProgramOutcome> {
  host.closeInput();
  const names = symbolizer([...kernelDebugSymbols(job.kernel), ...(job.program.image === undefined ? [] : symbolsOf(job.program.image))]);
  const view = new StepView({ client, names, input: process.stdin, output: process.stdout, plain: wantsPlainText(process.stdin, process.stdout, process.env) });
  setSink({ stdout: (b) => view.programOutput(b), stderr: (b) => view.programOutput(b) });
  await view.run();
  setSink(terminal);
  const report = await host.ended;
  process.stdin.destroy();
  await flushed();
  return report;
}
