// The ring-3 fuzzer: random programs as user processes on the booted gate86 kernel, each judged
// against the host CPU and qemu-i386 running the very same runner and case.
//
// A run is a sequence of batches. For each batch the oracles start in the background, gate86 runs
// the batch in its own thread (sessions.ts: a hang there cannot stop the judging), then every case
// is judged. Batches go through lanes, each with a gate86 thread of its own (one per core by
// default): while one lane's gate86 runs its batch, another's runs the next, or is being judged.
// Every case judged:
//   - gate86 itself: no host exception, no hang, the kernel consistent after every case (kernel/
//     consistency.ts), the runner alive to the end — the kernel survived every program;
//   - against each oracle: the same end (signal, exit, or alarm). Where they differ, gate86 runs the
//     case again with its fault trace, and a difference the project accepts (an instruction the CPU
//     model lacks, the host's hypervisor answering VMCALL) is counted under its reason; any other is
//     minimised and written to the corpus, where test/fuzz/corpus.test.ts replays it.

import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { bytesCase, formsCase } from './generate.ts';
import { caseRecord, caseToJson, type Ring3Case, type Registers, REGISTERS } from './case.ts';
import { buildRunner } from './runner.ts';
import { ring3Oracles, startOracleBatch, type Ring3Oracle } from './oracle.ts';
import { acceptedDifference, agree, describe, gate86Outcome, knownBug, outcomeOf, qemuAlignmentDifference, qemuCannotJudge, qemuLayoutDifference, type Outcome } from './judge.ts';
import { DATA_ADDR, DATA_SIZE } from './layout.ts';
import { Gate86Thread } from '../sessions.ts';
import { minimise, withoutChunks } from '../minimise.ts';
import { FuzzReport } from '../report.ts';
import type { SessionOptions, SessionResult } from './gate86.ts';
import type { CaseEnd } from './runner.ts';

export interface Ring3Options {
  seconds: number;
  seed: number;
  cpu: string;
  kernel: Uint8Array;
  /** Stop after this many cases even if time is left (tests). */
  maxCases?: number;
  /**
   * Cases per batch, one boot of the kernel each (default 5000): each boot costs about 0.2 s of CPU
   * (the kernel's code is decoded and compiled again), 0.1 ms a case in batches of 2000.
   */
  batch?: number;
  /** The oracles to judge against (default: every one this host has). */
  oracles?: Ring3Oracle[];
  /** Send every n-th batch to qemu-i386 too (it is slower than the host CPU); 1: all. */
  qemuEvery?: number;
  /** gate86 threads running batches side by side (default: one per core, at most 4). */
  lanes?: number;
  /** Where minimised failing cases go (null: nowhere). */
  corpus: string | null;
  /** A scratch directory for the runner's build. */
  work: string;
  log(line: string): void;
}

/** Case `index` of a run with `seed`: even numbers random bytes, odd ones ISA-table instructions. */
export function ring3Case(seed: number, index: number, cpu: string): Ring3Case {
  return index % 2 === 0 ? bytesCase(seed, index) : formsCase(seed, index, cpu);
}

/** Most mismatches minimised and saved per run: the first ones say enough, the rest are counted. */
const MAX_SAVED = 5;

/** The run's state, shared by its lanes. */
interface Run {
  options: Ring3Options;
  runner: string;
  session: SessionOptions;
  report: FuzzReport;
  /** Cases minimised and kept so far, by every lane. */
  saved: { count: number };
}

/** One lane's view: the run, and the gate86 thread its batches (and their second looks) run on. */
interface Context extends Run {
  gate86: Gate86Thread;
}

/** gate86's ends for a list of cases (ids are positions), in one batch. */
async function onGate86(ctx: Context, cases: Ring3Case[], traceFaults = false): Promise<SessionResult | null> {
  const outcome = await ctx.gate86.run<SessionResult>({ kind: 'ring3', options: { ...ctx.session, traceFaults }, records: cases.map((c, i) => caseRecord(c, i)) });
  return outcome.kind === 'done' ? outcome.result : null;
}

async function onOracle(ctx: Context, oracle: Ring3Oracle, cases: Ring3Case[]): Promise<CaseEnd[]> {
  return startOracleBatch(oracle, ctx.runner, cases.map((c, i) => caseRecord(c, i))).ends;
}

