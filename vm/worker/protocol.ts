// Messages between the main thread (cli/commands/machine.ts, vm/worker/host.ts) and the machine's
// worker (machine-worker.ts). Console bytes do not travel here: they use the shared rings.

export interface StartMessage {
  kernel: Uint8Array;
  kernelName: string;
  commandLine: string;
  modules: { name: string; bytes: Uint8Array }[];
  cpu: string;
  memoryMiB: number;
  /** ByteRing buffers: guest → host (COM1 output) and host → guest (COM1 input). */
  output: SharedArrayBuffer;
  input: SharedArrayBuffer;
  /** Int32Array[1]: the host bumps it and notifies when input arrives, waking a halted guest. */
  doorbell: SharedArrayBuffer;
}

export type WorkerReport =
  | { type: 'exit'; status: number }
  | { type: 'stopped'; message: string }
  | { type: 'error'; message: string };
