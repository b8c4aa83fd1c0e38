// The MMU: the two-level i386 page walk, the TLB that caches its answers, and translation of a
// linear address for an access (Intel SDM Vol. 3A, 4.3 and 4.6).
//
// There is one page walker, `walkPageTables`. Everything that asks "may this access reach that
// physical byte?" calls it:
//   - the CPU's own accesses (Mmu.translate: on a TLB miss; it then sets the accessed/dirty bits and
//     fills the TLB, or raises #PF with CR2);
//   - tools outside the run loop (Mmu.debugTranslate: no fault, no A/D bits, no TLB fill);
//   - the kernel's TypeScript half touching user memory (kernel/mm/address-space.ts: copy_from_user
//     and friends ask with user = true, so a bad pointer is -EFAULT by exactly the rule that would
//     have made the same access from ring 3 fault).
// The walk itself has no side effects; `permits` is the one statement of the U/S and R/W rules.
//
// The TLB: `tlb[linear >>> 12]` is (physical page << 12) | TLB_* permission bits, 0 when empty. The
// CPU's fast paths probe it inline (vm/cpu/cpu.ts read*/write*) with the mask for the current CPL;
// this file fills it and empties it.

import { Vector, PF_PRESENT, PF_USER, PF_WRITE } from './fault.ts';
import type { Cpu } from './cpu.ts';

export const PAGE_SHIFT = 12;

// CR0/CR4 bits paging looks at.
export const CR0_WP = 0x10000;
export const CR0_PG = 0x80000000 | 0;
export const CR4_PSE = 0x10;

// Page directory / page table entry bits.
export const PTE_PRESENT = 1;
export const PTE_WRITE = 2;
export const PTE_USER = 4;
export const PTE_ACCESSED = 0x20;
export const PTE_DIRTY = 0x40;
/** PS in a directory entry: a 4 MiB page (honoured only with CR4.PSE). */
export const PDE_LARGE = 0x80;
const FRAME_MASK = ~0xfff;

// TLB entry permission bits (low 12 bits of an entry; the upper 20 hold the physical page).
export const TLB_READ = 1;
export const TLB_WRITE = 2;
export const TLB_USER_READ = 4;
export const TLB_USER_WRITE = 8;
/** Pages remembered for a selective flush; beyond this many a flush clears the whole table. */
const TLB_LIST_SIZE = 8192;

/**
 * What one walk found, reused by its caller (no allocation per walk). Valid after walkPageTables
 * returned true (the entries are present); `allowed` is the AND of both levels' U/S and R/W bits.
 */
export class PageWalk {
  physical = 0;
  allowed = 0;
  pdeAddress = 0;
  pde = 0;
  /** Address and value of the entry that maps the page (the PTE, or the PDE of a 4 MiB page). */
  leafAddress = 0;
  leaf = 0;
  large = false;
}

/**
 * Walk the page tables under `directory` (CR3's frame) for a linear address. `ram32` is physical
 * memory as dwords; entries beyond it read as 0 (not present). Returns false when an entry on the
 * way is not present; otherwise fills `w` and returns true. Checks no permission: see `permits`.
 */
export function walkPageTables(ram32: Int32Array, directory: number, pse: boolean, linear: number, w: PageWalk): boolean {
  const lin = linear >>> 0;
  const pdeAddress = ((directory & FRAME_MASK) >>> 0) + ((lin >>> 22) << 2);
  const pde = readEntry(ram32, pdeAddress);
  if ((pde & PTE_PRESENT) === 0) return false;
  w.pdeAddress = pdeAddress;
  w.pde = pde;
  if ((pde & PDE_LARGE) !== 0 && pse) {
    w.large = true;
    w.leafAddress = pdeAddress;
    w.leaf = pde;
    w.allowed = pde & (PTE_USER | PTE_WRITE);
    w.physical = ((pde & 0xffc00000) >>> 0) + (lin & 0x3fffff);
    return true;
  }
  const pteAddress = ((pde & FRAME_MASK) >>> 0) + (((lin >>> 12) & 0x3ff) << 2);
  const pte = readEntry(ram32, pteAddress);
  if ((pte & PTE_PRESENT) === 0) return false;
  w.large = false;
  w.leafAddress = pteAddress;
  w.leaf = pte;
  w.allowed = pde & pte & (PTE_USER | PTE_WRITE);
  w.physical = ((pte & FRAME_MASK) >>> 0) + (lin & 0xfff);
  return true;
}

