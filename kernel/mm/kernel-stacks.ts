// Kernel stacks: 8 KiB, 8 KiB-aligned, inside the kernel's direct map (physical 0..4 MiB here), so
// `esp & ~(THREAD_SIZE-1)` finds thread_info and the guest can address them at __PAGE_OFFSET + pa.
// Task 1 uses init_thread_union from the image; every forked task gets one from this pool.

import { THREAD_SIZE } from '../layout.ts';
import { OutOfMemory } from './frames.ts';
import type { Ram } from './ram.ts';

export class KernelStacks {
  private readonly free: number[] = [];
  private readonly size: number;

  constructor(private readonly ram: Ram, private readonly start: number, private readonly end: number) {
    for (let pa = Math.ceil(start / THREAD_SIZE) * THREAD_SIZE; pa + THREAD_SIZE <= end; pa += THREAD_SIZE) this.free.push(pa);
    this.free.reverse();
    this.size = this.free.length;
  }

  /** How many stacks there are: at most this many tasks at once (Linux's max_threads). */
  get capacity(): number { return this.size; }

  /** Stacks handed out and not given back (the fuzz checks that exited tasks return theirs). */
  get inUse(): number { return this.size - this.free.length; }

  /** A zeroed stack's physical address (its thread_info is at the bottom). */
  allocate(): number {
    const pa = this.free.pop();
    if (pa === undefined) throw new OutOfMemory('out of kernel stacks');
    this.ram.fill(pa, THREAD_SIZE);
    return pa;
  }

  /** Give a stack back; init_thread_union (task 1's, in the image) is not the pool's and stays. */
  release(pa: number): void {
    if (pa >= this.start && pa + THREAD_SIZE <= this.end) this.free.push(pa);
  }
}
