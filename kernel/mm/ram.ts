// The guest's physical memory as the TypeScript half of the kernel sees it: one byte array, read and
// written little-endian. The kernel's own data (pt_regs on kernel stacks, the GDT, thread_info) is
// reached through the direct map: kernel virtual address = physical + __PAGE_OFFSET, as Linux's
// __pa()/__va() — valid for the low memory head.S mapped.

import { __PAGE_OFFSET, EARLY_MAPPED_BYTES } from '../layout.ts';

/**
 * The machine's decoded-code cache as the kernel's direct writes must see it: exec and the services
 * write guest RAM behind the CPU's back, and a page that holds translated code must drop it. Only
 * those pages are reported; every other write costs one byte test.
 */
export interface CodeWatch {
  /** One byte per physical page: 1 while the page holds decoded code (vm/cpu/code-cache.ts keeps it). */
  readonly codePages: Uint8Array;
  /** The kernel wrote into such a page. */
  written(page: number): void;
}

export class Ram {
  readonly u8: Uint8Array;
  /** The same bytes as dwords (the page walker reads page-table entries through it). */
  readonly i32: Int32Array;
  private readonly view: DataView;

  /**
   * `code` is told about the physical pages holding decoded instructions that this kernel writes
   * behind the CPU's back (exec loads code into recycled frames); null when no CPU caches code.
   */
  constructor(bytes: Uint8Array, private readonly code: CodeWatch | null = null) {
    this.u8 = bytes;
    this.i32 = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Copy bytes into RAM. */
  set(pa: number, bytes: Uint8Array): void {
    this.u8.set(bytes, pa);
    this.touch(pa, bytes.length);
  }

  fill(pa: number, length: number, value = 0): void {
    this.u8.fill(value, pa, pa + length);
    this.touch(pa, length);
  }

  private touch(pa: number, length: number): void {
    const code = this.code;
    if (code === null || length <= 0) return;
    const codePages = code.codePages;
    for (let page = pa >>> 12; page <= (pa + length - 1) >>> 12; page++) if (codePages[page] === 1) code.written(page);
  }

  get size(): number { return this.u8.length; }

  read8(pa: number): number { return this.view.getUint8(pa); }
  read16(pa: number): number { return this.view.getUint16(pa, true); }
  read32(pa: number): number { return this.view.getUint32(pa, true); }
  write8(pa: number, v: number): void { this.view.setUint8(pa, v); this.touch(pa, 1); }
  write16(pa: number, v: number): void { this.view.setUint16(pa, v, true); this.touch(pa, 2); }
  write32(pa: number, v: number): void { this.view.setUint32(pa, v >>> 0, true); this.touch(pa, 4); }
}

/** __pa(): a kernel direct-map address to its physical address. */
export function physicalOf(kernelVirtual: number): number {
  const pa = (kernelVirtual >>> 0) - __PAGE_OFFSET;
  if (pa < 0 || pa >= EARLY_MAPPED_BYTES) throw new Error(`__pa(0x${(kernelVirtual >>> 0).toString(16)}): not in the kernel's direct map`);
  return pa;
}
