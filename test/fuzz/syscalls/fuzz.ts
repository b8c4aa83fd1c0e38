// The system-call fuzzer (issue 14, trinity-style): lists of random calls — every row of
// kernel/syscall_32.tbl, implemented or -ENOSYS, and numbers outside it — with random, boundary and
// hostile arguments (generate.ts), through both doors (`int $0x80` and __kernel_vsyscall), made by
// the children of one runner on one booted kernel per batch (runner.S), many thousands of calls a
// boot.
//
// gate86 runs each batch in its own thread (sessions.ts: a hang there cannot stop the judging).
// What the kernel owes every case, whatever its calls did to the child that made them:
//   - no host exception escapes the kernel (a crash of the host), and no service oopses: an oops is
//     a TypeScript service that threw, a bug, whatever the arguments were;
//   - after every case the kernel is as it was (kernel/consistency.ts, checked by session.ts): the
//     same free frames and kernel stacks, the runner the only task, every task and page table sound;
//   - the runner survives every case and reads the next (a case that ends it reached beyond its
//     child), and every case ends, by itself or by the runner's timeout: a hang is the runner's
//     timer never firing, or the kernel thread making no progress at all.
// A case that breaks one of these is minimised (fewest calls that still break it, each try on a
// fresh boot) and written to test/fuzz/corpus/syscalls/, where test/fuzz/corpus.test.ts replays it.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSyscallTable } from '../../../kernel/tools/syscall-table.ts';
import { packageRoot } from '../../../kernel/locate.ts';
import { SIGNAL_NAMES } from '../../../kernel/signal-numbers.ts';
import { Gate86Thread } from '../sessions.ts';
import { minimise } from '../minimise.ts';
import { FuzzReport } from '../report.ts';
import type { SessionResult } from '../session.ts';
import { buildSyscallRunner } from './runner.ts';
import { BUFFER, callTable, nameOf, syscallCase, type CallTable } from './generate.ts';
import { caseRecord, caseToJson, type SyscallCase } from './case.ts';
import { scratchRoot, syscallEnd, type SyscallSessionOptions } from './gate86.ts';

export interface SyscallFuzzOptions {
  seconds: number;
  seed: number;
  cpu: string;
  kernel: Uint8Array;
  /** Stop after this many cases even if time is left (tests). */
  maxCases?: number;
  batch?: number;
  /** Where minimised failing cases go (null: nowhere). */
  corpus: string | null;
  /** A scratch directory for the runner's build. */
  work: string;
  log(line: string): void;
}

/** The table the fuzzer draws from: kernel/syscall_32.tbl as the build reads it. */
export function fuzzCallTable(): CallTable {
  return callTable(parseSyscallTable(readFileSync(join(packageRoot(), 'kernel/syscall_32.tbl'), 'utf8')));
}

/** Most breakages minimised and saved per run: the first ones say enough, the rest are counted. */
const MAX_SAVED = 5;
/** Sessions (boots) one minimisation may spend. */
const MAX_TRIES = 80;

interface Context {
  options: SyscallFuzzOptions;
  table: CallTable;
  gate86: Gate86Thread;
  session: SyscallSessionOptions;
  report: FuzzReport;
  saved: number;
}

async function onGate86(ctx: Context, cases: SyscallCase[]): Promise<SessionResult | null> {
  const outcome = await ctx.gate86.run<SessionResult>({ kind: 'syscalls', options: ctx.session, records: cases.map((c, i) => caseRecord(c, i)) });
  return outcome.kind === 'done' ? outcome.result : null;
}

/** Simpler versions of a case: chunks of its calls cut out (halves first), the last call (its exit) kept. */
export function variants(c: SyscallCase): SyscallCase[] {
  const body = c.calls.slice(0, -1), last = c.calls.slice(-1);
  const out: SyscallCase[] = [];
  for (let size = Math.max(1, body.length >> 1); size >= 1; size >>= 1) {
    for (let at = 0; at < body.length; at += size) out.push({ ...c, calls: [...body.slice(0, at), ...body.slice(at + size), ...last] });
    if (size === 1) break;
  }
  // The buffer's random bytes zeroed (its structures, which the generator writes first, stay).
  const plain = c.buffer.slice();
  plain.fill(0, BUFFER.random);
  if (plain.some((b, i) => b !== c.buffer[i])) out.push({ ...c, buffer: plain });
  return out;
}

