// The main thread's side of a running machine: start the worker, copy COM1 output to a sink as it
// arrives, feed input bytes in, and report how the machine ended.

import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ByteRing } from './byte-ring.ts';
import type { StartMessage, WorkerReport } from './protocol.ts';

export interface MachineHostOptions {
  kernel: Uint8Array;
  kernelName: string;
  commandLine: string;
  modules: { name: string; bytes: Uint8Array }[];
  cpu: string;
  memoryMiB: number;
  /** Called with each chunk of COM1 output, as soon as it arrives. */
  onOutput(bytes: Uint8Array): void;
}

const RING_BYTES = 1 << 16;

/**
 * The worker script: dist/worker.js next to the bundled CLI (dist/gate86.js); or, when running from
 * source under tsx (tests, benchmarks), machine-worker.ts behind a tiny ES module that registers
 * tsx's loader inside the worker first (Node 20 does not carry the parent's --import into workers).
 */
function workerLocation(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const tsx = import.meta.resolve('tsx/esm/api');
    const worker = new URL('./machine-worker.ts', here).href;
    const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(worker)});`;
    return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
  }
  const bundled = new URL('./worker.js', here);
  if (!existsSync(fileURLToPath(bundled))) throw new Error(`the machine worker is missing: ${fileURLToPath(bundled)} (run npm run build)`);
  return bundled;
}

export class MachineHost {
  private readonly worker: Worker;
  private readonly output = ByteRing.create(RING_BYTES);
  private readonly input = ByteRing.create(RING_BYTES);
  private readonly doorbell = new Int32Array(new SharedArrayBuffer(4));
  private finished = false;
  /** Resolves with the worker's report once all output has been delivered. */
  readonly done: Promise<WorkerReport>;

  constructor(private readonly options: MachineHostOptions) {
    const start: StartMessage = {
      kernel: options.kernel, kernelName: options.kernelName, commandLine: options.commandLine, modules: options.modules,
      cpu: options.cpu, memoryMiB: options.memoryMiB,
      output: this.output.buffer, input: this.input.buffer, doorbell: this.doorbell.buffer as SharedArrayBuffer,
    };
    this.worker = new Worker(workerLocation(), { workerData: start });
    this.done = new Promise<WorkerReport>((resolve) => {
      let report: WorkerReport | null = null;
      this.worker.on('message', (message: WorkerReport) => { report = message; });
      this.worker.on('error', (error: Error) => { report = { type: 'error', message: `machine worker failed: ${error.message}` }; });
      this.worker.on('exit', () => {
        this.finished = true;
        this.flush();
        resolve(report ?? { type: 'stopped', message: 'the machine worker ended without a report' });
      });
    });
    void this.pumpOutput();
  }

  private flush(): void {
    const bytes = this.output.drain();
    if (bytes.length > 0) this.options.onOutput(bytes);
  }

  /** Copy output as it arrives: wait on the ring's write counter, drain, repeat. */
  private async pumpOutput(): Promise<void> {
    while (!this.finished) {
      const seen = this.output.written();
      this.flush();
      if (this.output.written() === seen) await this.output.waitForData(seen);
    }
  }

  /** Type bytes at the guest's console. */
  sendInput(bytes: Uint8Array): void {
    for (const byte of bytes) {
      if (!this.input.push(byte)) break; // a full input ring drops keystrokes, like a full UART FIFO
    }
    Atomics.add(this.doorbell, 0, 1);
    Atomics.notify(this.doorbell, 0);
  }

  /** Stop the machine now. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
