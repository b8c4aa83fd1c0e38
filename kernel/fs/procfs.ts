// procfs: files whose contents the kernel writes when they are read (Linux's fs/proc). Nothing is
// stored: each read renders the text from the kernel's own state — the task table, the frame
// allocator, boot_cpu_data — so `cat /proc/meminfo` twice can differ, as on Linux. Sizes are 0,
// as Linux reports them.
//
//   /proc/cpuinfo  what head.S's identify_cpu found (flags from the capability words: `sep` only when
//                  SEP survived the Pentium Pro check), /proc/meminfo, /proc/uptime, /proc/stat,
//                  /proc/loadavg, /proc/version, /proc/mounts, /proc/filesystems
//   /proc/self     a symlink to the caller's pid
//   /proc/PID/     stat, status, statm, cmdline, environ, comm, maps, exe, cwd, root, fd/N

import type { Kernel } from '../kernel.ts';
import type { Task } from '../task.ts';
import { EACCES, ENOENT, PAGE_SIZE } from '../layout.ts';
import { readBootCpuData } from '../boot-log.ts';
import { UTS_RELEASE } from '../services/identity.ts';
import { formatMaps } from '../mm/maps.ts';
import { Inode, S_IFDIR, S_IFLNK, S_IFREG, type DirEntry, type FsStats, type SuperBlock } from './inode.ts';
import { Dentry, pathName, type Path } from './path.ts';
import { EMPTY_SIGSET, NSIG, sigmask, type Sigset } from '../sigset.ts';
import { userQueuedSignals } from '../signals.ts';
import { RLIMIT_SIGPENDING } from '../rlimit.ts';

const PROC_SUPER_MAGIC = 0x9fa0;
const HZ = 100;

export class ProcFs implements SuperBlock {
  readonly type = 'proc';
  readOnly = false;
  readonly root: ProcDir;
  private readonly inos = new Map<string, number>();

  constructor(readonly k: Kernel, readonly dev: number) {
    this.root = new ProcDir(this, '', () => rootEntries(this), 0o555, (name) => threadByName(this, name));
  }

  /** A stable inode number per path (1 is the root). */
  ino(path: string): number {
    let n = this.inos.get(path);
    if (n === undefined) { n = this.inos.size + 2; this.inos.set(path, n); }
    return n;
  }

  statfs(): FsStats {
    return { type: PROC_SUPER_MAGIC, blockSize: PAGE_SIZE, blocks: 0, freeBlocks: 0, files: 0, freeFiles: 0, nameLength: 255 };
  }
}

type Entry = () => ProcNode;
type ProcNode = ProcDir | ProcFile | ProcLink;

/**
 * A directory whose names come from a function (the task table changes under it). `unlisted` names
 * entries that lookup finds but readdir does not show: /proc/TID of a thread that leads no group.
 */
class ProcDir extends Inode {
  constructor(readonly sb: ProcFs, readonly path: string, private readonly entries: () => Map<string, Entry>, mode = 0o555,
    private readonly unlisted: (name: string) => Entry | undefined = () => undefined) {
    super(sb.ino(path), S_IFDIR | mode);
    this.nlink = 2;
  }
  override lookup(name: string): Inode | number {
    const make = this.entries().get(name) ?? this.unlisted(name);
    return make === undefined ? -ENOENT : make();
  }
  override list(): DirEntry[] | number {
    return [...this.entries()].map(([name, make]) => { const node = make(); return { name, ino: node.ino, mode: node.mode }; });
  }
}

/** A file rendered on every read. */
class ProcFile extends Inode {
  constructor(readonly sb: ProcFs, path: string, private readonly render: () => string | Uint8Array | number, mode = 0o444) {
    super(sb.ino(path), S_IFREG | mode);
  }
  override read(offset: number, count: number): Uint8Array | number {
    const content = this.render();
    if (typeof content === 'number') return content;
    const bytes = typeof content === 'string' ? new Uint8Array(Buffer.from(content, 'latin1')) : content;
    return bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + count, bytes.length));
  }
  override write(): number { return -EACCES; }
  override truncate(): number { return -EACCES; }
}

