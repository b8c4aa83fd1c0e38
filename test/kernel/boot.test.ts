// The kernel booted on gate86's machine: the boot steps of the seeds, both doors into the kernel,
// and programs whose behaviour the i386 oracle (the host, or qemu-i386) defines.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { buildTestProgram, runOnGate86, words, SIGNALS, kernelBytes, NR_SYSCALLS, highestEmptySlot } from './support.ts';
import { runI386Elf, i386Oracle } from '../support/i386-oracle.ts';
import { readKernelImage } from '../../kernel/image.ts';
import { physicalOf } from '../../kernel/mm/ram.ts';
import * as layout from '../../kernel/layout.ts';
import type { Machine } from '../../vm/machine/machine.ts';

const image = readKernelImage(kernelBytes());
const sym = (name: string): number => image.symbols.get(name)!;
const hello = buildTestProgram('priv');                 // `priv s`: one getpid by int $0x80, exit 0

test('boot log: CPU, GDT, IDT gate 0x80, the three wrmsr with their values, the vsyscall page — on pentium3', (t) => {
  const r = runOnGate86(hello, ['s'], { cpu: 'pentium3' });
  t.is(r.status, 0);
  const tssEnd = sym('init_tss') + layout.TSS_SIZE;
  t.deepEqual(r.log.slice(0, 7), [
    'IDT: exceptions 0-18, IRQs 0x20-0x2f, vector 0x80 = system_call (trap gate, DPL 3)',
    'GDT: __KERNEL_CS 0x60 __KERNEL_DS 0x68 __USER_CS 0x73 __USER_DS 0x7b (entries 12-15)',
    'CPU: GenuineIntel family 6 model 7 stepping 2; SEP usable ((family<<8|model<<4|stepping) = 0x672 >= 0x633)',
    'vsyscall: linux-gate.so.1 mapped at 0xffffe000 (user, read-only) with the sysenter stub; __kernel_vsyscall at 0xffffe400',
    'wrmsr 0x174 (IA32_SYSENTER_CS) = 0x60',
    `wrmsr 0x175 (IA32_SYSENTER_ESP) = 0x${tssEnd.toString(16)}`,
    `wrmsr 0x176 (IA32_SYSENTER_EIP) = 0x${sym('sysenter_entry').toString(16)}`,
  ].sort((a, b) => order(a) - order(b)));
});
/** The boot order: GDT, IDT, CPU, vsyscall, wrmsr. */
function order(line: string): number { return ['GDT', 'IDT', 'CPU', 'vsy', 'wrm'].indexOf(line.slice(0, 3)); }

test('fidelity 3: the MSRs and the TSS after boot — SYSENTER_ESP = tss.esp1 = the TSS end, ss1 = __KERNEL_CS', (t) => {
  let machine: Machine | null = null;
  runOnGate86(hello, ['s'], { cpu: 'pentium4', inspect: (m) => { machine = m; } });
  const m = machine as Machine | null;
  if (m === null) return t.fail('no machine');
  const tss = physicalOf(sym('init_tss'));
  const tssEnd = sym('init_tss') + layout.TSS_SIZE;
  t.is(m.cpu.msr.get(layout.MSR_IA32_SYSENTER_CS), 0x60n);
  t.is(m.cpu.msr.get(layout.MSR_IA32_SYSENTER_ESP), BigInt(tssEnd));
  t.is(m.cpu.msr.get(layout.MSR_IA32_SYSENTER_EIP), BigInt(sym('sysenter_entry')));
  t.is(m.memory.read32(tss + layout.TSS_ESP1), tssEnd);
  t.is(m.memory.read32(tss + layout.TSS_SS1), layout.__KERNEL_CS);
  t.is(m.memory.read32(tss + layout.TSS_ESP0), sym('init_thread_union') + layout.THREAD_SIZE);
  // fidelity 12: IDT gate 0x80 is a 32-bit trap gate, DPL 3, to system_call; 0x81 is DPL 0.
  const idt = physicalOf(sym('idt_table'));
  const gate = (v: number): [number, number] => [m.memory.read32(idt + v * 8), m.memory.read32(idt + v * 8 + 4)];
  const [low, high] = gate(0x80);
  t.is(high & 0xffff, 0xef00);
  t.is(((high & 0xffff0000) | (low & 0xffff)) >>> 0, sym('system_call'));
  t.is(low >>> 16, layout.__KERNEL_CS);
  t.is(gate(0x81)[1] & 0xffff, 0x8e00);
});

