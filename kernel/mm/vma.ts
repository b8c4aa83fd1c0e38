// Virtual memory areas (Linux's vm_area_struct): what a process may have at each address, kept
// apart from what it has now (the page tables). mmap, brk and exec make areas; pages arrive on the
// first touch (the page fault, kernel/mm/fault.ts), and a fork shares them copy-on-write.

/** The pages of a file, as a mapping needs them (fs provides them for tmpfs and host files). */
export interface FilePages {
  /** For /proc/self/maps: the path, device (major, minor) and inode number. */
  readonly path: string;
  readonly device: [number, number];
  readonly inode: number;
  /** Copy the file's bytes at `offset` into `into` (a page; past the end stays zero). */
  read(offset: number, into: Uint8Array): void;
  /**
   * The page cache's frame for the page at `offset`, with one more holder taken for the caller, if
   * the file keeps its pages in guest memory (tmpfs): MAP_SHARED then maps that very frame, and
   * every process sees every write at once. Without it a shared mapping holds a copy, written back
   * by msync and munmap.
   */
  frame?(offset: number, frames: import('./frames.ts').FrameAllocator): number;
  /** MAP_SHARED: write a page back at `offset` (msync, munmap, exit); past the end is dropped. */
  write(offset: number, from: Uint8Array): void;
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
}

export const PROT_READ = 0x1;
export const PROT_WRITE = 0x2;
export const PROT_EXEC = 0x4;

/** The part of `vma` in [start, end), as a new area (its file offset moved with it). */
export function sliceVma(vma: Vma, start: number, end: number): Vma {
  const s = Math.max(vma.start, start);
  return { ...vma, start: s, end: Math.min(vma.end, end), file: vma.file === null ? null : { ...vma.file, offset: vma.file.offset + (s - vma.start) } };
}
