// Threads: static glibc pthread programs (clone with CLONE_VM|CLONE_THREAD..., futex, set_robust_list,
// exit vs exit_group, tgkill) print the same as natively.
import test from 'ava';
import { runI386Elf, i386Oracle } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';

for (const threads of ['4', '64']) {
  test(`pthreads (${threads} threads): a mutex-protected counter, TLS, a condition variable, a barrier, pthread_kill — as natively (${i386Oracle()})`, (t) => {
    const program = glibcProgram('glibc-threads');
    const native = runI386Elf(program, [threads]);
    t.is(native.status, 0);
    const ours = runOnGate86(program, [threads], { cpu: 'pentium3', trace: null, instructionLimit: 2_000_000_000 });
    t.is(ours.stdout.toString(), native.stdout.toString(), ours.result.kind === 'stopped' ? ours.result.message : '');
    t.is(ours.status, 0);
    if (threads === '4') t.regex(ours.stdout.toString(), /^4 threads: counter 1998000,/);
  });
}

test('threads are CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID; pthread_join sleeps on the tid futex', (t) => {
  const ours = runOnGate86(glibcProgram('glibc-threads'), ['4'], { cpu: 'pentium3', instructionLimit: 500_000_000 });
  const clones = ours.trace.filter((l) => l.startsWith('syscall 120 clone('));
  t.true(clones.length >= 4);
  for (const line of clones) t.regex(line, /^syscall 120 clone\(0x3d0f00, /);
  t.true(ours.trace.some((l) => /^syscall 240 futex_time32\(.* sleeps \[sysenter\]$/.test(l)), 'some futex wait slept');
  t.true(ours.trace.some((l) => l.startsWith('syscall 311 set_robust_list(') && l.includes(', 0xc, ') && l.endsWith('= 0 [sysenter]')));
});

test('a thread calling exit (exit_group) ends every thread, sleeping or not, with its status — as natively', (t) => {
  const program = glibcProgram('glibc-exit-group');
  const native = runI386Elf(program);
  t.is(native.status, 3);
  const ours = runOnGate86(program, [], { cpu: 'pentium3' });
  t.is(ours.stdout.toString(), native.stdout.toString());
  t.is(ours.status, 3);
});
