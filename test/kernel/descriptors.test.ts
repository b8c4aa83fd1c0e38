// Descriptor and path calls against the oracle (issue 9 item 5): dup, dup3, pipe, lseek, readv,
// writev, fchdir, access, faccessat, stat64, lstat64, fstat64 and getdents64, each made by its own
// i386 number (test/kernel/glibc-descriptors.c), with their errno paths. Both runs start in a fresh
// empty directory of their own; the program prints nothing the host's file system chooses.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';

test(`descriptor and path calls print the same lines and status as on the oracle (${i386Oracle()})`, (t) => {
  const program = glibcProgram('glibc-descriptors');
  const oracle = runI386Elf(program, [], { cwd: mkdtempSync(join(tmpdir(), 'gate86-descriptors-')), stdin: '' });
  const ours = runOnGate86(program, [], { cwd: mkdtempSync(join(tmpdir(), 'gate86-descriptors-')), instructionLimit: 200_000_000 });
  t.is(oracle.status, 0, oracle.stderr);
  t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
  t.is(ours.stdout.toString(), oracle.stdout.toString());
  t.regex(ours.stdout.toString(), /^getdents64\(dir\) names: \.\(4\) \.\.\(4\) file\(8\) link\(10\) loop\(10\) sub\(4\)$/m);
});
