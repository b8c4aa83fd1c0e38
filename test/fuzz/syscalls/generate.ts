// The system-call fuzzer's generator, a pure function of (seed, case number): a list of calls — rows
// of kernel/syscall_32.tbl, implemented or not, and now and then a number outside it — with random,
// boundary and hostile arguments, each through a door picked by the seed, and the buffer's first
// bytes (paths, timespecs, iovecs, pollfds, then random bytes) for the pointers to point at.
//
// An argument is drawn from a pool (trinity-style), biased by what the call's name says it takes
// (an fd first, a path first, a dirfd and a path):
//   integers   0, 1, small, -1, 0x7fffffff, 0x80000000, 0xffffffff, page sizes, random;
//   fds        the child's own (0-5: pipe, /dev/null, /, /f, /dev/zero), closed ones, -1, AT_FDCWD,
//              1024, huge;
//   pointers   NULL, the buffer's structures, anywhere in it (unaligned too), its last bytes before
//              the unmapped page above it, that page, kernel addresses (0xc0000000 ...), the
//              vsyscall page (0xffffe000, __kernel_vsyscall at 0xffffe400), the top page, the
//              runner's read-only text;
//   lengths    0, 1, the buffer's size and one more, 0x7fffffff, 0xffffffff, random.
//
// What is tamed, and why (everything else is called as drawn):
//   exit, exit_group     only as the case's last call (status 0): earlier they would just end it;
//   kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo
//                        the pid is the child's own (or 0, its own group after setsid, or its
//                        negation, or a pid that does not exist): pid 1 would reach the runner. As
//                        init it drops every signal a case could send it but SIGALRM, whose handler
//                        it has (kernel/signals.ts initIgnores) — and a case's SIGALRM would cut the
//                        runner's wait4 short and end the case as timed out, so the taming stays.
//                        kill(-1) skips the runner (and the caller) anyway; a random signal at its
//                        own pid is a fine test;
//   prlimit64            the pid is 0, the child's own or a missing one: the runner's limits are the
//                        harness's, not the case's;
//   fork, vfork, clone   always `int $0x80` (a clone child on a new stack cannot return through
//                        __kernel_vsyscall), and the runner's child makes their children exit at once;
//   sleeping calls       (nanosleep, futex waits, sigsuspend, poll/select, reads of the empty pipe)
//                        are called as drawn: the child's ticker ends them with EINTR (runner.S);
//   execve               as drawn: the scratch root holds nothing executable, so it fails.
// The fs is a scratch directory, read-only (fuzz.ts): a call can look at it, never change it.

import { Random } from '../../differential/case.ts';
import { caseRandom } from '../ring3/generate.ts';
import type { SyscallRow } from '../../../kernel/tools/syscall-table.ts';
import { BUF_ADDR, BUF_INIT_SIZE, BUF_SIZE, MAX_CALLS } from './layout.ts';
import type { Argument, SyscallCall, SyscallCase } from './case.ts';

const AT_FDCWD = 0xffffff9c;
const PAGE = 4096;

/** Offsets of the buffer's structures (BUF_ADDR + offset): what `buffer()` writes. */
export const BUFFER = {
  pathF: 0x000, pathRoot: 0x010, pathNull: 0x020, pathMissing: 0x040, pathMaps: 0x060, pathTmp: 0x080,
  relativeF: 0x0a0, empty: 0x0c0, pathZero: 0x0d0, timespecShort: 0x100, timespecZero: 0x108, timeval: 0x110,
  iovec: 0x120, itimerval: 0x140, sigsetFull: 0x160, pollfd: 0x180, longPath: 0x400, random: 0x800,
} as const;

function cstring(bytes: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
  bytes[at + text.length] = 0;
}

