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
import type { FrameAllocator } from './frames.ts';
import type { Ram } from './ram.ts';

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
      const pa = this.translate(va + done, false);
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
      if (this.translate(va + off, true) < 0) return false;
    }
    if (bytes.length > 0 && this.translate(va + bytes.length - 1, true) < 0) return false;
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
      const pa = this.translate(va + i, false);
      if (pa < 0) return null;
      const c = this.ram.read8(pa);
      if (c === 0) return Buffer.from(bytes).toString('latin1');
      bytes.push(c);
    }
    return null;
  }

  /** fork: a new address space with a private copy of every user page (no copy-on-write yet). */
  clone(kernelDirectory: number): AddressSpace {
    const child = new AddressSpace(this.ram, this.frames, kernelDirectory);
    try {
      for (let slot = 0; slot < KERNEL_PDE_FIRST; slot++) {
        const pde = this.ram.read32(this.directory + slot * 4);
        if ((pde & PTE_PRESENT) === 0) continue;
        const table = (pde & FRAME_MASK) >>> 0;
        for (let i = 0; i < 1024; i++) {
          const pte = this.ram.read32(table + i * 4);
          if ((pte & PTE_PRESENT) === 0) continue;
          const va = ((slot << 22) | (i << 12)) >>> 0;
          const frame = child.mapPage(va, { write: (pte & PTE_RW) !== 0 });
          const source = (pte & FRAME_MASK) >>> 0;
          this.ram.set(frame, this.ram.u8.subarray(source, source + PAGE_SIZE));
        }
      }
    } catch (error) {
      child.destroy();
      throw error;
    }
    return child;
  }

  /** Free every user page and page table (exit, exec). The kernel half is shared: left alone. */
  destroy(): void {
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
