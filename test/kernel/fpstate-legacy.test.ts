// sigreturn restores the x87 state a handler changed in the signal frame: from the frame's FNSAVE
// part on a processor without FXSR (the Pentium Pro: Linux 2.6's restore_i387_fsave), from its
// FXSAVE part with FXSR (the Pentium III: restore_i387_fxsave). The program writes both parts where
// both exist (today's host kernel restores x87 state from the FNSAVE header, 2.6 from the FXSAVE
// part), so its output is the oracle's on each model, except the line naming the frame's format.
import test from 'ava';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';

const withoutFormat = (text: string): string => text.replace(/^frame's FPU part: .*\n/m, '');

for (const [cpu, format] of [['pentium-pro', 'FNSAVE only'], ['pentium3', 'FXSAVE']] as const) {
  test(`a handler's change to the frame's x87 state is what sigreturn restores on ${cpu} (${format}), as on the oracle (${i386Oracle()})`, (t) => {
    const program = glibcProgram('glibc-fpstate-legacy');
    const oracle = runI386Elf(program, [], { stdin: '' });
    const ours = runOnGate86(program, [], { cpu, input: () => 'end' });
    t.is(oracle.status, 0, oracle.stderr);
    t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
    t.regex(ours.stdout.toString(), new RegExp(`^frame's FPU part: ${format}$`, 'm'));
    t.is(withoutFormat(ours.stdout.toString()), withoutFormat(oracle.stdout.toString()));
    t.regex(ours.stdout.toString(), /^ST\(0\) after the handler: 2\.5$/m);
  });
}
