// Making, replacing and reaping processes: fork (clone with fork's flags, vfork), execve (the
// program comes from the VFS: the initramfs, or the host file system under `gate86 run`), wait4/waitpid.
//
// vfork (CLONE_VFORK|CLONE_VM) shares the address space and puts the parent to sleep until the
// child execs or exits (releaseMm wakes it). execve in a process with several threads first ends
// the others (Linux's de_thread): SIGKILL to each, a sleep until they are gone, and a thread that
// is not the leader takes over the leader's pid, so the new program runs as the process it was.
//
// A blocking wait sleeps on the parent's childExit wait queue (kernel/sched/wait.ts): a child's exit
// (or stop, or continue) wakes it and wait4 runs again, finding the zombie. A signal ends the sleep with -ERESTARTSYS, so a
// handler with SA_RESTART sees the call restarted through its own door (fidelity point 10).

import { copyLimits, RLIMIT_NPROC, RLIMIT_STACK } from '../rlimit.ts';
import type { Kernel, SyscallService } from '../kernel.ts';
import type { Task } from '../task.ts';
import { EACCES, EAGAIN, ECHILD, EFAULT, EINVAL, ENOMEM, ERESTARTSYS, ESLEEPING, ETXTBSY, PT_REGS_SIZE, THREAD_SIZE, TI_KERNEL_ESP, TI_TASK,
  TIF_IRET, __PAGE_OFFSET } from '../layout.ts';
import { WaitQueue, sleepOn, wokenBy } from '../sched/wait.ts';
import { PtRegs } from '../pt-regs.ts';
import { OutOfMemory } from '../mm/frames.ts';
import { ExecError, checkExecutable, loadProgram, startThread } from '../exec.ts';
import { Struct, copyToUser, FAULT } from './user.ts';
import { rusageBytes } from './jobs.ts';
import { commandName, releaseMm, setTls, zapOtherThreads } from './process.ts';
import { AT_FDCWD, lookupAt, openForWriting } from '../fs/vfs.ts';
import { isDir, isRegular, type Inode } from '../fs/inode.ts';
import { pathName, permitted } from '../fs/path.ts';
import { inodePages, type InodePages } from '../mm/file-pages.ts';
import { currentFpuImage, forgetFpu } from '../fpu.ts';

const CSIGNAL = 0xff;
const CLONE_VM = 0x00000100;
const CLONE_FS = 0x00000200;
const CLONE_FILES = 0x00000400;
const CLONE_SIGHAND = 0x00000800;
const CLONE_VFORK = 0x00004000;
const CLONE_PARENT = 0x00008000;
const CLONE_THREAD = 0x00010000;
const CLONE_SYSVSEM = 0x00040000;
const CLONE_SETTLS = 0x00080000;
const CLONE_PARENT_SETTID = 0x00100000;
const CLONE_CHILD_CLEARTID = 0x00200000;
const CLONE_DETACHED = 0x00400000;
const CLONE_CHILD_SETTID = 0x01000000;
/** The flags gate86 implements; namespaces, ptrace and the rest are -EINVAL. */
const CLONE_SUPPORTED = CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_VFORK | CLONE_PARENT
  | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED
  | CLONE_CHILD_SETTID;
const SIGCHLD = 17;
const WNOHANG = 1;

/**
 * clone's core (Linux's copy_process): a new task on a fresh kernel stack. With CLONE_VM it shares
 * the caller's address space (a thread: no page is copied, and a switch between the two keeps CR3),
 * else it gets a copy-on-write copy; CLONE_SIGHAND shares the table of handlers; CLONE_THREAD makes
 * it a thread of the caller's process (same tgid, same parent, no exit signal). Its pt_regs are the
 * caller's with EAX = 0 (and ESP = newsp when given); it starts in ret_from_fork.
 */
