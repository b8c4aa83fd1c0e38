// One process's address space: an i386 two-level page table in guest memory (CR3 points at its
// directory), built and edited by the TypeScript half of the kernel the way Linux's mm/ does.
//
//   - the user half (0 .. 0xBFFFFFFF) holds the process's own pages, 4 KiB each, U/S = 1, R/W as the
//     ELF segment or mmap asked;
//   - the kernel half (directory slots 768..1023) is copied from swapper_pg_dir, so the kernel and the
//     vsyscall page at 0xffffe000 are at the same place in every process.
//
// Every access the kernel makes to user memory goes through translate(), which asks the machine's one
// page walker (vm/cpu/mmu.ts) with the MMU's own U/S and R/W rules for a ring-3 access: a bad user
// pointer becomes -EFAULT in the service, never a host exception.

import { PageWalk, permits, walkPageTables } from '../../vm/cpu/mmu.ts';
import { PAGE_SIZE, PTE_PRESENT, PTE_RW, PTE_USER, TASK_SIZE } from '../layout.ts';
import { OutOfMemory, type FrameAllocator } from './frames.ts';
import type { Ram } from './ram.ts';
import { RLIM_INFINITY, RLIMIT_AS, RLIMIT_STACK, STACK_LIMIT, initialLimits, type Rlimit } from '../rlimit.ts';
import { canMerge, closeVma, copyVma, sliceVma, type Vma } from './vma.ts';

const pageDown = (v: number): number => (v & ~(PAGE_SIZE - 1)) >>> 0;

/** Linux's TASK_UNMAPPED_BASE: where mmap starts looking for room (TASK_SIZE / 3). */
export const TASK_UNMAPPED_BASE = 0x40000000;
/** arch/i386/mm/mmap.c's bounds on the room left for the stack under mmap_base. */
const MIN_GAP = 128 * 1024 * 1024;
const MAX_GAP = Math.floor(TASK_SIZE / 6) * 5;

/**
 * Where mmap's room ends, fixed at exec from RLIMIT_STACK (Linux 2.6's arch_pick_mmap_layout):
 * an unlimited stack is 2.6's legacy layout, mmap up to TASK_SIZE; a limited one leaves a gap
 * of the limit (at least 128 MiB, at most 5/6 of TASK_SIZE) under TASK_SIZE, 2.6's mmap_base.
 * 2.6 hands out addresses top-down from mmap_base and, when that fails, falls back to the whole
 * range bottom-up; gate86 keeps the bottom-up order (addresses from TASK_UNMAPPED_BASE) with
 * mmap_base as a hard ceiling, so the stack can always grow to its limit.
 */
export function mmapBase(stackLimit: number): number {
  if (stackLimit === RLIM_INFINITY) return TASK_SIZE;
  const gap = Math.min(Math.max(stackLimit, MIN_GAP), MAX_GAP);
  return pageDown(TASK_SIZE - gap);
}

/** What a page fault on a user address comes to (sigbus: a file mapping's page wholly past the file's end). */
export type FaultOutcome = 'mapped' | 'segv' | 'sigbus' | 'oom';

/** The limits of a space no process has claimed yet (exec and fork give it its process's). */
const DEFAULT_LIMITS: readonly Rlimit[] = initialLimits(1);

const KERNEL_PDE_FIRST = TASK_SIZE >>> 22;       // 768
const FRAME_MASK = 0xfffff000;

export interface Protection { write: boolean }

export class AddressSpace {
  /** The page directory's physical address: the value CR3 gets when this process runs. */
  readonly directory: number;

  constructor(private readonly ram: Ram, private readonly frames: FrameAllocator, kernelDirectory: number) {
    this.directory = frames.allocate();
    for (let slot = KERNEL_PDE_FIRST; slot < 1024; slot++) {
      ram.write32(this.directory + slot * 4, ram.read32(kernelDirectory + slot * 4));
    }
  }

  /** The page table entry's physical address for a user page (creating the table if asked). */
  private pteAddress(va: number, create: boolean): number {
    const pdeAddress = this.directory + (va >>> 22) * 4;
    let pde = this.ram.read32(pdeAddress);
    if ((pde & PTE_PRESENT) === 0) {
      if (!create) return -1;
      // The directory entry allows everything; each PTE decides (the MMU ANDs the two levels).
      pde = (this.frames.allocate() | PTE_PRESENT | PTE_RW | PTE_USER) >>> 0;
      this.ram.write32(pdeAddress, pde);
    }
    return (pde & FRAME_MASK) + ((va >>> 12) & 1023) * 4;
  }

