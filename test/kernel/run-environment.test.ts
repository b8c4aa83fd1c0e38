// Issue 9, item 3: the environment and argv[0] of `gate86 run`, as qemu-i386 passes them: the host's
// environment by default, -E VAR=VAL sets, -U VAR removes, --env-clear starts from nothing (qemu-i386
// has no such option: `env -i` before it is the same), -0 NAME is argv[0]. Each is compared with
// qemu-i386 itself running the same busybox with the same options (qemu-i386 is installed wherever
// this suite runs, whichever oracle GATE86_ORACLE picks). The order of the variables is not compared:
// qemu-i386 builds its list by inserting at the head, so it hands the program the host's variables
// in reverse, where gate86 keeps the host's order as Linux's execve and env(1) do.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { busyboxPath } from './busybox-support.ts';
import { root } from './support.ts';

const HOST = { ALPHA: 'one', BETA: 'two', GAMMA: 'three with spaces', PATH: '/usr/bin:/bin' };

function run(command: string, args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const onGate86 = (options: string[], program: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'cli/gate86.ts', 'run', ...options, ...program], HOST);
const onQemu = (options: string[], program: string[], env: Record<string, string> = HOST) =>
  run('qemu-i386', [...options, ...program], env);
const variables = (text: string): string[] => text.split('\n').filter((l) => l !== '').sort();

test('gate86 run: the host environment by default, -E sets, -U removes, in order — the same variables as qemu-i386 -E/-U', (t) => {
  const busybox = busyboxPath();
  const options = ['-E', 'BETA=changed', '-E', 'DELTA=new=with=equals', '-U', 'GAMMA', '-U', 'NOT_SET', '-E', 'GAMMA=back'];
  const ours = onGate86(options, [busybox, 'env']);
  const qemu = onQemu(options, [busybox, 'env']);
  t.is(ours.status, 0, ours.stderr);
  t.is(qemu.status, 0, qemu.stderr);
  t.deepEqual(variables(ours.stdout), variables(qemu.stdout));
  t.deepEqual(variables(ours.stdout), ['ALPHA=one', 'BETA=changed', 'DELTA=new=with=equals', 'GAMMA=back', 'PATH=/usr/bin:/bin']);
  t.deepEqual(variables(onGate86([], [busybox, 'env']).stdout), variables(onQemu([], [busybox, 'env']).stdout), 'no options: the host environment');
});

test('gate86 run --env-clear: an empty environment, then -E adds to it — as `env -i` before qemu-i386 -E', (t) => {
  const busybox = busyboxPath();
  const empty = onGate86(['--env-clear'], [busybox, 'env']);
  t.is(empty.status, 0, empty.stderr);
  t.is(empty.stdout, run('env', ['-i', 'qemu-i386', busybox, 'env'], HOST).stdout);
  t.is(empty.stdout, '');
  const some = onGate86(['-E', 'EARLY=dropped', '--env-clear', '-E', 'ONLY=this'], [busybox, 'env']);
  t.is(some.stdout, run('env', ['-i', 'qemu-i386', '-E', 'ONLY=this', busybox, 'env'], HOST).stdout);
  t.is(some.stdout, 'ONLY=this\n');
});

test('gate86 run -0 NAME: argv[0] as given (busybox picks its applet by it), as qemu-i386 -0; without it, the path as typed', (t) => {
  const busybox = busyboxPath();
  const ours = onGate86(['-0', 'echo'], [busybox, 'picked', 'by', 'argv0']);
  t.is(ours.stdout, onQemu(['-0', 'echo'], [busybox, 'picked', 'by', 'argv0']).stdout);
  t.is(ours.stdout, 'picked by argv0\n');
  const script = ['sh', '-c', 'echo "$0"', 'zero'];
  t.is(onGate86([], [busybox, ...script]).stdout, onQemu([], [busybox, ...script]).stdout);
});

test('gate86 run: -E without =, and -U or -E without a value, are usage errors (status 2), and nothing runs', (t) => {
  const busybox = busyboxPath();
  for (const options of [['-E', 'NOEQUALS'], ['-E'], ['-U']]) {
    const r = onGate86(options, options.length === 1 ? [] : [busybox, 'echo', 'ran']);
    t.is(r.status, 2, `${options.join(' ')}: ${r.stderr}`);
    t.is(r.stdout, '');
    t.regex(r.stderr, /gate86 run: /);
  }
});
