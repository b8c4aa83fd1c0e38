// The sample programs and a static glibc program: the same ELF file natively (the i386 oracle) and
// under `gate86 run`, with the same output and exit status.
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUserland } from '../../userland/build-userland.ts';
import { runI386Elf, i386Oracle, toolVersion } from '../support/i386-oracle.ts';
import { root, runOnGate86 } from './support.ts';

toolVersion('gcc');
const dir = mkdtempSync(join(tmpdir(), 'gate86-userland-'));
const built = buildUserland(root, dir);

for (const name of ['hello', 'getuid']) {
  test(`${name}: the same output and status natively (${i386Oracle()}) and under gate86 on pentium3 and pentium-pro`, (t) => {
    const native = runI386Elf(built.programs[name]!);
    for (const cpu of ['pentium3', 'pentium-pro']) {
      const ours = runOnGate86(built.programs[name]!, [], { cpu });
      t.is(ours.stdout.toString(), native.stdout.toString(), cpu);
      t.is(ours.status, native.status, cpu);
    }
  });
}

test('getuid goes through __kernel_vsyscall: sysenter on pentium3, int $0x80 on pentium-pro', (t) => {
  const door = (cpu: string): string | undefined => runOnGate86(built.programs['getuid']!, [], { cpu }).trace
    .find((l) => l.startsWith('syscall 24 '))?.replace(/^.*\[(.*)\]$/, '$1');
  t.is(door('pentium3'), 'sysenter');
  t.is(door('pentium-pro'), 'int $0x80');
});

test('which-stub names the stub the kernel mapped (the oracle has no vsyscall page: int $0x80 directly)', (t) => {
  t.regex(runI386Elf(built.programs['which-stub']!).stdout.toString(), /^(no AT_SYSINFO|.*__kernel_vsyscall)/m);
  t.regex(runOnGate86(built.programs['which-stub']!, [], { cpu: 'pentium4' }).stdout.toString(), /0xffffe400: the sysenter stub/);
  t.regex(runOnGate86(built.programs['which-stub']!, [], { cpu: 'pentium-pro' }).stdout.toString(), /0xffffe400: the int \$0x80 stub/);
});

test('sysbench runs N getppid calls through each door and reports both', (t) => {
  const format = /^int \$0x80 {9}: 200 calls, \d+ TSC ticks\/call, \d+ ns\/call\n__kernel_vsyscall : 200 calls, \d+ TSC ticks\/call, \d+ ns\/call\n$/;
  const ours = runOnGate86(built.programs['sysbench']!, ['200'], { cpu: 'pentium3' });
  t.is(ours.status, 0);
  t.regex(ours.stdout.toString(), format);
  // A warm-up of 200 calls and 3 timed rounds of 200 through each door, + the first getppid (sysenter).
  t.is(ours.trace.filter((l) => l.startsWith('syscall 64 ') && l.endsWith('[sysenter]')).length, 200 + 3 * 200 + 1);
  t.is(ours.trace.filter((l) => l.startsWith('syscall 64 ') && l.endsWith('[int $0x80]')).length, 200 + 3 * 200);
  t.regex(runI386Elf(built.programs['sysbench']!, ['200']).stdout.toString(), format);
});

test('a static glibc program (gcc -m32 -static) prints the same as natively, entering through %gs:0x10 after set_thread_area', (t) => {
  const source = join(dir, 'glibc-hello.c');
  writeFileSync(source, '#include <stdio.h>\n#include <unistd.h>\nint main(int argc, char **argv) {\n' +
    '  printf("hello from glibc: argc %d, uid %d, euid %d, pid>0 %d\\n", argc, getuid(), geteuid(), getpid() > 0);\n  return 7;\n}\n');
  const program = join(dir, 'glibc-hello');
  const cc = spawnSync('gcc', ['-m32', '-static', '-O2', source, '-o', program], { encoding: 'utf8' });
  if (cc.status !== 0) return t.fail(`gcc -m32 -static failed (needs gcc-multilib, libc6-dev-i386): ${cc.stderr}`);
  const native = runI386Elf(program, ['x']);
  const ours = runOnGate86(program, ['x'], { cpu: 'pentium3' });
  t.is(ours.stdout.toString(), native.stdout.toString());
  t.is(ours.status, 7);
  t.is(native.status, 7);
  const tls = ours.trace.findIndex((l) => l.includes(' set_thread_area('));
  t.true(tls >= 0);
  t.true(ours.trace.slice(tls + 1).some((l) => l.includes(' getuid(') && l.endsWith('[sysenter]')), ours.trace.join('\n'));
});

