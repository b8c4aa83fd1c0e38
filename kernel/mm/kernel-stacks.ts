// Kernel stacks: 8 KiB, 8 KiB-aligned, inside the kernel's direct map (physical 0..4 MiB here), so
// `esp & ~(THREAD_SIZE-1)` finds thread_info and the guest can address them at __PAGE_OFFSET + pa.
// Task 1 uses init_thread_union from the image; every forked task gets one from this pool.

import { THREAD_SIZE } from '../layout.ts';
import { OutOfMemory } from './frames.ts';
import type { Ram } from './ram.ts';

export class KernelStacks {
  private readonly free: number[] = [];

  constructor(private readonly ram: Ram, start: number, end: number) {
    for (let pa = Math.ceil(start / THREAD_SIZE) * THREAD_SIZE; pa + THREAD_SIZE <= end; pa += THREAD_SIZE) this.free.push(pa);
    this.free.reverse();
  }

  /** Stacks not handed out (the kernel's consistency checks count them). */
  get available(): number { return this.free.length; }

  /** A zeroed stack's physical address (its thread_info is at the bottom). */
  allocate(): number {
    const pa = this.free.pop();
    if (pa === undefined) throw new OutOfMemory('out of kernel stacks');
    this.ram.fill(pa, THREAD_SIZE);
    return pa;
  }

  release(pa: number): void { this.free.push(pa); }
}