/** A symlink whose target is computed (self, exe, cwd, fd/N); `to` makes it a magic one (Inode.jump). */
class ProcLink extends Inode {
  constructor(readonly sb: ProcFs, path: string, private readonly target: () => string | number, private readonly to: (() => Path | null) | null = null) {
    super(sb.ino(path), S_IFLNK | 0o777);
  }
  override readlink(): string | number { return this.target(); }
  override jump(): Path | null { return this.to === null ? null : this.to(); }
}

function file(sb: ProcFs, path: string, render: () => string | Uint8Array | number): Entry {
  return () => new ProcFile(sb, path, render);
}

function rootEntries(sb: ProcFs): Map<string, Entry> {
  const k = sb.k;
  const m = new Map<string, Entry>([
    ['self', () => new ProcLink(sb, 'self', () => String(k.task().tgid))],
    ['cpuinfo', file(sb, 'cpuinfo', () => cpuinfo(k))],
    ['meminfo', file(sb, 'meminfo', () => meminfo(k))],
    ['uptime', file(sb, 'uptime', () => uptime(k))],
    ['stat', file(sb, 'stat', () => systemStat(k))],
    ['loadavg', file(sb, 'loadavg', () => loadavg(k))],
    ['version', file(sb, 'version', () => `Linux version ${UTS_RELEASE} (gate86) #1 gate86\n`)],
    ['mounts', file(sb, 'mounts', () => mounts(k))],
    ['filesystems', file(sb, 'filesystems', () => 'nodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tproc\nnodev\thostfs\n')],
  ]);
  for (const task of [...k.tasks.values()].sort((a, b) => a.pid - b.pid)) {
    if (task.tgid !== task.pid) continue;
    m.set(String(task.pid), () => taskDir(sb, task, String(task.pid)));
  }
  return m;
}

/** /proc/TID for a thread that is not its group's leader: found by name, as Linux does, never listed. */
function threadByName(sb: ProcFs, name: string): Entry | undefined {
  const task = /^[1-9][0-9]*$/.test(name) ? sb.k.tasks.get(Number(name)) : undefined;
  return task === undefined ? undefined : () => taskDir(sb, task, name);
}

/** The threads of `task`'s process, by tid: the live ones and the leader, which stays (a zombie) until the process is reaped. */
function threadsOf(k: Kernel, task: Task): Task[] {
  const threads = new Set(task.group.threads);
  const leader = k.tasks.get(task.tgid);
  if (leader !== undefined && leader.group === task.group) threads.add(leader);
  return [...threads].sort((a, b) => a.pid - b.pid);
}

/**
 * /proc/PID (base "PID") and /proc/PID/task/TID (base "PID/task/TID"): the same files about one
 * task; a process's directory also has task/, one directory per thread of its group.
 */
function taskDir(sb: ProcFs, task: Task, base: string): ProcDir {
  const k = sb.k;
  const top = !base.includes('/');
  const dir = new ProcDir(sb, base, () => new Map<string, Entry>([
    ['stat', file(sb, `${base}/stat`, () => taskStat(k, task))],
    ['status', file(sb, `${base}/status`, () => taskStatus(k, task))],
    ['statm', file(sb, `${base}/statm`, () => `${sizePages(task)} ${pages(task)} 0 0 0 0 0\n`)],
    ['cmdline', file(sb, `${base}/cmdline`, () => userStrings(task, 'arg'))],
    ['environ', file(sb, `${base}/environ`, () => userStrings(task, 'env'))],
    ['comm', file(sb, `${base}/comm`, () => `${comm(task)}\n`)],
    ['maps', file(sb, `${base}/maps`, () => task.state === 'zombie' ? '' : formatMaps(task.space))],
    ['exe', () => new ProcLink(sb, `${base}/exe`, () => task.executable || -ENOENT)],
    ['cwd', () => new ProcLink(sb, `${base}/cwd`, () => task.fs ? pathName(task.fs.cwd, task.fs.root) : -ENOENT, () => task.fs?.cwd ?? null)],
    ['root', () => new ProcLink(sb, `${base}/root`, () => task.fs ? pathName(task.fs.root, task.fs.root) : -ENOENT, () => task.fs?.root ?? null)],
    ['fd', () => fdDir(sb, task)],
    ...(top ? [['task', () => threadsDir(sb, task, `${base}/task`)] as [string, Entry]] : []),
  ]));
  dir.uid = task.credentials.euid;
  dir.gid = task.credentials.egid;
  return dir;
}