test('static glibc: malloc (brk, mmap2, munmap), mprotect, uname, nanosleep and the clocks print the same as natively', (t) => {
  const program = join(dir, 'glibc-services');
  const cc = spawnSync('gcc', ['-m32', '-static', '-O2', join(root, 'test/kernel/glibc-services.c'), '-o', program], { encoding: 'utf8' });
  if (cc.status !== 0) return t.fail(`gcc -m32 -static failed: ${cc.stderr}`);
  const native = runI386Elf(program);
  const ours = runOnGate86(program, [], { cpu: 'pentium4' });
  t.is(native.status, 0);
  t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
  t.is(ours.stdout.toString(), native.stdout.toString());
  t.true(ours.trace.some((l) => l.includes(' mmap_pgoff(')), 'the big block came from mmap2');
});

test('static glibc with SSE2 and MMX (gcc -msse2): CPUID, MXCSR, vector arithmetic and glibc\'s SSE2 string functions print the same as natively on the Pentium 4', (t) => {
  const program = join(dir, 'glibc-simd');
  const cc = spawnSync('gcc', ['-m32', '-static', '-O2', '-msse2', join(root, 'test/kernel/glibc-simd.c'), '-o', program], { encoding: 'utf8' });
  if (cc.status !== 0) return t.fail(`gcc -m32 -static -msse2 failed: ${cc.stderr}`);
  const native = runI386Elf(program);
  const ours = runOnGate86(program, [], { cpu: 'pentium4' });
  t.is(native.status, 0);
  t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
  // The host's CPUID line is its own; everything after it must be the same.
  const afterCpuid = (text: string): string => text.split('\n').slice(1).join('\n');
  t.is(afterCpuid(ours.stdout.toString()), afterCpuid(native.stdout.toString()));
  t.regex(ours.stdout.toString(), /^cpuid: mmx 1 fxsr 1 sse 1 sse2 1$/m);
});

test('static glibc signals: handlers (SA_SIGINFO or not), the blocked mask, a SIGSEGV handler, SIG_IGN, death by SIGTERM — as natively', (t) => {
  const program = join(dir, 'glibc-signals');
  const cc = spawnSync('gcc', ['-m32', '-static', '-O2', join(root, 'test/kernel/glibc-signals.c'), '-o', program], { encoding: 'utf8' });
  if (cc.status !== 0) return t.fail(`gcc -m32 -static failed: ${cc.stderr}`);
  const native = runI386Elf(program);
  t.is(native.signal, 'SIGTERM');
  for (const cpu of ['pentium3', 'pentium-pro']) {
    const ours = runOnGate86(program, [], { cpu });
    t.is(ours.stdout.toString(), native.stdout.toString(), `${cpu}: ${ours.trace.slice(-6).join('\n')}`);
    t.is(ours.signal, 15, cpu);
  }
});

let forkProgram: string | null = null;
function buildFork(): string {
  if (forkProgram !== null) return forkProgram;
  const program = join(dir, 'glibc-fork');
  const cc = spawnSync('gcc', ['-m32', '-static', '-O2', join(root, 'test/kernel/glibc-fork.c'), '-o', program], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`gcc -m32 -static failed: ${cc.stderr}`);
  forkProgram = program;
  return program;
}

test('static glibc fork/waitpid: a child exits 3, another dies of SIGSEGV, then ECHILD — as natively', (t) => {
  const native = runI386Elf(buildFork());
  for (const cpu of ['pentium3', 'pentium-pro']) {
    const ours = runOnGate86(buildFork(), [], { cpu });
    t.is(ours.stdout.toString(), native.stdout.toString(), cpu);
    t.is(ours.status, native.status, cpu);
  }
});

function buildGlibc(name: string): string {
  const program = join(dir, name);
  const cc = spawnSync('gcc', ['-m32', '-static', '-O2', join(root, `test/kernel/${name}.c`), '-o', program], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`gcc -m32 -static failed: ${cc.stderr}`);
  return program;
}

