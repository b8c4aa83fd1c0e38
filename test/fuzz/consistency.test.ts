// The kernel's own consistency checks (kernel/consistency.ts) must see what they are there to see:
// each runs on a live kernel, clean first, then with the fault it looks for put there on purpose.

import test from 'ava';
import { buildTestProgram, runOnGate86 } from '../kernel/support.ts';
import { SYSCALL_SERVICES } from '../../kernel/services/index.ts';
import { kernelCensus, leakedResources, pageTableProblems, taskProblems } from '../../kernel/consistency.ts';
import type { SyscallService } from '../../kernel/kernel.ts';

test('the consistency checks find a freed frame still mapped, a sleeper nothing can wake, an orphan, a leaked frame — and nothing in a sound kernel', (t) => {
  const seen: Record<string, string[]> = {};
  // In oops.S the child calls getpid(0x1234): the test looks at the kernel from there (two tasks).
  const inspect: SyscallService = (k, regs) => {
    if (regs.get('ebx') !== 0x1234) return SYSCALL_SERVICES.sys_getpid!(k, regs);
    const child = k.task();
    seen.clean = [...taskProblems(k), ...pageTableProblems(k)];
    // One of the child's pages freed behind its back, then taken again (the free list is LIFO).
    const pa = child.space.translate(regs.get('esp'), false);
    while (k.frames.holders(pa) > 0) k.frames.release(pa);
    seen.freed = pageTableProblems(k);
    if (k.frames.allocate() !== pa) throw new Error('the free list is not LIFO: the test cannot put the frame back');
    // A sleeper with nothing to wake it, and an orphan whose parent is not task 1 (put back at once).
    child.state = 'sleeping';
    seen.sleeper = taskProblems(k);
    child.state = 'running';
    const ppid = child.ppid;
    child.ppid = 4242;
    seen.orphan = taskProblems(k);
    child.ppid = ppid;
    const before = kernelCensus(k);
    k.frames.allocate();
    seen.leak = leakedResources(before, kernelCensus(k));
    return -38;
  };
  runOnGate86(buildTestProgram('oops', {}, 'test/fuzz/programs'), [], { syscalls: { ...SYSCALL_SERVICES, sys_getpid: inspect } });
  t.deepEqual(seen.clean, []);
  // The stack page is still shared copy-on-write with the parent: both map the freed frame.
  t.deepEqual(seen.freed!.map((p) => p.replace(/0x[0-9a-f]+/g, 'X')), ['pid 1 maps X to the free frame X', 'pid 2 maps X to the free frame X']);
  t.deepEqual(seen.sleeper, ['pid 2 sleeps outside any system call, not stopped: nothing will wake it']);
  t.deepEqual(seen.orphan, ['pid 2\'s parent, pid 4242, does not exist (orphans belong to task 1)']);
  t.is(seen.leak!.length, 1);
  t.regex(seen.leak![0]!, /^1 page frames not given back \(free: \d+ before, \d+ now\)$/);
});
