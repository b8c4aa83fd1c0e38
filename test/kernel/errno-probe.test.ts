// Issue 9's errno probe: the file-system calls' errors, line by line, the same on gate86 as on the
// oracle — open of a missing file, close of a bad descriptor, open with a bad pointer, and read into
// NULL at end of file, which Linux answers with 0 (it faults only when it copies a byte).
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, linuxOutput, runOnGate86, type QemuDeparture } from './support.ts';

// qemu-i386 checks a read's whole buffer before it reads, so NULL is EFAULT there even at end of file.
const DEPARTURES: readonly QemuDeparture[] = [
  { qemu: /^(?<line>read\(0, NULL, 16\) at end of file +)-1 EFAULT$/m, linux: '$<line>0 ok' },
  { qemu: /^(?<line>read\(pipe, NULL, 1\) at end of file +)-1 EFAULT$/m, linux: '$<line>0 ok' },
];

test(`the errno probe: missing files, bad descriptors, bad pointers, read into NULL at end of file (0, as on Linux) — the same lines as on the oracle (${i386Oracle()}${i386Oracle() === 'qemu-i386' ? ', whose read of NULL at end of file says EFAULT where Linux returns 0' : ''})`, (t) => {
  const program = glibcProgram('glibc-errno-probe');
  const oracleDir = mkdtempSync(join(tmpdir(), 'gate86-errno-'));
  const oracle = runI386Elf(program, [], { cwd: oracleDir, stdin: '' });
  const ourDir = mkdtempSync(join(tmpdir(), 'gate86-errno-'));
  const ours = runOnGate86(program, [], { cwd: ourDir, input: () => 'end' });
  t.is(oracle.status, 0, oracle.stderr);
  t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
  t.is(ours.stdout.toString(), linuxOutput(oracle, DEPARTURES));
  t.regex(ours.stdout.toString(), /^read\(0, NULL, 16\) at end of file +0 ok$/m);
  t.regex(ours.stdout.toString(), /^open\(missing, O_RDONLY\) +-1 ENOENT$/m);
  t.regex(ours.stdout.toString(), /^close\(99\) +-1 EBADF$/m);
  t.regex(ours.stdout.toString(), /^open\(\(char \*\)1, O_RDONLY\) +-1 EFAULT$/m);
});