function buffer(r: Random): Uint8Array {
  const b = new Uint8Array(BUF_INIT_SIZE);
  const v = new DataView(b.buffer);
  const u32 = (at: number, value: number): void => v.setUint32(at, value >>> 0, true);
  cstring(b, BUFFER.pathF, '/f');
  cstring(b, BUFFER.pathRoot, '/');
  cstring(b, BUFFER.pathNull, '/dev/null');
  cstring(b, BUFFER.pathMissing, '/nonexistent/x');
  cstring(b, BUFFER.pathMaps, '/proc/self/maps');
  cstring(b, BUFFER.pathTmp, '/tmp');
  cstring(b, BUFFER.relativeF, 'f');
  cstring(b, BUFFER.pathZero, '/dev/zero');
  u32(BUFFER.timespecShort, 0); u32(BUFFER.timespecShort + 4, 1000);
  u32(BUFFER.timeval, 0); u32(BUFFER.timeval + 4, 500);
  u32(BUFFER.iovec, BUF_ADDR + 0x900); u32(BUFFER.iovec + 4, 64);
  u32(BUFFER.iovec + 8, BUF_ADDR + BUF_SIZE - 16); u32(BUFFER.iovec + 12, r.pick([16, 32, 0x7fffffff]));
  u32(BUFFER.itimerval + 12, 1000);
  for (let i = 0; i < 8; i++) b[BUFFER.sigsetFull + i] = 0xff;
  u32(BUFFER.pollfd, 0); v.setUint16(BUFFER.pollfd + 4, 1, true);
  u32(BUFFER.pollfd + 8, 2); v.setUint16(BUFFER.pollfd + 12, 4, true);
  b.fill(0x61, BUFFER.longPath, BUFFER.longPath + 0x3ff);
  for (let i = BUFFER.random; i < BUF_INIT_SIZE; i++) b[i] = r.below(256);
  return b;
}

const INTEGERS = [0, 1, 2, 3, 4, 7, 8, 16, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x1001, 0x7fff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0xfffff000, 0xffffff9c];
const FDS = [0, 1, 2, 3, 4, 5, 6, 9, 0xffffffff, AT_FDCWD, 1023, 1024, 0x7fffffff, 0x80000000];
const LENGTHS = [0, 1, 2, 8, 16, 64, PAGE, BUF_SIZE, BUF_SIZE + 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffff000];
const HOSTILE = [0, 1, 0xc0000000, 0xc0001000, 0xc0100000, 0xdeadbeef, 0xffffe000, 0xffffe400, 0xffffefff, 0xfffff000, 0xfffffffc, 0xffffffff, 0x08048000, 0x08048001, BUF_ADDR + BUF_SIZE, BUF_ADDR - 1];

function pointer(r: Random): number {
  const roll = r.below(10);
  if (roll < 3) return BUF_ADDR + r.pick(Object.values(BUFFER));
  if (roll < 5) return BUF_ADDR + r.below(BUF_SIZE);
  if (roll < 6) return BUF_ADDR + BUF_SIZE - 1 - r.below(16);
  if (roll < 7) return (0xc0000000 + r.below(0x40000000)) >>> 0;
  return r.pick(HOSTILE);
}

function path(r: Random): number {
  if (r.chance(0.8)) return BUF_ADDR + r.pick([BUFFER.pathF, BUFFER.pathRoot, BUFFER.pathNull, BUFFER.pathMissing, BUFFER.pathMaps, BUFFER.pathTmp, BUFFER.relativeF, BUFFER.empty, BUFFER.pathZero, BUFFER.longPath]);
  return pointer(r);
}

function anyArgument(r: Random): number {
  const roll = r.below(20);
  if (roll < 6) return pointer(r);
  if (roll < 11) return r.pick(INTEGERS);
  if (roll < 14) return r.pick(FDS);
  if (roll < 17) return r.pick(LENGTHS);
  if (roll < 18) return r.below(65);
  return r.u32();
}

/** Calls whose first argument is an fd, or a dirfd and then a path, or a path. */
const FD_FIRST = /^(read|write|close|lseek|_llseek|fstat|fstat64|fstatfs|fstatfs64|fcntl|fcntl64|ioctl|dup|dup2|dup3|fsync|fdatasync|ftruncate|ftruncate64|fchmod|fchown|fchown32|getdents|getdents64|readv|writev|pread64|pwrite64|flock|fchdir|sendfile|sendfile64|readahead|fadvise64|fadvise64_64|fallocate|syncfs|fsetxattr|fgetxattr|flistxattr|fremovexattr|inotify_add_watch|epoll_ctl|epoll_wait)$/;
const AT_FIRST = /at$|at2$|^execveat$|^openat2$/;
const PATH_FIRST = /^(open|creat|link|unlink|execve|chdir|mknod|chmod|lchown|lchown32|chown|chown32|access|rename|mkdir|rmdir|truncate|truncate64|stat|lstat|stat64|lstat64|statfs|statfs64|chroot|symlink|readlink|utime|utimes|uselib|swapon|swapoff|acct|mount|umount|umount2|setxattr|getxattr|listxattr|removexattr|lsetxattr|lgetxattr|llistxattr|lremovexattr|oldstat|oldlstat)$/;

