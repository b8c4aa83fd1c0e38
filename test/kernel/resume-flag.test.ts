// EFLAGS.RF in the frame of a fault, as a signal handler sees it through the sigcontext: set for a
// fault on P6 and later processors, clear for a trap and on the 486 and Pentium (SDM Vol. 3B
// 17.3.1.1). The host CPU is the oracle for the P6 behaviour; qemu-i386 never sets RF in a fault
// frame (test/differential/caveats.ts), so against it only the trap words are compared, and no
// oracle here is a 486 or a Pentium: those follow the SDM.
import test from 'ava';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { buildTestProgram, runOnGate86 } from './support.ts';

const program = buildTestProgram('resume');
const words = (b: Buffer): number[] => Array.from({ length: b.length / 4 }, (_, i) => b.readInt32LE(i * 4));
/** RF for #UD, #DE, #PF, and #BP as the first instruction after the #PF handler returned. */
const P6_AND_LATER = [1, 1, 1, 0];

test(`a fault's EFLAGS image has RF set on pentium3, pentium4 and athlon-xp, a trap's has not (even right after an IRET that loaded RF): as on the oracle (${i386Oracle()})`, (t) => {
  for (const cpu of ['pentium3', 'pentium4', 'athlon-xp']) {
    const ours = runOnGate86(program, [], { cpu });
    t.is(ours.status, 0, cpu);
    t.deepEqual(words(ours.stdout), P6_AND_LATER, cpu);
  }
  const oracle = runI386Elf(program);
  t.is(oracle.status, 0);
  if (oracle.oracle === 'native') t.deepEqual(words(oracle.stdout), P6_AND_LATER, 'the host CPU');
  else t.deepEqual(words(oracle.stdout).slice(3), P6_AND_LATER.slice(3), 'qemu-i386 (judges the traps only)');
});

test('on the 486 and the Pentium a fault pushes RF clear, as the SDM says (no oracle here is either chip)', (t) => {
  for (const cpu of ['486', 'pentium']) t.deepEqual(words(runOnGate86(program, [], { cpu }).stdout), [0, 0, 0, 0], cpu);
});
