// What a lab is: a starter (edits to a fresh copy of the project), the files a student touches,
// hints, and the checks its grader runs against the student's copy once it has been built.
//
// A lab never edits the project itself: `gate86 lab start NAME` copies the project into a folder the
// student owns (labs/workspace.ts) and applies the starter there; `gate86 lab grade NAME` builds that
// copy with the project's own build (scripts/build.mjs: type check, esbuild, the kernel and userland
// with gate86's as/ld) and runs the checks on what it built.

/** One change to a file of the copy, applied exactly once (a `find` that is missing or repeated is an error). */
export type Edit =
  | { file: string; find: string; replace: string }
  /**
   * Replace a region: from the one occurrence of `from` through the first `through` after it (a
   * whole function, say, without restating its body: the starter keeps working when the body changes).
   */
  | { file: string; from: string; through: string; replace: string }
  /** Create (or overwrite) a file with this text. */
  | { file: string; text: string };

/** The outcome of one check: pass, or fail with what was seen (printed under the hint). */
export interface CheckResult {
  ok: boolean;
  detail?: string;
}

import type { OracleKind } from '../test/support/i386-oracle.ts';

/** What a check can do with the student's built copy (labs/context.ts). */
export interface LabContext {
  /** The student's copy. */
  readonly dir: string;
  /** A file of the copy, or null when it does not exist. */
  read(path: string): string | null;
  /** `gate86 run` of the copy: its CPU model, trace kinds, program (a path in the copy) and arguments. */
  run(options: RunRequest): Promise<RunOutcome>;
  /** The copy's kernel in this process's child, with scripted console reads (labs/harness.ts). */
  harness(request: HarnessRequest): Promise<HarnessOutcome>;
  /** The same program on the i386 oracle (the host CPU, or qemu-i386), for differential checks. */
  native(program: string, args?: string[]): Promise<RunOutcome & { oracle: OracleKind }>;
}

export interface RunRequest {
  cpu: string;
  program: string;
  args?: string[];
  trace?: string[];
  /** Bytes for the program's stdin (closed after). */
  stdin?: string;
}

export interface RunOutcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * One run of the copy's kernel in a child process with the console scripted: each console read
 * takes the next entry of `reads` — text is what the reader gets, 'interrupt' is a Ctrl-C that
 * arrives while the reader sleeps (SIGINT for the guest; the read returns to the kernel as
 * interrupted). After the last entry reads see end of file.
 */
export interface HarnessRequest {
  cpu: string;
  program: string;
  args?: string[];
  reads?: ('interrupt' | string)[];
  /** Also report the MSRs and these kernel symbols' 32-bit values after the run. */
  symbols?: string[];
  /**
   * Bytes to read after the run at guest linear addresses — a number, or a kernel symbol (its
   * address) plus an offset: the vsyscall page, a field of init_tss. One array of bytes each (-1 for
   * an unmapped byte) in HarnessOutcome.peeks.
   */
  peeks?: { at: number | string; offset?: number; length: number }[];
  /**
   * CPUs that do not exist, made for the run from an existing model with another signature (and
   * vendor): how a grader asks "what would your rule do on a 6/3/2?".
   */
  extraModels?: { name: string; like: string; family: number; model: number; stepping: number; vendor?: 'GenuineIntel' | 'AuthenticAMD' }[];
  /**
   * Host seconds before the run is abandoned (default 30): a guard, not a measurement — a kernel
   * whose sleeper is never woken would otherwise idle for ever, and the check would never end.
   */
  seconds?: number;
}

export interface HarnessOutcome {
  status: number | null;
  signal: number | null;
  stdout: string;
  trace: string[];
  log: string[];
  msrs: Record<string, string>;
  symbols: Record<string, number>;
  peeks: number[][];
  error?: string;
}

export interface Check {
  /** What is checked, as the student reads it in the grade's output. */
  name: string;
  /** What to look at when it fails. */
  hint: string;
  run(ctx: LabContext): Promise<CheckResult>;
}

export interface LabDefinition {
  name: string;
  title: string;
  /** One line for `gate86 lab list`. */
  summary: string;
  /** docs/labs/NAME.md */
  handout: string;
  /** The files a student is expected to change (shown by `lab start`). */
  touches: string[];
  starter: Edit[];
  hints: string[];
  checks: Check[];
}

/** A check from a predicate over the context. */
export function check(name: string, hint: string, run: (ctx: LabContext) => Promise<CheckResult>): Check {
  return { name, hint, run };
}

export const pass = (): CheckResult => ({ ok: true });
export const fail = (detail: string): CheckResult => ({ ok: false, detail });
export const verdict = (ok: boolean, detail: string): CheckResult => (ok ? { ok } : { ok, detail });
