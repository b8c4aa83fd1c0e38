// The judging thread's side of the gate86 thread (session-worker.ts): hand it a batch, wait for
// its report, and call it a hang when its progress counter stands still for too long.

import { Worker } from 'node:worker_threads';
import { workerScript } from '../../vm/worker/host.ts';
import type { SessionJob } from './session-worker.ts';

export type BatchOutcome<T> = { kind: 'done'; result: T } | { kind: 'hang'; finished: number };

/** Distribute Omit over the job union, so each job keeps its own fields. */
type JobWithoutProgress = SessionJob extends infer J ? (J extends SessionJob ? Omit<J, 'progress'> : never) : never;

export class Gate86Thread {
  private worker: Worker | null = null;

  /** `stallMs`: no case finished for this long means a hang. */
  constructor(private readonly stallMs = 60_000) {}

  private start(): Worker {
    this.worker ??= new Worker(workerScript(import.meta.url, './session-worker.ts', './session-worker.mjs'));
    return this.worker;
  }

  /** Run one batch; a hang ends the thread (the next batch starts a fresh one). */
  run<T>(job: JobWithoutProgress): Promise<BatchOutcome<T>> {
    const worker = this.start();
    const progress = new SharedArrayBuffer(4);
    const counter = new Int32Array(progress);
    return new Promise((resolve, reject) => {
      let last = 0;
      let lastChange = Date.now();
      const watch = setInterval(() => {
        const now = Atomics.load(counter, 0);
        if (now !== last) { last = now; lastChange = Date.now(); return; }
        if (Date.now() - lastChange < this.stallMs) return;
        clearInterval(watch);
        worker.removeAllListeners();
        void worker.terminate();
        this.worker = null;
        resolve({ kind: 'hang', finished: now });
      }, Math.min(1000, this.stallMs / 4));
      worker.once('message', (result: T) => {
        clearInterval(watch);
        worker.removeAllListeners('error');
        resolve({ kind: 'done', result });
      });
      worker.once('error', (error) => {
        clearInterval(watch);
        this.worker = null;
        reject(error);
      });
      worker.postMessage({ ...job, progress } as SessionJob);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}