function copyProcess(k: Kernel, regs: PtRegs, flags: number, stack: number): Task {
  const parent = k.task();
  const space = (flags & CLONE_VM) !== 0 ? parent.space.share() : parent.space.clone(k.kernelDirectory());
  let child: Task;
  try {
    child = k.createTask(parent.tgid, space, parent.credentials);
  } catch (error) {
    space.release();
    throw error;
  }
  child.executable = parent.executable;
  child.executableInode = parent.executableInode;
  child.blockedSignals = parent.blockedSignals;
  Object.assign(child, {
    comm: parent.comm, pgid: parent.pgid, sid: parent.sid, tty: parent.tty, startTicks: k.jiffies,
    argStart: parent.argStart, argEnd: parent.argEnd, envStart: parent.envStart, envEnd: parent.envEnd,
  });
  // The descriptor table and the fs context: shared with CLONE_FILES / CLONE_FS, else copied (the
  // copies still share the open file descriptions, as fork's do).
  if ((flags & CLONE_FILES) !== 0) { child.files = parent.files; child.files.users++; } else child.files = parent.files.copy();
  if ((flags & CLONE_FS) !== 0) { child.fs = parent.fs; child.fs.users++; } else child.fs = parent.fs.copy();
  if ((flags & CLONE_SIGHAND) !== 0) child.actions = parent.actions;
  else parent.actions.forEach((a, i) => { child.actions[i] = { ...a }; });
  if ((flags & CLONE_THREAD) !== 0) {
    child.group.threads.delete(child);
    child.group = parent.group;
    child.group.threads.add(child);
    child.ppid = parent.ppid;
    child.exitSignal = 0;
  } else {
    child.exitSignal = flags & CSIGNAL;
    child.group.limits = copyLimits(parent.group.limits);
    if ((flags & CLONE_VM) === 0) child.space.limits = child.group.limits;
    if ((flags & CLONE_PARENT) !== 0) child.ppid = parent.ppid;
  }
  parent.tls.forEach((d, i) => { child.tls[i] = d === null ? null : { ...d }; });
  // The FPU state is copied, as it is now: saved first if it is live in the registers (unlazy_fpu).
  if (parent.fpu !== null || parent.fpuLive) child.fpu = currentFpuImage(k, parent).slice();
  // The child's kernel stack: pt_regs at the top, a copy of the parent's, with EAX = 0 ...
  const top = child.threadInfo + THREAD_SIZE;
  k.ram.set(top - PT_REGS_SIZE, k.ram.u8.slice(regs.physical, regs.physical + PT_REGS_SIZE));
  const childRegs = new PtRegs(k.ram, top - PT_REGS_SIZE);
  childRegs.set('eax', 0);
  if (stack !== 0) childRegs.set('esp', stack);
  // ... and below it what schedule's switch pops: GS, FS (the parent's), EDI, ESI, EBX, EBP, then
  // the return address.
  const frame = top - PT_REGS_SIZE - 28;
  const gs = k.cpu.selector('gs'), fs = k.cpu.selector('fs');
  [gs, fs, 0, 0, 0, 0, k.image.addressOf('ret_from_fork')].forEach((v, i) => k.ram.write32(frame + 4 * i, v));
  k.ram.write32(child.threadInfo + TI_KERNEL_ESP, frame + __PAGE_OFFSET);
  return child;
}

/**
 * copy_process's two checks before anything is allocated, both -EAGAIN: the caller's user already
 * runs RLIMIT_NPROC tasks (root is exempt, as CAP_SYS_RESOURCE is), or the machine has no task slot
 * left (nr_threads >= max_threads: a kernel stack each). A fork bomb ends here, not in OutOfMemory.
 */
function taskLimitReached(k: Kernel, parent: Task): number {
  if (k.tasks.size >= k.kernelStacks.capacity) return -EAGAIN;
  const { uid, euid } = parent.credentials;
  if (euid === 0 || uid === 0) return 0;
  return userTasks(k, uid) >= parent.group.limits[RLIMIT_NPROC]!.cur ? -EAGAIN : 0;
}

/** The tasks (threads too, as Linux's user->processes) whose real uid is `uid`: what RLIMIT_NPROC counts. */
export function userTasks(k: Kernel, uid: number): number {
  let owned = 0;
  for (const task of k.tasks.values()) if (task.credentials.uid === uid) owned++;
  return owned;
}

/** Remove a child that could not be finished (a bad CLONE_SETTLS pointer): nothing of it stays. */
function discard(k: Kernel, child: Task): void {
  child.group.threads.delete(child);
  k.tasks.delete(child.pid);
  child.space.release();
  k.kernelStacks.release(child.threadInfo);
}

