// Making, replacing and reaping processes: fork (clone with fork's flags, vfork), execve (the
// program comes from the VFS: the initramfs, or the host file system under `gate86 run`), wait4/waitpid.
//
// A blocking wait is Linux's restart idea made literal: wait4 sleeps (kernel/wait-queue.ts) and
// returns -ERESTARTSYS, as Linux's do_wait does; when a child's exit wakes it, do_notify_resume backs EIP up
// over the `int $0x80` (or onto the vsyscall page's `jmp` before SYSENTER_RETURN) and the call runs
// again, this time finding the zombie (fidelity point 10).

import type { Kernel, SyscallService } from '../kernel.ts';
import type { Task } from '../task.ts';
import { EACCES, ECHILD, EFAULT, EINVAL, ENOMEM, ERESTARTSYS, PT_REGS_SIZE, THREAD_SIZE, TI_KERNEL_ESP,
  TIF_IRET, __PAGE_OFFSET } from '../layout.ts';
import { PtRegs } from '../pt-regs.ts';
import { OutOfMemory } from '../mm/frames.ts';
import { ExecError, loadProgram, startThread } from '../exec.ts';
import { Struct, copyToUser, FAULT } from './user.ts';
import { rusageBytes } from './jobs.ts';
import { commandName } from './process.ts';
import { sleepOn } from '../wait-queue.ts';
import { AT_FDCWD, lookupAt } from '../fs/vfs.ts';
import { isDir, isRegular } from '../fs/inode.ts';
import { pathName, permitted } from '../fs/path.ts';

const CLONE_PARENT_SETTID = 0x00100000;
const CLONE_CHILD_CLEARTID = 0x00200000;
const CLONE_CHILD_SETTID = 0x01000000;
const CLONE_FORK_FLAGS = 0xff | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID;
const WNOHANG = 1;

/** fork's core: copy the address space and pt_regs; the child starts in ret_from_fork with EAX 0. */
function forkTask(k: Kernel, regs: PtRegs): Task {
  const parent = k.task();
  const child = k.createTask(parent.pid, parent.space.clone(k.kernelDirectory()), parent.credentials);
  Object.assign(child, {
    brkStart: parent.brkStart, brk: parent.brk, mmapNext: parent.mmapNext, blockedSignals: parent.blockedSignals, executable: parent.executable, comm: parent.comm,
    pgid: parent.pgid, sid: parent.sid, tty: parent.tty, startTicks: k.jiffies,
    argStart: parent.argStart, argEnd: parent.argEnd, envStart: parent.envStart, envEnd: parent.envEnd,
  });
  // fork without CLONE_FILES/CLONE_FS: the child gets copies (sharing the open file descriptions).
  child.files = parent.files.copy();
  child.fs = parent.fs.copy();
  parent.actions.forEach((a, i) => { child.actions[i] = { ...a }; });
  parent.tls.forEach((d, i) => { child.tls[i] = d === null ? null : { ...d }; });
  // The child's kernel stack: pt_regs at the top, a copy of the parent's, with EAX = 0 ...
  const top = child.threadInfo + THREAD_SIZE;
  k.ram.set(top - PT_REGS_SIZE, k.ram.u8.slice(regs.physical, regs.physical + PT_REGS_SIZE));
  new PtRegs(k.ram, top - PT_REGS_SIZE).set('eax', 0);
  // ... and below it what schedule's switch pops: GS, FS (the parent's), EDI, ESI, EBX, EBP, then
  // the return address.
  const frame = top - PT_REGS_SIZE - 28;
  const cpu = k.cpu;
  const [gs, fs] = cpu === null ? [0, 0] : [cpu.selector('gs'), cpu.selector('fs')];
  [gs, fs, 0, 0, 0, 0, k.image.symbols.get('ret_from_fork')!].forEach((v, i) => k.ram.write32(frame + 4 * i, v));
  k.ram.write32(child.threadInfo + TI_KERNEL_ESP, frame + __PAGE_OFFSET);
  return child;
}

function fork(k: Kernel, regs: PtRegs, flags: number, parentTid: number, childTid: number): number {
  if ((flags & ~CLONE_FORK_FLAGS) !== 0) return -EINVAL;         // threads (CLONE_VM ...) not yet
  let child: Task;
  try {
    child = forkTask(k, regs);
  } catch (error) {
    if (error instanceof OutOfMemory) return -ENOMEM;
    throw error;
  }
  if ((flags & CLONE_CHILD_SETTID) !== 0) child.space.write32(childTid, child.pid);
  if ((flags & CLONE_CHILD_CLEARTID) !== 0) child.clearChildTid = childTid;
  if ((flags & CLONE_PARENT_SETTID) !== 0) k.task().space.write32(parentTid, child.pid);
  return child.pid;
}