/** What broke, as a predicate on a session that ran one case alone. */
type Breakage = (r: SessionResult | null) => boolean;

function save(ctx: Context, name: string, content: object): string | null {
  if (ctx.options.corpus === null) return null;
  const dir = join(ctx.options.corpus, 'syscalls');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  // One line per call's arguments: a reader sees the calls.
  writeFileSync(file, JSON.stringify(content, null, 2).replace(/\[\n\s+("[^\]\n]*",?\n\s+)*"[^\]\n]*"\n\s+\]/g, (list) => list.replace(/\s*\n\s*/g, ' ').replace('[ ', '[').replace(' ]', ']')) + '\n');
  return file;
}

/** A case that broke gate86: minimise it while it still breaks it alone, keep it. */
async function keepBreakage(ctx: Context, index: number, c: SyscallCase, problem: string, broken: Breakage): Promise<void> {
  ctx.report.fail(`case ${index}: ${problem}`);
  if (ctx.saved >= MAX_SAVED) return;
  ctx.saved++;
  let tries = 0;
  const alone = await onGate86(ctx, [c]);
  tries++;
  const reproduces = broken(alone);
  let result = c;
  if (reproduces) {
    result = (await minimise(c, {
      variants,
      firstFailing: async (cases) => {
        for (let i = 0; i < cases.length && tries < MAX_TRIES; i++, tries++) if (broken(await onGate86(ctx, [cases[i]!]))) return i;
        return -1;
      },
    })).result;
  }
  const file = save(ctx, `breakage-s${ctx.options.seed}-c${index}`, {
    fuzzer: 'syscalls', title: problem, problem: 'breakage', found: { seed: ctx.options.seed, case: index, cpu: ctx.options.cpu },
    description: problem, ...(reproduces ? {} : { alone: 'does not break a fresh boot alone: it needs the cases before it' }),
    case: caseToJson(result, (nr) => nameOf(ctx.table, nr)),
  });
  if (file !== null) ctx.report.note(`  ${reproduces ? `minimised to ${result.calls.length} calls` : 'kept whole (it does not break gate86 alone)'}: ${file}`);
}

/** How a case ended, for the tallies: exit, the signal's name, or the runner's timeout. */
function endName(status: number, timedOut: boolean): string {
  if (timedOut) return 'ended by the runner\'s timeout';
  const signal = status & 0x7f;
  if (signal === 0) return `exit ${(status >> 8) & 0xff}`;
  return `killed by ${SIGNAL_NAMES[signal] ?? `signal ${signal}`}`;
}

