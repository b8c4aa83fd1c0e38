// MIPS as seen from outside the machine: boot test/kernels/microloop in the worker, exactly as
// `gate86 machine` does, and time — on the main thread, from the console bytes as they arrive — the
// interval between the kernel's "start" and "end" lines. The loop between them is a known number of
// instructions (the kernel prints it), so nothing inside the machine is trusted for the measurement.
//
// For scripts/bench.ts: `await benchmarkMicroloop({ iterations: 20_000_000 })`.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MachineHost } from '../worker/host.ts';
import { DEFAULT_CPU_MODEL } from '../cpu/models.ts';

export interface MicroloopResult {
  cpu: string;
  /** Instructions between "start" and "end", as the kernel counts them. */
  instructions: number;
  seconds: number;
  mips: number;
}

const root = resolve(import.meta.dirname, '../..');

/** Build the microloop kernel (gcc -m32, binutils) into a temporary directory; returns its bytes. */
export function buildMicroloopKernel(): Uint8Array {
  const out = mkdtempSync(join(tmpdir(), 'gate86-microloop-'));
  const r = spawnSync('sh', [join(root, 'test/kernels/build.sh'), 'microloop', out], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`building test/kernels/microloop failed: ${r.error?.message ?? r.stderr}`);
  return readFileSync(join(out, 'microloop.elf'));
}

export async function benchmarkMicroloop(options: { iterations?: number; cpu?: string; kernel?: Uint8Array } = {}): Promise<MicroloopResult> {
  const iterations = options.iterations ?? 20_000_000;
  const cpu = options.cpu ?? DEFAULT_CPU_MODEL;
  const kernel = options.kernel ?? buildMicroloopKernel();
  let text = '';
  let started = 0n;
  let ended = 0n;
  const host = new MachineHost({
    kernel, kernelName: 'microloop.elf', commandLine: `microloop.elf iterations=${iterations}`, modules: [], cpu, memoryMiB: 32,
    onOutput: (bytes) => {
      const now = process.hrtime.bigint();
      text += Buffer.from(bytes).toString('latin1');
      if (started === 0n && text.includes('start\n')) started = now;
      if (ended === 0n && text.includes('end\n')) ended = now;
    },
  });
  const report = await host.done;
  if (report.type !== 'exit') throw new Error(`the microloop kernel did not finish: ${report.message}`);
  const counted = /= (\d+) instructions/.exec(text);
  if (counted === null || started === 0n || ended === 0n) throw new Error(`unexpected microloop output: ${JSON.stringify(text)}`);
  const instructions = Number(counted[1]);
  const seconds = Number(ended - started) / 1e9;
  return { cpu, instructions, seconds, mips: instructions / seconds / 1e6 };
}
