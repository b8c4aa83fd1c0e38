// Virtual memory areas (Linux's vm_area_struct): what a process may have at each address, kept
// apart from what it has now (the page tables). mmap, brk and exec make areas; pages arrive on the
// first touch (the page fault, kernel/mm/fault.ts), and a fork shares them copy-on-write.

import type { FrameAllocator } from './frames.ts';

/** Who a mapped file is, as /proc/PID/maps names it: its path, device (major, minor) and inode. */
export interface FileIdentity {
  readonly path: string;
  readonly device: readonly [number, number];
  readonly inode: number;
}

/**
 * The pages of a file, as a mapping needs them: the executable (kernel/exec.ts), the anonymous
 * object behind MAP_SHARED|MAP_ANONYMOUS (kernel/mm/shmem.ts), and the files fs provides (tmpfs,
 * host files). Every area that maps the file holds it open (Linux's get_file/fput on a vma): a
 * split, a fork or a move opens it once more, each area that goes away closes it once.
 */
export interface FilePages extends FileIdentity {
  /** Copy the file's bytes at `offset` into `into` (a page; past the end stays zero). */
  read(offset: number, into: Uint8Array): void;
  /**
   * The page cache's frame for the page at `offset`, with one more holder taken for the caller, if
   * the file keeps its pages in guest memory: MAP_SHARED then maps that very frame, and every
   * process sees every write at once. Without it a shared mapping holds a copy, written back
   * by msync and munmap.
   */
  frame?(offset: number, frames: FrameAllocator): number;
  /** MAP_SHARED: write a page back at `offset` (msync, munmap, exit); past the end is dropped. */
  write(offset: number, from: Uint8Array): void;
  /** The file's size now: a page wholly past its end is SIGBUS to touch (absent: no end). */
  size?(): number;
  /** One more area maps the file. */
  open?(): void;
  /** One area that mapped it is gone (the last close may free what the file kept for mappings). */
  close?(frames: FrameAllocator): void;
}

export interface Vma {
  start: number;
  end: number;
  read: boolean;
  write: boolean;
  exec: boolean;
  /** MAP_SHARED: a fork shares the frames writable instead of copy-on-write. */
  shared: boolean;
  /** The stack: a fault just below it extends it (up to RLIMIT_STACK). */
  growsDown: boolean;
  /** [heap], [stack], or '' (a file's path comes from `file`). */
  name: string;
  /** A file mapping and the file offset of `start`; null for anonymous memory. */
  file: { pages: FilePages; offset: number } | null;
  /** false: mprotect may never make it writable (MAP_SHARED of a file opened without write: Linux's VM_MAYWRITE). */
  mayWrite?: boolean;
}

export const PROT_READ = 0x1;
export const PROT_WRITE = 0x2;
export const PROT_EXEC = 0x4;

/** The part of `vma` in [start, end), as a new area (its file offset moved with it; the file opened once more). */
export function sliceVma(vma: Vma, start: number, end: number): Vma {
  const s = Math.max(vma.start, start);
  const file = vma.file === null ? null : { ...vma.file, offset: vma.file.offset + (s - vma.start) };
  file?.pages.open?.();
  return { ...vma, start: s, end: Math.min(vma.end, end), file };
}

/** The same area again, holding its file once more (fork's copy of the parent's areas). */
export function copyVma(vma: Vma): Vma {
  return sliceVma(vma, vma.start, vma.end);
}

/** An area goes away: its file is closed once. */
export function closeVma(vma: Vma, frames: FrameAllocator): void {
  vma.file?.pages.close?.(frames);
}

/**
 * Linux's is_mergeable_vma: may `low` and the area starting where it ends become one? The same
 * rights and kind, and for a file the same file at the next offset.
 */
export function canMerge(low: Vma, high: Vma): boolean {
  if (low.end !== high.start) return false;
  if (low.read !== high.read || low.write !== high.write || low.exec !== high.exec) return false;
  if (low.shared !== high.shared || low.growsDown !== high.growsDown || low.name !== high.name) return false;
  if ((low.mayWrite ?? true) !== (high.mayWrite ?? true)) return false;
  if (low.file === null || high.file === null) return low.file === high.file;
  return low.file.pages === high.file.pages && low.file.offset + (low.end - low.start) === high.file.offset;
}
