// Threads: static glibc pthread programs (clone with CLONE_VM|CLONE_THREAD..., futex, set_robust_list,
// exit vs exit_group, tgkill) print the same as natively.
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runI386Elf, i386Oracle } from '../support/i386-oracle.ts';
import { glibcProgram, linuxOutput, runOnGate86, type QemuDeparture } from './support.ts';

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
  t.true(ours.trace.some((l) => /^syscall 240 futex\(.* sleeps \[sysenter\]$/.test(l)), 'some futex wait slept');
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

/** qemu-i386 (7.2) runs vfork as a fork (no shared memory, the parent does not wait), so posix_spawn cannot report an exec failure either. */
const VFORK_DEPARTURES: QemuDeparture[] = [
  { qemu: 'vfork then _exit: the parent saw the child\'s write: 0, status 3\n', linux: 'vfork then _exit: the parent saw the child\'s write: 42, status 3\n' },
  { qemu: 'vfork then execve: the parent saw the child\'s write: 0, status 5\n', linux: 'vfork then execve: the parent saw the child\'s write: 7, status 5\n' },
  { qemu: 'posix_spawn of a missing program: Success\n', linux: 'posix_spawn of a missing program: No such file or directory\n' },
];
const vforkDeparts = i386Oracle() === 'qemu-i386' ? '; qemu-i386 departs from Linux: its vfork is a fork, so Linux\'s lines are expected there' : '';

test(`vfork (the parent sleeps in the shared memory until the child exits or execs), posix_spawn, and execve from a thread of a 5-thread process (de_thread: the others end, the pid stays) — as natively (${i386Oracle()}${vforkDeparts})`, (t) => {
  const program = glibcProgram('glibc-exec');
  const native = runI386Elf(program, [], { followsExec: true });
  t.is(native.status, 0);
  let left: string[] = [];
  const ours = runOnGate86(program, [], {
    cpu: 'pentium3', instructionLimit: 500_000_000,
    inspect: (_m, k) => { left = [...k.tasks.values()].map((task) => `${task.pid} ${task.state}`).concat([...k.timers.keys()].map((task) => `timer of ${task.pid}`)); },
  });
  t.is(ours.stdout.toString(), linuxOutput(native, VFORK_DEPARTURES));
  t.is(ours.status, 0);
  t.true(ours.trace.some((l) => /^syscall 190 vfork\(.*\) sleeps /.test(l)), 'the vfork parent slept');
  t.true(ours.trace.some((l) => /^syscall 11 execve\(.*\) sleeps /.test(l)), 'execve waited for the other threads');
  t.deepEqual(left, [], 'no task and no timer is left');
});

/**
 * qemu-i386 (7.2) runs a clone with CLONE_VM but not CLONE_THREAD as a fork: nothing is shared
 * (memory, descriptors, the working directory), and the child runs on a stack it does not have.
 */
const CLONE_DEPARTURES: QemuDeparture[] = [
  { qemu: 'clone(CLONE_VM|CLONE_FILES) exited 0, its open is in the caller\'s table: 0\n', linux: 'clone(CLONE_VM|CLONE_FILES) exited 0, its open is in the caller\'s table: 1\n' },
  { qemu: /clone\(CLONE_VM\) exited \d+, its open is in the caller's table: 0\n/, linux: 'clone(CLONE_VM) exited 0, its open is in the caller\'s table: 0\n' },
  { qemu: 'clone(CLONE_VM|CLONE_FS) exited 0, chdir and umask: the caller is in elsewhere, umask 022\n', linux: 'clone(CLONE_VM|CLONE_FS) exited 0, chdir and umask: the caller is in the directory, umask 077\n' },
  {
    qemu: /clone\(CLONE_VM\|CLONE_FILES\) then execve: exited \d+, the caller's close-on-exec descriptor stays open: 1\n/,
    linux: '  after execve the close-on-exec descriptor is closed in the new program: 1\nclone(CLONE_VM|CLONE_FILES) then execve: exited 4, the caller\'s close-on-exec descriptor stays open: 1\n',
  },
];
const cloneDeparts = i386Oracle() === 'qemu-i386' ? '; qemu-i386 departs from Linux: a CLONE_VM clone that is not a thread is a fork there, so Linux\'s lines are expected' : '';

test(`CLONE_FILES and CLONE_FS: threads and clones share the descriptor table and the working directory, forks and clones without them copy; execve unshares a shared table first — as natively (${i386Oracle()}${cloneDeparts})`, (t) => {
  const program = glibcProgram('glibc-clone-files');
  const dir = mkdtempSync(join(tmpdir(), 'gate86-clone-'));
  try {
    const native = runI386Elf(program, [dir]);
    t.is(native.status, 0);
    const ours = runOnGate86(program, [dir], { cpu: 'pentium3', instructionLimit: 500_000_000 });
    t.is(ours.stdout.toString(), linuxOutput(native, CLONE_DEPARTURES));
    t.is(ours.status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * qemu-i386 (7.2) shows the host's /proc for its own process: qemu's threads (its RCU thread, and
 * threads it has not yet reaped) are counted with the guest's.
 */
const PROC_TASK_DEPARTURES: QemuDeparture[] = [
  { qemu: /\/proc\/self\/task lists A: 1, B: 1, main: 1; \d+ entries\n/, linux: '/proc/self/task lists A: 1, B: 1, main: 1; 3 entries\n' },
  { qemu: /\/proc\/self\/status: Threads:\t\d+\n/, linux: '/proc/self/status: Threads:\t3\n' },
  { qemu: /after the joins: Threads:\t\d+\n/, linux: 'after the joins: Threads:\t1\n' },
];
const procTaskDeparts = i386Oracle() === 'qemu-i386' ? '; qemu-i386 counts its own threads in /proc/self, so Linux\'s counts are expected' : '';

test(`signals and threads: per-thread masks, kill() taken by the thread that does not block it, tgkill() pending only in its thread, a fatal tgkill ends the process; /proc/PID/task/TID, Threads:, an unlisted /proc/TID — as natively (${i386Oracle()}${procTaskDeparts})`, (t) => {
  const program = glibcProgram('glibc-thread-signals');
  const native = runI386Elf(program);
  t.is(native.status, 0);
  const ours = runOnGate86(program, [], { cpu: 'pentium3', instructionLimit: 500_000_000 });
  t.is(ours.stdout.toString(), linuxOutput(native, PROC_TASK_DEPARTURES), ours.result.kind === 'stopped' ? ours.result.message : '');
  t.is(ours.status, 0);
  t.true(ours.trace.some((l) => /^syscall 270 tgkill\(/.test(l)), 'the signals went through tgkill');
});
