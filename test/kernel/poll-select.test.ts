// poll, ppoll, the old select, _newselect and pselect6 against the oracle (issue 9 item 5), each
// made by its own i386 number (test/kernel/glibc-poll-select.c), on pipes whose state the program
// sets itself, with their errno paths and a signal unblocked by the wait's own mask (EINTR).
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';

// qemu-i386 refuses a timeval whose tv_usec is 10^6 with EINVAL; Linux carries the whole second
// out of it and waits. That line is not judged when qemu is the oracle (gate86 is held to Linux).
const qemuDeparts = /^_newselect\(usec 10\^6\) waits 1 s .*\n/m;

test(`poll, ppoll, select, _newselect and pselect6 print the same lines and status as on the oracle (${i386Oracle()}${i386Oracle() === 'qemu-i386' ? '; one timeval line not judged' : ''})`, (t) => {
  const program = glibcProgram('glibc-poll-select');
  const oracle = runI386Elf(program, [], { cwd: mkdtempSync(join(tmpdir(), 'gate86-poll-')), stdin: '' });
  const ours = runOnGate86(program, [], { cwd: mkdtempSync(join(tmpdir(), 'gate86-poll-')), instructionLimit: 400_000_000 });
  t.is(oracle.status, 0, oracle.stderr);
  t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
  const judged = (text: string): string => (i386Oracle() === 'qemu-i386' ? text.replace(qemuDeparts, '') : text);
  t.is(judged(ours.stdout.toString()), judged(oracle.stdout.toString()));
  t.regex(ours.stdout.toString(), /^_newselect\(usec 10\^6\) waits 1 s +0$/m);
  t.regex(ours.stdout.toString(), /^poll\(pipe whose writer closed\) +1 revents 0x10$/m);
});