/**
 * The U/S and R/W rules (SDM Vol. 3A 4.6): a user access needs U/S set at both levels, and R/W for a
 * write; a supervisor access may read anything and write anything unless CR0.WP is set, when it
 * too needs R/W.
 */
export function permits(allowed: number, write: boolean, user: boolean, wp: boolean): boolean {
  if (user) return (allowed & PTE_USER) !== 0 && (!write || (allowed & PTE_WRITE) !== 0);
  return !write || !wp || (allowed & PTE_WRITE) !== 0;
}

function readEntry(ram32: Int32Array, address: number): number {
  const index = address >>> 2;
  return index < ram32.length ? ram32[index]! : 0;
}

/** The TLB and translation for one CPU. The CPU's fast paths read `tlb` directly. */
export class Mmu {
  readonly tlb = new Int32Array(1 << 20);
  private readonly tlbList = new Int32Array(TLB_LIST_SIZE);
  private tlbListCount = 0;
  private tlbHasLargePages = false;
  private readonly walk = new PageWalk();

  constructor(private readonly cpu: Cpu) {}

  /** Forget every translation (CR3 write, paging switched, CR0.WP or CR4.PSE changed). */
  flush(): void {
    if (this.tlbListCount > TLB_LIST_SIZE) {
      this.tlb.fill(0);
    } else {
      const list = this.tlbList;
      for (let i = 0; i < this.tlbListCount; i++) this.tlb[list[i]!] = 0;
    }
    this.tlbListCount = 0;
    this.tlbHasLargePages = false;
  }

  /** Forget the translation of one linear address (INVLPG); a 4 MiB page anywhere flushes all. */
  invalidatePage(linear: number): void {
    if (this.tlbHasLargePages) this.flush();
    else this.tlb[linear >>> PAGE_SHIFT] = 0;
  }

  /** Remove write permission from every TLB entry that maps physical page `page` (it now holds decoded code). */
  protectCodePage(page: number): void {
    const strip = ~(TLB_WRITE | TLB_USER_WRITE);
    const tlb = this.tlb;
    if (this.tlbListCount > TLB_LIST_SIZE) {
      for (let i = 0; i < tlb.length; i++) if (tlb[i] !== 0 && tlb[i]! >>> PAGE_SHIFT === page) tlb[i]! &= strip;
      return;
    }
    const list = this.tlbList;
    for (let i = 0; i < this.tlbListCount; i++) {
      const v = list[i]!;
      if (tlb[v] !== 0 && tlb[v]! >>> PAGE_SHIFT === page) tlb[v]! &= strip;
    }
  }

  private install(linearPage: number, entry: number): void {
    if (this.tlb[linearPage] === 0) {
      if (this.tlbListCount < TLB_LIST_SIZE) this.tlbList[this.tlbListCount] = linearPage;
      this.tlbListCount++;
    }
    this.tlb[linearPage] = entry;
  }

