// The Pintos userprog robustness tests, ported to the Linux i386 ABI (issue 14 item 2): each case of
// test/kernel/robustness/pintos-userprog.c is one process, run on the oracle and on gate86, and the
// two must end the same way (exit status, or the signal that killed it) with the same output.
// Cases that make system calls run through both doors: inline `int $0x80`, and __kernel_vsyscall
// found through AT_SYSINFO (sysenter on gate86; the host's vDSO natively). qemu-i386 7.2 gives a
// program no AT_SYSINFO, so with qemu as the oracle the vsyscall door is judged against the oracle's
// int $0x80 run: the kernel must answer the same whichever door the call came through.
import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { i386Oracle, runI386Elf, type I386Run } from '../../support/i386-oracle.ts';
import { glibcProgram, linuxOutput, root, runOnGate86, SIGNALS, type Gate86Run, type QemuDeparture } from '../support.ts';

type Door = 'int80' | 'vsyscall';

interface Case {
  name: string;
  /** What Pintos checks, and what Linux answers instead. */
  says: string;
  /** Where the vsyscall door makes it a different case. */
  saysThroughVsyscall?: string;
  /** The doors it goes through: a case that makes no system call under test runs once. */
  doors: readonly Door[];
  /** Where qemu-i386 departs from Linux in this case's output (the oracle's text is mapped back). */
  qemu?: readonly QemuDeparture[];
}

/** A program that qemu-i386 execs runs on whatever the host gives an i386 ELF: natively here (then
 *  its own file is ETXTBSY, as on Linux), under qemu-i386 through binfmt_misc on a host that cannot
 *  (then qemu maps the file itself, and opening it for writing works). Either is Linux's line. */
const ROX_CHILDREN: readonly QemuDeparture[] = [
  { qemu: /^(child-rox \d: open\(itself, O_WRONLY\)(?: again)? +)(?:0|-1 ETXTBSY)$/gm, linux: '$1-1 ETXTBSY' },
];

const BOTH: readonly Door[] = ['int80', 'vsyscall'];
const NONE: readonly Door[] = ['int80'];

