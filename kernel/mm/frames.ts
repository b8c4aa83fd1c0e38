// Physical page frames for user memory and page tables: a free list of 4 KiB frames above the
// kernel image. Every frame handed out is zeroed (no data may leak from one process to another).

import { PAGE_SIZE } from '../layout.ts';
import type { Ram } from './ram.ts';

export class OutOfMemory extends Error {}

export class FrameAllocator {
  private readonly free: number[] = [];
  /** How many page-table entries (or kernel uses) hold each frame: copy-on-write shares frames. */
  private readonly references: Uint16Array;
  /** Every frame this allocator has ever handed out (fork's cost is measured with it). */
  allocations = 0;
  /** Frames it manages in all: [first, last). */
  readonly total: number;
  private readonly first: number;
  private readonly last: number;

  /** Frames in [start, end) are the allocator's; both are rounded inward to page boundaries. */
  constructor(private readonly ram: Ram, start: number, end: number) {
    const first = this.first = Math.ceil(start / PAGE_SIZE) * PAGE_SIZE;
    const last = this.last = Math.floor(Math.min(end, ram.size) / PAGE_SIZE) * PAGE_SIZE;
    for (let pa = last - PAGE_SIZE; pa >= first; pa -= PAGE_SIZE) this.free.push(pa);
    this.total = this.free.length;
    this.references = new Uint16Array(Math.ceil(ram.size / PAGE_SIZE));
  }

  get available(): number { return this.free.length; }

  /** Is this frame one of the allocator's (not the kernel image's, the vsyscall page's, low memory)? */
  manages(pa: number): boolean { return pa >= this.first && pa < this.last; }

  /** A zeroed frame's physical address, or OutOfMemory. */
  allocate(): number {
    const pa = this.free.pop();
    if (pa === undefined) throw new OutOfMemory('out of physical memory');
    this.ram.fill(pa, PAGE_SIZE);
    this.references[pa >>> 12] = 1;
    this.allocations++;
    return pa;
  }

  /** One more holder of the frame (a copy-on-write fork maps it in the child too). */
  share(pa: number): void {
    this.references[pa >>> 12]!++;
  }

  /** How many hold it: 1 means a write fault may just make the page writable again. */
  holders(pa: number): number {
    return this.references[pa >>> 12]!;
  }

  /** One holder lets go; the last one returns the frame to the free list. */
  release(pa: number): void {
    const index = pa >>> 12;
    if (this.references[index]! > 1) {
      this.references[index]!--;
      return;
    }
    this.references[index] = 0;
    this.free.push(pa);
  }
}
