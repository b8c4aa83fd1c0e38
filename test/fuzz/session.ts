// Running a fuzzer's cases on gate86: one boot of the kernel, the fuzzer's runner (a guest program)
// as its first process, the cases streamed to its fd 0, and one result record per case read back
// from its fd 1. The ring-3 and the system-call fuzzers both run this way.
//
// The harness runs the kernel in this thread, so between two cases it can look inside it: a runner
// writes a case's result only once the case's processes are all reaped, and it is then where it was
// at every earlier result — so the kernel must hold exactly what it held then (kernel/consistency.ts:
// the same free frames and kernel stacks, the runner as the only task, every task and page table
// sound). Anything else is a leak or a task left behind.
//
// Only the runner's own writes are results: what its children write (the system-call fuzzer's do,
// at random) is counted and dropped.
//
// A case that runs too long is ended by the runner itself (its timers). Where the kernel has none,
// the harness plays the timer after `timeoutInstructions` (it presses Ctrl-C: the runner ignores
// SIGINT, its children do not). With timers, a case that outlives them by `hangMs` is a hang: the
// harness kills every task but the runner (SIGKILL) to carry on, and says so.
//
// The machine runs on the modelled clock (vm/machine/clock.ts): a case's timer is so many modelled
// cycles of the case, not so many milliseconds of a host that may be busy with other work — on the
// host's clock a loaded machine ended slow cases by their 20 ms alarm (a corpus SIGILL case played
// back as a timeout at a load of 7 on 2 cores), and a seed did not give the same run twice.

import { readFileSync } from 'node:fs';
import { runProgram } from '../../kernel/boot.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import { terminalInterrupt } from '../../kernel/terminal.ts';
import { queueSignal, SI_KERNEL } from '../../kernel/signals.ts';
import { SIGKILL } from '../../kernel/signal-numbers.ts';
import { kernelCensus, leakedResources, pageTableProblems, taskProblems, type KernelCensus } from '../../kernel/consistency.ts';
import { emptyRoot } from './inputs/answer.ts';

/** How long (host time) a slow case — its timer not yet due in machine time — is waited for. */
const SLOW_CAP_MS = 60_000;

export interface SessionOptions {
  kernel: Uint8Array;
  runner: string;
  cpu: string;
  /** The runner's first record: [magic, whether it has timers (0) or not (anything else)]. */
  helloMagic: number;
  /** Words in each result record: [case id, wait status, ...]. */
  resultWords: number;
  /** Without kernel timers: instructions after which the harness stops a case. */
  timeoutInstructions: number;
  /** With them: host milliseconds without a result after which a case is a hang. */
  hangMs: number;
  /**
   * With them, the machine's own time (the modelled clock) by which the runner's timer must have
   * ended a case. A case past hangMs of host time whose machine time has not got there is slow, not
   * hung (SSE on the exact softfloat runs near 0.1 MIPS): it is waited for up to SLOW_CAP_MS.
   */
  guestTimeoutMs?: number;
  /** Who the runner runs as (default: the user running the harness). */
  credentials?: { uid: number; gid: number };
  /** Collect the kernel's `fault` trace lines per case (slower: for looking closer at one case). */
  traceFaults?: boolean;
  /** The guest's / (always read-only): a scratch host directory (default: an empty one). */
  root?: string;
}

export interface Gate86End {
  id: number;
  status: number;
  /** The whole result record (id, status, and what else the runner reports). */
  words: number[];
  /**
   * 'timeout': the harness played the missing timer; 'hang': the kernel's own timers never ended it
   * (its machine time passed the timeout); 'slow': still short of its timeout in machine time after
   * SLOW_CAP_MS of host time, so stopped unjudged.
   */
  stoppedBy: 'timeout' | 'hang' | 'slow' | null;
  faults: string[];
  /** The kernel's oopses so far (SessionResult.oopses): the case whose end raised it had one. */
  oopses: number;
}

export interface SessionResult {
  ends: Gate86End[];
  /** The second word of the runner's hello record (0: it has the timers it wants). */
  hello: number;
  /** What went wrong with the kernel itself, case by case (empty when nothing did). */
  problems: { afterCase: number | null; problem: string }[];
  /** The host exception that escaped the kernel, if one did. */
  crash: string | null;
  /** How the runner ended (it exits 0 at the end of its input). */
  exit: string;
  instructions: number;
  /** Output written by processes other than the runner. */
  strayOutput: number;
  /** The kernel's oopses (a system call service threw). */
  oopses: string[];
}

