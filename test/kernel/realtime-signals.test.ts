// Real-time signals (the system-call fuzzer's hang: clone with exit signal 64 left a pending bit no
// one took): signals 1..64 everywhere — kill, block, pending, /proc's SigBlk, a child killed by 64,
// clone's exit signal 64, sigqueue's instances queued with their values, delivery lowest number first,
// sigtimedwait on SIGRTMAX, the sigframe's extramask, RLIMIT_SIGPENDING (sigqueue's EAGAIN; /proc's
// SigQ) and the limits (65: EINVAL; rt_sigqueueinfo's EPERM and EFAULT) — line by line the same as
// on the oracle; and the old calls (sigprocmask, sigpending, sigaction, sigsuspend: one word, 1..32)
// and SIG_IGN discarding every queued instance.
import test from 'ava';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';

test(`signals 32..64: kill, masks, a child killed by 64, clone's exit signal 64, sigqueue's queued values, delivery order, sigtimedwait(SIGRTMAX), RLIMIT_SIGPENDING, 65 refused — the same lines as on the oracle (${i386Oracle()})`, (t) => {
  const program = glibcProgram('glibc-realtime-signals');
  const oracle = runI386Elf(program);
  for (const cpu of ['pentium-pro', 'pentium4']) {
    const ours = runOnGate86(program, [], { cpu });
    t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
    t.is(ours.stdout.toString(), oracle.stdout.toString(), cpu);
  }
  t.is(oracle.status, 0, oracle.stderr);
  const out = oracle.stdout.toString();
  t.regex(out, /^clone\(64\) child exit -> got 64$/m);
  t.regex(out, /^after unblock: 3 runs, values 100 111 122$/m);
  t.regex(out, /^SigBlk:\t8000000000000000$/m);
  t.regex(out, /^RLIMIT_SIGPENDING 4: 4 sigqueue calls queued, then EAGAIN$/m);
});