test('fidelity 4: the SEP verdict and the stub per CPU model (Linux 2.6.0\'s rule)', (t) => {
  const which = buildWhichStub();
  const expected: Record<string, string> = {
    pentium2: 'sysenter', pentium3: 'sysenter', pentium4: 'sysenter', 'athlon-xp': 'sysenter', 'pentium-pro': 'int $0x80',
    '486': 'int $0x80', pentium: 'int $0x80',
  };
  for (const [cpu, stub] of Object.entries(expected)) {
    const r = runOnGate86(which, [], { cpu });
    t.is(r.status, 0, cpu);
    t.true(r.log.some((l) => l.includes(`with the ${stub} stub`)), `${cpu}: ${r.log.join(' | ')}`);
    t.regex(r.stdout.toString(), new RegExp(`__kernel_vsyscall at 0xffffe400: the ${stub === 'sysenter' ? 'sysenter' : 'int \\$0x80'} stub`), cpu);
    t.is(r.log.some((l) => l.startsWith('wrmsr')), stub === 'sysenter', `${cpu}: wrmsr only when SEP survives`);
  }
  const pro = runOnGate86(which, [], { cpu: 'pentium-pro' });
  t.true(pro.log.some((l) => l.includes('family 6 model 1 stepping 9; SEP not usable ((family<<8|model<<4|stepping) = 0x619 < 0x633)')));
});

let whichStub: string | null = null;
function buildWhichStub(): string {
  whichStub ??= buildTestProgram('which');
  return whichStub;
}

test('fidelity 8: NR_syscalls, 0x80000000, 0xffffffff and an empty slot below NR_syscalls return -ENOSYS through int $0x80 and sysenter', (t) => {
  const program = buildTestProgram('badnr', { NR_TEST: String(NR_SYSCALLS), NR_EMPTY: String(highestEmptySlot()) });
  const ours = runOnGate86(program, [], { cpu: 'pentium3' });
  t.is(ours.status, 0);
  t.deepEqual(words(ours.stdout), Array(8).fill(-layout.ENOSYS));
  // The oracle agrees on the two numbers no kernel will ever have.
  const native = runI386Elf(program);
  t.deepEqual(words(native.stdout).slice(2, 6), words(ours.stdout).slice(2, 6), `oracle: ${i386Oracle()}`);
});

test('registers other than EAX survive a call through either door (pentium3: sysenter; pentium-pro: int $0x80)', (t) => {
  const program = buildTestProgram('regs');
  for (const cpu of ['pentium3', 'pentium-pro', 'athlon-xp']) t.is(runOnGate86(program, [], { cpu }).status, 0, cpu);
  t.is(runI386Elf(program).status, 0, `oracle: ${i386Oracle()}`);
});

test('bad user pointers give -EFAULT on both doors, as on the oracle', (t) => {
  const program = buildTestProgram('efault');
  const ours = runOnGate86(program, [], { cpu: 'pentium3' });
  t.deepEqual(words(ours.stdout), Array(8).fill(-layout.EFAULT));
  t.deepEqual(words(runI386Elf(program).stdout), words(ours.stdout), `oracle: ${i386Oracle()}`);
});

test(`fidelity 12: cli, hlt, wrmsr, int $0x81, divide by zero, int3 and a NULL store kill the process with the oracle's signal (${i386Oracle()}); int $0x80 works; vmcall at CPL 3 is #UD -> SIGILL as the SDM says (the oracle here may be a virtual machine whose hypervisor answers VMCALL itself)`, (t) => {
  const program = buildTestProgram('priv');
  for (const which of ['c', 'h', 'w', 'i', 'd', 'b', 'p', 's']) {
    const ours = runOnGate86(program, [which], { cpu: 'pentium3' });
    const native = runI386Elf(program, [which]);
    t.is(ours.status, native.status, which);
    t.is(ours.signal, native.signal === null ? null : SIGNALS[native.signal], `${which}: oracle ${i386Oracle()} says ${native.signal}`);
  }
  // VMCALL outside VMX operation is #UD (SDM Vol. 2C VMCALL, "Protected Mode Exceptions"). A host that
  // is itself a guest of a hypervisor is not a faithful i386 here: KVM answers it (the program goes on
  // and exits 0) and some hypervisors inject #GP (SIGSEGV). So the SDM decides, and the oracle's
  // answer is only reported.
  const vmcall = runOnGate86(program, ['v'], { cpu: 'pentium3' });
  t.is(vmcall.signal, SIGNALS.SIGILL, 'vmcall at CPL 3');
  const host = runI386Elf(program, ['v']);
  t.log(`vmcall at CPL 3 on ${i386Oracle()}: ${host.signal ?? `exit ${host.status}`} (the SDM says SIGILL)`);
  const int81 = runOnGate86(program, ['i'], { cpu: 'pentium3' });
  t.true(int81.trace.some((l) => l.startsWith('fault general_protection') && l.includes(`error 0x${(0x81 * 8 + 2).toString(16)}`)), int81.trace.join('\n'));
});

