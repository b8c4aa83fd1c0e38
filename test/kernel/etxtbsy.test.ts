// ETXTBSY both ways, against the oracle: opening for writing a file some process is executing, and
// executing a file some process holds open for writing (Linux's deny_write_access), then the same
// open once the running copy has exited. One program (test/kernel/glibc-etxtbsy.c) copies itself to
// ./copy and plays both sides with fork, exec and a close-on-exec pipe; no timing is involved.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';

// Under qemu-i386 no program is exec'd by the host kernel as itself: qemu maps it (the first
// program), and the copy its child execs reaches qemu through binfmt_misc, which execs qemu-i386 and
// leaves the copy only mapped by it. So opening either file for writing while it runs succeeds there;
// those two lines are not judged when qemu is the oracle.
const qemuDeparts = /^open\((\/proc\/self\/exe|copy), O_WRONLY\) (of itself|while running) .*\n/gm;

test(`ETXTBSY: open O_WRONLY of a running program's file (the first program's too) and exec of a file open for writing fail, and the open works after the program exits — the same lines as on the oracle (${i386Oracle()}${i386Oracle() === 'qemu-i386' ? '; the two running-file lines not judged' : ''})`, (t) => {
  const program = glibcProgram('glibc-etxtbsy');
  const oracle = runI386Elf(program, [], { cwd: mkdtempSync(join(tmpdir(), 'gate86-etxtbsy-')), stdin: '', followsExec: true });
  const ours = runOnGate86(program, [], { cwd: mkdtempSync(join(tmpdir(), 'gate86-etxtbsy-')), instructionLimit: 200_000_000 });
  t.is(oracle.status, 0, oracle.stderr);
  t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
  const judged = (text: string): string => (i386Oracle() === 'qemu-i386' ? text.replace(qemuDeparts, '') : text);
  t.is(judged(ours.stdout.toString()), judged(oracle.stdout.toString()));
  t.regex(ours.stdout.toString(), /^open\(\/proc\/self\/exe, O_WRONLY\) of itself +-1 ETXTBSY$/m);
  t.regex(ours.stdout.toString(), /^execve\(copy\) while open O_WRONLY +-1 ETXTBSY$/m);
  t.regex(ours.stdout.toString(), /^open\(copy, O_WRONLY\) while running +-1 ETXTBSY$/m);
  t.regex(ours.stdout.toString(), /^open\(copy, O_WRONLY\) after exit +ok$/m);
});
