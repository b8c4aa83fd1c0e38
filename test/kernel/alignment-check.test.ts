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

// Which fault wins (glibc-fault-order.c): CMPS reads ES:EDI first and MOVS DS:ESI first; each access
// is checked for alignment before its page walk; an x87 m64 or a quadword SIMD operand is one 8-byte
// operand; FXSAVE's area is checked as a dword before its 16-byte #GP and its segment's type, after a
// null segment's #GP. Taken from the host CPU (an
// Intel P6 descendant) where the SDM leaves the order to the implementation.
const ORDER = glibcProgram('glibc-fault-order');
const ORDER_ON_LINUX = [
  'cmpsl, both unmapped                                       SIGSEGV at 0x4560',
  'movsl, both unmapped                                       SIGSEGV at 0x2560',
  'AC cmpsl: esi misaligned unmapped, edi aligned             SIGBUS',
  'AC cmpsl: esi aligned, edi misaligned unmapped             SIGBUS',
  'AC cmpsl: esi misaligned, edi aligned unmapped             SIGSEGV at 0x2560',
  'AC cmpsl: esi aligned unmapped, edi misaligned             SIGBUS',
  'AC movsl: esi misaligned unmapped, edi aligned             SIGBUS',
  'AC movsl: esi aligned, edi misaligned unmapped             SIGBUS',
  'AC movsl: esi misaligned, edi aligned unmapped             SIGBUS',
  'AC movsl: esi aligned unmapped, edi misaligned             SIGSEGV at 0x2560',
  'AC faddl: m64 misaligned unmapped                          SIGBUS',
  'AC faddl: m64 at +4 (dword-aligned, not qword)             SIGBUS',
  'no AC faddl: m64 misaligned unmapped                       SIGSEGV at 0x2565',
  'AC fxsave at +1                                            SIGBUS',
  'AC fxsave %cs: at +1 (CS is not writable)                  SIGBUS',
  'AC fxrstor at +1                                           SIGBUS',
  'AC fxsave at +2                                            SIGBUS',
  'AC fxsave %cs: at +2 (CS is not writable)                  SIGBUS',
  'AC fxrstor at +2                                           SIGBUS',
  'AC fxsave at +4                                            SIGSEGV at (nil)',
  'AC fxsave %cs: at +4 (CS is not writable)                  SIGSEGV at (nil)',
  'AC fxrstor at +4                                           SIGSEGV at (nil)',
  'AC fxsave at +8                                            SIGSEGV at (nil)',
  'AC fxsave %cs: at +8 (CS is not writable)                  SIGSEGV at (nil)',
  'AC fxrstor at +8                                           SIGSEGV at (nil)',
  'AC fxsave %cs: aligned (CS is not writable)                SIGSEGV at (nil)',
  'AC movl %cs: at +1 (the type check first)                  SIGSEGV at (nil)',
  'AC fxrstor %fs: at +1, FS null (the null check first)      SIGSEGV at (nil)',
  '',
].join('\n');

for (const jit of [true, false]) {
  test(`fault order: CMPS reads EDI first, MOVS ESI first, #AC before the page walk of the same access, m64 as one quadword, FXSAVE's dword #AC before its segment checks (${jit ? 'JIT' : '--no-jit'}; as on the host CPU)`, (t) => {
    for (const cpu of ['pentium3', 'pentium4']) {
      const ours = runOnGate86(ORDER, [], { cpu, ...(jit ? {} : { jit: false }) });
      t.is(ours.stdout.toString(), ORDER_ON_LINUX, cpu);
    }
  });
}

test(`fault order against the oracle (${i386Oracle()}): the host CPU gives the expected lines; qemu-i386 agrees on the order of the page faults and has no #AC`, (t) => {
  const oracle = runI386Elf(ORDER);
  const lines = oracle.stdout.toString().split('\n');
  if (oracle.oracle === 'native') t.is(oracle.stdout.toString(), ORDER_ON_LINUX);
  else {
    t.deepEqual(lines.slice(0, 2), ORDER_ON_LINUX.split('\n').slice(0, 2));
    t.regex(lines[2]!, /SIGSEGV at 0x2565$/, 'qemu-i386: the misaligned access faults on its page');
  }
});