export const sys_fork: SyscallService = (k, regs) => fork(k, regs, 17, 0, 0);
/** vfork: a full copy (no shared memory yet), which is a correct if slower vfork. */
export const sys_vfork = sys_fork;
/** clone(flags, newsp, parent_tidptr, tls, child_tidptr): the fork subset (newsp 0). */
export const sys_clone: SyscallService = (k, regs) => {
  const [flags, stack, parentTid, , childTid] = regs.args();
  if (stack !== 0) return -EINVAL;
  return fork(k, regs, flags, parentTid, childTid);
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
  const wanted = (c: Task): boolean => c.ppid === task.pid
    && (want === -1 || (want === 0 ? c.pgid === task.pgid : want < -1 ? c.pgid === -want : c.pid === want));
  const children = [...k.tasks.values()].filter(wanted);
  if (children.length === 0) return -ECHILD;
  const report = (child: Task, status: number, usage: Uint8Array): number => {
    if (statusPointer !== 0 && !copyToUser(k, statusPointer, new Struct(4).u32(0, status).bytes)) return FAULT;
    if (rusage !== 0 && !copyToUser(k, rusage, usage)) return FAULT;
    return child.pid;
  };
  const zombie = children.find((c) => c.state === 'zombie');
  if (zombie !== undefined) {
    const r = report(zombie, zombie.waitStatus, rusageBytes(zombie.userTicks + zombie.childUserTicks, zombie.systemTicks + zombie.childSystemTicks, 0));
    if (r < 0 || (options & WNOWAIT) !== 0) return r;
    task.childUserTicks += zombie.userTicks + zombie.childUserTicks;
    task.childSystemTicks += zombie.systemTicks + zombie.childSystemTicks;
    k.tasks.delete(zombie.pid);
    if (!zombie.spaceReleased) zombie.space.destroy();
    k.kernelStacks.release(zombie.threadInfo);
    return r;
  }
  const stopped = (options & WUNTRACED) !== 0 ? children.find((c) => c.stopped && c.stopReport !== 0) : undefined;
  if (stopped !== undefined) {
    const r = report(stopped, (stopped.stopReport << 8) | 0x7f, rusageBytes(stopped.userTicks, stopped.systemTicks, 0));
    if (r > 0 && (options & WNOWAIT) === 0) stopped.stopReport = 0;
    return r;
  }
  const continued = (options & WCONTINUED) !== 0 ? children.find((c) => c.continuedReport) : undefined;
  if (continued !== undefined) {
    const r = report(continued, 0xffff, rusageBytes(continued.userTicks, continued.systemTicks, 0));
    if (r > 0 && (options & WNOWAIT) === 0) continued.continuedReport = false;
    return r;
  }
  if ((options & WNOHANG) !== 0) return 0;
  // Until a child exits, stops or continues (exitTask and the job control code wake us).
  return sleepOn(k, [], null, -ERESTARTSYS);
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

/** execve(path, argv, envp): replace the program; the new one starts through iret (TIF_IRET). */
export const sys_execve: SyscallService = (k, regs) => {
  const task = k.task();
  const path = task.space.readString(regs.get('ebx'), 4096);
  const argv = readStringArray(k, regs.get('ecx'));
  const envp = readStringArray(k, regs.get('edx'));
  if (path === null || argv === null || envp === null) return -EFAULT;
  const image = readExecutable(k, path);
  if (typeof image === 'number') return image;
  const c = task.credentials;
  let loaded;
  try {
    loaded = loadProgram(k.ram, k.frames, k.kernelDirectory(), {
      image: image.bytes, path, argv, envp, credentials: c, hwcap: k.hwcap(), random: k.host.random(16),
    });
  } catch (error) {
    if (error instanceof ExecError) return -error.errno;
    throw error;
  }
  const old = task.space;
  task.space = loaded.space;
  k.activate(task);
  old.destroy();
  task.brkStart = task.brk = loaded.brk;
  task.mmapNext = 0x40000000;
  task.executable = image.path;
  task.comm = commandName(path);
  task.execed = true;
  task.clearChildTid = 0;
  task.files.execed(k);
  Object.assign(task, loaded.strings);
  task.tls.fill(null);
  task.actions.forEach((a, i) => { if (a.handler > 1) task.actions[i] = { handler: 0, flags: 0, restorer: 0, mask: 0 }; });
  startThread(regs, loaded.entry, loaded.stackPointer);
  k.setThreadFlag(task, TIF_IRET);
  task.justExeced = true;
  return 0;
};


/**
 * execve's file, through the VFS: the path walk (following links), a regular file, execute
 * permission, then its bytes. Returns them with the absolute path (/proc/PID/exe), or -errno.
 */
export function readExecutable(k: Kernel, path: string): { bytes: Uint8Array; path: string } | number {
  const task = k.task();
  const found = lookupAt(task, AT_FDCWD, path, true);
  if (typeof found === 'number') return found;
  const inode = found.dentry.inode;
  if (isDir(inode.mode)) return -EACCES;
  if (!isRegular(inode.mode)) return -EACCES;
  if (!permitted(inode, { uid: task.credentials.euid, gid: task.credentials.egid }, 1)) return -EACCES;
  const bytes = inode.read(0, inode.size());
  if (typeof bytes === 'number') return bytes;
  return { bytes, path: pathName(found, task.fs.root) };
}