const CASES: readonly Case[] = [
  {
    name: 'sc-bad-sp', says: 'ESP 64 MiB below the code at int $0x80: write still runs, the next push is a SIGSEGV that kills even with a handler', doors: BOTH,
    saysThroughVsyscall: "ESP 64 MiB below the code at the jump to __kernel_vsyscall: its first push is a SIGSEGV that kills even with a handler, nothing is written",
  },
  {
    name: 'sc-bad-sp-kernel', says: 'ESP at a kernel address at int $0x80: the same', doors: BOTH,
    saysThroughVsyscall: 'ESP at a kernel address at the jump to __kernel_vsyscall: the same',
  },
  { name: 'sc-bad-arg', says: 'kernel and NULL pointers to write/read/uname/time/pipe: EFAULT, nothing consumed', doors: BOTH },
  { name: 'sc-bad-num', says: 'system call numbers -1, 1000, 0x7fffffff, 0x80000014: ENOSYS', doors: BOTH },
  { name: 'sc-boundary', says: "the old select's argument block across two mapped pages: it runs", doors: BOTH },
  { name: 'sc-boundary-2', says: 'the block\'s last word on an unmapped page: EFAULT', doors: BOTH },
  { name: 'sc-boundary-3', says: 'the block\'s first word across the edge: EFAULT', doors: BOTH },
  { name: 'bad-read', says: 'reading NULL: SIGSEGV SEGV_MAPERR at 0, death without a handler', doors: NONE },
  { name: 'bad-write', says: 'writing NULL: the same', doors: NONE },
  { name: 'bad-read2', says: 'reading a kernel address: SEGV_MAPERR, as Linux gives for the kernel half', doors: NONE },
  { name: 'bad-write2', says: 'writing a kernel address: the same', doors: NONE },
  { name: 'bad-jump', says: 'calling NULL: SIGSEGV at 0', doors: NONE },
  { name: 'bad-jump2', says: 'calling a kernel address: SIGSEGV at that address', doors: NONE },
  { name: 'create-normal', says: 'creat: the lowest free descriptor', doors: BOTH },
  { name: 'create-empty', says: 'creat(""): ENOENT', doors: BOTH },
  { name: 'create-null', says: 'creat(NULL): EFAULT', doors: BOTH },
  { name: 'create-bad-ptr', says: 'creat(wild pointer): EFAULT', doors: BOTH },
  { name: 'create-long', says: 'a 511-byte name, a 4999-byte path: ENAMETOOLONG', doors: BOTH },
  { name: 'create-exists', says: 'creat twice works, O_EXCL: EEXIST', doors: BOTH },
  { name: 'create-bound', says: 'a name across two mapped pages: created', doors: BOTH },
  { name: 'create-bound-2', says: 'a name running into an unmapped page: EFAULT, nothing created', doors: BOTH },
  { name: 'open-normal', says: 'open: a descriptor', doors: BOTH },
  { name: 'open-missing', says: 'ENOENT', doors: BOTH },
  { name: 'open-boundary', says: 'a name across two mapped pages opens; one running into an unmapped page: EFAULT', doors: BOTH },
  { name: 'open-empty', says: 'open(""): ENOENT', doors: BOTH },
  { name: 'open-null', says: 'open(NULL): EFAULT', doors: BOTH },
  { name: 'open-bad-ptr', says: 'open(wild pointer): EFAULT', doors: BOTH },
  { name: 'open-twice', says: 'two opens, two descriptors', doors: BOTH },
  { name: 'read-normal', says: 'read, then 0 at the end', doors: BOTH },
  { name: 'read-bad-ptr', says: 'into a kernel, unmapped or NULL buffer: EFAULT, the offset unmoved', doors: BOTH },
  { name: 'read-boundary', says: 'into a buffer across two mapped pages: all of it', doors: BOTH },
  {
    name: 'read-boundary-2', says: 'into a buffer running into an unmapped page: a pipe gives EFAULT and keeps its bytes, a file the bytes that fit', doors: BOTH,
    // qemu-i386 checks the whole buffer before the host's read, so the file's short count is an EFAULT there.
    qemu: [
      { qemu: /^read\(file, 10 bytes before an unmapped page, 20\) +-1 EFAULT$/m, linux: 'read(file, 10 bytes before an unmapped page, 20)     10 "0123456789"' },
      { qemu: /^read\(file, buffer, 32\): the rest +20 "0123456789abcdefghij"$/m, linux: 'read(file, buffer, 32): the rest                     10 "abcdefghij"' },
    ],
  },
  { name: 'read-zero', says: 'a count of 0: 0, whatever the buffer', doors: BOTH },
  { name: 'read-stdout', says: 'from a write-only descriptor: EBADF', doors: BOTH },
  { name: 'read-bad-fd', says: 'bad descriptors: EBADF; a directory: EISDIR', doors: BOTH },
  { name: 'write-normal', says: 'write, read back', doors: BOTH },
  { name: 'write-bad-ptr', says: 'from a kernel, unmapped or NULL buffer: EFAULT, nothing written', doors: BOTH },
  { name: 'write-boundary', says: 'from a buffer across two mapped pages: all of it', doors: BOTH },
  { name: 'write-boundary-2', says: 'to a pipe from a buffer running into an unmapped page: EFAULT, nothing written', doors: BOTH },
  { name: 'write-zero', says: 'a count of 0: 0', doors: BOTH },
  { name: 'write-stdin', says: 'to a read-only descriptor: EBADF', doors: BOTH },
  { name: 'write-bad-fd', says: 'bad descriptors: EBADF', doors: BOTH },
  { name: 'close-normal', says: 'close: 0', doors: BOTH },
  { name: 'close-twice', says: 'the second close: EBADF', doors: BOTH },
  { name: 'close-stdin', says: 'close(0) works, a read of 0 is EBADF, the next open takes 0', doors: BOTH },
  { name: 'close-bad-fd', says: 'EBADF', doors: BOTH },
  { name: 'exec-missing', says: 'execve of a missing file: ENOENT (a directory: EACCES), the program goes on', doors: BOTH },
  { name: 'exec-bad-ptr', says: 'wild path, argv, argv[1], envp[0]: EFAULT, the program goes on', doors: BOTH },
  { name: 'exec-arg', says: 'the child gets its arguments and environment, exits 81', doors: BOTH },
  { name: 'exec-bound', says: 'argv and a string across two mapped pages: the child gets them', doors: BOTH },
  { name: 'exec-bound-2', says: 'a path running into an unmapped page: EFAULT', doors: BOTH },
  { name: 'exec-bound-3', says: 'argv, or an argv string, running into an unmapped page: EFAULT', doors: BOTH },
  { name: 'wait-simple', says: "waitpid: the child's exit status", doors: BOTH },
  { name: 'wait-twice', says: 'the second waitpid: ECHILD', doors: BOTH },
  { name: 'wait-killed', says: 'a child killed by SIGSEGV: WTERMSIG', doors: BOTH },
  { name: 'wait-bad-pid', says: 'no such child, itself, its parent, -1 with no children: ECHILD', doors: BOTH },
  { name: 'wait-bad-ptr', says: 'a kernel address for the status: EFAULT, and the child was reaped', doors: BOTH },
  { name: 'multi-child-fd', says: "a child closes its copy of a descriptor; the parent's still works, with the shared offset", doors: BOTH },
  {
    name: 'rox-simple', says: 'opening its own running executable for writing: ETXTBSY', doors: BOTH,
    // qemu-i386 maps the program itself, so the host kernel does not know it is being executed.
    qemu: [
      { qemu: /^open\(\/proc\/self\/exe, O_WRONLY\) +3$/m, linux: 'open(/proc/self/exe, O_WRONLY)                       -1 ETXTBSY' },
      { qemu: /^open\(\/proc\/self\/exe, O_RDWR\) +4$/m, linux: 'open(/proc/self/exe, O_RDWR)                         -1 ETXTBSY' },
    ],
  },
  { name: 'rox-code', says: 'read into its own text: EFAULT; a store there: SIGSEGV SEGV_ACCERR', doors: BOTH },
  { name: 'args-none', says: 'execve with argv [path]: argc 1', doors: BOTH },
  { name: 'args-single', says: 'one argument', doors: BOTH },
  { name: 'args-multiple', says: 'four arguments', doors: BOTH },
  { name: 'args-many', says: 'twenty-two arguments', doors: BOTH },
  { name: 'args-dbl-space', says: 'arguments with spaces in them and an empty one arrive as given', doors: BOTH },
  { name: 'args-null', says: 'argv NULL: the new program gets argc 1 and argv[0] "" (Linux 5.18 and later)', doors: BOTH },
  { name: 'exit', says: 'exit(57): status 57', doors: BOTH },
  { name: 'exit-masked', says: 'exit_group(0x1239): status 0x39', doors: BOTH },
  { name: 'close-stdout', says: 'close(1) works, a write to 1 is EBADF', doors: BOTH },
  { name: 'exec-once', says: 'one child, exit 81', doors: BOTH },
  { name: 'exec-multiple', says: 'four children one after the other', doors: BOTH },
  { name: 'multi-recurse', says: 'a chain of 16 processes, each exec\'ing the next and exiting with its depth', doors: NONE },
  { name: 'rox-child', says: 'a child cannot open its own running file for writing; the parent can once it exited', doors: BOTH, qemu: ROX_CHILDREN },
  { name: 'rox-multichild', says: 'the same six processes deep, before and after each one\'s child', doors: NONE, qemu: ROX_CHILDREN },
];

