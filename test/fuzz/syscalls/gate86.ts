// System-call cases on gate86 (test/fuzz/session.ts with this fuzzer's runner and record): each
// result is {case id, wait status, calls started, calls that succeeded, timed out}.

import { mkdirSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { runSession as runFuzzSession, type Gate86End, type SessionResult } from '../session.ts';
import { packageRoot } from '../../../kernel/locate.ts';
import { CASE_TIMEOUT_US, HELLO_MAGIC, RESULT_WORDS } from './layout.ts';

export interface SyscallSessionOptions {
  kernel: Uint8Array;
  runner: string;
  cpu: string;
  /** The guest's / (read-only): scratchRoot()'s directory. */
  root: string;
}

/** A case still running this long (host time) after its last result is a hang: the runner's own timeout did not end it. */
const HANG_MS = 10_000 + CASE_TIMEOUT_US / 1000;
/** Who the runner and its children run as: not root, so mount, mknod, chroot, iopl and the set*id calls meet the checks a user meets. */
export const FUZZ_CREDENTIALS = { uid: 1000, gid: 1000 };

/** A case's end as the runner reports it. */
export interface SyscallEnd { id: number; status: number; started: number; succeeded: number; timedOut: boolean; stoppedBy: Gate86End['stoppedBy'] }

export function syscallEnd(e: Gate86End): SyscallEnd {
  return { id: e.id, status: e.status, started: e.words[2]!, succeeded: e.words[3]!, timedOut: e.words[4] !== 0, stoppedBy: e.stoppedBy };
}

export function runSyscallSession(options: SyscallSessionOptions, next: () => Uint8Array | null, onEnd?: (end: Gate86End) => void): SessionResult {
  return runFuzzSession({
    kernel: options.kernel, runner: options.runner, cpu: options.cpu, root: options.root, credentials: FUZZ_CREDENTIALS,
    helloMagic: HELLO_MAGIC, resultWords: RESULT_WORDS, timeoutInstructions: Number.MAX_SAFE_INTEGER, hangMs: HANG_MS, guestTimeoutMs: CASE_TIMEOUT_US / 1000,
  }, next, onEnd);
}

/**
 * The root the fuzzer's guests see, read-only: a fresh scratch directory under the host's temporary
 * directory, never the repository (the check below), holding /f (a few bytes to read), /d, /tmp, and
 * /proc and /dev, where the kernel mounts its own procfs and devtmpfs (kernel/fs/root.ts) — the
 * guest sees its own processes and devices, never the host's.
 */
export function scratchRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gate86-sysfuzz-root-'));
  const inRepo = relative(packageRoot(), dir);
  if (inRepo === '' || (!inRepo.startsWith('..') && !isAbsolute(inRepo))) throw new Error(`the scratch root ${dir} lies inside the repository`);
  for (const d of ['proc', 'dev', 'tmp', 'd']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'f'), 'gate86 system-call fuzzer: a file to read\n');
  chmodSync(dir, 0o755);
  return dir;
}
