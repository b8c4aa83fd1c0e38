// Name and inode calls against the oracle (issue 9 item 5): rename, renameat2, link, symlink,
// readlinkat, unlinkat, chmod, fchmod, truncate, ftruncate, fsync and sync, each made by its own
// i386 number (test/kernel/glibc-names.c), with their errno paths. Both runs start in a fresh
// empty directory of their own; the program prints nothing the host's file system chooses.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';

test(`name and inode calls print the same lines and status as on the oracle (${i386Oracle()})`, (t) => {
  const program = glibcProgram('glibc-names');
  const oracle = runI386Elf(program, [], { cwd: mkdtempSync(join(tmpdir(), 'gate86-names-')), stdin: '' });
  const ours = runOnGate86(program, [], { cwd: mkdtempSync(join(tmpdir(), 'gate86-names-')), instructionLimit: 200_000_000 });
  t.is(oracle.status, 0, oracle.stderr);
  t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
  t.is(ours.stdout.toString(), oracle.stdout.toString());
  t.regex(ours.stdout.toString(), /^  contents 12: 30 31 32 33 00 00 00 00 00 00 00 00$/m);
});
