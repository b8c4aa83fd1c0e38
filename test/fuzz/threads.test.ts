// A short seeded run of the thread fuzz (test/fuzz/thread-fuzz.ts; `npm run fuzz:threads` runs it
// at length). Seed 1's first four rounds end each way: exit_group, normally, exit_group, SIGKILL.
import test from 'ava';
import { FuzzStop, runThreadFuzz, watchdog } from './thread-fuzz.ts';
import { compileC, i386Oracle } from '../support/i386-oracle.ts';
import { runOnGate86 } from '../kernel/support.ts';
import type { Kernel } from '../../kernel/kernel.ts';

test(`thread fuzz, seed 1, 4 rounds: random creates, joins and detaches, futex waits and wakes of every kind, exit_group and SIGKILL in the middle — no deadlock, no task, timer, futex queue, kernel stack or frame left behind, and the oracle's output (${i386Oracle()})`, (t) => {
  const result = runThreadFuzz({ seed: 1, rounds: 4, roundMs: 100, minOps: 100, timeoutMs: 240_000 });
  t.deepEqual(result.problems, []);
  t.is(result.output, result.expected);
  t.is(result.expected, 'round 1: exit_group: exited 47\nround 2: normal: exited 0\nround 3: exit_group: exited 50\nround 4: SIGKILL: killed by signal 9\n');
  t.is(result.status, 0);
  t.log(`${result.threads} threads, ${result.futexCalls} futex calls, ${result.instructions} instructions`);
  t.true(result.threads > 0 && result.futexCalls > 0);
});

test('the fuzz\'s watchdog sees a deadlock: a program whose only thread waits on a futex nobody will wake stops with the task table', (t) => {
  const program = compileC({ 'stuck.c': '#include <linux/futex.h>\n#include <sys/syscall.h>\n#include <unistd.h>\nint word;\nint main(void) { return syscall(SYS_futex, &word, FUTEX_WAIT, 0, 0, 0, 0); }\n' }, { libc: true, cflags: ['-O2'] });
  let kernel: Kernel | null = null;
  const error = t.throws(() => runOnGate86(program, [], { cpu: 'pentium3', attach: (k) => { kernel = k; }, onSlice: watchdog(() => kernel, Date.now() + 240_000) }), { instanceOf: FuzzStop });
  t.regex(error?.message ?? '', /^deadlock: every task sleeps and no timer is armed:\n {2}pid 1 \(tgid 1\) sleeping on 1 queue\(s\)$/);
});
