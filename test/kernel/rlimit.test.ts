// Resource limits (issue 14 item 3): setrlimit, the old getrlimit, ugetrlimit and prlimit64 by
// number, their errors (EINVAL, EPERM past NR_OPEN, EFAULT, ESRCH), RLIMIT_NOFILE enforced (dup until
// EMFILE, dup2 past it EBADF, F_DUPFD EINVAL, pipe EMFILE) and the table copied by fork — line by line
// the same as on the oracle. The program prints only limits it set itself, so the host's do not show.
import test from 'ava';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';

test(`getrlimit, setrlimit, ugetrlimit, prlimit64: values, errors, RLIMIT_NOFILE enforced, inherited by fork — the same lines as on the oracle (${i386Oracle()})`, (t) => {
  const program = glibcProgram('glibc-rlimit');
  const oracle = runI386Elf(program, [], { stdin: '' });
  const ours = runOnGate86(program, [], { input: () => 'end' });
  t.is(oracle.status, 0, oracle.stderr);
  t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
  t.is(ours.stdout.toString(), oracle.stdout.toString());
  t.regex(ours.stdout.toString(), /^dup\(0\) until it fails: highest fd +31, then -1 EMFILE$/m);
  t.regex(ours.stdout.toString(), /^child: ugetrlimit\(NOFILE\) +32 128$/m);
});
