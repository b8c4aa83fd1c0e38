// `gate86 machine` end to end: the bundled CLI, the worker, the shared console rings, HLT sleeping
// until input, Ctrl-C handling, exit statuses and one-line errors.

import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { buildKernel, buildDirectory, runGate86, writeBuildFile } from './support/kernels.ts';

const gate86 = resolve(import.meta.dirname, '../../bin/gate86.js');

function machine(args: string[], input = '') {
  return spawnSync(process.execPath, [gate86, 'machine', ...args], { cwd: buildDirectory(), input, encoding: 'latin1', timeout: 60_000 });
}

test('console input reaches the guest through the UART receive interrupt, and the exit status is isa-debug-exit\'s', (t) => {
  buildKernel('echo');
  const r = machine(['echo.elf'], 'ab\nq');
  // QEMU cannot be the oracle here: its -serial stdio drops piped bytes that arrive before the guest's
  // UART is ready. gate86's line honours RTS, so every byte typed is received, in order.
  // Four bytes stay below the FIFO's trigger level (14), so they arrive with the character-timeout
  // interrupt (IIR 0x0C), as on a 16550A.
  t.is(r.stdout, 'echo test: type, q ends\ngot 61 (iir 0000000c)\ngot 62 (iir 0000000c)\ngot 0a (iir 0000000c)\ngot 71 (iir 0000000c)\ndone\n');
  t.is(r.status, 1);
});

test('the worker-hosted machine prints what the in-process machine prints', (t) => {
  const kernel = buildKernel('int80');
  const r = machine(['int80.elf']);
  t.is(r.stdout, runGate86(kernel).output);
  t.is(r.status, 1);
  t.is(r.stderr, '');
});

test('Ctrl-C reaches the guest as a byte; a second one within a second stops the machine', async (t) => {
  buildKernel('echo');
  const child = spawn(process.execPath, [gate86, 'machine', 'echo.elf'], { cwd: buildDirectory(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString('latin1'); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString('latin1'); });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  // Wait for whole lines, not prefixes: the second Ctrl-C stops the machine at once, so sending it
  // before the guest has finished printing its answer to the first would cut that answer short.
  const waitFor = async (pattern: RegExp): Promise<void> => {
    const deadline = Date.now() + 60_000;
    while (!pattern.test(stdout)) {
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${pattern} in ${JSON.stringify(stdout)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await waitFor(/q ends\n/);
  child.kill('SIGINT');
  await waitFor(/got 03 \(iir [0-9a-f]{8}\)\n/);
  child.kill('SIGINT');
  t.is(await exited, 130);
  t.regex(stdout, /got 03 \(iir 0000000c\)/);
  t.regex(stderr, /stopped by a second Ctrl-C/);
});

test('a file that is not a Multiboot kernel is a one-line error', (t) => {
  const r = spawnSync(process.execPath, [gate86, 'machine', '/etc/hostname'], { encoding: 'utf8' });
  t.is(r.status, 1);
  t.regex(r.stderr, /^gate86 machine: \/etc\/hostname: not a Multiboot kernel \(no Multiboot header in its first 8 KiB\)\n$/);
});

test('bad options are usage errors', (t) => {
  t.is(spawnSync(process.execPath, [gate86, 'machine', '--cpu', 'z80', 'k.elf']).status, 2);
  t.is(spawnSync(process.execPath, [gate86, 'machine']).status, 2);
  t.is(spawnSync(process.execPath, [gate86, 'machine', '--mem', 'lots', 'k.elf']).status, 2);
});

test('--mem, --cpu, --append and --initrd reach the kernel (mem_upper as qemu-system-i386 -m 64 reports it)', (t) => {
  buildKernel('multiboot');
  writeBuildFile('cli-module.bin', new TextEncoder().encode('MODULE'));
  const r = machine(['--cpu', 'athlon-xp', '--mem', '64', '--append', 'a b c', '--initrd', 'cli-module.bin', 'multiboot.elf']);
  t.is(r.status, 1);
  t.regex(r.stdout, /mem_lower=639 KiB mem_upper=64384 KiB/);
  t.regex(r.stdout, /cmdline='multiboot.elf a b c'/);
  t.regex(r.stdout, /module 0: size=6 page-aligned=yes string='cli-module.bin' first bytes=4d 4f 44 55/);
});
