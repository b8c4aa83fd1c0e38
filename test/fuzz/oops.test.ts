// A bug in a system call service is an oops (issue 14): one line naming the call, its arguments
// and the task; that task killed by SIGSEGV, as Linux's die() does; the machine and the other tasks
// go on. A bug in the kernel's own machinery is a panic: one line, the machine stops, no host stack.

import test from 'ava';
import { buildTestProgram, runOnGate86, words, SIGNALS } from '../kernel/support.ts';
import { SYSCALL_SERVICES } from '../../kernel/services/index.ts';
import { KernelPanic, type SyscallService } from '../../kernel/kernel.ts';
import { KERNEL_ENTRY_POINTS } from '../../kernel/hypercalls.ts';

const buggyGetpid: SyscallService = (k, regs) => {
  if (regs.get('ebx') === 0x1234) throw new TypeError("Cannot read properties of undefined (reading 'pid')");
  return SYSCALL_SERVICES.sys_getpid!(k, regs);
};

test('a host exception in a system call service kills the calling task with SIGSEGV and names the call; the parent goes on', (t) => {
  const r = runOnGate86(buildTestProgram('oops', {}, 'test/fuzz/programs'), [], { syscalls: { ...SYSCALL_SERVICES, sys_getpid: buggyGetpid } });
  t.is(r.status, 0, JSON.stringify(r.result));
  t.deepEqual(words(r.stdout.subarray(r.stdout.length - 8)), [SIGNALS.SIGSEGV, 1]);
  const oops = r.log.filter((l) => l.startsWith('kernel oops'));
  t.deepEqual(oops, ["kernel oops: sys_getpid(0x1234, 0x0, 0x0, 0x0, 0x0, 0x0) from pid 2: Cannot read properties of undefined (reading 'pid'); pid 2 killed"]);
  // The console (the program's stderr) shows the same line.
  t.true(r.stdout.toString('latin1').includes(oops[0]! + '\n'));
});

test('a host exception in one of the kernel\'s own entry points is a one-line kernel panic, not a host stack trace', (t) => {
  // The scheduler fails the first time the parent waits (as if its run queue were corrupt).
  const pickNextTask = KERNEL_ENTRY_POINTS.pick_next_task!;
  const error = t.throws(() => runOnGate86(buildTestProgram('oops', {}, 'test/fuzz/programs'), [], {
    entryPoints: { ...KERNEL_ENTRY_POINTS, pick_next_task: (k, sp) => (k.tasks.size > 1 ? (() => { throw new RangeError('Invalid array length'); })() : pickNextTask(k, sp)) },
  }), { instanceOf: KernelPanic });
  t.is(error.message, 'kernel panic in pick_next_task: Invalid array length');
});
