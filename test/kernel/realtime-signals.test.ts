// Real-time signals (the system-call fuzzer's hang: clone with exit signal 64 left a pending bit no
// one took): signals 1..64 everywhere — kill, block, pending, /proc's SigBlk, a child killed by 64,
// clone's exit signal 64, sigqueue's instances queued with their values, delivery lowest number first,
// sigtimedwait on SIGRTMAX, the sigframe's extramask, RLIMIT_SIGPENDING (sigqueue's EAGAIN; /proc's
// SigQ) and the limits (65: EINVAL; rt_sigqueueinfo's EPERM and EFAULT) — line by line the same as
// on the oracle; and the old calls (sigprocmask, sigpending, sigaction, sigsuspend: one word, 1..32)
// and SIG_IGN discarding every queued instance.
//
// The oracle is the host's Linux where it runs i386 code. qemu-i386 is not one here: it keeps the
// highest real-time signal for itself (a guest's signal 64 is never delivered) and gets the old
// sigsuspend and sigprocmask wrong, so with qemu-i386 as the oracle gate86 is held to the lines
// Linux printed on a host that runs i386 natively (glibc-realtime-signals.linux.txt).
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, root, runOnGate86 } from './support.ts';

const LINUX = readFileSync(join(root, 'test/kernel/glibc-realtime-signals.linux.txt'), 'utf8');

test(`signals 32..64: kill, masks, a child killed by 64, clone's exit signal 64, sigqueue's queued values, delivery order, sigtimedwait(SIGRTMAX), RLIMIT_SIGPENDING, 65 refused — the same lines as Linux (oracle: ${i386Oracle()}${i386Oracle() === 'qemu-i386' ? ', which cannot deliver signal 64: held to the lines a native Linux printed' : ''})`, (t) => {
  const program = glibcProgram('glibc-realtime-signals');
  const oracle = runI386Elf(program);
  t.is(oracle.status, 0, oracle.stderr);
  let expected: string;
  if (oracle.oracle === 'native') {
    expected = oracle.stdout.toString();
    t.is(expected, LINUX, 'the host\'s Linux prints the kept lines');
  } else {
    expected = LINUX;
    t.regex(oracle.stdout.toString(), /^handler got 0$/m, 'qemu-i386 does not deliver signal 64');
  }
  for (const cpu of ['pentium-pro', 'pentium4']) {
    const ours = runOnGate86(program, [], { cpu });
    t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
    t.is(ours.stdout.toString(), expected, cpu);
  }
  t.regex(expected, /^clone\(64\) child exit -> got 64$/m);
  t.regex(expected, /^after unblock: 3 runs, values 100 111 122$/m);
  t.regex(expected, /^SigBlk:\t8000000000000000$/m);
  t.regex(expected, /^RLIMIT_SIGPENDING 4: 4 sigqueue calls queued, then EAGAIN$/m);
});