async function judge(ctx: Context, first: number, cases: SyscallCase[], result: SessionResult | null, called: Set<number>): Promise<void> {
  const { report } = ctx;
  if (result === null) {
    report.count('hangs');
    report.fail(`batch from case ${first}: the gate86 thread stopped making progress (a hang)`);
    return;
  }
  const ends = result.ends.map(syscallEnd);
  report.count('cases run', ends.length);
  report.count('instructions executed', result.instructions);
  for (const e of ends) {
    const c = cases[e.id];
    report.count('system calls made', e.started);
    report.count('system calls that succeeded', e.succeeded);
    report.count(`cases ${endName(e.status, e.timedOut)}`);
    if (c !== undefined) for (const call of c.calls.slice(0, e.started)) called.add(call.nr);
  }
  if (result.strayOutput > 0) report.count('bytes a case wrote to the console (dropped)', result.strayOutput);
  if (result.crash !== null) {
    report.count('host crashes');
    const at = Math.min(ends.length, cases.length - 1);
    await keepBreakage(ctx, first + at, cases[at]!, `a host exception escaped the kernel: ${result.crash.split('\n')[0]}`, (r) => r === null || r.crash !== null);
    return;
  }
  let oopses = 0;
  for (const e of result.ends) {
    if (e.oopses === oopses) continue;
    const lines = result.oopses.slice(oopses, e.oopses);
    oopses = e.oopses;
    report.count('kernel oopses', lines.length);
    const service = /^kernel oops: (\w+)\(/.exec(lines[0]!)?.[1] ?? '';
    await keepBreakage(ctx, first + e.id, cases[e.id]!, lines[0]!.replace(/pid \d+/g, 'pid N'), (r) => r !== null && r.oopses.some((o) => o.startsWith(`kernel oops: ${service}(`)));
  }
  if (result.exit !== 'exit 0' || ends.length !== cases.length) {
    report.count('runner ends (a case reached beyond its child)');
    const at = Math.min(ends.length, cases.length - 1);
    await keepBreakage(ctx, first + at, cases[at]!, `the runner ended with ${result.exit} at this case`, (r) => r !== null && r.crash === null && r.exit !== 'exit 0');
  }
  report.count('cases too slow to reach their timeout in 60 s of host time (stopped)', ends.filter((e) => e.stoppedBy === 'slow').length);
  const hangs = ends.filter((e) => e.stoppedBy === 'hang');
  report.count('hangs', hangs.length);
  for (const e of hangs) report.fail(`case ${first + e.id}: still running long after the runner's timeout was due (its timer did not fire)`);
  const seen = new Set<string>();
  for (const p of result.problems) {
    report.count('kernel inconsistencies');
    const kind = p.problem.replace(/\d+/g, 'N');
    if (seen.has(kind)) continue;
    seen.add(kind);
    const at = p.afterCase ?? 0;
    await keepBreakage(ctx, first + at, cases[at]!, `kernel inconsistent after it: ${p.problem}`, (r) => r !== null && r.problems.length > 0);
  }
}

export async function fuzzSyscalls(options: SyscallFuzzOptions): Promise<FuzzReport> {
  const report = new FuzzReport('syscalls', options.seed, options.log);
  const table = fuzzCallTable();
  const runner = buildSyscallRunner(options.work);
  const ctx: Context = {
    options, table, gate86: new Gate86Thread(), report, saved: 0,
    session: { kernel: options.kernel, runner, cpu: options.cpu, root: scratchRoot() },
  };
  report.note(`${table.rows.length} rows of kernel/syscall_32.tbl (${table.rows.filter((r) => r.entry !== null).length} implemented), the guest's / a read-only scratch directory: ${ctx.session.root}`);
  const batchSize = options.batch ?? 400;
  const deadline = Date.now() + options.seconds * 1000;
  const called = new Set<number>();
  let next = 0;
  try {
    while (Date.now() < deadline && next < (options.maxCases ?? Infinity)) {
      const first = next;
      const size = Math.min(batchSize, (options.maxCases ?? Infinity) - first);
      const cases = Array.from({ length: size }, (_, i) => syscallCase(table, options.seed, first + i));
      next += size;
      await judge(ctx, first, cases, await onGate86(ctx, cases), called);
      report.progress(`${next} cases, ${report.get('system calls made')} system calls`);
    }
  } finally {
    await ctx.gate86.close();
  }
  const rows = table.rows.filter((r) => called.has(r.number)).length;
  report.count('rows of syscall_32.tbl called', rows);
  report.count('numbers outside the table called', [...called].filter((n) => !table.byNumber.has(n)).length);
  const seconds = report.elapsed();
  if (seconds > 0) report.count('system calls per second (wall clock)', Math.round(report.get('system calls made') / seconds));
  return report;
}

/** Which rows of the table a run did not call (for the short seeded run's test). */
export function rowsNotCalled(table: CallTable, called: ReadonlySet<number>): string[] {
  return table.rows.filter((r) => !called.has(r.number)).map((r) => r.name);
}
