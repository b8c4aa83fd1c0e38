// The siginfo of a user-mode exception's signal (glibc-trap-siginfo.c): FPE_INTDIV and ILL_ILLOPN
// at the faulting instruction for #DE and #UD, a bare SI_KERNEL with si_addr 0 for #BP, #OF and #GP,
// as Linux's traps.c sends them (gate86 used to give every trap si_addr = EIP). qemu-i386 reports a
// store through CS as SEGV_MAPERR (si_code 1); where it is the only oracle the expectation is the
// host CPU's output, kept here.
import test from 'ava';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';

const program = glibcProgram('glibc-trap-siginfo');

const ON_LINUX = [
  'divl by zero (#DE)                   signal 8, si_code 1, si_addr the faulting instruction',
  'ud2 (#UD)                            signal 4, si_code 2, si_addr the faulting instruction',
  'int3 (#BP)                           signal 5, si_code 128, si_addr 0',
  'into with OF set (#OF)               signal 11, si_code 128, si_addr 0',
  'hlt at CPL 3 (#GP)                   signal 11, si_code 128, si_addr 0',
  'a store through CS (#GP)             signal 11, si_code 128, si_addr 0',
  '',
].join('\n');

test(`a trap's siginfo: FPE_INTDIV and ILL_ILLOPN at the instruction, SI_KERNEL and no address for #BP, #OF, #GP (oracle ${i386Oracle()}${i386Oracle() === 'qemu-i386' ? ': held to the lines native Linux printed' : ''})`, (t) => {
  const oracle = runI386Elf(program).stdout.toString();
  if (i386Oracle() === 'native') t.is(oracle, ON_LINUX, 'the host');
  else t.is(oracle.split('\n').slice(0, 5).join('\n'), ON_LINUX.split('\n').slice(0, 5).join('\n'), 'qemu-i386, but for the store through CS');
  for (const cpu of ['pentium3', 'pentium4']) t.is(runOnGate86(program, [], { cpu }).stdout.toString(), ON_LINUX, cpu);
});
