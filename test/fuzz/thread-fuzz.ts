// The thread fuzz: test/fuzz/threads.c (random thread creates, joins and detaches, futex waits and
// wakes of every kind, mutexes, condition variables, sleeps, exit_group and SIGKILL in the middle)
// under gate86, with three checks:
//
//   1. the machine never deadlocks: between slices the driver looks at the task table, and a
//      moment when every task sleeps with no timer armed (nothing could ever wake one) is a lost
//      wake-up — the run stops there with the table printed. A run far past its time stops too;
//   2. nothing is left behind: when the program has ended, no task, timer or futex queue remains,
//      every kernel stack is free again, and the frames in use are exactly those of the first
//      process's own address space (which the machine's end leaves as it was) and the idle task's;
//   3. the program prints what the oracle prints for the same seed (one line per round, which
//      depends on the seed only).
//
// `npm run fuzz:threads -- --seconds 10 --seed S` runs it at length (scripts/fuzz-threads.ts);
// test/fuzz/threads.test.ts runs a short seeded run in `npm test`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileC, runI386Elf, type OracleKind } from '../support/i386-oracle.ts';
import { root, runOnGate86 } from '../kernel/support.ts';
import { releaseExited } from '../../kernel/sched/schedule.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import type { Task } from '../../kernel/task.ts';

export interface ThreadFuzzOptions {
  seed: number;
  rounds: number;
  /** How long each round's child runs (its monotonic clock), and at least how many operations. */
  roundMs: number;
  minOps: number;
  /** Give up (a hang) after this long on the host. */
  timeoutMs: number;
}

export interface ThreadFuzzResult {
  oracle: OracleKind;
  expected: string;
  output: string;
  status: number | null;
  /** What went wrong in the kernel, empty when nothing did. */
  problems: string[];
  /** Threads the guest created (clone with CLONE_THREAD) and futex calls it made. */
  threads: number;
  futexCalls: number;
  instructions: number;
}

/** The guest, built with gcc -m32 -static (cached by content). */
export function threadFuzzProgram(): string {
  return compileC({ 'threads.c': readFileSync(join(root, 'test/fuzz/threads.c'), 'utf8') }, { libc: true, cflags: ['-O2', '-pthread'] });
}

/** The watchdog stopped the machine: a deadlock, or a run far past its time. */
export class FuzzStop extends Error {}
const CLONE_THREAD = 0x10000;

function describe(task: Task): string {
  const sleep = task.sleep === null ? '' : ` on ${task.sleep.queues.length} queue(s)${task.sleep.deadline === null ? '' : ' with a deadline'}`;
  return `pid ${task.pid} (tgid ${task.tgid}) ${task.state}${sleep}`;
}

/** Every task sleeps and no timer will wake one: nothing can ever run again. */
function deadlocked(k: Kernel): boolean {
  const tasks = [...k.tasks.values()];
  return tasks.length > 0 && k.timers.size === 0 && tasks.every((t) => t.state !== 'running');
}

/**
 * Check 1, between the machine's slices (runProgram's onSlice): throws FuzzStop, with the task
 * table, when the kernel is deadlocked or the host deadline has passed.
 */
export function watchdog(kernel: () => Kernel | null, deadline: number): () => void {
  return () => {
    const k = kernel();
    if (k === null) return;
    const table = (): string => [...k.tasks.values()].map(describe).join('\n  ');
    if (deadlocked(k)) throw new FuzzStop(`deadlock: every task sleeps and no timer is armed:\n  ${table()}`);
    if (Date.now() > deadline) throw new FuzzStop(`still running past the deadline:\n  ${table()}`);
  };
}

/** What must hold once the guest has ended (check 2). */
function leftovers(k: Kernel, first: Task | null): string[] {
  const problems: string[] = [];
  releaseExited(k, null);                      // what the next switch would have freed
  for (const task of k.tasks.values()) problems.push(`task left: ${describe(task)}`);
  for (const task of k.timers.keys()) problems.push(`timer left for pid ${task.pid}`);
  for (const [key, queue] of k.futexes) problems.push(`futex queue ${key} left with ${queue.size} waiter(s)`);
  if (k.exited.length !== 0) problems.push(`${k.exited.length} exited thread(s) still hold their kernel stacks`);
  if (k.kernelStacks.inUse !== 1) problems.push(`${k.kernelStacks.inUse} kernel stacks in use; only the idle task's should be`);
  if (first !== null && k.idle !== null) {
    const expected = first.space.framesInUse() + k.idle.space.framesInUse();
    const used = k.frames.total - k.frames.available;
    if (used !== expected) problems.push(`${used} frames in use, but the first process and the idle task hold ${expected}: ${used - expected} leaked`);
  }
  return problems;
}

export function runThreadFuzz(options: ThreadFuzzOptions): ThreadFuzzResult {
  const program = threadFuzzProgram();
  const args = [String(options.seed), String(options.rounds), String(options.roundMs), String(options.minOps)];
  const reference = runI386Elf(program, args, { timeoutMs: options.timeoutMs });
  const problems: string[] = [];
  if (reference.status !== 0) problems.push(`the oracle's run ended with status ${reference.status} ${reference.signal ?? ''}: ${reference.stderr}`);
  let kernel: Kernel | null = null;
  let first: Task | null = null;
  let threads = 0;
  let futexCalls = 0;
  let run;
  try {
    run = runOnGate86(program, args, {
      cpu: 'pentium3', memoryMiB: 128, instructionLimit: Number.POSITIVE_INFINITY,
      attach: (k) => { kernel = k; },
      trace: (line) => {
        first ??= kernel?.tasks.get(1) ?? null;
        const clone = /^syscall 120 clone\((0x[0-9a-f]+), .* = \d+ /.exec(line);
        if (clone !== null && (parseInt(clone[1]!, 16) & CLONE_THREAD) !== 0) threads++;
        if (line.startsWith('syscall 240 futex')) futexCalls++;
      },
      onSlice: watchdog(() => kernel, Date.now() + options.timeoutMs),
    });
  } catch (error) {
    if (!(error instanceof FuzzStop)) throw error;
    problems.push(error.message);
    return { oracle: reference.oracle, expected: reference.stdout.toString(), output: '', status: null, problems, threads, futexCalls, instructions: 0 };
  }
  if (run.result.kind === 'stopped') problems.push(`the machine stopped: ${run.result.message}`);
  problems.push(...leftovers(kernel!, first));
  const instructions = run.result.instructions;
  return { oracle: reference.oracle, expected: reference.stdout.toString(), output: run.stdout.toString(), status: run.status, problems, threads, futexCalls, instructions };
}

