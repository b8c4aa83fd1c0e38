// Ring-3 cases on gate86 (test/fuzz/session.ts with the ring-3 runner's record): each result is
// {case id, wait status}; the hello says whether the kernel gave the runner a timer.

import { runSession as runFuzzSession, type Gate86End, type SessionResult } from '../session.ts';
import { HELLO_MAGIC, TICK_US, TIMEOUT_US } from './layout.ts';
import { timerOf, type RunnerTimer } from './runner.ts';

export type { Gate86End };

export interface SessionOptions {
  kernel: Uint8Array;
  runner: string;
  cpu: string;
  /** Collect the kernel's `fault` trace lines per case (slower: for looking closer at one case). */
  traceFaults?: boolean;
}

/** What the ring-3 harness reads from a session: the generic result, and which timer the runner used. */
export type Ring3SessionResult = SessionResult & { timer: RunnerTimer };
export type { Ring3SessionResult as SessionResult };

/** With kernel timers, a case still running this long after its alarm was due is a hang. */
const HANG_MS = 5000;
/** Without them, the harness stops a case after this many instructions (about TIMEOUT_US of gate86 time). */
const HARNESS_TIMEOUT_INSTRUCTIONS = TIMEOUT_US * 25;
/** The machine time by which a case's timer has ended it: the timeout, and the tick the kernel fires it on. */
const GUEST_TIMEOUT_MS = (TIMEOUT_US + TICK_US) / 1000;

export function runSession(options: SessionOptions, next: () => Uint8Array | null, onEnd?: (end: Gate86End) => void): Ring3SessionResult {
  const r = runFuzzSession({
    ...options, helloMagic: HELLO_MAGIC, resultWords: 2, timeoutInstructions: HARNESS_TIMEOUT_INSTRUCTIONS, hangMs: TIMEOUT_US / 1000 + HANG_MS, guestTimeoutMs: GUEST_TIMEOUT_MS,
  }, next, onEnd);
  // The ring-3 runner's hello: ITIMER_VIRTUAL (1), ITIMER_REAL (0), or what setitimer answered.
  return { ...r, timer: timerOf(r.hello) };
}
