// The interpreter is the reference: the same programs with the block compiler on and off (`--no-jit`)
// print the same as natively, and retire exactly the same guest instructions — sysbench's TSC
// ticks per call count them, so the compiled code keeps the interpreter's accounting to the
// instruction. (GATE86_JIT=off npx ava test/kernel runs the whole kernel suite without the JIT.)
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUserland } from '../../userland/build-userland.ts';
import { runI386Elf, i386Oracle, toolVersion } from '../support/i386-oracle.ts';
import { root, runOnGate86 } from './support.ts';

toolVersion('gcc');
const dir = mkdtempSync(join(tmpdir(), 'gate86-nojit-'));
const built = buildUserland(root, dir);

test(`hello and getuid: the same output natively (${i386Oracle()}), with the JIT and with --no-jit`, (t) => {
  for (const name of ['hello', 'getuid']) {
    const native = runI386Elf(built.programs[name]!);
    for (const jit of [true, false]) {
      const ours = runOnGate86(built.programs[name]!, [], { cpu: 'pentium3', jit });
      t.is(ours.stdout.toString(), native.stdout.toString(), `${name} jit ${jit}`);
      t.is(ours.status, native.status, `${name} jit ${jit}`);
    }
  }
});

test('sysbench: the same guest instructions per call through each door with the JIT and with --no-jit', (t) => {
  const ticks = (jit: boolean): string[] => {
    const run = runOnGate86(built.programs['sysbench']!, ['300'], { cpu: 'pentium3', jit });
    t.is(run.status, 0);
    return [...run.stdout.toString().matchAll(/(\d+) TSC ticks\/call/g)].map((m) => m[1]!);
  };
  const compiled = ticks(true);
  t.is(compiled.length, 2);
  t.deepEqual(ticks(false), compiled);
});

test(`a static glibc program that forks and takes a signal: the same output natively (${i386Oracle()}), with the JIT and with --no-jit`, (t) => {
  const source = join(dir, 'glibc-nojit.c');
  writeFileSync(source, [
    '#include <stdio.h>', '#include <signal.h>', '#include <stdlib.h>', '#include <unistd.h>', '#include <sys/wait.h>',
    'static volatile int got;', 'static void on_usr1(int s) { got = s; }',
    'int main(void) {',
    '  signal(SIGUSR1, on_usr1); raise(SIGUSR1);',
    '  unsigned h = 2166136261u; for (int i = 0; i < 200000; i++) h = (h ^ (unsigned)i) * 16777619u;',
    '  pid_t p = fork(); if (p == 0) _exit(5);',
    '  int st = 0; waitpid(p, &st, 0);',
    '  printf("signal %d hash %08x child %d\\n", got, h, WEXITSTATUS(st));',
    '  return 0;', '}', ''].join('\n'));
  const program = join(dir, 'glibc-nojit');
  const cc = spawnSync('gcc', ['-m32', '-static', '-O2', source, '-o', program], { encoding: 'utf8' });
  if (cc.status !== 0) return t.fail(`gcc -m32 -static failed (needs gcc-multilib, libc6-dev-i386): ${cc.stderr}`);
  const native = runI386Elf(program);
  for (const jit of [true, false]) {
    const ours = runOnGate86(program, [], { cpu: 'pentium3', jit });
    t.is(ours.stdout.toString(), native.stdout.toString(), `jit ${jit}`);
    t.is(ours.status, native.status, `jit ${jit}`);
  }
});
