// --mem: brk and mmap are accounted against the machine's RAM as Linux's default (heuristic)
// overcommit does: one request for more than the machine has fails with ENOMEM at once; smaller
// ones succeed, and a process that touches more pages than there are frames is killed with
// SIGKILL (the OOM killer), its frames freed: the machine goes on. No oracle can be given 32 MiB
// of RAM, so the expectations are Linux's rules, written out; the frame counts are the kernel's.
import test from 'ava';
import { glibcProgram, runOnGate86 } from './support.ts';
import type { Kernel } from '../../kernel/kernel.ts';

test('--mem 32: sbrk, mmap and malloc of 64 MiB fail with ENOMEM; a child that touches memory until none is left is killed by SIGKILL, twice, every frame coming back; the parent then touches 8 MiB (Linux\'s heuristic overcommit rules)', (t) => {
  let kernel: Kernel | null = null;
  const marks: { line: string; free: number }[] = [];
  let left: string[] = ['not inspected'];
  const ours = runOnGate86(glibcProgram('glibc-oom'), ['64'], {
    cpu: 'pentium3', memoryMiB: 32, instructionLimit: 2_000_000_000,
    attach: (k) => { kernel = k; },
    trace: (line) => { if (kernel !== null) marks.push({ line, free: (kernel as Kernel).frames.available }); },
    inspect: (_m, k) => { left = [...k.tasks.values()].map((task) => `${task.pid} ${task.state}`); },
  });
  t.is(ours.stdout.toString(), [
    'sbrk of more than the RAM: 1 ENOMEM', 'mmap of more than the RAM: 1 ENOMEM', 'malloc of more than the RAM: 1 ENOMEM',
    'a child touching 1 MiB after 1 MiB: killed by SIGKILL: 1', 'a child touching 1 MiB after 1 MiB: killed by SIGKILL: 1',
    'then 8 MiB malloc\'ed and touched: 1', '',
  ].join('\n'), ours.result.kind === 'stopped' ? ours.result.message : '');
  t.is(ours.status, 0);
  t.is(ours.log.filter((l) => /^Out of memory: killed process \d+$/.test(l)).length, 2);
  t.deepEqual(left, [], 'no task is left');
  // Free frames just before the first fork and when the parent's second wait4 returns: the same.
  const fork = marks.findIndex((m) => m.line.startsWith('syscall 120 clone('));
  const waits = marks.filter((m) => /^syscall 114 wait4\(.* = \d+ /.test(m.line));
  t.true(fork > 0 && waits.length === 2, 'two forks and two waits traced');
  const before = marks[fork - 1]!.free;
  const after = waits[1]!.free;
  t.log(`${(kernel as Kernel | null)?.frames.total} frames of user memory; ${before} free before the first fork, ${after} after the second child was reaped`);
  t.is(after, before, 'every frame the children took came back');
});
