// Ring-boundary behaviour that differs between CPU models, checked against the SDM and the chips'
// documentation rather than QEMU (which runs SYSENTER on every model, accepts IA32_SYSENTER_CS = 3,
// and has no Pentium Pro or Athlon XP): test/kernels/fastcall.c performs each step and prints the
// outcome; the table below says what each model must print, and why.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { buildKernel, runGate86 } from './support/kernels.ts';
import { runKernelSync } from '../../vm/machine/run-sync.ts';
import { EAX, type Cpu } from '../../vm/cpu/cpu.ts';

const UD = '  -> vector 06 error=00000000';
const GP0 = '  -> vector 0d error=00000000';
const OK = '  -> ok';
const SYSENTERED = '  -> ring 0: cs=0060 ss=0068';

interface Model {
  /** WRMSR of IA32_SYSENTER_* (absent before the Pentium II: #GP; no WRMSR at all on the 486: #UD). */
  sysenterMsrs: string;
  /** SYSENTER from ring 3 with the MSRs set. */
  sysenter: string;
  /** WRMSR of STAR and EFER (AMD only). */
  amdMsrs: string;
  /** SYSCALL with EFER.SCE set. */
  syscall: string[];
}

const models: Record<string, Model> = {
  // No RDMSR/WRMSR on the i486 (introduced with the Pentium): every MSR step is #UD.
  '486': { sysenterMsrs: UD, sysenter: UD, amdMsrs: UD, syscall: [UD] },
  // The Pentium has MSRs but not the SYSENTER ones, and no SEP: SYSENTER is an invalid opcode.
  pentium: { sysenterMsrs: GP0, sysenter: UD, amdMsrs: GP0, syscall: [UD] },
  // The Pentium Pro reports SEP in CPUID, but SYSENTER raises #UD: why Linux checks the signature.
  'pentium-pro': { sysenterMsrs: GP0, sysenter: UD, amdMsrs: GP0, syscall: [UD] },
  pentium3: { sysenterMsrs: OK, sysenter: SYSENTERED, amdMsrs: GP0, syscall: [UD] },
  // The Athlon XP has both SYSENTER and (with EFER.SCE) SYSCALL; SYSRET returns to STAR[63:48]|3.
  'athlon-xp': {
    sysenterMsrs: OK, sysenter: SYSENTERED, amdMsrs: OK,
    syscall: [SYSENTERED, '  -> ecx=return address: yes', '  -> back in ring 3 after sysret: cs=0073 ss=007b'],
  },
};

function expected(m: Model): string {
  const works = m.sysenterMsrs === OK;
  return [
    'fastcall test',
    'wrmsr IA32_SYSENTER_CS=0x60, ESP, EIP', m.sysenterMsrs, ...(works ? [] : [m.sysenterMsrs]),
    'ring 3: sysenter', m.sysenter,
    'wrmsr IA32_SYSENTER_CS=3', m.sysenterMsrs,
    // SDM: #GP(0) if IA32_SYSENTER_CS[15:2] = 0, whatever the RPL bits hold.
    'ring 3: sysenter with IA32_SYSENTER_CS=3', works ? GP0 : m.sysenter,
    'ring 3: vmcall', UD, // VMCALL at CPL 3 is #UD
    'ring 0: vmcall', UD, // no host hook installed: #UD, as on a CPU outside VMX operation
    'wrmsr STAR (kernel CS 0x60, user CS 0x73)', m.amdMsrs,
    'ring 3: syscall with EFER.SCE clear', UD,
    'wrmsr EFER.SCE=1', m.amdMsrs,
    'ring 3: syscall', ...m.syscall,
    'done', '',
  ].join('\n');
}

for (const [cpu, model] of Object.entries(models)) {
  test(`fastcall on ${cpu}: SYSENTER, VMCALL, SYSCALL as the SDM/APM and the chip define them`, (t) => {
    const r = runGate86(buildKernel('fastcall'), { cpu });
    t.is(r.message, null);
    t.is(r.output, expected(model));
    t.is(r.status, 1);
  });
}

test('VMCALL at CPL 0 calls the host hook with EIP past the instruction; at CPL 3 it stays #UD', (t) => {
  const calls: number[] = [];
  const r = runKernelSync(readFileSync(buildKernel('fastcall')), 'fastcall.elf', {
    cpu: 'pentium3',
    setup: (machine) => {
      machine.system.onVmcall = (cpu: Cpu) => { calls.push(cpu.eip >>> 0); cpu.regs[EAX] = 0x1234; };
    },
  });
  const text = Buffer.from(r.output).toString('latin1');
  t.regex(text, /ring 3: vmcall\n  -> vector 06 error=00000000\nring 0: vmcall\n  -> returned\n/);
  t.is(calls.length, 1, 'the hook ran once: for the ring-0 VMCALL only');
  t.is(r.status, 1);
});