/** Run the records `next` hands out (null: no more) through one boot of gate86. */
export function runSession(options: SessionOptions, next: () => Uint8Array | null, onEnd?: (end: Gate86End) => void): SessionResult {
  const image = new Uint8Array(readFileSync(options.runner));
  const result: SessionResult = { ends: [], hello: -1, problems: [], crash: null, exit: '', instructions: 0, strayOutput: 0, oopses: [] };
  const recordBytes = 4 * options.resultWords;
  let kernel: Kernel | null = null;
  let record: Uint8Array | null = null;
  let offset = 0;
  let ended = false;
  let handedOut = 0;                 // records given whole to the console (it reads ahead)
  let lastEnd = performance.now();   // when the last case ended (or the runner said hello)
  let lastEndInstructions = -1;      // the instruction count then (taken at the next slice)
  let lastEndGuest = 0n;             // and the machine's time then (ns)
  let stoppedBy: Gate86End['stoppedBy'] = null;
  let faults: string[] = [];
  let baseline: KernelCensus | null = null;
  let output = new Uint8Array(0);
  let hello = false;

  // The runner's console reads its input ahead, so the cases are handed out as fast as it takes them.
  const input = (max: number): Uint8Array | 'end' => {
    if (record === null || offset === record.length) {
      if (ended) return 'end';
      record = next();
      offset = 0;
      if (record === null) {
        ended = true;
        return 'end';
      }
    }
    const chunk = record.subarray(offset, Math.min(record.length, offset + max));
    offset += chunk.length;
    if (offset === record.length) handedOut++;
    return chunk;
  };
  const check = (k: Kernel, afterCase: number): void => {
    const census = kernelCensus(k);
    baseline ??= census;
    for (const problem of [...taskProblems(k), ...pageTableProblems(k), ...leakedResources(baseline, census)]) result.problems.push({ afterCase, problem });
  };
  const write = (_fd: number, bytes: Uint8Array): void => {
    if (kernel?.current?.pid !== 1) {
      result.strayOutput += bytes.length;
      return;
    }
    const joined = new Uint8Array(output.length + bytes.length);
    joined.set(output);
    joined.set(bytes, output.length);
    output = joined;
    const view = new DataView(output.buffer);
    let p = 0;
    for (;;) {
      if (!hello) {
        if (p + 8 > output.length) break;
        const magic = view.getUint32(p, true);
        if (magic !== options.helloMagic) throw new Error(`the runner's first record is 0x${magic.toString(16)}, not its hello`);
        result.hello = view.getInt32(p + 4, true);
        hello = true;
        p += 8;
      } else {
        if (p + recordBytes > output.length) break;
        const words = Array.from({ length: options.resultWords }, (_, i) => view.getUint32(p + 4 * i, true));
        p += recordBytes;
        const end: Gate86End = { id: words[0]!, status: words[1]!, words, stoppedBy, faults, oopses: kernel?.oopses.length ?? 0 };
        result.ends.push(end);
        onEnd?.(end);
        check(kernel, end.id);
      }
      stoppedBy = null;
      faults = [];
      lastEnd = performance.now();
      lastEndInstructions = -1;
    }
    output = output.slice(p);
  };
  const onSlice = (instructions: number): void => {
    // A case runs while a record the console took has no result yet.
    if (kernel === null || !hello || handedOut <= result.ends.length || stoppedBy !== null) return;
    if (lastEndInstructions < 0) { lastEndInstructions = instructions; lastEndGuest = kernel.host.monotonic(); }
    if (result.hello !== 0) {
      if (instructions - lastEndInstructions < options.timeoutInstructions) return;
      stoppedBy = 'timeout';
      terminalInterrupt(kernel);
      return;
    }
    const waited = performance.now() - lastEnd;
    if (waited < options.hangMs) return;
    if (options.guestTimeoutMs !== undefined) {
      const guestMs = Number(kernel.host.monotonic() - lastEndGuest) / 1e6;
      const due = guestMs >= 2 * options.guestTimeoutMs;
      if (!due && waited < SLOW_CAP_MS) return;   // slow, not hung: its timer is not due yet
      stoppedBy = due ? 'hang' : 'slow';
    } else stoppedBy = 'hang';
    for (const task of [...kernel.tasks.values()]) if (task.tgid !== 1) queueSignal(kernel, task, SIGKILL, { code: SI_KERNEL, pid: 0, uid: 0, addr: 0 });
  };
  try {
    const run = runProgram({
      kernel: options.kernel, cpu: options.cpu, clock: 'modelled',
      program: { path: options.runner, image, argv: [options.runner], envp: [], ...(options.credentials ? { credentials: options.credentials } : {}) },
      write, input,
      // Nothing of the host's is the guest's to see or change: an empty (or scratch) directory, read-only, is its /.
      root: { directory: options.root ?? emptyRoot(), readOnly: true },
      attach: (k) => { kernel = k; },
      onSlice,
      trace: options.traceFaults ? (line) => { if (line.startsWith('fault')) faults.push(line); } : null,
    });
    result.instructions = run.instructions;
    result.exit = run.kind === 'exit' ? ('code' in run.status ? `exit ${run.status.code}` : `signal ${run.status.signal}`) : run.kind === 'stopped' ? `stopped: ${run.message}` : 'instruction limit';
  } catch (error) {
    result.crash = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  result.oopses = (kernel as Kernel | null)?.oopses ?? [];
  return result;
}