/** Simpler versions of a case: less code, plainer registers, a plainer data page. */
function variants(c: Ring3Case): Ring3Case[] {
  const out: Ring3Case[] = withoutChunks(c.code).map((code) => ({ ...c, code }));
  const plain: Partial<Registers> = { eflags: 0x202 };
  for (const r of REGISTERS) plain[r] = r === 'esp' ? DATA_ADDR + 0x800 : 0;
  for (const [name, value] of Object.entries(plain) as [keyof Registers, number][]) {
    if (c.regs[name] !== value) out.push({ ...c, regs: { ...c.regs, [name]: value } });
  }
  if (c.data.some((b) => b !== 0)) {
    out.push({ ...c, data: new Uint8Array(DATA_SIZE) });
    for (const half of [0, DATA_SIZE / 2]) {
      const data = c.data.slice();
      data.fill(0, half, half + DATA_SIZE / 2);
      if (data.some((b, i) => b !== c.data[i])) out.push({ ...c, data });
    }
  }
  return out;
}

function save(ctx: Context, name: string, content: object): string | null {
  if (ctx.options.corpus === null) return null;
  const dir = join(ctx.options.corpus, 'ring3');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(content, null, 2) + '\n');
  return file;
}

/** A difference from an oracle nobody excuses: minimise it (same two outcomes), keep it. */
async function keepMismatch(ctx: Context, oracle: Ring3Oracle, index: number, c: Ring3Case, mine: Outcome, theirs: Outcome): Promise<void> {
  const pair = `${describe(mine)}/${describe(theirs)}`;
  ctx.report.fail(`case ${index} (${c.kind}): gate86 ${describe(mine)}, ${oracle} ${describe(theirs)}`);
  if (ctx.saved.count >= MAX_SAVED) return;
  ctx.saved.count++;
  const { result } = await minimise(c, {
    variants,
    firstFailing: async (cases) => {
      const [g, o] = await Promise.all([onGate86(ctx, cases, true), onOracle(ctx, oracle, cases)]);
      if (g === null) return -1;
      return cases.findIndex((v, i) => {
        const ge = g.ends[i], oe = o[i];
        if (ge === undefined || oe === undefined) return false;
        const [a, b] = [gate86Outcome(ge), outcomeOf(oe.status)];
        // Still the same difference, and still not one the judge would excuse.
        return `${describe(a)}/${describe(b)}` === pair && !agree(v, a, b) && acceptedDifference(v, ctx.options.cpu, ge.faults) === null;
      });
    },
  });
  const file = save(ctx, `mismatch-s${ctx.options.seed}-c${index}`, {
    fuzzer: 'ring3', problem: 'mismatch', found: { seed: ctx.options.seed, case: index, cpu: ctx.options.cpu, oracle },
    description: `gate86 ends ${describe(mine)}, ${oracle} ${describe(theirs)}`, expected: theirs, case: caseToJson(result),
  });
  if (file !== null) ctx.report.note(`  minimised to ${result.code.length} bytes of code: ${file}`);
}

/** A case that broke gate86 itself (host exception, inconsistency): minimise while it still does, keep it. */
async function keepBreakage(ctx: Context, index: number, c: Ring3Case, problem: string, broken: (r: SessionResult) => boolean): Promise<void> {
  ctx.report.fail(`case ${index} (${c.kind}): ${problem}`);
  if (ctx.saved.count >= MAX_SAVED) return;
  ctx.saved.count++;
  const { result } = await minimise(c, {
    variants,
    firstFailing: async (cases) => {
      // One session per variant: a breakage may need the case alone to show.
      for (let i = 0; i < cases.length; i++) {
        const g = await onGate86(ctx, [cases[i]!]);
        if (g !== null && broken(g)) return i;
      }
      return -1;
    },
  }, 20);
  const file = save(ctx, `breakage-s${ctx.options.seed}-c${index}`, {
    fuzzer: 'ring3', problem: 'breakage', found: { seed: ctx.options.seed, case: index, cpu: ctx.options.cpu }, description: problem, case: caseToJson(result),
  });
  if (file !== null) ctx.report.note(`  minimised to ${result.code.length} bytes of code: ${file}`);
}