function clone(k: Kernel, regs: PtRegs, flags: number, stack: number, parentTid: number, tls: number, childTid: number): number {
  // vfork's second half: the call runs again when the child has exec'd or exited.
  if (k.task().vforkChild !== null) return waitForVfork(k);
  if ((flags & ~CLONE_SUPPORTED) !== 0) return -EINVAL;
  // Linux's rules: threads share handlers, and shared handlers need a shared address space.
  if ((flags & CLONE_THREAD) !== 0 && (flags & CLONE_SIGHAND) === 0) return -EINVAL;
  if ((flags & CLONE_SIGHAND) !== 0 && (flags & CLONE_VM) === 0) return -EINVAL;
  const tooMany = taskLimitReached(k, k.task());
  if (tooMany < 0) return tooMany;
  let child: Task;
  try {
    child = copyProcess(k, regs, flags, stack);
  } catch (error) {
    if (error instanceof OutOfMemory) return -ENOMEM;
    throw error;
  }
  if ((flags & CLONE_SETTLS) !== 0) {
    const result = setTls(k, child, tls, false);
    if (result < 0) {
      discard(k, child);
      return result;
    }
  }
  if ((flags & CLONE_CHILD_SETTID) !== 0) child.space.write32(childTid, child.pid);
  if ((flags & CLONE_CHILD_CLEARTID) !== 0) child.clearChildTid = childTid;
  if ((flags & CLONE_PARENT_SETTID) !== 0) k.task().space.write32(parentTid, child.pid);
  if ((flags & CLONE_VFORK) !== 0) {
    child.vforkDone = new WaitQueue();
    k.task().vforkChild = child;
    return waitForVfork(k);
  }
  return child.pid;
}

/**
 * CLONE_VFORK: the parent sleeps until its child execs or exits (Linux's wait_for_vfork_done):
 * it borrows the parent's memory meanwhile, stack included. Only SIGKILL ends the sleep early
 * (TASK_KILLABLE); other signals wait for the parent's return. Then clone returns the child's pid.
 */
function waitForVfork(k: Kernel): number {
  const parent = k.task();
  const child = parent.vforkChild!;
  if (child.vforkDone !== null && wokenBy(parent) !== 'signal') {
    const slept = sleepOn(k, child.vforkDone, { interruptible: false, killable: true });
    if (slept === -ESLEEPING) return slept;
  }
  parent.vforkChild = null;
  return child.pid;
}

export const sys_fork: SyscallService = (k, regs) => clone(k, regs, SIGCHLD, 0, 0, 0, 0);
/** vfork: the child runs in the parent's address space while the parent sleeps. */
export const sys_vfork: SyscallService = (k, regs) => clone(k, regs, CLONE_VFORK | CLONE_VM | SIGCHLD, 0, 0, 0, 0);
/** clone(flags, newsp, parent_tidptr, tls, child_tidptr): the i386 argument order. */
export const sys_clone: SyscallService = (k, regs) => {
  const [flags, stack, parentTid, tls, childTid] = regs.args();
  return clone(k, regs, flags, stack, parentTid, tls, childTid);
};

const WUNTRACED = 2;
const WCONTINUED = 8;
const WNOWAIT = 0x01000000;
const __WALL = 0x40000000;
const __WCLONE = 0x80000000;

/**
 * wait4(pid, status *, options, rusage *): pid > 0 that child, 0 any child in the caller's group,
 * -1 any child, < -1 any child in group -pid. Reports a zombie (and reaps it), with WUNTRACED a child
 * that stopped (status sig << 8 | 0x7f), with WCONTINUED one that was continued (0xffff).
 */
