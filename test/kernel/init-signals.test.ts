// The first process (task 1, init) and other processes' signals: Linux's SIGNAL_UNKILLABLE for the
// init of a pid namespace (kernel/signal.c: sig_task_ignored, get_signal, force_sig_info_to_task,
// kill_something_info). A child's kill, tkill, tgkill and sigqueue to pid 1 return 0 and are dropped
// while init's action is SIG_DFL — SIGKILL and SIGSTOP too; a handler runs; a signal init blocks
// stays pending and is dropped once unblocked if still SIG_DFL (sigwaitinfo takes it); kill(0) from
// its process group and kill(-1) (which skips init and the caller) leave it alive; a fault with
// SIGSEGV blocked still ends it, since the kernel's forced signal clears the flag. Without this a child could end task 1, and
// with it the machine (gate86's task 1 ending is the machine's end, with task 1's status:
// kernel/services/process.ts endProcess).
//
// The oracle is the host's Linux, with the program as the init of a new pid namespace
// (`unshare --pid --fork --mount-proc`, which needs root or user namespaces). Where that cannot run
// — qemu-i386 as the oracle (there pid 1 would be qemu itself, with a handler for every signal), or
// no unshare — gate86 is held to the lines a native Linux printed (glibc-init-signals.linux.txt,
// which the native run checks the host still prints). The program refuses to run as any pid but 1:
// outside a namespace its kill(1, ...) and kill(-1, ...) would reach the host's own processes.
//
// One departure, on purpose: Linux drops init's signals to itself too (raise(SIGTERM) does nothing
// in a namespace's init); gate86 delivers them, because the program `gate86 run` starts is task 1
// and must end as it does when the host runs it as an ordinary process. The second test holds it
// to that run.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, root, runOnGate86 } from './support.ts';

const LINUX = readFileSync(join(root, 'test/kernel/glibc-init-signals.linux.txt'), 'utf8');
const UNSHARE = ['--pid', '--fork', '--mount-proc', '--kill-child'];

/** How to make a pid namespace here: as root, else through a user namespace; null if neither works. */
function pidNamespace(): string[] | null {
  if (i386Oracle() !== 'native') return null;
  for (const prefix of [UNSHARE, ['--user', '--map-root-user', ...UNSHARE]]) {
    const probe = spawnSync('unshare', [...prefix, 'sh', '-c', 'echo $$'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status === 0 && probe.stdout === '1\n') return prefix;
  }
  return null;
}
const namespace = pidNamespace();
const oracleName = namespace !== null ? 'native, as init of a pid namespace (unshare)'
  : i386Oracle() === 'native' ? 'native without unshare --pid: held to the lines a native Linux printed'
  : 'qemu-i386, which cannot be a pid namespace\'s init: held to the lines a native Linux printed';

test(`pid 1 drops other processes' SIG_DFL signals — kill, tkill, tgkill, sigqueue, SIGKILL and SIGSTOP too (0 returned); handlers run; blocked ones are dropped once unblocked, sigwaitinfo takes one; kill(0) and kill(-1) spare it; a fault with SIGSEGV blocked still ends it — the same lines as Linux's pid-namespace init (oracle: ${oracleName})`, (t) => {
  const program = glibcProgram('glibc-init-signals');
  let expected = LINUX;
  if (namespace !== null) {
    const linux = spawnSync('unshare', [...namespace, program], { timeout: 60_000, killSignal: 'SIGKILL' });
    // unshare ends as its child did: SIGSEGV re-raised (util-linux 2.36+), or 128 + 11.
    t.true(linux.signal === 'SIGSEGV' || linux.status === 139, `unshare: status ${linux.status}, signal ${linux.signal}: ${linux.stderr}`);
    expected = linux.stdout.toString();
    t.is(expected, LINUX, 'the host\'s Linux prints the kept lines');
  }
  for (const cpu of ['pentium-pro', 'pentium4']) {
    const ours = runOnGate86(program, [], { cpu });
    t.is(ours.stdout.toString(), expected, `${cpu}: ${ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n')}`);
    t.is(ours.signal, 11, `${cpu}: the fault ends task 1 with SIGSEGV`);
  }
  t.regex(expected, /^init alive after them$/m);
  t.regex(expected, /^while blocked: SIGTERM pending, SIGUSR2 pending$/m);
  t.regex(expected, /^init's SIGTERM handler ran 0 times$/m);
  t.regex(expected, /^ {2}kill\(-1, SIGTERM\) alone = -1 ESRCH$/m);
});

test(`pid 1's SIGTERM to itself ends it, as it ends the same program run as an ordinary process (oracle: ${i386Oracle()}, not pid 1; Linux's pid-namespace init would drop it)`, (t) => {
  const program = glibcProgram('glibc-init-signals');
  const oracle = runI386Elf(program, ['self']);
  t.is(oracle.signal, 'SIGTERM', oracle.stderr);
  const ours = runOnGate86(program, ['self']);
  t.is(ours.stdout.toString(), oracle.stdout.toString());
  t.is(ours.signal, 15);
  if (namespace !== null) {
    const init = spawnSync('unshare', [...namespace, program, 'self'], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
    t.is(init.stdout, 'kill(getpid(), SIGTERM) to itself\ninit survived its own SIGTERM\n', 'the departure: Linux\'s pid-namespace init drops it');
  }
});
