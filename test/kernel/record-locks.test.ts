// POSIX record locks (fcntl F_GETLK/F_SETLK/F_SETLKW, kernel/fs/locks.ts) between two processes,
// against the oracle: another process's lock as F_GETLK reports it, EAGAIN, F_SETLKW until the
// holder's close(), EDEADLK for two processes waiting for each other, release at exit, and the
// error paths (EBADF, EINVAL, EFAULT); then flock(2). The processes take turns through pipes: no timing.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';

test(`record locks: F_GETLK, F_SETLK (EAGAIN), F_SETLKW until close, EDEADLK, release at exit, EBADF/EINVAL/EFAULT, and flock (per open file description, LOCK_NB EAGAIN, released at the last close) — the same lines as on the oracle (${i386Oracle()})`, (t) => {
  const program = glibcProgram('glibc-record-locks');
  const oracle = runI386Elf(program, [], { cwd: mkdtempSync(join(tmpdir(), 'gate86-locks-')), stdin: '' });
  const ours = runOnGate86(program, [], { cwd: mkdtempSync(join(tmpdir(), 'gate86-locks-')) });
  t.is(oracle.status, 0, oracle.stderr);
  t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
  t.is(ours.stdout.toString(), oracle.stdout.toString());
  t.regex(ours.stdout.toString(), /^child +F_SETLK F_WRLCK \[5,\+1\) +-1 EAGAIN$/m);
  t.regex(ours.stdout.toString(), /^deadlock: one side EDEADLK, the other locked: yes$/m);
});