test('fidelity 7: a bad sixth-argument pointer in EBP gives -EFAULT through the range check and through the __ex_table fixup (no oops)', (t) => {
  const program = buildTestProgram('sixth');
  for (const [which, cr2] of [['k', '0xc0000000'], ['u', '0x1000']]) {
    const r = runOnGate86(program, [which!], { cpu: 'pentium3' });
    t.is(r.signal, 11, `${which}: ${r.result.kind === 'stopped' ? r.result.message : ''}`);
    // The kernel returned -EFAULT to SYSENTER_RETURN; the vsyscall page's `pop %ebp` then faulted in user mode.
    t.true(r.trace.some((l) => l === `fault page_fault at 0xffffe410 error ${which === 'k' ? '0x5' : '0x4'} cr2 ${cr2} eax 0xfffffff2 -> signal 11`), r.trace.join('\n'));
  }
});

// User code sets TF with popf right before SYSENTER: the #DB comes after SYSENTER, at CPL 0, on the
// TSS's 256-byte stack. entry.S's `debug` must switch to tss.esp0 and report sysenter_past_esp.
test('fidelity 3: a single-step #DB on sysenter_entry\'s first instruction is moved to the real kernel stack', (t) => {
  const r = runOnGate86(buildTestProgram('tf'), [], { cpu: 'pentium3' });
  t.is(r.status, 0);
  const stack = sym('init_thread_union');
  const line = r.trace.find((l) => l.startsWith('fault debug in the kernel'));
  t.truthy(line);
  const [, eip, regs] = /at 0x([0-9a-f]+), pt_regs at 0x([0-9a-f]+)/.exec(line ?? '') ?? [];
  t.is(parseInt(eip ?? '0', 16), sym('sysenter_past_esp'));
  const frame = parseInt(regs ?? '0', 16);
  t.true(frame >= stack && frame < stack + layout.THREAD_SIZE, 'pt_regs on the kernel stack, not the TSS');
});

test('fidelity 11: the program starts with every register but ESP zero and EFLAGS 0x202 (both doors\' CPUs)', (t) => {
  const program = buildTestProgram('startregs');
  for (const cpu of ['pentium3', 'pentium-pro']) t.is(runOnGate86(program, [], { cpu }).status, 0, cpu);
});

test('fidelity 9: iopl edits pt_regs, so even a sysenter call leaves through iret (the new IOPL lets ring 3 run cli)', (t) => {
  const program = buildTestProgram('iopl');
  const root0 = { credentials: { uid: 0, gid: 0 } };
  const run = (args: string[], cpu: string) => runOnGate86(program, args, { cpu, program: { path: program, image: new Uint8Array(readFileSync(program)), argv: [program, ...args], envp: [], ...root0 } });
  for (const cpu of ['pentium3', 'pentium-pro']) {
    const raised = run([], cpu);
    t.is(raised.status, 0, `${cpu}: ${raised.trace.join('\n')}`);
    t.true(raised.trace.some((l) => l.startsWith('syscall 110 iopl(0x3') && l.endsWith(cpu === 'pentium3' ? '[sysenter]' : '[int $0x80]')));
    t.is(run(['0'], cpu).signal, 11, `${cpu}: iopl(0) keeps cli privileged`);
  }
  const user = runOnGate86(program, [], { cpu: 'pentium3', program: { path: program, image: new Uint8Array(readFileSync(program)), argv: [program], envp: [], credentials: { uid: 1000, gid: 1000 } } });
  t.is(user.status, 256 - 1, 'iopl(3) without privilege: -EPERM');
});

test('fidelity 5, 9: handlers without SA_RESTORER return through __kernel_rt_sigreturn / __kernel_sigreturn, and sigreturn restores every register', (t) => {
  const program = buildTestProgram('sigtramp');
  for (const cpu of ['pentium3', 'pentium-pro']) {
    const r = runOnGate86(program, [], { cpu });
    t.is(r.status, 0, `${cpu}: ${r.trace.filter((l) => !l.includes('rt_sigaction')).join('\n')}`);
    t.true(r.trace.some((l) => l.startsWith('syscall 173 rt_sigreturn(') && l.endsWith('[int $0x80]')), cpu);
    t.true(r.trace.some((l) => l.startsWith('syscall 119 sigreturn(') && l.endsWith('[int $0x80]')), cpu);
  }
});