function argumentsFor(r: Random, name: string): Argument[] {
  const args: Argument[] = Array.from({ length: 6 }, () => anyArgument(r));
  if (FD_FIRST.test(name) && r.chance(0.8)) args[0] = r.chance(0.85) ? r.below(6) : r.pick(FDS);
  if (name === 'mmap2' && r.chance(0.5)) args[4] = r.chance(0.6) ? r.below(6) : 0xffffffff;
  if (AT_FIRST.test(name) && r.chance(0.8)) { args[0] = r.pick([AT_FDCWD, 3, AT_FDCWD, 4, 0xffffffff, 1024]); args[1] = path(r); }
  if (PATH_FIRST.test(name) && r.chance(0.8)) args[0] = path(r);
  if ((name === 'rename' || name === 'link' || name === 'symlink') && r.chance(0.8)) args[1] = path(r);
  // Tamed (see the header): signals only for the child itself, no limits but its own.
  const pid = (): Argument => r.pick<Argument>(['pid', 'pid', 0, '-pid', 99999, (-99999) >>> 0]);
  if (name === 'kill') args[0] = pid();
  if (name === 'tkill') args[0] = r.pick<Argument>(['pid', 99999]);
  if (name === 'tgkill') { args[0] = r.pick<Argument>(['pid', 99999]); args[1] = r.pick<Argument>(['pid', 99999]); }
  if (name === 'rt_sigqueueinfo') args[0] = r.pick<Argument>(['pid', 99999]);
  if (name === 'rt_tgsigqueueinfo') { args[0] = r.pick<Argument>(['pid', 99999]); args[1] = r.pick<Argument>(['pid', 99999]); }
  if (name === 'prlimit64') args[0] = r.pick<Argument>([0, 'pid', 99999]);
  if (name === 'kill' || name === 'tkill' || name === 'tgkill' || name === 'rt_sigqueueinfo' || name === 'rt_tgsigqueueinfo') {
    const at = name === 'tgkill' || name === 'rt_tgsigqueueinfo' ? 2 : 1;
    if (r.chance(0.7)) args[at] = r.below(65);
  }
  return args;
}

/** The rows the generator draws from, and the numbers outside the table it tries now and then. */
export interface CallTable {
  rows: readonly SyscallRow[];
  /** Rows called at random (not exit and exit_group: those end a case). */
  drawn: readonly SyscallRow[];
  byNumber: ReadonlyMap<number, SyscallRow>;
  nrSyscalls: number;
}

export function callTable(rows: readonly SyscallRow[]): CallTable {
  const byNumber = new Map(rows.map((r) => [r.number, r]));
  return { rows, drawn: rows.filter((r) => r.name !== 'exit' && r.name !== 'exit_group'), byNumber, nrSyscalls: Math.max(...rows.map((r) => r.number)) + 1 };
}

export function nameOf(table: CallTable, nr: number): string {
  return table.byNumber.get(nr)?.name ?? `#${nr >>> 0}`;
}

const FORKS = new Set(['fork', 'vfork', 'clone']);

/** Case `index` of a run with `seed`: `count` calls (the last is exit or exit_group). */
export function syscallCase(table: CallTable, seed: number, index: number, count = MAX_CALLS): SyscallCase {
  const r = caseRandom(seed ^ 0x5359, index);
  const calls: SyscallCall[] = [];
  for (let i = 0; i < count - 1; i++) {
    let nr: number, name: string;
    if (r.chance(0.03)) {
      // Numbers outside the table: past its end, the labs' range, negative, huge.
      nr = r.pick([table.nrSyscalls, table.nrSyscalls + r.below(600), 1000 + r.below(100), 0xffffffff, 0x80000000, r.u32()]) >>> 0;
      if (table.byNumber.has(nr)) nr = 0xffffffff;
      name = '';
    } else {
      const row = r.pick(table.drawn);
      nr = row.number;
      name = row.name;
    }
    const door = FORKS.has(name) || r.chance(0.5) ? 'int80' : 'vsyscall';
    calls.push({ nr, door, args: argumentsFor(r, name) });
  }
  const last = r.pick(table.rows.filter((row) => row.name === 'exit' || row.name === 'exit_group'));
  if (last !== undefined) calls.push({ nr: last.number, door: r.chance(0.5) ? 'int80' : 'vsyscall', args: [0, 0, 0, 0, 0, 0] });
  return { calls, buffer: buffer(r) };
}
