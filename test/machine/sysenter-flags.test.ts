// Fidelity point 2, at the instruction level: what SYSENTER and SYSEXIT do to EFLAGS (SDM Vol. 2B,
// SYSENTER/SYSEXIT "Operation"). SYSENTER clears VM and IF and keeps TF, NT and AC — so a user who set
// TF takes a single-step trap on the kernel's first instruction, the case Linux's debug handler must
// fix (fidelity 3) — and it saves neither EIP nor ESP. SYSEXIT changes no flag at all.
//
// QEMU cannot be the oracle for the trap (see fastcall.test.ts), so this follows the SDM's text. The
// machine here has the system half but no IDT: every exception stops the run and is reported.

import test from 'ava';
import { FlatMachine, type StopReason } from '../../vm/cpu/flat-machine.ts';
import { installSystem } from '../../vm/cpu/system/index.ts';
import { MSR_SYSENTER_CS, MSR_SYSENTER_EIP, MSR_SYSENTER_ESP } from '../../vm/cpu/models.ts';
import { AC, CF, DF, IF, NT, TF } from '../../vm/cpu/flags.ts';
import { CS, SS } from '../../vm/cpu/cpu.ts';

const USER_CODE = 0x1000;
const KERNEL_ENTRY = 0x2000;
const SYSENTER_ESP = 0x9000;

function machineWithSysenter(kernelCode: number[], userCode: number[]): FlatMachine {
  const m = new FlatMachine({ memoryBytes: 1 << 20, cpl: 3, model: 'pentium3' });
  const stopOnEveryEvent = m.cpu.deliverException;
  installSystem(m.cpu);
  m.cpu.deliverException = stopOnEveryEvent;
  m.cpu.msr.set(MSR_SYSENTER_CS, 0x60n);
  m.cpu.msr.set(MSR_SYSENTER_ESP, BigInt(SYSENTER_ESP));
  m.cpu.msr.set(MSR_SYSENTER_EIP, BigInt(KERNEL_ENTRY));
  m.load(USER_CODE, Uint8Array.from(userCode));
  m.load(KERNEL_ENTRY, Uint8Array.from(kernelCode));
  return m;
}

const SYSENTER = [0x0f, 0x34];
const SYSEXIT = [0x0f, 0x35];
const NOP = 0x90;
const INT3 = 0xcc;

test('fidelity 2: SYSENTER clears IF, keeps TF, NT, AC, DF and CF, and saves neither EIP nor ESP', (t) => {
  // TF is set when SYSENTER executes and SYSENTER keeps it, so the single-step trap is taken right
  // after SYSENTER itself: EIP is the kernel entry, whose first instruction has not run, and ESP is
  // still IA32_SYSENTER_ESP. That is the case Linux 2.6's debug handler tests for (saved EIP ==
  // sysenter_entry) before it moves off the tiny TSS stack.
  const m = machineWithSysenter([NOP, NOP], [...SYSENTER]);
  const userEflags = 0x2 | IF | TF | NT | AC | DF | CF;
  m.setRegisters({ eip: USER_CODE, esp: 0x7000, eflags: userEflags, ecx: 0x11, edx: 0x22 });
  const stop: StopReason = m.run(10);
  t.deepEqual(stop, { kind: 'exception', vector: 1, errorCode: null, eip: KERNEL_ENTRY }, 'a #DB trap at the kernel entry, before its first instruction');
  const r = m.registers();
  t.is(r.eflags & IF, 0, 'IF cleared');
  t.is(r.eflags & (TF | NT | AC | DF | CF), TF | NT | AC | DF | CF, 'TF, NT, AC, DF, CF kept');
  t.is(r.esp, SYSENTER_ESP, 'ESP is IA32_SYSENTER_ESP: nothing was pushed');
  t.is(m.cpu.segSelector[CS], 0x60);
  t.is(m.cpu.segSelector[SS], 0x68);
  t.is(r.ecx, 0x11, 'ECX untouched');
  t.is(r.edx, 0x22, 'EDX untouched');
});

test('fidelity 2: SYSEXIT leaves EFLAGS exactly as it was, IF included', (t) => {
  // Kernel: sysexit straight back with whatever flags the kernel had; user: int3 to stop.
  for (const kernelFlags of [0x2, 0x2 | IF, 0x2 | IF | NT | AC | DF | CF]) {
    const m = machineWithSysenter([...SYSEXIT], [...SYSENTER, INT3]);
    m.setRegisters({ eip: USER_CODE, esp: 0x7000, eflags: 0x2 | IF });
    // Enter the kernel, then set the flags the kernel leaves with, as kernel code would.
    t.is(m.run(1).kind, 'limit');
    m.setRegisters({ eflags: kernelFlags, ecx: 0x6000, edx: USER_CODE + SYSENTER.length });
    const stop = m.run(10);
    t.is(stop.kind, 'interrupt', 'back in ring 3 at the int3');
    const r = m.registers();
    t.is(r.eflags & ~0x2, kernelFlags & ~0x2, `EFLAGS ${kernelFlags.toString(16)} unchanged by SYSEXIT`);
    t.is(r.esp, 0x6000, 'ESP = ECX');
    t.is(m.cpu.segSelector[CS], 0x73);
    t.is(m.cpu.segSelector[SS], 0x7b);
  }
});
