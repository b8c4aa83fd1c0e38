// The race behind the busybox flake `sleep 10 & kill $!; wait $!` (issue 14, threads): ash's `wait`
// blocks every signal, then sigsuspends with its old mask until its SIGCHLD handler has run. A child
// that dies inside that window leaves SIGCHLD pending and blocked; sigsuspend must then return at once
// through the handler (EINTR). glibc-wait-race.c puts the child's death into the window every run, so
// what a timer tick did now and then is checked on each run, line by line against the oracle.
import test from 'ava';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';

test(`ash's wait: a child that dies while every signal is blocked wakes sigsuspend through the SIGCHLD handler — the same lines as on the oracle (${i386Oracle()})`, (t) => {
  const program = glibcProgram('glibc-wait-race');
  const oracle = runI386Elf(program, [], { stdin: '' });
  const ours = runOnGate86(program, [], { input: () => 'end' });
  t.is(oracle.status, 0, oracle.stderr);
  t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
  t.is(ours.stdout.toString(), oracle.stdout.toString());
  t.regex(ours.stdout.toString(), /^exit: sigsuspend calls 1, last -1 EINTR, handler ran 1$/m);
  t.regex(ours.stdout.toString(), /^SIGTERM: waitpid reaps the child: yes, signal 15$/m);
});