test('sleeping: wait4 and nanosleep sleep on wait queues (every task asleep: the idle task), a signal gives EINTR with the time left, SA_RESTART restarts — as natively', (t) => {
  const program = buildGlibc('glibc-sleep');
  const native = runI386Elf(program);
  t.is(native.status, 0);
  for (const cpu of ['pentium3', 'pentium-pro']) {
    const ours = runOnGate86(program, [], { cpu });
    t.is(ours.stdout.toString(), native.stdout.toString(), cpu);
    t.is(ours.status, 0, cpu);
  }
});

test('fidelity 10: a sleeping wait4 interrupted by a SA_RESTART handler returns -ERESTARTSYS and restarts through the same door (sysenter: the jmp at 0xffffe40e)', (t) => {
  const program = buildGlibc('glibc-sleep');
  for (const [cpu, door] of [['pentium3', 'sysenter'], ['pentium-pro', 'int $0x80']]) {
    const ours = runOnGate86(program, [], { cpu });
    const calls = ours.trace.filter((l) => l.startsWith('syscall 114 wait4(') || l.startsWith('syscall 119 sigreturn('));
    const interrupted = calls.findIndex((l) => l.endsWith(` = -512 [${door}]`));
    t.true(interrupted >= 0, `${cpu}: ${calls.join('\n')}`);
    // handle_signal already rewound the call (EAX = 114, EIP - 2) into the saved context; the handler
    // returns through sigreturn (always int $0x80), and the same wait4 runs again through its door.
    t.regex(calls[interrupted + 1] ?? '', /^syscall 119 sigreturn\(.* = 114 \[int \$0x80\]$/, cpu);
    t.true(calls[interrupted + 2]?.startsWith(calls[interrupted]!.replace(/\).*$/, ')')) && calls[interrupted + 2]!.endsWith(`[${door}]`), cpu);
    t.true(calls.some((l) => l.endsWith(`sleeps [${door}]`)), `${cpu}: a blocked wait4 sleeps`);
  }
});

test('execve: a forked child runs another program from the host file system; the parent reaps it', (t) => {
  const ours = runOnGate86(buildFork(), [built.programs['hello']!], { cpu: 'pentium3' });
  t.is(ours.status, 0);
  // The child's printf sat in stdio's buffer (stdout is a pipe) and died with the old program at execv.
  t.regex(ours.stdout.toString(), /^Hello from ring 3, by int \$0x80\nparent: waited for the child: 1, exited 1, status 0\n/);
  const missing = runOnGate86(buildFork(), ['/no/such/program'], { cpu: 'pentium3' });
  t.regex(missing.stdout.toString(), /execv failed\nparent: waited for the child: 1, exited 1, status 99\n/);
  t.true(missing.trace.some((l) => l.startsWith('syscall 11 execve(') && l.includes(' = -2 ')));
});

test('preemption: the PIT tick lets a child that never makes a system call run while its parent spins — as natively', (t) => {
  const program = join(dir, 'glibc-preempt');
  const cc = spawnSync('gcc', ['-m32', '-static', '-O2', join(root, 'test/kernel/glibc-preempt.c'), '-o', program], { encoding: 'utf8' });
  if (cc.status !== 0) return t.fail(`gcc -m32 -static failed: ${cc.stderr}`);
  const native = runI386Elf(program);
  t.is(native.stdout.toString(), 'child: running\nparent: child killed by signal 9\n');
  const ours = runOnGate86(program, [], { cpu: 'pentium3', trace: null, instructionLimit: 500_000_000 });
  t.is(ours.stdout.toString(), native.stdout.toString());
  t.is(ours.status, 0);
});

test('switch_to keeps each task\'s %gs: a glibc parent survives its child exec\'ing another glibc program (a new TLS)', (t) => {
  const hello = join(dir, 'glibc-hello-3');
  writeFileSync(hello + '.c', '#include <stdio.h>\nint main(void) { printf("glibc child\\n"); return 3; }\n');
  const cc = spawnSync('gcc', ['-m32', '-static', '-O2', hello + '.c', '-o', hello], { encoding: 'utf8' });
  if (cc.status !== 0) return t.fail(cc.stderr);
  const ours = runOnGate86(buildFork(), [hello], { cpu: 'pentium3' });
  t.is(ours.status, 0, ours.trace.filter((l) => l.startsWith('fault')).join('\n'));
  t.regex(ours.stdout.toString(), /^glibc child\nparent: waited for the child: 1, exited 1, status 3\nsecond child killed by signal 11\nno more children: -1\n$/);
});
