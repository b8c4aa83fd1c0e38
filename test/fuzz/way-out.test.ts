// There is always a way out (issue 14): `--timeout SECONDS` on run, boot and machine stops the
// machine whatever the guest does (status 124, one line); Ctrl-C twice stops it even when the guest
// ignores SIGINT or sleeps; and the next `gate86 run` works.

import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestProgram, root } from '../kernel/support.ts';
import { assemble } from '../../linker/as/index.ts';
import { linkImage } from '../../linker/ld/link-image.ts';

const spin = buildTestProgram('spin', {}, 'test/fuzz/programs');

function gate86(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/gate86.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, input: '' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function spinKernel(): string {
  const source = join(root, 'test/fuzz/programs/spin-kernel.S');
  const object = `${spin}.kernel.o`;
  writeFileSync(object, assemble(source, readSource(source), { includeDirs: [], defines: new Map(), readFile: readSource }));
  const output = `${spin}.kernel.elf`;
  linkImage({ image: 'multiboot-kernel', aoutKludge: false, objects: [object], output });
  return output;
}
const readSource = (path: string): string => readFileSync(path, 'utf8');

test('gate86 run --timeout stops a spinning program and a sleeping one: status 124, one line; the next gate86 run works', (t) => {
  for (const args of [[spin], [spin, 'sleep']]) {
    const r = gate86(['run', '--timeout', '1', ...args]);
    // Whether the guest got as far as "ready" before the second is up depends on the host's load: not checked.
    t.is(r.status, 124, r.stderr);
    t.is(r.stderr, 'gate86 run: timed out after 1 s (--timeout): the machine was stopped\n');
  }
  const next = gate86(['run', join(root, 'build/userland/hello.elf')]);
  t.is(next.status, 0, next.stderr);
  t.regex(next.stdout, /Hello from ring 3/);
});

test('gate86 machine --timeout stops a kernel that never ends; gate86 boot --timeout stops the boot', (t) => {
  const m = gate86(['machine', '--timeout', '1', spinKernel()]);
  t.is(m.status, 124, m.stderr);
  t.is(m.stderr, 'gate86 machine: timed out after 1 s (--timeout): the machine was stopped\n');
  const b = gate86(['boot', '--timeout', '0.001']);
  t.is(b.status, 124, b.stderr);
  t.regex(b.stderr, /^gate86 boot: timed out after 0.001 s \(--timeout\): the machine was stopped\n$/);
});

test('--timeout wants a positive number of seconds', (t) => {
  for (const bad of ['0', '-1', 'soon', '']) {
    const r = gate86(['run', '--timeout', bad, spin]);
    t.is(r.status, 2);
    t.true(r.stderr.startsWith(`gate86 run: --timeout wants a positive number of seconds, not '${bad}'\n`), r.stderr);
  }
});

test('Ctrl-C twice stops a guest that ignores SIGINT and sleeps in nanosleep (status 130)', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/gate86.ts', 'run', spin, 'sleep'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  while (!stdout.includes('ready\n')) await new Promise((r) => setTimeout(r, 20));
  // Two signals sent back to back may reach gate86 as one (signals do not queue): keep pressing
  // Ctrl-C until it stops; once it is stopping, gate86 ignores any more.
  let done = false;
  void exited.then(() => { done = true; });
  while (!done) {
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
  }
  t.is(await exited, 130);
  t.is(stdout, 'ready\n');
  t.regex(stderr, /gate86 run: stopped by a second Ctrl-C\n$/);
});
