// RLIMIT_AS, RLIMIT_DATA and RLIMIT_STACK enforced (issue 14). Not differential: qemu-i386 answers
// setrlimit for these three with success and sets nothing (linux-user/syscall.c: the limits would
// bind QEMU's own allocations), so on it every mmap below succeeds. The lines expected are Linux
// 2.6's, checked by hand against its source: may_expand_vm in do_mmap_pgoff, do_brk, mremap's
// growth and acct_stack_growth (RLIMIT_AS); sys_brk's brk - start_data (RLIMIT_DATA: 2.6 leaves
// mmap alone, so glibc's malloc goes on in mmap'ed memory — since Linux 4.7 private writable mmaps
// count too); acct_stack_growth's size (RLIMIT_STACK), exec's quarter of it for the arguments
// (2.6.23's get_arg_page) and arch_pick_mmap_layout's mmap_base (TASK_SIZE less the limit, at least
// 128 MiB; an unlimited stack is the legacy layout, mmap up to the stack).
import test from 'ava';
import { i386Oracle, runI386Elf } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';

const LINUX_2_6 = `AS +64 MiB: mmap 32 MiB                          ok
  mmap 40 MiB more                               -1 ENOMEM
  mmap 16 MiB more                               ok
  mremap the 16 MiB to 40 MiB                    -1 ENOMEM
  mremap the 16 MiB to 24 MiB                    ok
  sbrk(16 MiB)                                   -1 ENOMEM
  MAP_FIXED 8 MiB over the 24 MiB                ok
  after munmap of the 32 MiB: sbrk(16 MiB)       ok
RLIMIT_AS: exit 0
AS +256 MiB: malloc(1 MiB) until NULL: errno ENOMEM, between 248 and 256 MiB: 1
  and the process goes on: malloc(100) works
malloc under RLIMIT_AS: exit 0
STACK 1 MiB: recursion of 4 KiB frames: killed by SEGV
  the stack reached between 1 MiB - 16 KiB and 1 MiB: 1
AS +256 KiB: the same recursion: killed by SEGV
  the stack grew between 192 KiB and 256 KiB below its area: 1
DATA 1 MiB: sbrk(2 MiB)                          -1 ENOMEM
  sbrk(512 KiB)                                  ok
  malloc(64 KiB) 64 times, glibc going to mmap when brk fails: 64 succeed
  the break stayed within 1 MiB of the data segment: 1
RLIMIT_DATA: exit 0
STACK 64 KiB: exec with 20 KiB of arguments: -1 E2BIG
  exec'd with 8 KiB of arguments: runs
exec's argument limit: exit 0
STACK 8 MiB (the default) at exec:
  64 MiB mmaps until ENOMEM: the highest ends at 0xb8000000
mmap's room: exit 0
STACK 1 GiB at exec:
  64 MiB mmaps until ENOMEM: the highest ends at 0x80000000
mmap's room: exit 0
STACK unlimited at exec (2.6's legacy layout):
  64 MiB mmaps until ENOMEM: the highest ends at 0xbc000000
mmap's room: exit 0
`;

test('RLIMIT_AS (mmap, mremap, brk, the stack; malloc ends with NULL, not a kill), RLIMIT_DATA (brk only), RLIMIT_STACK (the stack faults at it, exec\'s arguments, mmap\'s room) — Linux 2.6\'s lines, hand-checked: qemu-i386 ignores these three limits', (t) => {
  const program = glibcProgram('glibc-memory-limits');
  const ours = runOnGate86(program, [], { memoryMiB: 512, instructionLimit: 4_000_000_000 });
  t.is(ours.status, 0, ours.result.kind === 'stopped' ? ours.result.message : ours.trace.slice(-5).join('\n'));
  t.is(ours.stdout.toString(), LINUX_2_6);
  const next = runOnGate86(glibcProgram('glibc-rlimit'), [], { input: () => 'end' });
  t.is(next.status, 0, 'the next run works');
});

(i386Oracle() === 'qemu-i386' ? test : test.skip)('qemu-i386 pretends to set RLIMIT_AS: the mmap Linux refuses succeeds there (why the test above is not differential; skipped on a native oracle)', (t) => {
  const oracle = runI386Elf(glibcProgram('glibc-memory-limits'));
  t.regex(oracle.stdout.toString(), /^ {2}mmap 40 MiB more +ok$/m);
});