  /** Map one user page to a fresh zeroed frame (or keep the frame already there, updating R/W). */
  mapPage(va: number, protection: Protection): number {
    if (va >>> 0 >= TASK_SIZE) throw new RangeError(`mapPage(0x${(va >>> 0).toString(16)}): not a user address`);
    const pte = this.pteAddress(va, true);
    const old = this.ram.read32(pte);
    const frame = (old & PTE_PRESENT) !== 0 ? (old & FRAME_MASK) >>> 0 : this.frames.allocate();
    this.ram.write32(pte, frame | PTE_PRESENT | PTE_USER | (protection.write ? PTE_RW : 0));
    return frame;
  }

  /** Map [start, end) page by page. */
  mapRange(start: number, end: number, protection: Protection): void {
    for (let va = (start & ~(PAGE_SIZE - 1)) >>> 0; va < end; va += PAGE_SIZE) this.mapPage(va >>> 0, protection);
  }

  /** Change R/W on the mapped pages of [start, end); returns false if any page is unmapped. */
  protect(start: number, end: number, protection: Protection): boolean {
    for (let va = start; va < end; va += PAGE_SIZE) if (!this.isMapped(va)) return false;
    for (let va = start; va < end; va += PAGE_SIZE) {
      const pte = this.pteAddress(va, false);
      const old = this.ram.read32(pte);
      this.ram.write32(pte, (old & ~PTE_RW) | (protection.write ? PTE_RW : 0));
    }
    return true;
  }

  unmapRange(start: number, end: number): void {
    for (let va = start; va < end; va += PAGE_SIZE) {
      const pte = this.pteAddress(va, false);
      if (pte < 0) continue;
      const old = this.ram.read32(pte);
      if ((old & PTE_PRESENT) === 0) continue;
      this.frames.release((old & FRAME_MASK) >>> 0);
      this.ram.write32(pte, 0);
      this.ptesChanged = true;
    }
  }

  isMapped(va: number): boolean {
    return this.translate(va, false) >= 0;
  }

  /**
   * The physical address of a user access as the MMU would allow it at CPL 3, or -1 (the access
   * would fault). User pointers are checked here, and only here: access_ok's bound, then the walk.
   * head.S never sets CR4.PSE, so no directory entry maps a 4 MiB page.
   */
  translate(va: number, write: boolean): number {
    va >>>= 0;
    if (va >= TASK_SIZE) return -1;
    const w = this.walk;
    if (!walkPageTables(this.ram.i32, this.directory, false, va, w)) return -1;
    return permits(w.allowed, write, true, false) ? w.physical : -1;
  }
  private readonly walk = new PageWalk();

