// `gate86 run` and `gate86 boot` as a user meets them (through the CLI entry, under tsx).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { buildTestProgram, root } from './support.ts';

function gate86(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/gate86.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('gate86 run: exit status of the program, 128 + N for signal N, 126 for a file that is not an ELF executable', (t) => {
  const priv = buildTestProgram('priv');
  const ok = gate86(['run', priv, 's']);
  t.is(ok.status, 0, ok.stderr);
  t.is(gate86(['run', '--cpu', 'pentium-pro', priv, 'c']).status, 128 + 11);
  t.is(gate86(['run', priv, 'v']).status, 128 + 4);
  const bad = gate86(['run', 'package.json']);
  t.is(bad.status, 126);
  t.is(bad.stderr, 'gate86 run: package.json: not an ELF file\n');
  t.is(gate86(['run', '--cpu', 'z80', priv]).status, 2);
});

test('gate86 run --trace syscall,boot: the boot log and every call with its door', (t) => {
  const r = gate86(['run', '--trace', 'syscall,boot', buildTestProgram('priv'), 's']);
  t.is(r.status, 0);
  t.regex(r.stderr, /^wrmsr 0x176 \(IA32_SYSENTER_EIP\) = 0xc01[0-9a-f]{5}$/m);
  t.regex(r.stderr, /^syscall 20 getpid\(0x0, .*\) = 1 \[int \$0x80\]$/m);
});

test('gate86 run --trace msr,cpuid: the three wrmsr and the CPU verdict only', (t) => {
  const r = gate86(['run', '--trace', 'msr,cpuid', '--cpu', 'athlon-xp', buildTestProgram('priv'), 's']);
  t.is(r.status, 0);
  t.deepEqual(r.stderr.trim().split('\n').map((l) => l.split(' ')[0]), ['CPU:', 'wrmsr', 'wrmsr', 'wrmsr']);
  t.regex(r.stderr, /AuthenticAMD family 6 model 8 stepping 1; SEP usable \(not Intel: SEP trusted\)/);
});

test('gate86 boot: the boot story, then each sample', (t) => {
  const r = gate86(['boot', '--cpu', 'pentium-pro']);
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /kernel: CPU: GenuineIntel family 6 model 1 stepping 9; SEP not usable/);
  t.regex(r.stdout, /kernel: vsyscall: linux-gate.so.1 mapped at 0xffffe000 \(user, read-only\) with the int \$0x80 stub/);
  t.notRegex(r.stdout, /wrmsr/);
  t.regex(r.stdout, /Hello from ring 3/);
  // One boot: the initramfs's init forks and execs each sample, then starts the shell, which ends with
  // its input (with gcc, which builds init) — or one boot per sample.
  t.regex(r.stdout, /(kernel: initramfs: initramfs.cpio: \d+ entries unpacked[^]*init: \$ \/bin\/sysbench 2000\n(.*\n){2}init: pid 5 exited with status 0\n[^]*init: starting \/bin\/sh[^]*kernel: init exited with status 0|kernel: sysbench exited with status 0)/);
});