/** gate86's own verdict on a batch: it must have run every case and stayed whole. */
async function judgeGate86(ctx: Context, first: number, cases: Ring3Case[], result: SessionResult | null): Promise<void> {
  const { report } = ctx;
  if (result === null) {
    report.count('hangs');
    report.fail(`batch from case ${first}: the gate86 thread stopped making progress (a hang)`);
    return;
  }
  report.count('programs run on gate86', result.ends.length);
  report.count('instructions executed', result.instructions);
  if (result.crash !== null) {
    report.count('host crashes');
    const at = result.ends.length;
    await keepBreakage(ctx, first + at, cases[at] ?? cases[cases.length - 1]!, `a host exception escaped the kernel: ${result.crash.split('\n')[0]}`, (r) => r.crash !== null);
    return;
  }
  if (result.exit !== 'exit 0' || result.ends.length !== cases.length) {
    report.fail(`batch from case ${first}: the runner ended with ${result.exit} after ${result.ends.length} of ${cases.length} cases`);
  }
  if (result.strayOutput > 0) report.fail(`batch from case ${first}: a case's child wrote ${result.strayOutput} bytes (it made a system call)`);
  const hangs = result.ends.filter((e) => e.stoppedBy === 'hang');
  for (const e of hangs) report.fail(`case ${first + e.id}: still running long after its alarm was due (the kernel's timer did not fire)`);
  report.count('hangs', hangs.length);
  report.count('cases too slow to reach their alarm in 60 s of host time (stopped, not judged)', result.ends.filter((e) => e.stoppedBy === 'slow').length);
  if (result.timer === 'none') report.count('timeouts played by the harness (no setitimer in the kernel)', result.ends.filter((e) => e.stoppedBy === 'timeout').length);
  const seen = new Set<string>();
  for (const p of result.problems) {
    report.count('kernel inconsistencies');
    if (seen.has(p.problem)) continue;
    seen.add(p.problem);
    const at = p.afterCase ?? 0;
    await keepBreakage(ctx, first + at, cases[at]!, `kernel inconsistent after it: ${p.problem}`, (r) => r.problems.length > 0);
  }
}

/**
 * What the first oracle (the host CPU where it runs i386 code) made of a batch: the cases it
 * compared, and those where gate86 agreed with it or differed in a way the judge excuses.
 */
interface HostVerdict { agreed: Set<number>; compared: Set<number> }

/** An outcome without its exit code, for tallies. */
const kindOf = (o: Outcome): string => (o.kind === 'exit' ? 'exit' : describe(o));

/**
 * Judge gate86's ends against one oracle's; explain or keep each difference. The first oracle is
 * the judge; a later one (qemu-i386 after the host CPU) is itself judged where gate86 agreed with
 * the first: those differences are the later oracle's departures, tallied by what each side said.
 * Where the first found gate86 wrong, the later one is not asked again; where the first could not
 * compare (its timer, seccomp), the later one judges alone, with its own allowances.
 */