  /**
   * Translate a linear address for an access of this kind, setting accessed and dirty bits and
   * filling the TLB. Raises #PF (CR2 = the address) when the access is not allowed. `user` is true
   * for CPL 3 accesses (descriptor-table accesses are supervisor even at CPL 3).
   */
  translate(linear: number, write: boolean, user: boolean): number {
    const cpu = this.cpu;
    const lin = linear >>> 0;
    let phys: number;
    let entryBits: number;
    if ((cpu.cr[0]! & CR0_PG) === 0) {
      phys = lin;
      entryBits = TLB_READ | TLB_WRITE | TLB_USER_READ | TLB_USER_WRITE;
    } else {
      phys = this.walkForAccess(lin, write, user);
      entryBits = this.walkBits;
      cpu.centicycles += cpu.cycleCosts.tlbMiss; // a TLB miss: the cycle model's price of the page walk
    }
    const page = phys >>> PAGE_SHIFT;
    // A page holding watched bytes (a data breakpoint, a gdb watchpoint) stays out of the TLB, so that
    // every access to it takes the CPU's slow path, which tells the debug unit (vm/cpu/debug/).
    if (phys < cpu.ramSize && (cpu.debugActive === 0 || !cpu.debug.watchesPage(lin >>> PAGE_SHIFT))) {
      if (cpu.code.isCodePage(page)) entryBits &= ~(TLB_WRITE | TLB_USER_WRITE);
      this.install(lin >>> PAGE_SHIFT, (page << PAGE_SHIFT) | entryBits);
    }
    return phys;
  }

  /** TLB permission bits of the last walkForAccess. */
  private walkBits = 0;

  /** The walk for a real access: faults, then the accessed/dirty bits, then the TLB permissions. */
  private walkForAccess(lin: number, write: boolean, user: boolean): number {
    const cpu = this.cpu;
    const w = this.walk;
    const ram32 = cpu.ram32;
    const wp = (cpu.cr[0]! & CR0_WP) !== 0;
    if (!walkPageTables(ram32, cpu.cr[3]!, (cpu.cr[4]! & CR4_PSE) !== 0, lin, w)) this.pageFault(lin, false, write, user);
    if (!permits(w.allowed, write, user, wp)) this.pageFault(lin, true, write, user);
    if (w.large) this.tlbHasLargePages = true;
    else if ((w.pde & PTE_ACCESSED) === 0) writeEntry(ram32, w.pdeAddress, w.pde | PTE_ACCESSED);
    const leaf = w.leaf | PTE_ACCESSED | (write ? PTE_DIRTY : 0);
    if (leaf !== w.leaf) writeEntry(ram32, w.leafAddress, leaf);
    // The TLB grants writes only once the dirty bit is set, so that the first write reaches here.
    const dirty = (leaf & PTE_DIRTY) !== 0;
    const allowed = w.allowed;
    let bits = TLB_READ;
    if (dirty && permits(allowed, true, false, wp)) bits |= TLB_WRITE;
    if (permits(allowed, false, true, wp)) {
      bits |= TLB_USER_READ;
      if (dirty && permits(allowed, true, true, wp)) bits |= TLB_USER_WRITE;
    }
    this.walkBits = bits;
    return w.physical;
  }

  private pageFault(lin: number, present: boolean, write: boolean, user: boolean): never {
    this.cpu.cr[2] = lin;
    return this.cpu.raise(Vector.PF, (present ? PF_PRESENT : 0) | (write ? PF_WRITE : 0) | (user ? PF_USER : 0));
  }

  /**
   * The physical address of a linear one as the page tables say now, or -1 when it is not mapped —
   * without faulting, touching CR2, setting accessed/dirty bits or filling the TLB. For debuggers,
   * the gdb stub and tracing; never for guest accesses.
   */
  debugTranslate(linear: number): number {
    const cpu = this.cpu;
    if ((cpu.cr[0]! & CR0_PG) === 0) return linear >>> 0;
    const w = this.walk;
    return walkPageTables(cpu.ram32, cpu.cr[3]!, (cpu.cr[4]! & CR4_PSE) !== 0, linear, w) ? w.physical : -1;
  }
}

function writeEntry(ram32: Int32Array, address: number, value: number): void {
  const index = address >>> 2;
  if (index < ram32.length) ram32[index] = value;
}
