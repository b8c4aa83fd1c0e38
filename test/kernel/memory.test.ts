// Virtual memory against the oracle: copy-on-write fork, stack growth to RLIMIT_STACK, mremap,
// partial munmap, mprotect, madvise, MAP_SHARED anonymous memory, malloc until ENOMEM.
import test from 'ava';
import { runI386Elf, i386Oracle } from '../support/i386-oracle.ts';
import { glibcProgram, linuxOutput, runOnGate86, type QemuDeparture } from './support.ts';
import type { Kernel } from '../../kernel/kernel.ts';

/** qemu-i386 (7.2) lets mprotect succeed on a range where nothing is mapped. */
const QEMU_DEPARTURES: QemuDeparture[] = [
  { qemu: 'mprotect of an unmapped range: 0 -\n', linux: 'mprotect of an unmapped range: -1 ENOMEM\n' },
];
const departs = i386Oracle() === 'qemu-i386' ? '; qemu-i386 departs from Linux: its mprotect of an unmapped range succeeds, Linux\'s ENOMEM expected' : '';

test(`memory: COW fork of 64 MiB, an ~8 MiB stack, mremap, munmap of part, mprotect, madvise, MAP_SHARED, malloc to ENOMEM — as natively (${i386Oracle()}${departs})`, (t) => {
  const program = glibcProgram('glibc-memory');
  const native = runI386Elf(program);
  t.is(native.status, 0);
  let kernel: Kernel | null = null;
  const marks: { line: string; allocations: number }[] = [];
  const ours = runOnGate86(program, [], {
    cpu: 'pentium3', memoryMiB: 256, instructionLimit: 500_000_000,
    attach: (k) => { kernel = k; },
    trace: (line) => { if (kernel !== null) marks.push({ line, allocations: kernel.frames.allocations }); },
  });
  t.is(ours.stdout.toString(), linuxOutput(native, QEMU_DEPARTURES));
  t.is(ours.status, 0);
  // The fork's cost in frames, from just before clone to the parent's wait4 returning: the child's
  // page tables and the one page its write copied — not the 16384 pages of the 64 MiB.
  const clone = marks.findIndex((m) => m.line.startsWith('syscall 120 clone('));
  const waited = marks.findIndex((m, i) => i > clone && /^syscall 114 wait4\(.* = \d+ /.test(m.line));
  const frames = marks[waited]!.allocations - marks[clone - 1]!.allocations;
  t.log(`fork of a 64 MiB process whose child writes one page: ${frames} frames allocated (a full copy: 16384)`);
  t.true(frames < 64, `${frames} frames`);
});
