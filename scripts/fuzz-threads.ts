// `npm run fuzz:threads -- [--seconds 10] [--seed S] [--rounds R]`: the thread fuzz at length
// (test/fuzz/thread-fuzz.ts says what it does and checks). The rounds share the time; a seed fixes
// every random choice (not the interleaving, which the timer decides), and the run prints it so a
// failure can be run again. Exit status 1 when any check fails.

import { runThreadFuzz } from '../test/fuzz/thread-fuzz.ts';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`fuzz:threads: --${name} needs a whole number, not ${JSON.stringify(process.argv[at + 1] ?? '')}\n`);
    process.exit(2);
  }
  return value;
}

const known = new Set(['--seconds', '--seed', '--rounds']);
for (let i = 2; i < process.argv.length; i += 2) {
  if (!known.has(process.argv[i]!)) {
    process.stderr.write(`fuzz:threads: unknown option ${process.argv[i]} (--seconds N, --seed S, --rounds R)\n`);
    process.exit(2);
  }
}
const seconds = option('seconds', 10);
const seed = option('seed', Date.now() % 0x7fffffff);
const rounds = Math.max(1, option('rounds', Math.max(3, seconds)));
const roundMs = Math.max(1, Math.floor((seconds * 1000) / rounds));
process.stdout.write(`thread fuzz: seed ${seed}, ${rounds} rounds of ${roundMs} ms\n`);
const started = Date.now();
const result = runThreadFuzz({ seed, rounds, roundMs, minOps: 100, timeoutMs: 120_000 + 20 * seconds * 1000 });
const host = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(result.output);
process.stdout.write(`${result.threads} threads, ${result.futexCalls} futex calls, ${result.instructions} guest instructions, ${host} s on the host (the oracle's run included)\n`);
const problems = [...result.problems];
if (result.output !== result.expected) problems.push(`the output differs from the oracle's (${result.oracle}):\n${result.expected}`);
if (result.status !== 0) problems.push(`the program's status: ${result.status}`);
if (problems.length > 0) {
  process.stdout.write(`FAILED (seed ${seed}):\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`ok: no deadlock, nothing left behind, the same output as ${result.oracle}\n`);