  /** copy_from_user: the bytes, or null when any of them is not readable. */
  copyFromUser(va: number, length: number): Uint8Array | null {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const pa = this.userPage(va + done, false);
      if (pa < 0) return null;
      const chunk = Math.min(length - done, PAGE_SIZE - ((va + done) & (PAGE_SIZE - 1)));
      out.set(this.ram.u8.subarray(pa, pa + chunk), done);
      done += chunk;
    }
    return out;
  }

  /** copy_to_user: false (and nothing written) when any byte is not writable. */
  copyToUser(va: number, bytes: Uint8Array): boolean {
    for (let off = 0; off < bytes.length; off += PAGE_SIZE - ((va + off) & (PAGE_SIZE - 1))) {
      if (this.userPage(va + off, true) < 0) return false;
    }
    if (bytes.length > 0 && this.userPage(va + bytes.length - 1, true) < 0) return false;
    let done = 0;
    while (done < bytes.length) {
      const pa = this.translate(va + done, true);
      const chunk = Math.min(bytes.length - done, PAGE_SIZE - ((va + done) & (PAGE_SIZE - 1)));
      this.ram.set(pa, bytes.subarray(done, done + chunk));
      done += chunk;
    }
    return true;
  }

  /** Write into user pages regardless of R/W (exec filling a read-only text segment). */
  copyToUserForce(va: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const pa = this.translate(va + done, false);
      if (pa < 0) throw new RangeError(`exec: 0x${((va + done) >>> 0).toString(16)} is not mapped`);
      const chunk = Math.min(bytes.length - done, PAGE_SIZE - ((va + done) & (PAGE_SIZE - 1)));
      this.ram.set(pa, bytes.subarray(done, done + chunk));
      done += chunk;
    }
  }

  read32(va: number): number | null {
    const b = this.copyFromUser(va, 4);
    return b === null ? null : (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }

  write32(va: number, value: number): boolean {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value >>> 0, true);
    return this.copyToUser(va, b);
  }

  /** strncpy_from_user: the string without its NUL, or null (fault, or no NUL within max bytes). */
  readString(va: number, max: number): string | null {
    const bytes: number[] = [];
    for (let i = 0; i < max; i++) {
      const pa = this.userPage(va + i, false);
      if (pa < 0) return null;
      const c = this.ram.read8(pa);
      if (c === 0) return Buffer.from(bytes).toString('latin1');
      bytes.push(c);
    }
    return null;
  }

  /** Can the kernel access the user page holding `va` (faulting it in as a user access would)? */
  faultIn(va: number, write: boolean): boolean {
    return this.userPage(va, write) >= 0;
  }

  /**
   * A user access from the kernel (copy_from_user and friends): the physical address, after
   * faulting the page in as the MMU's #PF would for the program (demand paging, copy-on-write, the
   * stack's growth), or -1 where the program itself would get SIGSEGV.
   */
  private userPage(va: number, write: boolean): number {
    const pa = this.translate(va, write);
    if (pa >= 0 || va >>> 0 >= TASK_SIZE) return pa;
    return this.fault(va, write, null) === 'mapped' ? this.translate(va, write) : -1;
  }

  /** The areas (sorted, never overlapping): what the process may touch. */
  vmas: Vma[] = [];
  /** Set when a present entry lost rights or its frame: the kernel reloads CR3 before user mode. */
  ptesChanged = false;
  /** Write faults that had to copy a shared frame (the real cost of a copy-on-write fork). */
  copyOnWriteCopies = 0;

  /**
   * The resource limits this space is held to: its process's table (rlimit.ts), which setrlimit
   * changes in place. exec and fork point it at the process's own; a CLONE_VM child shares its
   * creator's space and so its limits (2.6 would read the child's own: a vfork child's setrlimit
   * before its exec is the difference).
   */
  limits: readonly Rlimit[] = DEFAULT_LIMITS;
  /** Where mmap's room ends (mmapBase): fixed by exec from RLIMIT_STACK as it was then. */
  mmapCeiling = mmapBase(STACK_LIMIT);
  /** Where the data segment starts (2.6's mm->start_data: the last PT_LOAD's address), for RLIMIT_DATA. */
  startData = 0;

  /** Bytes in all areas: Linux's mm->total_vm, which RLIMIT_AS bounds. */
  totalVm(): number {
    let bytes = 0;
    for (const vma of this.vmas) bytes += vma.end - vma.start;
    return bytes;
  }

  /** may_expand_vm: may `bytes` more of areas come under RLIMIT_AS (counted in whole pages, as 2.6)? */
  mayExpand(bytes: number): boolean {
    const limit = this.limits[RLIMIT_AS]!.cur;
    return limit === RLIM_INFINITY || (this.totalVm() + bytes) / PAGE_SIZE <= Math.floor(limit / PAGE_SIZE);
  }

  findVma(va: number): Vma | null {
    va >>>= 0;
    for (const vma of this.vmas) if (va >= vma.start && va < vma.end) return vma;
    return null;
  }

  /** Is any byte of [start, end) in an area? */
  overlaps(start: number, end: number): boolean {
    return this.vmas.some((v) => v.start < end && v.end > start);
  }

  /**
   * Add an area where there is none (callers unmap first: MAP_FIXED). The space takes over the
   * area's hold on its file. Like Linux's vma_merge, an area that continues its neighbour (same
   * rights and kind, the next page of the same file) becomes one area with it: two adjacent
   * anonymous mmaps are one line of /proc/PID/maps, and an mprotect undone joins the pieces again.
   */
  insertVma(vma: Vma): void {
    let at = this.vmas.findIndex((v) => v.start > vma.start);
    if (at < 0) at = this.vmas.length;
    this.vmas.splice(at, 0, vma);
    const next = this.vmas[at + 1];
    if (next !== undefined && canMerge(vma, next)) {
      vma.end = next.end;
      closeVma(next, this.frames);
      this.vmas.splice(at + 1, 1);
    }
    const previous = this.vmas[at - 1];
    if (previous !== undefined && canMerge(previous, vma)) {
      previous.end = vma.end;
      closeVma(vma, this.frames);
      this.vmas.splice(at, 1);
    }
  }

  /**
   * Cut [start, end) out of every area (splitting those it only partly covers). The pieces cut
   * out are returned and the caller owns them: it inserts them again (mprotect) or closes them.
   */
  removeVmas(start: number, end: number): Vma[] {
    const removed: Vma[] = [];
    const kept: Vma[] = [];
    for (const vma of this.vmas) {
      if (vma.end <= start || vma.start >= end) { kept.push(vma); continue; }
      removed.push(sliceVma(vma, start, end));
      if (vma.start < start) kept.push(sliceVma(vma, vma.start, start));
      if (vma.end > end) kept.push(sliceVma(vma, end, vma.end));
      closeVma(vma, this.frames);
    }
    this.vmas = kept.sort((a, b) => a.start - b.start);
    return removed;
  }

  /** Drop the areas of [start, end) and leave their pages mapped (exec: a segment taking over a page). */
  forgetVmas(start: number, end: number): void {
    for (const vma of this.removeVmas(start, end)) closeVma(vma, this.frames);
  }

  /** munmap: the areas and their pages (a shared file page is written back first). */
  unmap(start: number, end: number): void {
    for (const vma of this.removeVmas(start, end)) {
      if (vma.shared && vma.file !== null) this.writeBack(vma);
      this.unmapRange(vma.start, vma.end);
      closeVma(vma, this.frames);
    }
  }

  /** The lowest free range of `size` bytes at or above `from` that ends below `limit`, or -1. */
  findGap(size: number, from: number, limit: number): number {
    let start = from;
    for (const vma of this.vmas) {
      if (vma.end <= start) continue;
      if (vma.start >= start + size) break;
      start = vma.end;
    }
    return start + size <= limit ? start : -1;
  }

  /** The stack area may grow down to cover `va`: the area just above it, if it grows down. */
  private growStack(va: number, userEsp: number | null): Vma | null {
    const above = this.vmas.find((v) => v.start > va);
    if (above === undefined || !above.growsDown) return null;
    // acct_stack_growth: the area's new size within RLIMIT_STACK, its new pages within RLIMIT_AS
    // (the current process's limits, read now: a setrlimit counts from the next fault).
    const start = pageDown(va);
    if (above.end - start > this.limits[RLIMIT_STACK]!.cur || !this.mayExpand(above.start - start)) return null;
    // Linux's check: an access far below the stack pointer is a wild pointer, not the stack growing
    // (PUSHA writes 32 bytes below ESP before ESP moves; ENTER up to 64 KiB).
    if (userEsp !== null && va + 65536 + 32 * 4 < userEsp >>> 0) return null;
    const below = this.vmas.filter((v) => v.end <= va).pop();
    if (below !== undefined && below.end > pageDown(va)) return null;
    above.start = start;
    return above;
  }

  /**
   * A page fault on a user address (the MMU's, or the kernel's own access): Linux's
   * handle_mm_fault. Not present: a zeroed frame (or the file's bytes); present but read-only in a
   * writable area: copy-on-write — the frame is copied unless this space is its only holder.
   */
  fault(va: number, write: boolean, userEsp: number | null): FaultOutcome {
    va >>>= 0;
    if (va >= TASK_SIZE) return 'segv';
    const vma = this.findVma(va) ?? this.growStack(va, userEsp);
    if (vma === null || (write && !vma.write) || (!write && !vma.read && !vma.write)) return 'segv';
    const page = pageDown(va);
    try {
      const pte = this.pteAddress(page, true);
      const old = this.ram.read32(pte);
      const user = vma.read || vma.write ? PTE_USER : 0;
      if ((old & PTE_PRESENT) !== 0) {
        if (!write || (old & PTE_RW) !== 0) return (old & PTE_USER) !== 0 ? 'mapped' : 'segv';
        const frame = (old & FRAME_MASK) >>> 0;
        if (vma.shared || this.frames.holders(frame) === 1) {
          this.ram.write32(pte, old | PTE_RW);
        } else {
          const copy = this.frames.allocate();
          this.ram.set(copy, this.ram.u8.subarray(frame, frame + PAGE_SIZE));
          this.frames.release(frame);
          this.ram.write32(pte, copy | PTE_PRESENT | user | PTE_RW);
          this.copyOnWriteCopies++;
        }
        this.ptesChanged = true;
        return 'mapped';
      }
      if (vma.file !== null && vma.file.pages.size !== undefined && vma.file.offset + (page - vma.start) >= vma.file.pages.size()) return 'sigbus';
      const { frame, writable } = this.newPage(vma, page, write);
      this.ram.write32(pte, frame | PTE_PRESENT | user | (writable ? PTE_RW : 0));
      return 'mapped';
    } catch (error) {
      if (error instanceof OutOfMemory) return 'oom';
      throw error;
    }
  }

  /**
   * The frame a first touch of `page` maps, and whether it may be written now. Anonymous memory:
   * a zeroed frame. A file that keeps its pages in guest frames (the page cache: tmpfs, shared
   * anonymous memory): MAP_SHARED maps the cache's frame itself; MAP_PRIVATE maps it read-only
   * until the first write copies it (copy-on-write of a file page), and a first touch that is a
   * write copies at once. A file without a cache: a private copy of its bytes, read-only until
   * written when the mapping is private and the touch a read.
   */
  private newPage(vma: Vma, page: number, write: boolean): { frame: number; writable: boolean } {
    if (vma.file === null) return { frame: this.frames.allocate(), writable: vma.write };
    const offset = vma.file.offset + (page - vma.start);
    const pages = vma.file.pages;
    if (pages.frame !== undefined && (vma.shared || !write)) {
      return { frame: pages.frame(offset, this.frames), writable: vma.write && vma.shared };
    }
    const frame = this.frames.allocate();
    pages.read(offset, this.ram.u8.subarray(frame, frame + PAGE_SIZE));
    return { frame, writable: vma.write && (vma.shared || write) };
  }

  /** mprotect's page-table half: the present pages of [start, end) get the area's rights. */
  applyProtection(start: number, end: number, vma: Vma): void {
    for (let va = start; va < end; va += PAGE_SIZE) {
      const pte = this.pteAddress(va, false);
      if (pte < 0) continue;
      const old = this.ram.read32(pte);
      if ((old & PTE_PRESENT) === 0) continue;
      const frame = (old & FRAME_MASK) >>> 0;
      // A private page shared with a fork's other side stays read-only: its first write copies it.
      const writable = vma.write && (vma.shared || this.frames.holders(frame) === 1);
      const user = vma.read || vma.write ? PTE_USER : 0;
      this.ram.write32(pte, frame | PTE_PRESENT | user | (writable ? PTE_RW : 0));
    }
    this.ptesChanged = true;
  }

  /** Move the page-table entries of [from, from + size) to `to` (mremap moving an area). */
  movePages(from: number, to: number, size: number): void {
    for (let off = 0; off < size; off += PAGE_SIZE) {
      const src = this.pteAddress(from + off, false);
      if (src < 0) continue;
      const entry = this.ram.read32(src);
      if ((entry & PTE_PRESENT) === 0) continue;
      this.ram.write32(this.pteAddress(to + off, true), entry);
      this.ram.write32(src, 0);
    }
    this.ptesChanged = true;
  }

  /** MAP_SHARED of a file: write its present pages in [from, to) back (msync, munmap, exit). */
  writeBack(vma: Vma, from = vma.start, to = vma.end): void {
    if (vma.file === null) return;
    for (let va = Math.max(from, vma.start); va < Math.min(to, vma.end); va += PAGE_SIZE) {
      const pa = this.translate(va, false);
      if (pa >= 0) vma.file.pages.write(vma.file.offset + (va - vma.start), this.ram.u8.subarray(pa, pa + PAGE_SIZE));
    }
  }

  /** The frames this space holds: its directory, its page tables, its present pages (a leak check's unit). */
  framesInUse(): number {
    let n = 1;
    for (let slot = 0; slot < KERNEL_PDE_FIRST; slot++) if ((this.ram.read32(this.directory + slot * 4) & PTE_PRESENT) !== 0) n++;
    return n + this.presentPages();
  }

  /** How many pages are present in [start, end) (tests and /proc use it). */
  presentPages(start = 0, end = TASK_SIZE): number {
    let n = 0;
    for (let va = start; va < end; va += PAGE_SIZE) {
      const pte = this.pteAddress(va, false);
      if (pte >= 0 && (this.ram.read32(pte) & PTE_PRESENT) !== 0) n++;
      else if (pte < 0) va = ((va >>> 22) + 1) * 0x400000 - PAGE_SIZE;   // no table: skip its 4 MiB
    }
    return n;
  }

  /**
   * fork: a new address space with the same areas, whose pages are shared, not copied: each
   * present frame gets a second holder, and in private writable areas both sides lose R/W, so the
   * first write on either side faults and copies (copy-on-write). MAP_SHARED pages stay writable in
   * both. Only the child's page tables are allocated here.
   */
  clone(kernelDirectory: number): AddressSpace {
    const child = new AddressSpace(this.ram, this.frames, kernelDirectory);
    child.vmas = this.vmas.map(copyVma);
    child.readImpliesExec = this.readImpliesExec;
    child.brkStart = this.brkStart;
    child.brk = this.brk;
    child.mmapNext = this.mmapNext;
    child.mmapCeiling = this.mmapCeiling;
    child.startData = this.startData;
    child.limits = this.limits;
    try {
      for (let slot = 0; slot < KERNEL_PDE_FIRST; slot++) {
        const pde = this.ram.read32(this.directory + slot * 4);
        if ((pde & PTE_PRESENT) === 0) continue;
        const table = (pde & FRAME_MASK) >>> 0;
        for (let i = 0; i < 1024; i++) {
          const entry = this.ram.read32(table + i * 4);
          if ((entry & PTE_PRESENT) === 0) continue;
          const va = ((slot << 22) | (i << 12)) >>> 0;
          const shared = this.findVma(va)?.shared === true;
          const copied = shared ? entry : entry & ~PTE_RW;
          if (copied !== entry) this.ram.write32(table + i * 4, copied);
          this.frames.share((entry & FRAME_MASK) >>> 0);
          this.ram.write32(child.pteAddress(va, true), copied);
        }
      }
    } catch (error) {
      child.destroy();
      throw error;
    }
    this.ptesChanged = true;
    return child;
  }

  /** How many user pages are present now (/proc/PID/statm, VmRSS): a walk of this space's own tables. */
  countPages(): number {
    let n = 0;
    for (let slot = 0; slot < KERNEL_PDE_FIRST; slot++) {
      const pde = this.ram.read32(this.directory + slot * 4);
      if ((pde & PTE_PRESENT) === 0) continue;
      const table = (pde & FRAME_MASK) >>> 0;
      for (let i = 0; i < 1024; i++) if ((this.ram.read32(table + i * 4) & PTE_PRESENT) !== 0) n++;
    }
    return n;
  }

  /** Tasks using this space: CLONE_VM threads share one, and the last to leave frees it. */
  private users = 1;
  /**
   * Linux's READ_IMPLIES_EXEC personality, which exec sets for a binary without PT_GNU_STACK:
   * every readable mapping is executable too (kept here: it only decides mappings' rights).
   */
  readImpliesExec = false;
  /** Program break: where the heap starts (after exec) and where it ends now. */
  brkStart = 0;
  brk = 0;
  /** mmap hands out addresses bottom-up from here (Linux's TASK_UNMAPPED_BASE = TASK_SIZE / 3). */
  mmapNext = 0x40000000;

  /** Another task (a CLONE_VM thread) uses this space too. */
  share(): this {
    this.users++;
    return this;
  }

  /** A task stops using this space (exit, exec): the last one frees every page. */
  release(): void {
    if (--this.users === 0) this.destroy();
  }

  /** Free every user page and page table (exit, exec), and close the areas' files. The kernel half is shared: left alone. */
  destroy(): void {
    for (const vma of this.vmas) {
      if (vma.shared && vma.file !== null) this.writeBack(vma);
      closeVma(vma, this.frames);
    }
    this.vmas = [];
    for (let slot = 0; slot < KERNEL_PDE_FIRST; slot++) {
      const pde = this.ram.read32(this.directory + slot * 4);
      if ((pde & PTE_PRESENT) === 0) continue;
      const table = (pde & FRAME_MASK) >>> 0;
      for (let i = 0; i < 1024; i++) {
        const pte = this.ram.read32(table + i * 4);
        if ((pte & PTE_PRESENT) !== 0) this.frames.release((pte & FRAME_MASK) >>> 0);
      }
      this.frames.release(table);
      this.ram.write32(this.directory + slot * 4, 0);
    }
    this.frames.release(this.directory);
  }
}
