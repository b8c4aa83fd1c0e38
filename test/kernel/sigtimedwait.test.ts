// rt_sigtimedwait (issue 14 / 10): sigtimedwait and sigwaitinfo take a pending signal with its siginfo,
// poll (EAGAIN), time out (EAGAIN), reject bad arguments (EINVAL, EFAULT — the signal is taken even
// when the siginfo cannot be written, as on Linux), wait for another process's signal, and end with
// EINTR when another signal's handler runs — line by line the same as on the oracle.
import test from 'ava';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';

test(`rt_sigtimedwait: pending signals, siginfo, timeouts, bad arguments, a signal from another process, EINTR — the same lines as on the oracle (${i386Oracle()})`, (t) => {
  const program = glibcProgram('glibc-sigtimedwait');
  const oracle = runI386Elf(program, [], { stdin: '' });
  const ours = runOnGate86(program, [], { input: () => 'end' });
  t.is(oracle.status, 0, oracle.stderr);
  t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
  t.is(ours.stdout.toString(), oracle.stdout.toString());
  t.regex(ours.stdout.toString(), /^SIGALRM's handler runs; sigwaitinfo\(USR1\) -1 EINTR$/m);
});
