// The fuzzers' gate86 thread: it runs batches of cases — ring-3 programs or system-call lists on a
// booted gate86 kernel (one boot per batch), or inputs for the CLI's commands — and reports how each
// ended. Running them here, not in the thread that judges them, means a hang — even inside a TypeScript service or the
// assembler, where no guest timer can reach — only stops this thread: the other one sees the
// progress counter stand still and ends it (sessions.ts).

import { parentPort } from 'node:worker_threads';
import { join } from 'node:path';
import { runSession, type SessionOptions } from './ring3/gate86.ts';
import { runSyscallSession, type SyscallSessionOptions } from './syscalls/gate86.ts';
import { answerInProcess } from './inputs/answer.ts';
import type { InputAnswer, InputCase } from './inputs/targets.ts';

export type SessionJob = ({ kind: 'ring3'; options: SessionOptions; records: Uint8Array[] }
  | { kind: 'syscalls'; options: SyscallSessionOptions; records: Uint8Array[] }
  | { kind: 'inputs'; cases: InputCase[]; kernel: Uint8Array; dir: string }) & {
  /** Int32Array[1]: cases finished so far in this batch. */
  progress: SharedArrayBuffer;
};

async function run(job: SessionJob): Promise<unknown> {
  const progress = new Int32Array(job.progress);
  const done = (): void => { Atomics.add(progress, 0, 1); };
  if (job.kind === 'ring3') {
    let i = 0;
    return runSession(job.options, () => (i < job.records.length ? job.records[i++]! : null), done);
  }
  if (job.kind === 'syscalls') {
    let i = 0;
    return runSyscallSession(job.options, () => (i < job.records.length ? job.records[i++]! : null), done);
  }
  const answers: InputAnswer[] = [];
  for (const [i, c] of job.cases.entries()) {
    answers.push(await answerInProcess(c, join(job.dir, String(i)), job.kernel));
    done();
  }
  return answers;
}

parentPort!.on('message', (job: SessionJob) => {
  void run(job).then((result) => parentPort!.postMessage(result));
});
