// A fork bomb ends as Linux ends it (issue 14): fork answers EAGAIN once the machine has no task slot
// left (max_threads: one kernel stack each; gate86's guest runs as root, which RLIMIT_NPROC exempts),
// every process of the bomb is reaped, no frame or kernel stack is left behind, and the next program
// runs. Not run on the oracle: a fork bomb on the host is the thing this guards against.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { glibcProgram, root, runOnGate86 } from './support.ts';
import { busyboxPath } from './busybox-support.ts';
import type { Kernel } from '../../kernel/kernel.ts';

test('a fork bomb (each process forks until fork fails) ends with EAGAIN, every task reaped, frames and kernel stacks back to where they were, and the next run works', (t) => {
  let kernel: Kernel | null = null;
  let baseline: { frames: number; stacks: number } | null = null;
  let previous: { frames: number; stacks: number } | null = null;
  let forked = false;
  let peak = 0;
  let reaped: { frames: number; stacks: number } | null = null;
  let end = { tasks: -1 };
  const bomb = runOnGate86(glibcProgram('glibc-forkbomb'), [], {
    instructionLimit: 4_000_000_000,
    attach: (k) => { kernel = k; },
    trace: (line) => {
      const k = kernel as Kernel | null;
      if (k === null) return;
      // A line is traced when its call returns: the state before the first clone is the line before it.
      if (!forked && line.startsWith('syscall 120 clone(')) { forked = true; baseline = previous; }
      previous = { frames: k.frames.available, stacks: k.kernelStacks.inUse };
      peak = Math.max(peak, k.tasks.size);
      // The first process's last wait4 (-ECHILD): it is alone again, as it was before its first fork.
      if (k.tasks.size === 1 && line.startsWith('syscall 114 wait4(')) reaped = { frames: k.frames.available, stacks: k.kernelStacks.inUse };
    },
    inspect: (_m, k) => { end = { tasks: k.tasks.size }; },
  });
  t.is(bomb.stdout.toString(), 'fork failed with EAGAIN; every process of the bomb saw EAGAIN and was reaped: 1\n',
    bomb.result.kind === 'stopped' ? bomb.result.message : bomb.trace.slice(-5).join('\n'));
  t.is(bomb.status, 0);
  const k = kernel as Kernel | null;
  const before = baseline as { frames: number; stacks: number } | null;
  const after = reaped as { frames: number; stacks: number } | null;
  t.truthy(k && before && after);
  t.log(`${peak} tasks at the peak, ${k?.kernelStacks.capacity} kernel stacks; frames free before the first fork ${before?.frames}, after the last child was reaped ${after?.frames}`);
  t.is(peak, k!.kernelStacks.capacity, 'the bomb filled every task slot');
  t.is(end.tasks, 0, 'no task is left');
  t.is(after!.frames, before!.frames, 'every frame came back');
  t.is(after!.stacks, before!.stacks, 'every kernel stack came back');
  const next = runOnGate86(glibcProgram('glibc-rlimit'), [], { input: () => 'end' });
  t.is(next.status, 0, 'the next run works');
});

/**
 * The shell's fork bomb, in busybox ash as gate86's root: each call of bomb starts two more in a
 * background pipeline and returns. The task table fills and fork fails (EAGAIN: ash says "can't
 * fork"); processes that cannot fork end, so the bomb dies out or — if it is still going when the
 * first shell's builtin-only count is done — kill -9 -1 ends it. Then a fork and exec run again in the
 * same machine, and the next `gate86 run` works. `gate86 run --timeout` bounds it all.
 */
const BOMB = `bomb() { bomb | bomb & }
bomb
i=0; while [ $i -lt 100 ]; do i=$((i+1)); done
kill -9 -1 2>/dev/null
wait
/bin/busybox echo "after the bomb: fork and exec work"`;

function gate86Run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/gate86.ts', 'run', ...args], { cwd: root, encoding: 'utf8', timeout: 300_000, input: '' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the shell fork bomb in busybox ash (gate86 run --timeout 200): "can\'t fork" errors, then fork and exec work again in the same machine, and the next gate86 run works', (t) => {
  const busybox = busyboxPath();
  const bomb = gate86Run(['--timeout', '200', busybox, 'sh', '-c', BOMB]);
  const failures = bomb.stderr.split('can\'t fork: Resource temporarily unavailable').length - 1;
  t.log(`${failures} "can't fork" messages`);
  t.true(failures > 0, bomb.stderr.slice(-500));
  t.is(bomb.stdout, 'after the bomb: fork and exec work\n', bomb.stderr.slice(-500));
  t.is(bomb.status, 0);
  const next = gate86Run([busybox, 'echo', 'next run']);
  t.is(next.stdout, 'next run\n', next.stderr);
  t.is(next.status, 0);
});
