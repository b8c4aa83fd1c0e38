// The main thread's side of a running machine: start the worker, copy its console output to sinks as
// it arrives, feed input bytes in, pass Ctrl-C on, and report how the machine ended.

import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ByteRing } from './byte-ring.ts';
import { CONTROL_COLUMNS, CONTROL_DOORBELL, CONTROL_INPUT_CLOSED, CONTROL_INTERRUPTS, CONTROL_ROWS, CONTROL_WORDS, type MultibootJob, type StartMessage, type WorkerJob, type WorkerReport } from './protocol.ts';

/** What to boot (the worker's Multiboot job), and where its COM1 output goes. */
export interface MachineHostOptions extends Omit<MultibootJob, 'kind'> {
  /** Called with each chunk of COM1 output, as soon as it arrives. */
  onOutput(bytes: Uint8Array): void;
}

/** Where each output stream goes, chunk by chunk, as soon as it arrives. */
export interface OutputSinks {
  stdout(bytes: Uint8Array): void;
  stderr(bytes: Uint8Array): void;
}

const RING_BYTES = 1 << 16;

/**
 * A worker entry's script, as seen from the module `here` that starts it: when running from source
 * under tsx (tests, benchmarks), the entry's .ts file (`source`, relative to `here`) behind a tiny ES
 * module that registers tsx's loader inside the worker first (Node 20 does not carry the parent's
 * --import into workers); in the bundled CLI, the bundle `bundled` next to dist/gate86.js. Each entry
 * is named by the floor that owns it: this file knows only its own (machine-worker.ts).
 */
export function workerScript(here: string, source: string, bundled: string): URL {
  if (here.endsWith('.ts')) {
    const tsx = import.meta.resolve('tsx/esm/api');
    const worker = new URL(source, here).href;
    const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(worker)});`;
    return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
  }
  const script = new URL(bundled, here);
  if (!existsSync(fileURLToPath(script))) throw new Error(`the machine worker is missing: ${fileURLToPath(script)} (run npm run build)`);
  return script;
}

/** A machine running a job in its worker. */
export class WorkerHost {
  private readonly worker: Worker;
  private readonly stdout = ByteRing.create(RING_BYTES);
  private readonly stderr = ByteRing.create(RING_BYTES);
  private readonly input = ByteRing.create(RING_BYTES);
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  /** Input the ring had no room for yet, in order (never dropped: a piped file arrives whole). */
  private readonly pending: Uint8Array[] = [];
  private feeding = false;
  private finished = false;
  /** Resolves with the worker's report once all output has been delivered. */
  readonly ended: Promise<WorkerReport>;

  /** `script`: the worker entry that runs this kind of job (workerScript()). */
  constructor(job: WorkerJob, sinks: OutputSinks, script: URL) {
    const start: StartMessage = {
      ...job,
      stdout: this.stdout.buffer, stderr: this.stderr.buffer, input: this.input.buffer,
      control: this.control.buffer as SharedArrayBuffer,
    };
    this.worker = new Worker(script, { workerData: start });
    this.ended = new Promise<WorkerReport>((resolve) => {
      let report: WorkerReport | null = null;
      this.worker.on('message', (message: WorkerReport) => { report = message; });
      this.worker.on('error', (error: Error) => { report = { type: 'error', message: `machine worker failed: ${error.message}` }; });
      this.worker.on('exit', () => {
        this.finished = true;
        this.flush(this.stdout, sinks.stdout);
        this.flush(this.stderr, sinks.stderr);
        resolve(report ?? { type: 'stopped', message: 'the machine worker ended without a report' });
      });
    });
    void this.pump(this.stdout, sinks.stdout);
    void this.pump(this.stderr, sinks.stderr);
  }

  private flush(ring: ByteRing, sink: (bytes: Uint8Array) => void): void {
    const bytes = ring.drain();
    if (bytes.length > 0) sink(bytes);
  }

  /** Copy one stream as it arrives: wait on the ring's write counter, drain, repeat. */
  private async pump(ring: ByteRing, sink: (bytes: Uint8Array) => void): Promise<void> {
    while (!this.finished) {
      const seen = ring.written();
      this.flush(ring, sink);
      if (ring.written() === seen) await ring.waitForData(seen);
    }
  }

  private ring(): void {
    Atomics.add(this.control, CONTROL_DOORBELL, 1);
    Atomics.notify(this.control, CONTROL_DOORBELL);
  }

  /** Type bytes at the guest's console; a full input ring drops them, like a full UART FIFO. */
  sendInput(bytes: Uint8Array): void {
    this.input.pushSome(bytes);
    this.ring();
  }

  /** Queue bytes for the guest's fd 0, all of them, in order: they wait here while the ring is full. */
  queueInput(bytes: Uint8Array): void {
    this.pending.push(bytes);
    void this.feed();
  }

  private async feed(): Promise<void> {
    if (this.feeding) return;
    this.feeding = true;
    while (this.pending.length > 0 && !this.finished) {
      const first = this.pending[0]!;
      const seen = this.input.readCount();
      const n = this.input.pushSome(first);
      this.ring();
      if (n === first.length) this.pending.shift();
      else {
        this.pending[0] = first.subarray(n);
        await this.input.waitForRoom(seen);
      }
    }
    this.feeding = false;
    if (this.inputEnded && this.pending.length === 0) this.markInputClosed();
  }

  private inputEnded = false;
  /** The host's stdin ended: once the guest has read what is queued, its reads return end of file. */
  closeInput(): void {
    this.inputEnded = true;
    if (!this.feeding && this.pending.length === 0) this.markInputClosed();
  }

  private markInputClosed(): void {
    Atomics.store(this.control, CONTROL_INPUT_CLOSED, 1);
    this.ring();
  }

  /** The host terminal was resized: the gate86 kernel's TIOCGWINSZ and SIGWINCH follow. */
  resize(rows: number, columns: number): void {
    Atomics.store(this.control, CONTROL_ROWS, rows);
    Atomics.store(this.control, CONTROL_COLUMNS, columns);
    this.ring();
  }

  /** A Ctrl-C for the guest (the gate86 kernel sends SIGINT to its foreground processes). */
  interrupt(): void {
    Atomics.add(this.control, CONTROL_INTERRUPTS, 1);
    this.ring();
  }

  /** Stop the machine now. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** How a Multiboot job ends. */
export type MultibootReport = Exclude<WorkerReport, { type: 'program-exit' }>;

/** `gate86 machine`'s host: a Multiboot kernel whose COM1 is the console. */
export class MachineHost extends WorkerHost {
  /** Resolves with the worker's report once all output has been delivered. */
  readonly done: Promise<MultibootReport>;

  constructor(options: MachineHostOptions) {
    super({
      kind: 'multiboot', kernel: options.kernel, kernelName: options.kernelName, commandLine: options.commandLine,
      modules: options.modules, cpu: options.cpu, memoryMiB: options.memoryMiB,
      ...(options.jit === false ? { jit: false } : {}),
    }, { stdout: options.onOutput, stderr: options.onOutput }, workerScript(import.meta.url, './machine-worker.ts', './worker.js'));
    this.done = this.ended.then((report) => report.type === 'program-exit' ? { type: 'error', message: 'a Multiboot job reported a program exit' } : report);
  }
}
