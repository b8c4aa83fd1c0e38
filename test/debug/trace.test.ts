// --trace syscall from the kernel's entry path (TIF_SYSCALL_TRACE, syscall_trace_entry), checked
// against strace (the native oracle) or qemu-i386 -strace: the same calls in the same order,
// including those that end in sys_ni_syscall. --trace crossing: every call's ring change in and
// out, door by door. --trace-json, and gate86 boot --trace.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { i386Oracle } from '../support/i386-oracle.ts';
import { parseSyscallTable } from '../../kernel/tools/syscall-table.ts';
import { buildTestProgram, highestEmptySlot, NR_SYSCALLS, runOnGate86 } from '../kernel/support.ts';
import { VSYSCALL_SYSENTER_RETURN, __KERNEL_CS, __USER_CS, __USER_DS } from '../../kernel/layout.ts';
import { root, startGate86 } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'gate86-trace-'));
const names = new Map(parseSyscallTable(readFileSync(root + 'kernel/syscall_32.tbl', 'utf8')).map((r) => [r.number, r.name]));

function glibcHello(): string {
  const source = join(dir, 'hello.c');
  writeFileSync(source, '#include <stdio.h>\nint main(int argc, char **argv) { printf("hello %d\\n", argc); return 3; }\n');
  const program = join(dir, 'glibc-hello');
  const cc = spawnSync('gcc', ['-m32', '-static', '-O2', source, '-o', program], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`gcc -m32 -static failed (needs gcc-multilib, libc6-dev-i386): ${cc.stderr}`);
  return program;
}

