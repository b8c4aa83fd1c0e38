// Resource limits that pass through qemu-i386 to the host kernel, so both oracles judge them
// (issue 14): RLIMIT_FSIZE, RLIMIT_CPU and RLIMIT_NPROC, each line by line the same as on the oracle.
// (RLIMIT_AS, RLIMIT_DATA and RLIMIT_STACK, which qemu-i386 pretends to set, are in memory-limits.test.ts.)
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86, type Gate86Run } from './support.ts';

const scratch = mkdtempSync(join(tmpdir(), 'gate86-rlimit-'));
const why = (run: Gate86Run): string => (run.result.kind === 'stopped' ? run.result.message : run.trace.slice(-8).join('\n'));

test(`RLIMIT_FSIZE: a write crossing the limit stops at it, one at it is EFBIG with SIGXFSZ, growing truncates too, pipes and /dev/null are not files; uncaught SIGXFSZ kills — the same lines as on the oracle (${i386Oracle()})`, (t) => {
  const program = glibcProgram('glibc-fsize');
  const oracle = runI386Elf(program, [join(scratch, 'oracle-file')]);
  const ours = runOnGate86(program, [join(scratch, 'gate86-file')]);
  t.is(oracle.status, 0, oracle.stderr);
  t.is(ours.status, 0, why(ours));
  t.is(ours.stdout.toString(), oracle.stdout.toString());
  t.regex(ours.stdout.toString(), /^write 600 more \(crosses 1000\) +400 /m);
  t.regex(ours.stdout.toString(), /killed by signal 25 \(XFSZ\)$/m);
});

test(`RLIMIT_CPU {1, 3}: SIGXCPU at 1 s and 2 s of CPU time, the soft limit raised a second each time, SIGKILL at 3 s — the same lines as on the oracle (${i386Oracle()})`, (t) => {
  const program = glibcProgram('glibc-cpu-limit');
  const oracle = runI386Elf(program);
  const ours = runOnGate86(program, [], { instructionLimit: 20_000_000_000 });
  t.is(oracle.status, 0, oracle.stderr);
  t.is(ours.status, 0, why(ours));
  t.is(ours.stdout.toString(), oracle.stdout.toString());
  t.is(ours.stdout.toString(), 'SIGXCPU 1 (signal 24): soft limit now 2, hard 3\nSIGXCPU 2 (signal 24): soft limit now 3, hard 3\nchild: killed by signal 9 (KILL)\n');
});

// Not against qemu-i386: it runs each guest process as a host process with a second thread (its
// RCU thread), and the host counts threads against RLIMIT_NPROC, so it stops at 10 children, and
// the child that then cannot start that thread aborts. The lines are Linux 2.6's (copy_process
// counts the user's processes against the parent's RLIMIT_NPROC; root is exempt, uid 1000 is not).
test('a fork bomb as uid 1000 under RLIMIT_NPROC 20: 19 children, then EAGAIN; the hard limit cannot be raised; once they are reaped fork works (Linux 2.6\'s lines; qemu-i386 counts its own RCU thread per process)', (t) => {
  const ours = runOnGate86(glibcProgram('glibc-nproc'), [], { instructionLimit: 2_000_000_000 });
  t.is(ours.status, 0, why(ours));
  t.is(ours.stdout.toString(), [
    'uid 1000, RLIMIT_NPROC 20: 19 children, then fork fails with EAGAIN',
    'raising the hard limit as uid 1000: -1 EPERM',
    'reaped 19',
    'fork after the children are gone: works, exit 7',
    '',
  ].join('\n'));
  const next = runOnGate86(glibcProgram('glibc-nproc'), [], { instructionLimit: 2_000_000_000 });
  t.is(next.stdout.toString(), ours.stdout.toString(), 'the next run is the same');
});