function threadsDir(sb: ProcFs, task: Task, base: string): ProcDir {
  return new ProcDir(sb, base, () => new Map(threadsOf(sb.k, task).map((t): [string, Entry] => [String(t.pid), () => taskDir(sb, t, `${base}/${t.pid}`)])));
}

function fdDir(sb: ProcFs, task: Task): ProcDir {
  const base = `${task.pid}/fd`;
  return new ProcDir(sb, base, () => {
    const m = new Map<string, Entry>();
    for (const { fd, file: f } of task.files?.open() ?? []) {
      m.set(String(fd), () => {
        const link = new ProcLink(sb, `${base}/${fd}`, () => describeFile(task, f), () => f.path ?? unnamedPath(sb, f.inode));
        link.mode = S_IFLNK | ((f.readable() ? 0o500 : 0) | (f.writable() ? 0o200 : 0));
        return link;
      });
    }
    return m;
  }, 0o500);
}

/** A file with no name (a pipe, the console's streams), reached through /proc/PID/fd/N. */
function unnamedPath(sb: ProcFs, inode: Inode): Path | null {
  const mount = sb.k.vfs.rootPath().mount;
  return { mount, dentry: new Dentry('', null, inode) };
}

/** What readlink(/proc/PID/fd/N) says: the path, or "pipe:[ino]" for a pipe. */
export function describeFile(task: Task, f: import('./file.ts').OpenFile): string {
  if (f.path !== null && task.fs) return pathName(f.path, task.fs.root);
  if ((f.inode.mode & 0o170000) === 0o010000) return `pipe:[${f.inode.ino}]`;
  return `anon_inode:[${f.inode.ino}]`;
}

/** The command name: the executable's last component, 15 characters at most (TASK_COMM_LEN - 1). */
export function comm(task: Task): string {
  return task.comm;
}

/** argv or envp as the process's memory holds them now (Linux reads mm->arg_start..arg_end). */
function userStrings(task: Task, which: 'arg' | 'env'): Uint8Array | string {
  if (task.state === 'zombie') return '';
  const [start, end] = which === 'arg' ? [task.argStart, task.argEnd] : [task.envStart, task.envEnd];
  if (end <= start) return '';
  return task.space.copyFromUser(start, end - start) ?? '';
}

function pages(task: Task): number {
  return task.state === 'zombie' ? 0 : task.space.countPages();
}

/** The pages of all the process's areas, touched or not (mm->total_vm: statm's size, VmSize, what RLIMIT_AS bounds). */
function sizePages(task: Task): number {
  return task.state === 'zombie' ? 0 : task.space.totalVm() / 4096;
}

function stateLetter(k: Kernel, task: Task): string {
  if (task.state === 'zombie') return 'Z';
  if (task.stopped) return 'T';
  if (task.state === 'sleeping') return 'S';
  return 'R';
}

const STATE_NAMES: Record<string, string> = { R: 'R (running)', S: 'S (sleeping)', Z: 'Z (zombie)', T: 'T (stopped)' };