export const sys_wait4: SyscallService = (k, regs) => {
  const [pid, statusPointer, options, rusage] = regs.args();
  if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOWAIT | __WALL | __WCLONE)) !== 0) return -EINVAL;
  const task = k.task();
  const want = pid | 0;
  // Any thread may wait for the process's children; a child is its leader, gone when all its threads are.
  const wanted = (c: Task): boolean => c.isLeader && c.ppid === task.tgid
    && (want === -1 || (want === 0 ? c.pgid === task.pgid : want < -1 ? c.pgid === -want : c.pid === want));
  const children = [...k.tasks.values()].filter(wanted);
  if (children.length === 0) return -ECHILD;
  const report = (child: Task, status: number, usage: Uint8Array): number => {
    if (statusPointer !== 0 && !copyToUser(k, statusPointer, new Struct(4).u32(0, status).bytes)) return FAULT;
    if (rusage !== 0 && !copyToUser(k, rusage, usage)) return FAULT;
    return child.pid;
  };
  const zombie = children.find((c) => c.state === 'zombie' && c.group.threads.size === 0);
  if (zombie !== undefined) {
    const r = report(zombie, zombie.waitStatus, rusageBytes(zombie.userTicks + zombie.childUserTicks, zombie.systemTicks + zombie.childSystemTicks, 0));
    if ((options & WNOWAIT) !== 0) return r;
    // Linux reaps the child first and copies its status out after (kernel_wait4's put_user follows
    // do_wait): a bad status or rusage pointer is -EFAULT, and the zombie is gone all the same.
    // (The Pintos wait-bad-ptr port checks it against the oracle.)
    task.childUserTicks += zombie.userTicks + zombie.childUserTicks;
    task.childSystemTicks += zombie.systemTicks + zombie.childSystemTicks;
    k.tasks.delete(zombie.pid);
    if (!zombie.spaceReleased) zombie.space.release();
    k.kernelStacks.release(zombie.threadInfo);
    return r;
  }
  const stopped = (options & WUNTRACED) !== 0 ? children.find((c) => c.stopped && c.stopReport !== 0) : undefined;
  if (stopped !== undefined) {
    const r = report(stopped, (stopped.stopReport << 8) | 0x7f, rusageBytes(stopped.userTicks, stopped.systemTicks, 0));
    if ((options & WNOWAIT) === 0) stopped.stopReport = 0;     // consumed even when the copy faults, as a zombie is
    return r;
  }
  const continued = (options & WCONTINUED) !== 0 ? children.find((c) => c.continuedReport) : undefined;
  if (continued !== undefined) {
    const r = report(continued, 0xffff, rusageBytes(continued.userTicks, continued.systemTicks, 0));
    if ((options & WNOWAIT) === 0) continued.continuedReport = false;
    return r;
  }
  if ((options & WNOHANG) !== 0) return 0;
  // Until a child exits, stops or continues (its end and the job control code wake this queue), or a signal.
  return sleepOn(k, task.childExit);
};

export const sys_waitpid: SyscallService = (k, regs) => {
  regs.set('esi', 0);                                          // waitpid = wait4 without rusage
  return sys_wait4(k, regs);
};

/** A NULL-terminated array of user strings (argv, envp), or null on a bad pointer. */
function readStringArray(k: Kernel, pointer: number): string[] | null {
  const out: string[] = [];
  if (pointer === 0) return out;
  for (let i = 0; i < 4096; i++) {
    const item = k.task().space.read32(pointer + 4 * i);
    if (item === null) return null;
    if (item === 0) return out;
    const s = k.task().space.readString(item, 128 * 1024);
    if (s === null) return null;
    out.push(s);
  }
  return null;
}

/**
 * de_thread: before a process with other threads runs a new program, they end. They get SIGKILL
 * and this thread sleeps (killable) until the last of them is gone; each leaves through
 * do_notify_resume with status 0, and the process lives on. Returns 0 when this thread is alone,
 * -ESLEEPING while it waits, -EAGAIN if the process is dying anyway (exit_group, another execve).
 */
function deThread(k: Kernel, task: Task): number {
  const group = task.group;
  if (group.exitStatus !== null || (group.execTask !== null && group.execTask !== task)) return -EAGAIN;
  if (group.threads.size > 1) {
    group.execTask = task;
    zapOtherThreads(k, task);
    const slept = sleepOn(k, group.threadExit, { interruptible: false, killable: true });
    return slept === -ERESTARTSYS ? -EAGAIN : slept;
  }
  group.execTask = null;
  if (!task.isLeader) takeOverLeader(k, task);
  return 0;
}

/**
 * The exec'ing thread was not the leader: it takes the leader's pid (getpid = gettid again), its
 * parent and SIGCHLD, and the leader, a zombie since de_thread, goes without a word to the parent
 * (its kernel stack after the next switch, as a thread's).
 */