async function judgeOracle(ctx: Context, oracle: Ring3Oracle, first: number, cases: Ring3Case[], mine: SessionResult, theirs: CaseEnd[], host: HostVerdict | null): Promise<HostVerdict> {
  const { report } = ctx;
  const differing: number[] = [];
  const agreed = new Set<number>(), compared = new Set<number>();
  // qemu-i386 judges alone where the host CPU did not compare the case (or does not run here).
  const alone = (i: number): boolean => host === null || !host.compared.has(i);
  for (let i = 0; i < cases.length; i++) {
    const g = mine.ends[i], o = theirs[i];
    if (g === undefined || o === undefined || g.stoppedBy === 'hang' || g.stoppedBy === 'slow') continue;
    const them = outcomeOf(o.status);
    if (them.kind === 'system-call') { report.count(`${oracle}: system calls caught by seccomp (not compared)`); continue; }
    if (host !== null && host.compared.has(i) && !host.agreed.has(i)) {
      // The host CPU already found gate86 wrong here (a mismatch kept, or a known bug): a second verdict adds nothing.
      report.count(`${oracle}: not judged: the host CPU already found this case differs`);
      continue;
    }
    report.count(`${oracle}: compared`);
    const ours = gate86Outcome(g);
    if (agree(cases[i]!, ours, them)) {
      report.count(`${oracle}: agreed`);
      agreed.add(i);
    } else if ((ours.kind === 'timeout') !== (them.kind === 'timeout')) {
      // A case that runs long ends by its timer on the slower machine only: not a difference of meaning.
      report.count(`${oracle}: not compared: ran past its timer on one side only`);
      continue;
    } else if (alone(i) && oracle === 'qemu-i386' && qemuCannotJudge(cases[i]!)) {
      // qemu-i386 is the only judge here, and not an exact one there (judge.ts, qemuCannotJudge).
      report.count(`${oracle}: not judged: the code may run x87/MMX/SSE, LOCK, INT1 or an FS/GS/CS-override access, where qemu-i386 departs from the SDM`);
    } else if (host?.agreed.has(i)) {
      report.count(`${oracle}: departs from the host CPU (gate86 agrees with the host): ${kindOf(them)} where the host has ${kindOf(ours)}`);
    } else differing.push(i);
    compared.add(i);
  }
  if (differing.length === 0) return { agreed, compared };
  const again = await onGate86(ctx, differing.map((i) => cases[i]!), true);
  for (const [n, i] of differing.entries()) {
    const c = cases[i]!;
    const ours = gate86Outcome(mine.ends[i]!), them = outcomeOf(theirs[i]!.status);
    const faults = again?.ends[n]?.faults ?? [];
    const reason = again === null ? null : acceptedDifference(c, ctx.options.cpu, faults) ?? (alone(i) && oracle === 'qemu-i386' ? qemuLayoutDifference(c, faults, them) ?? qemuAlignmentDifference(faults) : null);
    if (reason !== null) { report.count(`${oracle}: differed, accepted: ${reason}`); agreed.add(i); continue; }
    const bug = knownBug(c, ours, them);
    if (bug !== null) { report.count(`${oracle}: differed, known gate86 bug: ${bug}`); continue; }
    report.count(`${oracle}: mismatches`);
    await keepMismatch(ctx, oracle, first + i, c, ours, them);
  }
  return { agreed, compared };
}

export async function fuzzRing3(options: Ring3Options): Promise<FuzzReport> {
  const report = new FuzzReport('ring3', options.seed, options.log);
  const runner = buildRunner(options.work);
  const oracles = options.oracles ?? ring3Oracles();
  if (oracles.length === 0) report.note('no oracle on this host (neither a host that runs i386 code nor qemu-i386): gate86 is judged alone');
  const run: Run = { options, runner, session: { kernel: options.kernel, runner, cpu: options.cpu }, report, saved: { count: 0 } };
  const batchSize = options.batch ?? 5000;
  const qemuEvery = options.qemuEvery ?? 4;
  const maxCases = options.maxCases ?? Infinity;
  const deadline = Date.now() + options.seconds * 1000;
  let next = 0;
  let batches = 0;
  // A lane takes the next batch (numbering and generating it is synchronous, so two lanes never
  // take the same cases), runs it on its gate86 thread and judges it, until time or cases run out.
  const lane = async (ctx: Context): Promise<void> => {
    while (Date.now() < deadline && next < maxCases) {
      const batch = batches++;
      const first = next;
      const size = Math.min(batchSize, maxCases - first);
      next += size;
      const cases = Array.from({ length: size }, (_, i) => ring3Case(options.seed, first + i, options.cpu));
      // Ids inside a batch are positions; the case number in the run is first + id.
      const records = cases.map((c, i) => caseRecord(c, i));
      const started = oracles.filter((o) => o === 'native' || batch % qemuEvery === 0).map((o) => startOracleBatch(o, runner, records));
      const outcome = await ctx.gate86.run<SessionResult>({ kind: 'ring3', options: ctx.session, records });
      const mine = outcome.kind === 'done' ? outcome.result : null;
      await judgeGate86(ctx, first, cases, mine);
      let host: HostVerdict | null = null;
      for (const b of started) {
        const theirs = await b.ends.catch((error: Error) => { report.fail(`${b.oracle}: ${error.message}`); return null; });
        if (mine === null || mine.crash !== null || theirs === null) continue;
        const verdict = await judgeOracle(ctx, b.oracle, first, cases, mine, theirs, host);
        host ??= verdict;
      }
      report.progress(`${next} cases`);
    }
  };
  const lanes = Math.max(1, options.lanes ?? Math.min(4, availableParallelism()));
  const threads = Array.from({ length: lanes }, () => new Gate86Thread());
  try {
    await Promise.all(threads.map((gate86) => lane({ ...run, gate86 })));
  } finally {
    await Promise.all(threads.map((t) => t.close()));
  }
  return report;
}
