// #AC from user space (SDM Vol. 3A 6.15 and 2.5: CR0.AM, EFLAGS.AC, CPL 3): the kernel sets CR0.AM
// at boot as Linux does, so a program that sets AC gets SIGBUS (BUS_ADRALN) for a misaligned dword.
// Judged by the SDM and today's Linux, not by qemu-i386, which has no alignment checking at all
// (its misaligned load succeeds and the last one does not kill). On a host that runs i386 code
// natively the host CPU and kernel are the oracle.
import test from 'ava';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86, SIGNALS } from './support.ts';

const program = glibcProgram('glibc-alignment-check');

const LINUX = [
  'AC after popf: 1',
  'aligned dword at +4: loaded 0x8070605',
  'misaligned dword at +1: SIGBUS si_code 1 (BUS_ADRALN 1) si_addr 0',
  'byte at +3 with AC: 4',
  'misaligned dword without AC: 0x5040302',
  '',
].join('\n');

for (const jit of [true, false]) {
  test(`EFLAGS.AC at CPL 3 with CR0.AM: a misaligned dword is SIGBUS BUS_ADRALN, an aligned one and a byte are not, and without a handler the process dies of SIGBUS (${jit ? 'JIT' : '--no-jit'}; the SDM and Linux's exc_alignment_check: qemu-i386 has no #AC)`, (t) => {
    for (const cpu of ['pentium-pro', 'pentium4', 'athlon-xp']) {
      const ours = runOnGate86(program, [], { cpu, ...(jit ? {} : { jit: false }) });
      t.is(ours.stdout.toString(), LINUX, cpu);
      t.is(ours.signal, SIGNALS.SIGBUS, cpu);
    }
  });
}

test(`the same program against the oracle (${i386Oracle()}): the host CPU and kernel agree; qemu-i386 shows it models no #AC`, (t) => {
  const oracle = runI386Elf(program);
  if (oracle.oracle === 'native') {
    t.is(oracle.stdout.toString(), LINUX);
    t.is(oracle.signal, 'SIGBUS');
  } else {
    t.regex(oracle.stdout.toString(), /misaligned dword at \+1: loaded 0x5040302/, 'qemu-i386 lets it through');
  }
});
