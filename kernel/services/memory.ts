// A process's memory: brk (the heap after the program's bss), mmap2/munmap, mprotect, mremap,
// madvise, msync. These only change areas (kernel/mm/vma.ts); the pages come on first touch
// (demand paging, kernel/mm/fault.ts), so a big mmap costs nothing until it is used.
//
// Memory is accounted against the machine's RAM (`--mem`) the way Linux's default overcommit
// heuristic does it: one request for more than the machine could ever hold is refused with
// -ENOMEM at once; smaller ones succeed, and a fault that finds no frame left is the OOM killer's.
//
// The process's resource limits (kernel/rlimit.ts) as Linux 2.6 applies them: RLIMIT_AS bounds the
// areas' total size (may_expand_vm: mmap, brk, mremap's growth, the stack's growth are -ENOMEM, a
// fault SIGSEGV), RLIMIT_DATA the heap and data segment (brk - start_data), and RLIMIT_STACK at exec
// where mmap's room ends (address-space.ts mmapBase).

import type { Kernel, SyscallService } from '../kernel.ts';
import { EACCES, EBADF, EFAULT, EINVAL, ENODEV, ENOMEM, EOVERFLOW, PAGE_SIZE, TASK_SIZE } from '../layout.ts';
import { inodePages, type InodePages } from '../mm/file-pages.ts';
import { isRegular, S_IFCHR, S_IFMT } from '../fs/inode.ts';
import { DEV_ZERO } from '../fs/devices.ts';
import { O_APPEND } from '../fs/file.ts';
import { pathName } from '../fs/path.ts';
import { TASK_UNMAPPED_BASE, type AddressSpace } from '../mm/address-space.ts';
import { RLIM_INFINITY, RLIMIT_DATA } from '../rlimit.ts';
import { PROT_EXEC, PROT_READ, PROT_WRITE, closeVma, sliceVma, type Vma } from '../mm/vma.ts';
import { SharedAnonymous } from '../mm/shmem.ts';

const pageUp = (v: number): number => Math.ceil(v / PAGE_SIZE) * PAGE_SIZE;
const MAP_SHARED = 0x01;
const MAP_PRIVATE = 0x02;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
const MAP_GROWSDOWN = 0x0100;
const MREMAP_MAYMOVE = 1;
const MREMAP_FIXED = 2;
const MADV_DONTNEED = 4;
const MS_ASYNC = 1;
const MS_INVALIDATE = 2;
const MS_SYNC = 4;

/** Linux's __vm_enough_memory in heuristic mode: is `bytes` more than the machine's RAM? */
function tooBig(k: Kernel, bytes: number): boolean {
  return bytes / PAGE_SIZE > k.frames.total;
}

function heapVma(space: AddressSpace): Vma | null {
  return space.vmas.find((v) => v.name === '[heap]') ?? null;
}

/** brk(addr): move the break; the result is the new break, or the old one when refused. */
export const sys_brk: SyscallService = (k, regs) => {
  const task = k.task();
  const space = task.space;
  const wanted = regs.get('ebx');
  if (wanted < task.brkStart) return task.brk;
  const oldEnd = pageUp(task.brk);
  const newEnd = pageUp(wanted);
  if (newEnd > oldEnd) {
    // 2.6's sys_brk: RLIMIT_DATA on the data segment and heap together (today's Linux counts the
    // heap plus the file-backed data, end_data - start_data, leaving out the bss; since 4.7 it also
    // bounds private writable mmaps, which 2.6 does not), then do_brk's may_expand_vm (RLIMIT_AS).
    const dataLimit = task.group.limits[RLIMIT_DATA]!.cur;
    if (dataLimit !== RLIM_INFINITY && wanted - space.startData > dataLimit) return task.brk;
    if (tooBig(k, newEnd - task.brkStart) || space.overlaps(oldEnd, newEnd) || newEnd > space.mmapCeiling) return task.brk;
    if (!space.mayExpand(newEnd - oldEnd)) return task.brk;
    const heap = heapVma(space);
    if (heap !== null && heap.end === oldEnd) heap.end = newEnd;
    else space.insertVma({ start: oldEnd, end: newEnd, read: true, write: true, exec: space.readImpliesExec, shared: false, growsDown: false, name: '[heap]', file: null });
  } else if (newEnd < oldEnd) {
    space.unmap(newEnd, oldEnd);
  }
  task.brk = wanted;
  return task.brk;
};

/** The rights PROT_* asks for; under READ_IMPLIES_EXEC (exec.ts) a readable mapping is executable too. */
function protection(space: AddressSpace, prot: number): Pick<Vma, 'read' | 'write' | 'exec'> {
  const read = (prot & PROT_READ) !== 0;
  return { read, write: (prot & PROT_WRITE) !== 0, exec: (prot & PROT_EXEC) !== 0 || (read && space.readImpliesExec) };
}