/** /proc/PID/stat: the 52 fields of Linux's do_task_stat, in order. */
function taskStat(k: Kernel, task: Task): string {
  const ttyNr = task.tty?.device ?? 0;
  const tpgid = task.tty?.foregroundGroup ?? -1;
  const fields: (string | number)[] = [
    task.pid, `(${comm(task)})`, stateLetter(k, task), task.ppid, task.pgid, task.sid, ttyNr, tpgid,
    0x400000, 0, 0, 0, 0, task.userTicks, task.systemTicks, task.childUserTicks, task.childSystemTicks,
    20, 0, threadsOf(k, task).length, 0, task.startTicks, pages(task) * PAGE_SIZE, pages(task), 0xffffffff,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  ];
  return `${fields.join(' ')}\n`;
}

function taskStatus(k: Kernel, task: Task): string {
  const c = task.credentials;
  const kb = pages(task) * 4;
  return [
    `Name:\t${comm(task)}`, `Umask:\t${(task.fs?.umask ?? 0o22).toString(8).padStart(4, '0')}`,
    `State:\t${STATE_NAMES[stateLetter(k, task)]}`, `Tgid:\t${task.tgid}`, `Ngid:\t0`, `Pid:\t${task.pid}`,
    `PPid:\t${task.ppid}`, `TracerPid:\t0`, `Uid:\t${c.uid}\t${c.euid}\t${c.euid}\t${c.euid}`,
    `Gid:\t${c.gid}\t${c.egid}\t${c.egid}\t${c.egid}`, `FDSize:\t64`, `Groups:\t`,
    `VmSize:\t${String(sizePages(task) * 4).padStart(8)} kB`, `VmRSS:\t${String(kb).padStart(8)} kB`, `Threads:\t${threadsOf(k, task).length}`,
    `SigQ:\t${userQueuedSignals(k, c.uid)}/${task.group.limits[RLIMIT_SIGPENDING]!.cur}`,
    `SigPnd:\t${hex16(task.pending.signal)}`, `ShdPnd:\t${hex16(task.group.sharedPending.signal)}`, `SigBlk:\t${hex16(task.blockedSignals)}`,
    `SigIgn:\t${hex16(handled(task, (h) => h === SIG_IGN))}`, `SigCgt:\t${hex16(handled(task, (h) => h > SIG_IGN))}`, '',
  ].join('\n');
}

const SIG_IGN = 1;

/** The signals whose handler passes `test` (SigIgn: SIG_IGN; SigCgt: a function). */
function handled(task: Task, test: (handler: number) => boolean): Sigset {
  let set = EMPTY_SIGSET;
  for (let signal = 1; signal <= NSIG; signal++) if (test(task.actions[signal]!.handler)) set |= sigmask(signal);
  return set;
}

/** A signal set as /proc prints one: 16 hex digits, bit n-1 for signal n (signals 1..64). */
const hex16 = (mask: Sigset): string => mask.toString(16).padStart(16, '0');

// Linux's x86_cap_flags for capability word 0 (CPUID 1 EDX) and word 1 (0x80000001 EDX: only the
// bits that do not repeat word 0).
const WORD0 = ['fpu', 'vme', 'de', 'pse', 'tsc', 'msr', 'pae', 'mce', 'cx8', 'apic', '', 'sep', 'mtrr', 'pge', 'mca', 'cmov',
  'pat', 'pse36', 'pn', 'clflush', '', 'dts', 'acpi', 'mmx', 'fxsr', 'sse', 'sse2', 'ss', 'ht', 'tm', 'ia64', 'pbe'];
const WORD1: Record<number, string> = { 11: 'syscall', 19: 'mp', 20: 'nx', 22: 'mmxext', 25: 'fxsr_opt', 27: 'rdtscp', 29: 'lm', 30: '3dnowext', 31: '3dnow' };