function takeOverLeader(k: Kernel, task: Task): void {
  const tgid = task.group.tgid;
  const leader = k.tasks.get(tgid);
  if (leader !== undefined) {
    k.tasks.delete(tgid);
    k.exited.push(leader);
    task.ppid = leader.ppid;
  }
  k.tasks.delete(task.pid);
  task.pid = tgid;
  task.exitSignal = SIGCHLD;
  k.tasks.set(tgid, task);
  k.ram.write32(task.threadInfo + TI_TASK, tgid);
}

/** execve(path, argv, envp): replace the program; the new one starts through iret (TIF_IRET). */
export const sys_execve: SyscallService = (k, regs) => {
  const task = k.task();
  const path = task.space.readString(regs.get('ebx'), 4096);
  const argv = readStringArray(k, regs.get('ecx'));
  const envp = readStringArray(k, regs.get('edx'));
  if (path === null || argv === null || envp === null) return -EFAULT;
  // An empty argv (NULL, or just its terminator) gives the program argc 1 and argv[0] "", as Linux
  // does since 5.18 (do_execveat_common): code that reads argv[0] unchecked then finds a string.
  if (argv.length === 0) argv.push('');
  const image = readExecutable(k, path);
  if (typeof image === 'number') return image;
  try {
    checkExecutable(image.bytes, path);
  } catch (error) {
    if (error instanceof ExecError) return -error.errno;
    throw error;
  }
  // The file will do: the other threads end now (this call runs again once they have).
  const alone = deThread(k, task);
  if (alone !== 0) return alone;
  let loaded;
  try {
    loaded = loadProgram(k.ram, k.frames, k.kernelDirectory(), {
      image: image.bytes, path, argv, envp, credentials: task.credentials, hwcap: k.hwcap(), random: k.host.random(16), file: image.pages,
      stackLimit: task.group.limits[RLIMIT_STACK]!.cur,
    });
  } catch (error) {
    if (error instanceof ExecError) return -error.errno;
    throw error;
  }
  releaseMm(k, task);                              // robust futexes, clear_child_tid, a vfork parent
  const old = task.space;
  task.space = loaded.space;
  task.space.limits = task.group.limits;
  k.activate(task);
  old.release();
  task.brkStart = task.brk = loaded.brk;
  task.mmapNext = 0x40000000;
  task.executable = image.path;
  task.executableInode = image.inode;
  task.comm = commandName(path);
  task.execed = true;
  forgetFpu(k, task); // the new program starts from init_fpu's state at its first FPU instruction
  // A descriptor table shared with another process (CLONE_FILES) is this one's own from now on
  // (Linux's unshare_files); then the close-on-exec descriptors close.
  if (task.files.users > 1) {
    task.files.users--;
    task.files = task.files.copy();
  }
  task.files.execed(k);
  Object.assign(task, loaded.strings);
  task.tls.fill(null);
  // Caught signals go back to their default; the table is the process's own from now on.
  task.actions = task.actions.map((a) => (a.handler > 1 ? { handler: 0, flags: 0, restorer: 0, mask: 0n } : { ...a }));
  startThread(regs, loaded.entry, loaded.stackPointer);
  k.setThreadFlag(task, TIF_IRET);
  task.justExeced = true;
  return 0;
};


/**
 * execve's file, through the VFS: the path walk (following links), a regular file, execute
 * permission, then its bytes. Returns them with the absolute path (/proc/PID/exe) and the file's
 * pages (which the segments map), or -errno.
 */
export function readExecutable(k: Kernel, path: string): { bytes: Uint8Array; path: string; pages: InodePages; inode: Inode } | number {
  const task = k.task();
  const found = lookupAt(task, AT_FDCWD, path, true);
  if (typeof found === 'number') return found;
  const inode = found.dentry.inode;
  if (isDir(inode.mode)) return -EACCES;
  if (!isRegular(inode.mode)) return -EACCES;
  if (!permitted(inode, { uid: task.credentials.euid, gid: task.credentials.egid }, 1)) return -EACCES;
  if (openForWriting(k, inode)) return -ETXTBSY;   // Linux's deny_write_access
  const bytes = inode.read(0, inode.size());
  if (typeof bytes === 'number') return bytes;
  const absolute = pathName(found, task.fs.root);
  return { bytes, path: absolute, pages: inodePages(inode, absolute, k.ram), inode };
}
