// Making, replacing and reaping processes: fork (clone with fork's flags, vfork), execve (the
// program comes from the host's file system, as under qemu-user), wait4/waitpid.
//
// A blocking wait is Linux's restart idea made literal: wait4 marks the task waiting, asks for a
// reschedule and returns -ERESTARTNOINTR; when a child's exit wakes it, do_notify_resume backs EIP up
// over the `int $0x80` (or onto the vsyscall page's `jmp` before SYSENTER_RETURN) and the call runs
// again, this time finding the zombie (fidelity point 10).

import type { Kernel, SyscallService } from '../kernel.ts';
import type { Task } from '../task.ts';
import { ECHILD, EFAULT, EINVAL, ENOENT, ENOMEM, ERESTARTNOINTR, PAGE_SIZE, PT_REGS_SIZE, THREAD_SIZE, TI_KERNEL_ESP,
  TIF_IRET, TIF_NEED_RESCHED, TIF_NOTIFY_RESUME, __PAGE_OFFSET } from '../layout.ts';
import { PtRegs } from '../pt-regs.ts';
import { OutOfMemory } from '../mm/frames.ts';
import { ExecError, loadProgram, startThread } from '../exec.ts';
import { Struct, copyToUser, FAULT } from './user.ts';

const CLONE_PARENT_SETTID = 0x00100000;
const CLONE_CHILD_CLEARTID = 0x00200000;
const CLONE_CHILD_SETTID = 0x01000000;
const CLONE_FORK_FLAGS = 0xff | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID;
const WNOHANG = 1;

/** fork's core: copy the address space and pt_regs; the child starts in ret_from_fork with EAX 0. */
function forkTask(k: Kernel, regs: PtRegs): Task {
  const parent = k.task();
  const child = k.createTask(parent.pid, parent.space.clone(k.kernelDirectory()), parent.credentials);
  Object.assign(child, { brkStart: parent.brkStart, brk: parent.brk, mmapNext: parent.mmapNext, blockedSignals: parent.blockedSignals, executable: parent.executable });
  parent.actions.forEach((a, i) => { child.actions[i] = { ...a }; });
  parent.tls.forEach((d, i) => { child.tls[i] = d === null ? null : { ...d }; });
  // The child's kernel stack: pt_regs at the top, a copy of the parent's, with EAX = 0 ...
  const top = child.threadInfo + THREAD_SIZE;
  k.ram.set(top - PT_REGS_SIZE, k.ram.u8.slice(regs.physical, regs.physical + PT_REGS_SIZE));
  new PtRegs(k.ram, top - PT_REGS_SIZE).set('eax', 0);
  // ... and below it what schedule's switch pops: GS, FS (the parent's), EDI, ESI, EBX, EBP, then
  // the return address.
  const frame = top - PT_REGS_SIZE - 28;
  const gs = k.cpu.selector('gs'), fs = k.cpu.selector('fs');
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

/** wait4(pid, status *, options, rusage *). */
export const sys_wait4: SyscallService = (k, regs) => {
  const [pid, statusPointer, options, rusage] = regs.args();
  const task = k.task();
  const wanted = (c: Task): boolean => c.ppid === task.pid && ((pid | 0) === -1 || (pid | 0) === 0 || c.pid === pid);
  const children = [...k.tasks.values()].filter(wanted);
  if (children.length === 0) return -ECHILD;
  const zombie = children.find((c) => c.state === 'zombie');
  if (zombie === undefined) {
    if ((options & WNOHANG) !== 0) return 0;
    task.state = 'waiting';                                     // until a child's exit wakes us
    k.setThreadFlag(task, TIF_NEED_RESCHED);
    k.setThreadFlag(task, TIF_NOTIFY_RESUME);                  // so do_notify_resume restarts the call
    return -ERESTARTNOINTR;
  }
  if (statusPointer !== 0 && !copyToUser(k, statusPointer, new Struct(4).u32(0, zombie.waitStatus).bytes)) return FAULT;
  if (rusage !== 0 && !copyToUser(k, rusage, new Struct(72).bytes)) return FAULT;
  k.tasks.delete(zombie.pid);
  if (!zombie.spaceReleased) zombie.space.destroy();
  k.kernelStacks.release(zombie.threadInfo);
  return zombie.pid;
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
  const image = k.host.openExecutable(path);
  if (typeof image === 'number') return -image;
  const c = task.credentials;
  let loaded;
  try {
    loaded = loadProgram(k.ram, k.frames, k.kernelDirectory(), {
      image, path, argv, envp, credentials: c, hwcap: k.hwcap(), random: k.host.random(16),
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
  task.executable = path;
  task.clearChildTid = 0;
  task.tls.fill(null);
  task.actions.forEach((a, i) => { if (a.handler > 1) task.actions[i] = { handler: 0, flags: 0, restorer: 0, mask: 0 }; });
  startThread(regs, loaded.entry, loaded.stackPointer);
  k.setThreadFlag(task, TIF_IRET);
  task.justExeced = true;
  return 0;
};

void PAGE_SIZE; void ENOENT;
