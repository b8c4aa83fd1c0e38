// Building the system-call fuzzer's runner (runner.S) with gate86's own assembler and linker.

import { buildGuestProgram } from '../guest-program.ts';
import { runnerDefines } from './layout.ts';

/** Assemble and link runner.S into `dir`; returns the ELF's path. */
export function buildSyscallRunner(dir: string): string {
  return buildGuestProgram('test/fuzz/syscalls/runner.S', dir, 'syscalls-runner', runnerDefines());
}
