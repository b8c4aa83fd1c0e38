// Building the ring-3 runner (runner.S) with gate86's own assembler and linker, and reading what it
// writes back. The same ELF runs on gate86, on the host CPU and under qemu-i386.

import { buildGuestProgram } from '../guest-program.ts';
import { HELLO_MAGIC, runnerDefines } from './layout.ts';

/** Assemble and link runner.S into `dir`; returns the ELF's path. */
export function buildRunner(dir: string): string {
  return buildGuestProgram('test/fuzz/ring3/runner.S', dir, 'ring3-runner', runnerDefines());
}

/** How a case ended, as its wait status says. */
export interface CaseEnd { id: number; status: number }

/** Which timer the runner's children use: ITIMER_VIRTUAL, ITIMER_REAL, or none (the kernel has neither). */
export type RunnerTimer = 'virtual' | 'real' | 'none';

export function timerOf(hello: number): RunnerTimer {
  return hello === 1 ? 'virtual' : hello === 0 ? 'real' : 'none';
}

/** The runner's output: the hello record (which timer?), then one record per case. */
export function parseRunnerOutput(bytes: Uint8Array): { timer: RunnerTimer; ends: CaseEnd[]; trailing: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint32(0, true) !== HELLO_MAGIC) throw new Error(`the ring-3 runner did not start (${bytes.length} bytes of output)`);
  const timer = timerOf(view.getInt32(4, true));
  const ends: CaseEnd[] = [];
  let p = 8;
  for (; p + 8 <= bytes.length; p += 8) ends.push({ id: view.getUint32(p, true), status: view.getUint32(p + 4, true) });
  return { timer, ends, trailing: bytes.length - p };
}
