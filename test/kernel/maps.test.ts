// /proc/PID/maps (kernel/mm/maps.ts formatMaps) against the oracle's own /proc/self/maps for the
// same static glibc program: its segments (the executable's device, inode and page offsets, the
// RELRO page glibc makes read-only), the bss, the heap, and areas mmap'ed at fixed addresses.
//
// The program reads the file through procfs; the test also prints the address space with
// formatMaps as the program's last system call left it, and the two must agree.
import test from 'ava';
import { runI386Elf, i386Oracle } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';
import { formatMaps } from '../../kernel/mm/maps.ts';
import type { Kernel } from '../../kernel/kernel.ts';

interface MapsLine { start: number; end: number; perms: string; offset: string; device: string; inode: string; path: string }

function parse(text: string): MapsLine[] {
  return text.split('\n').filter((l) => l !== '').map((l) => {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) ([0-9a-f]+) ([0-9a-f]+:[0-9a-f]+) (\d+) *(.*)$/.exec(l);
    if (m === null) throw new Error(`not a maps line: ${JSON.stringify(l)}`);
    return { start: parseInt(m[1]!, 16), end: parseInt(m[2]!, 16), perms: m[3]!, offset: m[4]!, device: m[5]!, inode: m[6]!, path: m[7]! };
  });
}

/** Print lines the way an i386 kernel does: path at column 49, a space after an anonymous area's inode. */
function print(lines: MapsLine[]): string {
  return lines.map((l) => {
    const header = `${l.start.toString(16).padStart(8, '0')}-${l.end.toString(16).padStart(8, '0')} ${l.perms} ${l.offset} ${l.device} ${l.inode} `;
    return l.path === '' ? header : `${header.padEnd(48)} ${l.path}`;
  }).join('\n') + '\n';
}

/** shmem inode numbers count every such object the kernel ever made: not comparable. */
const sameShmem = (lines: MapsLine[]): MapsLine[] => lines.map((l) => (l.path === '/dev/zero (deleted)' ? { ...l, inode: 'N' } : l));

/**
 * What the oracle's maps say an i386 kernel prints. The host is a 64-bit kernel running a 32-bit
 * process: it pads the path to column 73 (sizeof(void *) = 8), puts the stack's top at 0xffffe000
 * (an i386 kernel: 0xc0000000, the 3G/1G split) and maps its vDSO with [vvar] pages below the mmap
 * base, where Linux i386 has the gate page at 0xffffe000, listed last.
 */
function asI386Kernel(native: string): MapsLine[] {
  const lines = parse(native).filter((l) => !['[vvar]', '[vvar_vclock]', '[vdso]'].includes(l.path)).map((l) => {
    if (l.path !== '[stack]') return l;
    const shift = 0xffffe000 - 0xc0000000;
    return { ...l, start: l.start - shift, end: l.end - shift };
  });
  return [...lines, { start: 0xffffe000, end: 0xfffff000, perms: 'r-xp', offset: '00000000', device: '00:00', inode: '0', path: '[vdso]' }];
}

/** The areas the program mmap'ed at fixed addresses: the part of the layout any oracle shares. */
const fixedAreas = (lines: MapsLine[]): MapsLine[] => lines.filter((l) => l.start >= 0x50000000 && l.end <= 0x50500000);

/** What the program read from /proc/self/maps under gate86, and formatMaps of its address space then. */
function gate86Maps(program: string): { read: string; formatted: string } {
  let kernel: Kernel | null = null;
  let maps: string | null = null;
  const run = runOnGate86(program, [], {
    cpu: 'pentium3',
    attach: (k) => { kernel = k; },
    trace: () => {
      const task = kernel?.current;
      if (task) maps = formatMaps(task.space);               // exit_group's line comes with no current task
    },
  });
  if (maps === null) throw new Error('the program made no system call');
  if (run.status !== 0) throw new Error(`the program could not read /proc/self/maps: status ${run.status}`);
  return { read: run.stdout.toString(), formatted: maps };
}

const oracle = i386Oracle();
const title = oracle === 'native'
  ? 'formatMaps prints the same /proc/self/maps as the host kernel for the same static glibc program (segments with the file\'s device, inode and offsets, RELRO, bss, [heap], [stack]\'s size, fixed mmaps), in an i386 kernel\'s columns and places (native)'
  : 'formatMaps prints the same lines as the oracle for the areas mmap\'ed at fixed addresses (qemu-i386 emulates /proc/self/maps with its own layout: no [heap], its stack, no vDSO, so only those lines compare)';
test(title, (t) => {
  const program = glibcProgram('glibc-maps');
  const reference = runI386Elf(program, [], { env: {}, noRandomize: true });
  t.is(reference.status, 0);
  const { read: ours, formatted } = gate86Maps(program);
  t.is(ours, formatted, 'procfs\'s maps is formatMaps');
  t.is(print(parse(ours)), ours, 'every line is in the i386 kernel\'s format');
  if (oracle === 'native') t.is(print(sameShmem(parse(ours))), print(sameShmem(asI386Kernel(reference.stdout.toString()))));
  else t.deepEqual(sameShmem(fixedAreas(parse(ours))), sameShmem(fixedAreas(parse(reference.stdout.toString()))));
});
