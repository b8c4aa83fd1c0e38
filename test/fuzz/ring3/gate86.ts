// Running ring-3 cases on gate86: one boot of the kernel, the runner as its first process, the cases
// fed to its fd 0 one record at a time, and every case's wait status read back from its fd 1.
//
// The harness runs the kernel in this thread, so between two cases it can look inside it: when the
// runner asks for the next record, the case before it is over (its child reaped), and the kernel
// must be exactly as it was before the first case — the same number of free frames and of free
// kernel stacks, and the runner as the only task. Anything else is a leak or a task left behind.
//
// A case that runs too long ends by the runner's setitimer (SIGVTALRM or SIGALRM). Where the kernel
// has no timers yet, the harness plays the timer: after HARNESS_TIMEOUT_INSTRUCTIONS it presses
// Ctrl-C (the terminal's SIGINT, which the runner ignores and its child does not). Where it has
// timers, a case that outlives its alarm by far is a hang: the kernel failed to deliver it.

import { readFileSync } from 'node:fs';
import { runProgram } from '../../../kernel/boot.ts';
import type { Kernel } from '../../../kernel/kernel.ts';
import { terminalInterrupt } from '../../../kernel/terminal.ts';
import { HELLO_MAGIC, TIMEOUT_US } from './layout.ts';
import { timerOf, type RunnerTimer } from './runner.ts';
import { emptyRoot } from '../inputs/answer.ts';
import { kernelCensus, leakedResources, pageTableProblems, taskProblems, type KernelCensus } from '../../../kernel/consistency.ts';

/** With kernel timers, a case still running this long after its alarm was due is a hang. */
const HANG_MS = 5000;
/** Without them, the harness stops a case after this many instructions (about TIMEOUT_US of gate86 time). */
const HARNESS_TIMEOUT_INSTRUCTIONS = TIMEOUT_US * 25;

export interface SessionOptions {
  kernel: Uint8Array;
  runner: string;
  cpu: string;
  /** Collect the kernel's `fault` trace lines per case (slower: for looking closer at one case). */
  traceFaults?: boolean;
}

export interface Gate86End {
  id: number;
  /** The wait status, or null when the harness had to stop the case itself (see `stoppedBy`). */
  status: number;
  /** 'timeout': the harness played the missing timer; 'hang': the kernel's own timer never fired. */
  stoppedBy: 'timeout' | 'hang' | null;
  faults: string[];
}

export interface SessionResult {
  ends: Gate86End[];
  /** Which timer the runner's children use (its hello record says). */
  timer: RunnerTimer;
  /** What went wrong with the kernel itself, case by case (empty when nothing did). */
  problems: { afterCase: number | null; problem: string }[];
  /** The host exception that escaped the kernel, if one did. */
  crash: string | null;
  /** How the runner ended (it exits 0 at the end of its input). */
  exit: string;
  instructions: number;
  /** Output written by processes other than the runner (its children make no system calls). */
  strayOutput: number;
}

/** Run the records `next` hands out (null: no more) through one boot of gate86. */
export function runSession(options: SessionOptions, next: () => Uint8Array | null, onEnd?: (end: Gate86End) => void): SessionResult {
  const image = new Uint8Array(readFileSync(options.runner));
  const result: SessionResult = { ends: [], timer: 'none', problems: [], crash: null, exit: '', instructions: 0, strayOutput: 0 };
  let kernel: Kernel | null = null;
  let record: Uint8Array | null = null;
  let offset = 0;
  let ended = false;
  let handedOut = 0;                 // records given whole to the console (it reads ahead)
  let lastEnd = performance.now();   // when the last case ended (or the runner said hello)
  let lastEndInstructions = -1;      // the instruction count then (taken at the next slice)
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
  // A case's result is written after its child was reaped, and the runner is then where it was at
  // every earlier result: the kernel must hold exactly what it held then.
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
    for (; p + 8 <= output.length; p += 8) {
      const a = view.getUint32(p, true), b = view.getUint32(p + 4, true);
      if (!hello) {
        if (a !== HELLO_MAGIC) throw new Error(`the ring-3 runner's first record is 0x${a.toString(16)}, not its hello`);
        hello = true;
        result.timer = timerOf(b | 0);
      } else {
        const end: Gate86End = { id: a, status: b, stoppedBy, faults };
        result.ends.push(end);
        onEnd?.(end);
        check(kernel, a);
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
    if (lastEndInstructions < 0) lastEndInstructions = instructions;
    if (result.timer === 'none') {
      if (instructions - lastEndInstructions < HARNESS_TIMEOUT_INSTRUCTIONS) return;
      stoppedBy = 'timeout';
    } else {
      if (performance.now() - lastEnd < TIMEOUT_US / 1000 + HANG_MS) return;
      stoppedBy = 'hang';
    }
    terminalInterrupt(kernel);
  };
  try {
    const run = runProgram({
      kernel: options.kernel, cpu: options.cpu,
      program: { path: options.runner, image, argv: [options.runner], envp: [] },
      write, input,
      // The runner's children make no system calls; still, nothing of the host's is theirs to see.
      root: { directory: emptyRoot(), readOnly: true },
      attach: (k) => { kernel = k; },
      onSlice,
      trace: options.traceFaults ? (line) => { if (line.startsWith('fault')) faults.push(line); } : null,
    });
    result.instructions = run.instructions;
    result.exit = run.kind === 'exit' ? ('code' in run.status ? `exit ${run.status.code}` : `signal ${run.status.signal}`) : run.kind === 'stopped' ? `stopped: ${run.message}` : 'instruction limit';
  } catch (error) {
    result.crash = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  return result;
}