/** The calls the oracle's tracer saw, by name: strace on the host CPU, or qemu-i386's -strace. */
function oracleCalls(program: string): { names: string[]; tracer: string } {
  if (i386Oracle() === 'native') {
    const log = join(dir, 'strace.log');
    const r = spawnSync('strace', ['-qq', '-o', log, program], { encoding: 'utf8' });
    if (r.error) throw new Error(`strace could not run (install the strace package): ${r.error.message}`);
    const calls = readFileSync(log, 'utf8').split('\n').map((l) => /^(\w+)\(/.exec(l)?.[1]).filter((n): n is string => n !== undefined);
    return { names: calls.slice(1), tracer: 'strace' };                // strace's first line is the execve that started it
  }
  const r = spawnSync('qemu-i386', ['-strace', program], { encoding: 'utf8' });
  const calls = r.stderr.split('\n').map((l) => {
    const unknown = /^\d+ Unknown syscall (\d+)/.exec(l);
    if (unknown !== null) return names.get(Number(unknown[1])) ?? `syscall_${unknown[1]}`;
    return /^\d+ (\w+)\(/.exec(l)?.[1];
  }).filter((n): n is string => n !== undefined);
  return { names: calls, tracer: 'qemu-i386 -strace' };
}

test(`--trace syscall sees every call a static glibc program makes, in the order ${i386Oracle() === 'native' ? 'strace' : 'qemu-i386 -strace'} sees them, rseq (sys_ni_syscall) included`, (t) => {
  const program = glibcHello();
  const ours = runOnGate86(program, [], { cpu: 'pentium3' });
  t.is(ours.status, 3);
  const calls = ours.trace.map((l) => /^syscall \d+ (\w+)\(/.exec(l)?.[1]).filter((n): n is string => n !== undefined);
  const oracle = oracleCalls(program);
  t.deepEqual(calls, oracle.names, `${oracle.tracer} saw a different sequence`);
  // rseq has no service: the call ends in sys_ni_syscall, which the old TypeScript-side trace never saw.
  t.true(ours.trace.some((l) => /^syscall 386 rseq\(.*\) = -38 \[sysenter\]$/.test(l)), ours.trace.join('\n'));
  t.true(ours.trace.some((l) => /^syscall 252 exit_group\(0x3, .*\) = \? \[sysenter\]$/.test(l)), 'a call that never returns: = ?');
});

test('--trace syscall: a number past the table is reported too (strace shows it), and still returns -ENOSYS', (t) => {
  const empty = highestEmptySlot();
  const program = buildTestProgram('badnr', { NR_TEST: String(NR_SYSCALLS), NR_EMPTY: String(empty) });
  const ours = runOnGate86(program, [], { cpu: 'pentium3' });
  const reported = (number: number, name: string): number => ours.trace.filter((l) => l.startsWith(`syscall ${number} ${name}(`) && l.includes(' = -38 ')).length;
  t.is(reported(NR_SYSCALLS, `syscall_${NR_SYSCALLS}`), 2, `both doors: ${ours.trace.join('\n')}`);
  t.is(reported(0x80000000, 'syscall_2147483648'), 2);
  t.is(reported(0xffffffff, 'syscall_4294967295'), 2);
  t.is(reported(empty, names.get(empty) ?? `syscall_${empty}`), 2, 'an empty slot below NR_syscalls: sys_ni_syscall, named as the table names it');
});

function crossings(cpu: string, traceSyscalls: boolean): { lines: string[]; status: number | null } {
  const r = runOnGate86(root + 'build/userland/getuid.elf', [], { cpu, traceCrossings: true, traceSyscalls });
  return { lines: r.trace.filter((l) => l.startsWith('crossing ')), status: r.status };
}

const POINT = /ring (\d) ([0-9a-f]{4}):([0-9a-f]{8}) ([0-9a-f]{4}):([0-9a-f]{8})/g;

for (const [cpu, enterDoor, leaveDoor] of [['pentium3', 'sysenter', 'sysexit'], ['pentium-pro', 'int $0x80', 'iret']] as const) {
  test(`--trace crossing on ${cpu}: each call enters by ${enterDoor} from ring 3 (CS 0x73) to ring 0 (CS 0x60) and leaves by ${leaveDoor}, with the instructions it spent in the kernel`, (t) => {
    const { lines, status } = crossings(cpu, false);
    t.is(status, 0);
    const enters = lines.filter((l) => l.startsWith('crossing enter'));
    const leaves = lines.filter((l) => l.startsWith('crossing leave'));
    t.true(enters.some((l) => / getuid \(24\) /.test(l)), lines.join('\n'));
    t.is(leaves.length, enters.length - 1, 'every call but exit_group comes back');
    for (const [i, leave] of leaves.entries()) {
      const enter = enters[i]!;
      t.is(/pid \d+ (\w+ \(\d+\))/.exec(enter)![1], /pid \d+ (\w+ \(\d+\))/.exec(leave)![1], 'pairs in order');
      t.true(enter.includes(`via ${enterDoor}:`), enter);
      t.true(leave.includes(`via ${leaveDoor}:`), leave);
      const [from, to] = [...enter.matchAll(POINT)];
      t.deepEqual([from![1], parseInt(from![2]!, 16), to![1], parseInt(to![2]!, 16)], ['3', __USER_CS, '0', __KERNEL_CS]);
      const [, back] = [...leave.matchAll(POINT)];
      t.deepEqual([back![1], parseInt(back![2]!, 16), parseInt(back![4]!, 16)], ['3', __USER_CS, __USER_DS]);
      if (leaveDoor === 'sysexit') t.is(parseInt(back![3]!, 16), VSYSCALL_SYSENTER_RETURN, 'SYSEXIT returns to SYSENTER_RETURN (EDX)');
      const spent = /, (\d+) instructions, (\d+) modelled cycles in the kernel$/.exec(leave);
      t.truthy(spent, leave);
      t.true(Number(spent![2]) > 0, `modelled cycles in the kernel: ${leave}`);
    }
  });
}

test('--trace crossing with --trace syscall: a traced call leaves through iret even after sysenter, as under Linux (TIF_SYSCALL_TRACE is in _TIF_ALLWORK_MASK)', (t) => {
  const { lines } = crossings('pentium3', true);
  const leaves = lines.filter((l) => l.startsWith('crossing leave'));
  t.true(leaves.length > 0);
  for (const l of leaves) t.true(l.includes('via iret:'), l);
});

test('gate86 run --trace crossing,syscall --trace-json: one JSON object per line, with the doors and both sides of each crossing', async (t) => {
  const p = startGate86(['run', '--trace', 'crossing,syscall', '--trace-json', root + 'build/userland/getuid.elf']);
  t.is(await p.exited, 0);
  const events = p.stderr().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.true(events.every((e) => ['enter', 'leave', 'syscall'].includes(e['event'] as string)), p.stderr());
  const enter = events.find((e) => e['event'] === 'enter' && e['name'] === 'getuid')!;
  t.like(enter, { door: 'sysenter', syscall: 24, from: { cs: __USER_CS, cpl: 3 }, to: { cs: __KERNEL_CS, cpl: 0 } });
  const leave = events.find((e) => e['event'] === 'leave' && e['name'] === 'getuid')!;
  t.like(leave, { door: 'iret' });
  t.true(typeof leave['kernelCycles'] === 'number' && leave['kernelCycles'] > 0, 'the modelled cycles spent in the kernel');
  t.like(events.find((e) => e['event'] === 'syscall' && e['name'] === 'getuid'), { number: 24, result: 0, door: 'sysenter' });
  t.is(p.stdout(), 'getuid() = 0\n');
});

test('gate86 boot --trace: the boot log, then every call of init and the samples it forks and execs', async (t) => {
  const p = startGate86(['boot', '--trace']);
  // boot ends at a shell: the end of its stdin (Ctrl-D) is what stops it.
  p.child.stdin.end();
  t.is(await p.exited, 0);
  const out = p.stdout();
  t.regex(out, /kernel: wrmsr 0x176 \(IA32_SYSENTER_EIP\)/);
  t.regex(out, /^syscall 2 fork\(/m);
  t.regex(out, /^syscall 11 execve\(.*\) = 0 \[sysenter\]$/m);
  t.regex(out, /^syscall 24 getuid\(.*\) = \d+ \[sysenter\]$/m);
  t.regex(out, /^syscall 4 write\(.*\) = \d+ \[int \$0x80\]$/m, 'hello.S enters by int $0x80 itself');
});