/** Where the door itself decides the outcome: natively these are judged like any case; qemu-i386
 *  has no vsyscall door to compare with, so gate86 is held to what Linux does there instead —
 *  __kernel_vsyscall's first push faults, nothing is written, SIGSEGV (seen natively). */
const DOOR_DECIDES = new Set(['sc-bad-sp', 'sc-bad-sp-kernel']);

test('every case the program has is run here, and only those', (t) => {
  const source = readFileSync(join(root, 'test/kernel/robustness/pintos-userprog.c'), 'utf8');
  const table = source.slice(source.indexOf('cases[] = {'), source.indexOf('};', source.indexOf('cases[] = {')));
  t.deepEqual([...table.matchAll(/\{ "([a-z0-9-]+)", \w+ \}/g)].map((m) => m[1]), CASES.map((c) => c.name));
});

const program = glibcProgram('robustness/pintos-userprog');
const oracleKind = i386Oracle();
const oracleRuns = new Map<string, I386Run>();

function onOracle(name: string, door: Door): I386Run {
  const key = `${door} ${name}`;
  let run = oracleRuns.get(key);
  if (run === undefined) {
    run = runI386Elf(program, [door, name], { cwd: mkdtempSync(join(tmpdir(), 'gate86-pintos-')), stdin: '', followsExec: true });
    oracleRuns.set(key, run);
  }
  return run;
}

/** How a run ended, in one spelling for both: 'exit N' or 'killed by SIGNAME'. */
function ending(run: I386Run | Gate86Run): string {
  if (run.status !== null) return `exit ${run.status}`;
  const signal = typeof run.signal === 'number' ? Object.keys(SIGNALS).find((name) => SIGNALS[name] === run.signal) : run.signal;
  return `killed by ${signal ?? 'nothing'}`;
}

for (const c of CASES) {
  for (const door of c.doors) {
    const judgedAgainst: Door = door === 'vsyscall' && oracleKind === 'qemu-i386' ? 'int80' : door;
    const byHand = oracleKind === 'qemu-i386' && door === 'vsyscall' && DOOR_DECIDES.has(c.name);
    const departs = oracleKind === 'qemu-i386' && c.qemu !== undefined;
    const against = byHand ? "Linux's vsyscall-door answer (no AT_SYSINFO on qemu-i386)"
      : `${oracleKind}${judgedAgainst !== door ? "'s int $0x80 run (no AT_SYSINFO on qemu-i386)" : ''}${departs ? '; qemu-i386 departs from Linux here, its lines mapped back' : ''}`;
    const says = door === 'vsyscall' ? c.saysThroughVsyscall ?? c.says : c.says;
    test(`pintos ${c.name} (${door === 'int80' ? 'int $0x80' : '__kernel_vsyscall'}): ${says} — the same end and output as ${against}`, (t) => {
      const ours = runOnGate86(program, [door, c.name], { cwd: mkdtempSync(join(tmpdir(), 'gate86-pintos-')), instructionLimit: 300_000_000 });
      t.not(ours.result.kind, 'limit', 'gate86 ran out of instructions');
      t.not(ours.result.kind, 'stopped', ours.result.kind === 'stopped' ? ours.result.message : '');
      if (byHand) {
        t.is(ending(ours), 'killed by SIGSEGV');
        t.is(ours.stdout.toString(), '');
        return;
      }
      const oracle = onOracle(c.name, judgedAgainst);
      t.is(ending(ours), ending(oracle), oracle.stderr);
      t.is(ours.stdout.toString(), linuxOutput(oracle, c.qemu ?? []));
    });
  }
}