/** Linux's cpu_dev model names for chips without a brand string (family/model). */
const MODEL_NAMES: Record<string, string> = {
  'GenuineIntel 4/8': '486 DX/4', 'GenuineIntel 5/2': 'Pentium 75 - 200', 'GenuineIntel 6/1': 'Pentium Pro',
  'GenuineIntel 6/3': 'Pentium II (Klamath)', 'GenuineIntel 6/7': 'Pentium III (Katmai)', 'AuthenticAMD 6/8': 'Athlon',
};

export function cpuFlags(capability: number, extended: number): string[] {
  const flags: string[] = [];
  WORD0.forEach((name, bit) => { if (name !== '' && (capability >>> bit) & 1) flags.push(name); });
  for (const [bit, name] of Object.entries(WORD1)) if ((extended >>> Number(bit)) & 1) flags.push(name);
  return flags;
}

function cpuinfo(k: Kernel): string {
  const c = readBootCpuData(k);
  const brand = k.cpu?.brand?.() ?? '';
  const name = brand.trim() !== '' ? brand.trim() : MODEL_NAMES[`${c.vendor} ${c.family}/${c.model}`] ?? 'unknown';
  const fpu = (c.capability & 1) !== 0 ? 'yes' : 'no';
  const lines: [string, string | number][] = [
    ['processor', 0], ['vendor_id', c.vendor], ['cpu family', c.family], ['model', c.model], ['model name', name],
    ['stepping', c.stepping], ['fdiv_bug', 'no'], ['hlt_bug', 'no'], ['f00f_bug', 'no'], ['coma_bug', 'no'],
    ['fpu', fpu], ['fpu_exception', fpu], ['cpuid level', c.level], ['wp', 'yes'],
    ['flags', cpuFlags(c.capability, c.extendedCapability).join(' ')],
  ];
  return lines.map(([key, value]) => `${key.padEnd(16)}: ${value}`).join('\n') + '\n\n';
}

function meminfo(k: Kernel): string {
  const kb = (frames: number): string => `${String(frames * 4).padStart(8)} kB`;
  const total = k.frames.total;
  const free = k.frames.available;
  return [
    `MemTotal:       ${kb(total)}`, `MemFree:        ${kb(free)}`, `MemAvailable:   ${kb(free)}`,
    `Buffers:        ${kb(0)}`, `Cached:         ${kb(0)}`, `SwapCached:     ${kb(0)}`,
    `SwapTotal:      ${kb(0)}`, `SwapFree:       ${kb(0)}`, '',
  ].join('\n');
}

const seconds = (ticks: number): string => `${Math.floor(ticks / HZ)}.${String(ticks % HZ).padStart(2, '0')}`;

function uptime(k: Kernel): string {
  const idle = k.idleTicks;
  return `${seconds(k.jiffies)} ${seconds(idle)}\n`;
}

function systemStat(k: Kernel): string {
  let user = 0;
  let system = 0;
  for (const t of k.tasks.values()) { user += t.userTicks; system += t.systemTicks; }
  const cpu = `${user} 0 ${system} ${k.idleTicks} 0 0 0 0 0 0`;
  const running = [...k.tasks.values()].filter((t) => t.state === 'running').length;
  const blocked = [...k.tasks.values()].filter((t) => t.state === 'sleeping').length;
  return [`cpu  ${cpu}`, `cpu0 ${cpu}`, `intr ${k.jiffies}`, `ctxt ${k.contextSwitches}`,
    `btime ${k.bootTime}`, `processes ${k.nextPid - 1}`, `procs_running ${running}`, `procs_blocked ${blocked}`, ''].join('\n');
}

function loadavg(k: Kernel): string {
  const running = [...k.tasks.values()].filter((t) => t.state === 'running').length;
  return `0.00 0.00 0.00 ${running}/${k.tasks.size} ${k.nextPid - 1}\n`;
}

function mounts(k: Kernel): string {
  return k.vfs.mountList().map((m) => `${m.source} ${m.path} ${m.type} ${m.readOnly ? 'ro' : 'rw'} 0 0`).join('\n') + '\n';
}

