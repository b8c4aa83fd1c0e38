// File-backed mmap against the oracle: MAP_PRIVATE (copy-on-write of the file's pages) and
// MAP_SHARED (one page cache: a write through a mapping is seen by read(2), by another mapping and
// by another process's mapping; msync and munmap write back), SIGBUS past the end, the errors —
// on a host file (hostfs, written back to the host) and on a tmpfs file (the file's own frames
// mapped), the program printing the same as natively.
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runI386Elf, i386Oracle } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';
import { writeCpio, type CpioMember } from '../../kernel/fs/cpio.ts';
import { S_IFCHR, S_IFDIR, S_IFREG } from '../../kernel/fs/inode.ts';

const oracle = i386Oracle();

test(`mmap of a host file, MAP_PRIVATE and MAP_SHARED, seen through read(2), another mapping and another process's, written back by msync and munmap, /proc/self/maps naming it — as natively (${oracle})`, (t) => {
  const program = glibcProgram('glibc-mmap-file');
  const dir = mkdtempSync(join(tmpdir(), 'gate86-mmap-'));
  try {
    const native = runI386Elf(program, [dir, 'maps']);
    t.is(native.status, 0);
    const ours = runOnGate86(program, [dir, 'maps'], { cpu: 'pentium3', instructionLimit: 500_000_000 });
    t.is(ours.stdout.toString(), native.stdout.toString());
    t.is(ours.status, 0);
    t.regex(ours.stdout.toString(), /^maps: 50000000-50002000 rw-s 00001000, the file's device and inode: 1, the path: 1$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A root file system for the program: the program, /tmp, and /dev/zero (no devtmpfs in it). */
function initramfs(program: string): Uint8Array {
  const member = (name: string, mode: number, data = new Uint8Array(0), rdev: [number, number] = [0, 0]): CpioMember =>
    ({ name, mode, uid: 0, gid: 0, mtime: 0, rdevMajor: rdev[0], rdevMinor: rdev[1], data });
  return writeCpio([
    member('tmp', S_IFDIR | 0o1777), member('dev', S_IFDIR | 0o755), member('dev/zero', S_IFCHR | 0o666, undefined, [1, 5]),
    member('mmap-file', S_IFREG | 0o755, new Uint8Array(readFileSync(program))),
  ]);
}

test(`mmap of a tmpfs file (the root an initramfs makes): the same behaviour, the mappings on the file's own frames — as the oracle does it on a host file (${oracle})`, (t) => {
  const program = glibcProgram('glibc-mmap-file');
  const dir = mkdtempSync(join(tmpdir(), 'gate86-mmap-'));
  try {
    const native = runI386Elf(program, [dir]);
    t.is(native.status, 0);
    const ours = runOnGate86(program, ['/tmp'], {
      cpu: 'pentium3', instructionLimit: 500_000_000,
      program: { path: '/mmap-file', argv: ['/mmap-file', '/tmp'], envp: [] },
      initrd: { name: 'mmap.cpio', bytes: initramfs(program) },
    });
    t.is(ours.stdout.toString(), native.stdout.toString());
    t.is(ours.status, 0);
    t.true(ours.log.some((l) => l.startsWith('initramfs: mmap.cpio: ')), 'the root is the tmpfs the archive was unpacked into');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
