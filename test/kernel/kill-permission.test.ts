// Who may signal whom (glibc-kill-permission.c, run as root): a child that became nobody gets
// EPERM for kill, kill(pid, 0), tkill, tgkill and sigqueue to its root parent, may send it SIGCONT
// (one session) and signal its own (new) group; root may signal the nobody child; kill(zombie, 0) is 0
// until it is reaped. gate86 used to let anyone signal anyone, and answered pause() with ENOSYS.
import test from 'ava';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';

const program = glibcProgram('glibc-kill-permission');

test(`kill permission: EPERM across users, SIGCONT within a session, root may, a zombie answers 0; pause() sleeps (the same lines as on the oracle: ${i386Oracle()})`, (t) => {
  const oracle = runI386Elf(program).stdout.toString();
  t.regex(oracle, process.getuid?.() === 0 ? /nobody: kill\(root parent, SIGUSR1\) +Operation not permitted/ : /not root/);
  t.is(runOnGate86(program).stdout.toString(), oracle);
});