/**
 * What mmap of descriptor `fd` maps: a regular file's pages (kernel/mm/file-pages.ts, opened once
 * for the area), null for /dev/zero (anonymous memory, as Linux's mmap_zero), or an errno: EBADF
 * for no such descriptor, ENODEV for what cannot be mapped (pipes, ttys, directories), EACCES for
 * a file not open for reading, or open without write for a writable MAP_SHARED mapping (which then
 * may never become writable: mayWrite).
 */
function mappedFile(k: Kernel, fd: number, shared: boolean, prot: number): { pages: InodePages; mayWrite: boolean } | null | number {
  const task = k.task();
  const file = task.files.get(fd);
  if (file === null) return -EBADF;
  const inode = file.inode;
  if ((inode.mode & S_IFMT) === S_IFCHR && inode.rdev === DEV_ZERO) return null;
  if (!isRegular(inode.mode) || file.path === null) return -ENODEV;
  if (!file.readable()) return -EACCES;
  if (shared && (prot & PROT_WRITE) !== 0 && (!file.writable() || (file.flags & O_APPEND) !== 0)) return -EACCES;
  const pages = inodePages(inode, pathName(file.path, task.fs.root), k.ram);
  pages.open();
  return { pages, mayWrite: !shared || file.writable() };
}

/** mmap2(addr, length, prot, flags, fd, pgoffset): anonymous memory, or a file's pages from pgoffset on. */
export const sys_mmap_pgoff: SyscallService = (k, regs) => {
  const [addr, length, prot, flags, fd, pgoffset] = regs.args();
  const space = k.task().space;
  if (length === 0 || length > TASK_SIZE) return -EINVAL;
  const type = flags & (MAP_SHARED | MAP_PRIVATE);
  if (type !== MAP_SHARED && type !== MAP_PRIVATE) return -EINVAL;
  const size = pageUp(length);
  if ((flags & MAP_ANONYMOUS) === 0 && (pgoffset + size / PAGE_SIZE) * PAGE_SIZE > 0xffffffff + 1) return -EOVERFLOW;
  if (tooBig(k, size)) return -ENOMEM;
  if ((flags & MAP_FIXED) !== 0 && ((addr & (PAGE_SIZE - 1)) !== 0 || addr + size > TASK_SIZE || addr + size < addr)) return -EINVAL;
  const mapped = (flags & MAP_ANONYMOUS) === 0 ? mappedFile(k, fd | 0, type === MAP_SHARED, prot) : null;
  if (typeof mapped === 'number') return mapped;
  let start: number;
  if ((flags & MAP_FIXED) !== 0) {
    start = addr;
    space.unmap(start, start + size);
  } else {
    // A hint is taken when the range is free; otherwise the lowest gap above TASK_UNMAPPED_BASE.
    const hint = pageUp(addr);
    start = hint !== 0 && hint + size <= space.mmapCeiling && !space.overlaps(hint, hint + size) ? hint : space.findGap(size, TASK_UNMAPPED_BASE, space.mmapCeiling);
  }
  // do_mmap_pgoff's may_expand_vm, after a MAP_FIXED mapping's old pages went (as in 2.6: they stay gone).
  if (start < 0 || !space.mayExpand(size)) {
    mapped?.pages.close(k.frames);
    return -ENOMEM;
  }
  // A file's pages; or for MAP_SHARED|MAP_ANONYMOUS a fresh in-memory object (Linux's
  // shmem_zero_setup), whose pages stay one set of frames for every process that inherits the
  // mapping, touched before the fork or after.
  const file = mapped !== null ? { pages: mapped.pages, offset: pgoffset * PAGE_SIZE }
    : type === MAP_SHARED ? { pages: new SharedAnonymous(k.ram, ++k.shmemInodes), offset: 0 } : null;
  const mayWrite = mapped?.mayWrite ?? true;
  space.insertVma({
    start, end: start + size, ...protection(space, prot), shared: type === MAP_SHARED, growsDown: (flags & MAP_GROWSDOWN) !== 0, name: '', file,
    ...(mayWrite ? {} : { mayWrite }),
  });
  return start;
};

export const sys_munmap: SyscallService = (k, regs) => {
  const [addr, length] = regs.args();
  if ((addr & (PAGE_SIZE - 1)) !== 0 || length === 0 || addr + length > TASK_SIZE) return -EINVAL;
  k.task().space.unmap(addr, addr + pageUp(length));
  return 0;
};

/** Is every page of [start, end) in some area? (mprotect, madvise, msync answer -ENOMEM if not.) */
function covered(space: AddressSpace, start: number, end: number): boolean {
  let at = start;
  for (const vma of space.vmas) {
    if (vma.end <= at) continue;
    if (vma.start > at) return false;
    at = vma.end;
    if (at >= end) return true;
  }
  return at >= end;
}

