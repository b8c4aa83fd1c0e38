// `gate86 run` with the machine in its worker thread: the main thread owns the terminal, so it
// stays responsive while the guest's CPU loops (Ctrl-C is handled), output arrives as the guest
// writes it, and input typed later reaches a guest blocked in read(0).
import test from 'ava';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolVersion } from '../support/i386-oracle.ts';
import { root } from './support.ts';

toolVersion('gcc');
const program = join(mkdtempSync(join(tmpdir(), 'gate86-console-')), 'glibc-console');
const cc = spawnSync('gcc', ['-m32', '-static', '-O2', join(root, 'test/kernel/glibc-console.c'), '-o', program], { encoding: 'utf8' });

interface Session {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** Wait until a stream matches (whole lines, as the guest wrote them). */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

function start(args: string[]): Session {
  if (cc.status !== 0) throw new Error(`gcc -m32 -static failed (needs gcc-multilib, libc6-dev-i386): ${cc.stderr}`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/gate86.ts', 'run', program, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const text = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => { text.stdout += d.toString('latin1'); });
  child.stderr.on('data', (d: Buffer) => { text.stderr += d.toString('latin1'); });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const waitFor = async (stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 60_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(text[stream])) {
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${pattern} in ${JSON.stringify(text)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, stdout: () => text.stdout, stderr: () => text.stderr, waitFor, exited };
}

test('a guest spinning in user mode: Ctrl-C becomes its SIGINT, and a second Ctrl-C within a second stops the machine (the main thread is free while the CPU runs)', async (t) => {
  const s = start(['spin']);
  await s.waitFor('stdout', /spinning\n/);
  s.child.kill('SIGINT');
  // Delivered on the way back to user mode from the timer interrupt: the handler says so, and its
  // line reaches us while the guest keeps spinning.
  await s.waitFor('stdout', /caught SIGINT\n/);
  s.child.kill('SIGINT');
  // On a loaded machine the handler's line may take more than a second to come back, making this
  // Ctrl-C a first one again (the guest catches it once more); then a third, right after, is the
  // second. It is sent only when the stop has not come: a Ctrl-C that reaches gate86 while Node is
  // tearing the process down after the stop would end it by the signal's default action instead.
  const stopped = await s.waitFor('stderr', /stopped by a second Ctrl-C/, 1500).then(() => true, () => false);
  if (!stopped) s.child.kill('SIGINT');
  t.is(await s.exited, 130);
  t.regex(s.stderr(), /\ngate86 run: stopped by a second Ctrl-C\n$/);
});

test('output arrives before the guest blocks in read(0); input typed later reaches it; each stream keeps its order', async (t) => {
  const s = start([]);
  await s.waitFor('stdout', /^ready\n$/);
  await s.waitFor('stderr', /^to stderr\n$/);
  s.child.stdin.write('xyz\n');
  t.is(await s.exited, 3);
  t.is(s.stdout(), 'ready\ngot: xyz\n');
  t.is(s.stderr(), 'to stderr\n');
});

test('Ctrl-C while the guest is blocked in read(0) kills it with SIGINT: status 130, no stop message', async (t) => {
  const s = start([]);
  await s.waitFor('stdout', /^ready\n$/);
  s.child.kill('SIGINT');
  t.is(await s.exited, 128 + 2);
  t.is(s.stdout(), 'ready\n');
  t.is(s.stderr(), 'to stderr\n');
});

test('end of stdin is end of file for read(0)', (t) => {
  if (cc.status !== 0) return t.fail(cc.stderr);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/gate86.ts', 'run', program], { cwd: root, input: '', encoding: 'utf8', timeout: 120_000 });
  t.is(r.status, 4, r.stderr);
  t.is(r.stdout, 'ready\ngot: ');
});
