// Every case the fuzzers found and kept (test/fuzz/corpus/FUZZER/*.json), replayed:
//   - ring3: the case's program on gate86 must end as Linux on the host CPU did (`expected`), and
//     the kernel must stay whole; a case whose bug is not fixed yet says so (`open`) and is a failing
//     test (ava's test.failing) that starts to pass, and tells, when someone fixes it;
//   - inputs: the command, through the real CLI, must answer as targets.ts's rule says.
// A file's `title` is the test's title.

import test from 'ava';
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../kernel/support.ts';
import { caseFromJson, caseRecord, type Ring3CaseFile } from './ring3/case.ts';
import { buildRunner } from './ring3/runner.ts';
import { runSession, type SessionResult } from './ring3/gate86.ts';
import { agree, describe, gate86Outcome, type Outcome } from './ring3/judge.ts';
import { answerThroughCli } from './inputs/answer.ts';
import { judgeAnswer, type InputCase } from './inputs/targets.ts';
import { caseFromJson as syscallCaseFromJson, caseRecord as syscallRecord, type SyscallCaseFile } from './syscalls/case.ts';
import { buildSyscallRunner } from './syscalls/runner.ts';
import { runSyscallSession, scratchRoot } from './syscalls/gate86.ts';
import { loadKernelImage } from '../../kernel/locate.ts';

interface Ring3File { title: string; problem: 'mismatch' | 'breakage'; expected?: Outcome; open?: string; found: { cpu: string }; case: Ring3CaseFile }
interface SyscallsFile { title: string; found: { cpu: string }; case: SyscallCaseFile }
interface InputsFile { title: string; tool: InputCase['tool']; base: string; args: string[]; files: Record<string, string> }

const corpus = join(root, 'test/fuzz/corpus');
const load = <T>(fuzzer: string): { name: string; file: T }[] =>
  readdirSync(join(corpus, fuzzer)).filter((n) => n.endsWith('.json')).sort().map((name) => ({ name, file: JSON.parse(readFileSync(join(corpus, fuzzer, name), 'utf8')) as T }));

const work = mkdtempSync(join(tmpdir(), 'gate86-corpus-'));
const ring3 = load<Ring3File>('ring3');
let session: SessionResult | null = null;
/** One boot runs every ring-3 case (the model of the first; they are all pentium3 so far). */
function ring3Session(): SessionResult {
  if (session !== null) return session;
  const runner = buildRunner(join(work, 'ring3'));
  const records = ring3.map(({ file }, i) => caseRecord(caseFromJson(file.case), i));
  let i = 0;
  session = runSession({ kernel: loadKernelImage(), runner, cpu: ring3[0]?.file.found.cpu ?? 'pentium3' }, () => (i < records.length ? records[i++]! : null));
  return session;
}

for (const [index, { name, file }] of ring3.entries()) {
  const check = file.open === undefined ? test : test.failing;
  check(`ring3 corpus ${name}: ${file.title}${file.open === undefined ? '' : ` (${file.open})`}`, (t) => {
    const s = ring3Session();
    t.is(s.crash, null);
    t.deepEqual(s.problems, []);
    const end = s.ends[index];
    if (end === undefined) return t.fail(`the runner ended with ${s.exit} before this case`);
    if (file.expected !== undefined) {
      const c = caseFromJson(file.case);
      t.true(agree(c, gate86Outcome(end), file.expected), `gate86 ${describe(gate86Outcome(end))}, Linux on the host CPU ${describe(file.expected)}`);
    }
  });
}

for (const { name, file } of load<InputsFile>('inputs')) {
  test(`inputs corpus ${name}: ${file.title}`, (t) => {
    const c: InputCase = { tool: file.tool, base: file.base, args: file.args, files: Object.fromEntries(Object.entries(file.files).map(([n, b]) => [n, new Uint8Array(Buffer.from(b, 'base64'))])) };
    const answer = answerThroughCli(c, join(work, name), 20);
    t.is(judgeAnswer(c, answer), null, answer.stderr);
  });
}

// A system-call case broke the kernel once (a host exception, an oops, the runner ended, a leak):
// alone on a fresh boot it must now end well, with the kernel as it was.
for (const { name, file } of load<SyscallsFile>('syscalls')) {
  test(`syscalls corpus ${name}: ${file.title}`, (t) => {
    const runner = buildSyscallRunner(join(work, 'syscalls', name));
    const records = [syscallRecord(syscallCaseFromJson(file.case), 0)];
    let i = 0;
    const r = runSyscallSession({ kernel: loadKernelImage(), runner, cpu: file.found.cpu, root: scratchRoot() }, () => (i < records.length ? records[i++]! : null));
    t.is(r.crash, null);
    t.deepEqual(r.oopses, []);
    t.deepEqual(r.problems, []);
    t.is(r.exit, 'exit 0');
    t.is(r.ends.length, 1);
  });
}