/** mprotect(addr, len, prot): split the areas at the range's ends and give the middle new rights. */
export const sys_mprotect: SyscallService = (k, regs) => {
  const [addr, length, prot] = regs.args();
  if ((addr & (PAGE_SIZE - 1)) !== 0 || addr + length > TASK_SIZE || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x03000000)) !== 0) return -EINVAL;
  if (length === 0) return 0;
  const space = k.task().space;
  const end = addr + pageUp(length);
  if (!covered(space, addr, end)) return -ENOMEM;
  // A shared mapping of a file opened without write access can never be made writable.
  if ((prot & PROT_WRITE) !== 0 && space.vmas.some((v) => v.start < end && v.end > addr && v.mayWrite === false)) return -EACCES;
  for (const piece of space.removeVmas(addr, end)) {
    const vma = { ...piece, ...protection(space, prot) };
    space.insertVma(vma);
    space.applyProtection(vma.start, vma.end, vma);
  }
  return 0;
};

/** mremap(old, old_size, new_size, flags, new_address): shrink, grow in place, or move the area. */
export const sys_mremap: SyscallService = (k, regs) => {
  const [old, oldLength, newLength, flags, newAddress] = regs.args();
  if ((old & (PAGE_SIZE - 1)) !== 0 || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) !== 0) return -EINVAL;
  if ((flags & MREMAP_FIXED) !== 0 && ((flags & MREMAP_MAYMOVE) === 0 || (newAddress & (PAGE_SIZE - 1)) !== 0)) return -EINVAL;
  const oldSize = pageUp(oldLength);
  const newSize = pageUp(newLength);
  if (newSize === 0) return -EINVAL;
  const space = k.task().space;
  const vma = space.findVma(old);
  if (vma === null || old + oldSize > vma.end) return -EFAULT;
  if (tooBig(k, newSize)) return -ENOMEM;
  if ((flags & MREMAP_FIXED) === 0 && newSize <= oldSize) {
    space.unmap(old + newSize, old + oldSize);
    return old;
  }
  // Growing (in place or by a move) is may_expand_vm's to allow: RLIMIT_AS counts the new pages.
  if (newSize > oldSize && !space.mayExpand(newSize - oldSize)) return -ENOMEM;
  const inPlace = (flags & MREMAP_FIXED) === 0 && old + oldSize === vma.end && old + newSize <= space.mmapCeiling && !space.overlaps(old + oldSize, old + newSize);
  if (inPlace) {
    vma.end = old + newSize;
    return old;
  }
  if ((flags & MREMAP_MAYMOVE) === 0) return -ENOMEM;
  let target: number;
  if ((flags & MREMAP_FIXED) !== 0) {
    target = newAddress;
    if (target + newSize > TASK_SIZE || (target < old + oldSize && target + newSize > old)) return -EINVAL;
    space.unmap(target, target + newSize);
  } else {
    target = space.findGap(newSize, TASK_UNMAPPED_BASE, space.mmapCeiling);
    if (target < 0) return -ENOMEM;
  }
  const moved = sliceVma(vma, old, old + Math.min(oldSize, newSize));
  for (const piece of space.removeVmas(old, old + oldSize)) closeVma(piece, k.frames);
  space.movePages(old, target, Math.min(oldSize, newSize));
  space.unmapRange(old, old + oldSize);                                             // a shrinking move's tail
  space.insertVma({ ...moved, start: target, end: target + newSize });
  return target;
};

/**
 * madvise(addr, len, advice): MADV_DONTNEED drops the pages — private ones come back zeroed (or as
 * the file's bytes again), shared ones from the object that holds them; the rest are hints.
 */
export const sys_madvise: SyscallService = (k, regs) => {
  const [addr, length, advice] = regs.args();
  if ((addr & (PAGE_SIZE - 1)) !== 0 || (length | 0) < 0) return -EINVAL;
  if (length === 0) return 0;
  const space = k.task().space;
  const end = addr + pageUp(length);
  if (!covered(space, addr, end)) return -ENOMEM;
  if (advice === MADV_DONTNEED) {
    for (const vma of space.vmas) {
      if (vma.start >= end || vma.end <= addr) continue;
      if (vma.shared) space.writeBack(vma, addr, end);
      space.unmapRange(Math.max(vma.start, addr), Math.min(vma.end, end));
    }
  }
  return 0;
};

/** msync(addr, len, flags): write a MAP_SHARED file mapping's pages back. */
export const sys_msync: SyscallService = (k, regs) => {
  const [addr, length, flags] = regs.args();
  if ((addr & (PAGE_SIZE - 1)) !== 0 || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) !== 0) return -EINVAL;
  if ((flags & MS_ASYNC) !== 0 && (flags & MS_SYNC) !== 0) return -EINVAL;
  const space = k.task().space;
  const end = addr + pageUp(length);
  if (length !== 0 && !covered(space, addr, end)) return -ENOMEM;
  for (const vma of space.vmas) if (vma.shared && vma.file !== null && vma.start < end && vma.end > addr) space.writeBack(vma, addr, end);
  return 0;
};
