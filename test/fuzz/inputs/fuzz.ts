// The inputs fuzzer: malformed files for every command that reads one, judged by targets.ts's rule
// (one line per error, the right status, never a stack trace, never a hang).
//
// Cases run in batches in the fuzzers' gate86 thread (in-process: many per second); one case in
// CLI_EVERY also goes through the real CLI in a child process, so what a user sees is checked too.
// A failing case is minimised (fewer changed bytes or lines, while it fails the same way) and kept
// in the corpus, where test/fuzz/corpus.test.ts replays it through the CLI.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Gate86Thread } from '../sessions.ts';
import { FuzzReport } from '../report.ts';
import { minimise } from '../minimise.ts';
import { answerThroughCli } from './answer.ts';
import { buildBases, inputCase, judgeAnswer, type Bases, type InputAnswer, type InputCase } from './targets.ts';
import { loadKernelImage } from '../../../kernel/locate.ts';

export interface InputsOptions {
  seconds: number;
  seed: number;
  maxCases?: number;
  corpus: string | null;
  work: string;
  log(line: string): void;
  /** Check every n-th case through the CLI as well (default 23, prime to the five tools; 0: never). */
  cliEvery?: number;
}

const BATCH = 200;
/** A case has this long in the gate86 thread before it counts as a hang (in-process runs have instruction budgets). */
const STALL_MS = 20_000;
/** --timeout for `run` and `machine` through the CLI. */
const CLI_TIMEOUT_S = 10;
const MAX_SAVED = 5;

/** Did the command refuse the input (its error status), rather than take it? */
function refused(c: InputCase, a: InputAnswer): boolean {
  return c.tool === 'run' ? a.status === 126 || a.status === 127 : a.status === 1 || a.status === 2;
}

/** Shrink a failing case: each of its files back towards its base, a chunk at a time. */
function variants(c: InputCase): InputCase[] {
  const out: InputCase[] = [];
  for (const [name, bytes] of Object.entries(c.files)) {
    for (let size = bytes.length >> 1; size >= 1; size >>= 1) {
      for (let at = 0; at + size <= bytes.length && out.length < 400; at += size) {
        const cut = new Uint8Array(bytes.length - size);
        cut.set(bytes.subarray(0, at));
        cut.set(bytes.subarray(at + size), at);
        out.push({ ...c, files: { ...c.files, [name]: cut } });
      }
      if (out.length >= 400) break;
    }
  }
  return out;
}

export async function fuzzInputs(options: InputsOptions): Promise<FuzzReport> {
  const report = new FuzzReport('inputs', options.seed, options.log);
  const bases: Bases = buildBases(join(options.work, 'bases'));
  const kernel = loadKernelImage();
  const thread = new Gate86Thread(STALL_MS);
  const dir = join(options.work, 'cases');
  const cliEvery = options.cliEvery ?? 23;
  const deadline = Date.now() + options.seconds * 1000;
  let saved = 0;

  /** In-process answers for a list of cases; a hang is the answer of the case it stopped at. */
  const inProcess = async (cases: InputCase[]): Promise<InputAnswer[]> => {
    const answers: InputAnswer[] = [];
    while (answers.length < cases.length) {
      const rest = cases.slice(answers.length);
      const outcome = await thread.run<InputAnswer[]>({ kind: 'inputs', cases: rest, kernel, dir });
      if (outcome.kind === 'done') { answers.push(...outcome.result); break; }
      // Keep the answers before the hang (they are lost with the thread: rerun them), then the hang.
      const before = outcome.finished;
      if (before > 0) {
        const again = await thread.run<InputAnswer[]>({ kind: 'inputs', cases: rest.slice(0, before), kernel, dir });
        if (again.kind === 'done') answers.push(...again.result);
      }
      answers.push({ status: null, signal: null, stderr: '', exception: null, hung: true });
    }
    return answers;
  };

  const keep = async (index: number, c: InputCase, problem: string, how: 'in-process' | 'cli'): Promise<void> => {
    report.fail(`case ${index} (${c.tool} on a mutated ${c.base}, ${how}): ${problem}`);
    if (options.corpus === null || saved >= MAX_SAVED || problem.startsWith('did not finish')) {
      if (options.corpus !== null && saved < MAX_SAVED) save(index, c, problem, how);   // a hang is kept as it is
      return;
    }
    saved++;
    const kind = problem.split(':')[0];
    const { result } = await minimise(c, {
      variants,
      firstFailing: async (cases) => {
        if (how === 'cli') {
          for (let i = 0; i < Math.min(cases.length, 40); i++) {
            const p = judgeAnswer(cases[i]!, answerThroughCli(cases[i]!, join(dir, 'cli'), CLI_TIMEOUT_S));
            if (p !== null && p.split(':')[0] === kind) return i;
          }
          return -1;
        }
        const answers = await inProcess(cases);
        return cases.findIndex((v, i) => { const p = judgeAnswer(v, answers[i]!); return p !== null && p.split(':')[0] === kind; });
      },
    }, 30);
    save(index, result, problem, how);
  };
  const save = (index: number, c: InputCase, problem: string, how: string): void => {
    const out = join(options.corpus!, 'inputs');
    mkdirSync(out, { recursive: true });
    const file = join(out, `${c.tool}-s${options.seed}-c${index}.json`);
    writeFileSync(file, JSON.stringify({
      fuzzer: 'inputs', found: { seed: options.seed, case: index, how }, description: problem, tool: c.tool, base: c.base, args: c.args,
      files: Object.fromEntries(Object.entries(c.files).map(([n, b]) => [n, Buffer.from(b).toString('base64')])),
    }, null, 2) + '\n');
    report.note(`  kept as ${file}`);
  };

  try {
    for (let first = 0; Date.now() < deadline && first < (options.maxCases ?? Infinity); first += BATCH) {
      const count = Math.min(BATCH, (options.maxCases ?? Infinity) - first);
      const cases = Array.from({ length: count }, (_, i) => inputCase(bases, options.seed, first + i));
      const answers = await inProcess(cases);
      for (const [i, c] of cases.entries()) {
        report.count(`${c.tool}: inputs`);
        const problem = judgeAnswer(c, answers[i]!);
        if (problem === null) report.count(`${c.tool}: ${refused(c, answers[i]!) ? 'refused with a one-line error' : 'accepted (assembled, linked, listed, ran or booted)'}`);
        else {
          if (problem.startsWith('did not finish')) report.count('hangs');
          else if (problem.startsWith('a host exception')) report.count('host crashes (stack traces)');
          await keep(first + i, c, problem, 'in-process');
        }
        if (cliEvery > 0 && (first + i) % cliEvery === 0 && Date.now() < deadline) {
          report.count(`${c.tool}: through the CLI`);
          const cli = judgeAnswer(c, answerThroughCli(c, join(dir, 'cli'), CLI_TIMEOUT_S));
          if (cli !== null) await keep(first + i, c, cli, 'cli');
        }
      }
      rmSync(dir, { recursive: true, force: true });
      report.progress(`${first + count} inputs`);
    }
  } finally {
    await thread.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return report;
}
