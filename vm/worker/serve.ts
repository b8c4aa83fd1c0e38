// What every worker entry does with its job: run it and post the report to the main thread
// (vm/worker/host.ts). The entries: machine-worker.ts (a Multiboot kernel, `gate86 machine`) and
// kernel/program-worker.ts (the gate86 kernel and a program, `gate86 run` / `gate86 boot`).

import { parentPort, workerData } from 'node:worker_threads';
import type { StartMessage, WorkerReport } from './protocol.ts';

/**
 * Run this worker's job and report how it ended. An error the job calls ordinary (`expected`: a bad
 * image, an oops in the kernel's TypeScript half) is reported in one line; anything else is a bug and
 * stays loud.
 */
export function serveJob<Job extends StartMessage>(run: (start: Job) => WorkerReport, expected: (error: unknown) => boolean): void {
  const start = workerData as Job;
  try {
    parentPort!.postMessage(run(start));
  } catch (error) {
    if (expected(error)) parentPort!.postMessage({ type: 'error', message: (error as Error).message } satisfies WorkerReport);
    else throw error;
  }
}
