// Physical page frames for user memory and page tables: a free list of 4 KiB frames above the
// kernel image. Every frame handed out is zeroed (no data may leak from one process to another).

import { PAGE_SIZE } from '../layout.ts';
import type { Ram } from './ram.ts';

export class OutOfMemory extends Error {}

export class FrameAllocator {
  private readonly free: number[] = [];
  /** How many frames the allocator manages (free or not): tmpfs's statfs and /proc/meminfo. */
  readonly total: number;

  /** Frames in [start, end) are the allocator's; both are rounded inward to page boundaries. */
  constructor(private readonly ram: Ram, start: number, end: number) {
    const first = Math.ceil(start / PAGE_SIZE) * PAGE_SIZE;
    const last = Math.floor(Math.min(end, ram.size) / PAGE_SIZE) * PAGE_SIZE;
    for (let pa = last - PAGE_SIZE; pa >= first; pa -= PAGE_SIZE) this.free.push(pa);
    this.total = this.free.length;
  }

  get available(): number { return this.free.length; }

  /** A zeroed frame's physical address, or OutOfMemory. */
  allocate(): number {
    const pa = this.free.pop();
    if (pa === undefined) throw new OutOfMemory('out of physical memory');
    this.ram.fill(pa, PAGE_SIZE);
    return pa;
  }

  release(pa: number): void {
    this.free.push(pa);
  }
}
