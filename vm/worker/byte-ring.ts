// A single-producer single-consumer ring of bytes in a SharedArrayBuffer: how console bytes cross
// between the machine's worker thread and the main thread without messages or copies.
//
// Layout: Int32Array header [written, read] (free-running counters), then the bytes. The producer
// only advances `written`, the consumer only `read`; both use Atomics so each side sees the other's
// bytes in order. A side that must wait (consumer: nothing to read; producer: ring full) waits on the
// other side's counter with Atomics.wait (worker) or Atomics.waitAsync (main thread).

const WRITTEN = 0;
const READ = 1;
const HEADER_BYTES = 8;

/** Atomics.waitAsync (Node 16+; in the ES2024 lib, newer than this project's ES2022 target). */
interface AtomicsWithWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

export class ByteRing {
  readonly header: Int32Array;
  private readonly data: Uint8Array;
  readonly capacity: number;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, 2);
    this.data = new Uint8Array(buffer, HEADER_BYTES);
    this.capacity = this.data.length;
  }

  static create(capacity: number): ByteRing {
    return new ByteRing(new SharedArrayBuffer(HEADER_BYTES + capacity));
  }

  /** Bytes waiting to be read. */
  available(): number {
    return (Atomics.load(this.header, WRITTEN) - Atomics.load(this.header, READ)) | 0;
  }

  /** Append a byte; false when the ring is full. */
  push(byte: number): boolean {
    const written = Atomics.load(this.header, WRITTEN);
    if (((written - Atomics.load(this.header, READ)) | 0) >= this.capacity) return false;
    this.data[(written >>> 0) % this.capacity] = byte;
    Atomics.store(this.header, WRITTEN, (written + 1) | 0);
    Atomics.notify(this.header, WRITTEN);
    return true;
  }

  /** Append a byte, waiting (blocking this thread) while the ring is full. Worker side only. */
  pushBlocking(byte: number): void {
    while (!this.push(byte)) Atomics.wait(this.header, READ, Atomics.load(this.header, READ), 100);
  }

  /** Append all of `bytes`, waiting (blocking this thread) while the ring is full; one notify per
   *  chunk, not per byte, so a large guest write costs little. Worker side only. */
  pushAllBlocking(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const written = Atomics.load(this.header, WRITTEN);
      const read = Atomics.load(this.header, READ);
      const room = this.capacity - ((written - read) | 0);
      if (room === 0) { Atomics.wait(this.header, READ, read, 100); continue; }
      const n = Math.min(room, bytes.length - done);
      for (let i = 0; i < n; i++) this.data[((written + i) >>> 0) % this.capacity] = bytes[done + i]!;
      Atomics.store(this.header, WRITTEN, (written + n) | 0);
      Atomics.notify(this.header, WRITTEN);
      done += n;
    }
  }

  /** Append as many of `bytes` as fit; returns how many. */
  pushSome(bytes: Uint8Array): number {
    let n = 0;
    while (n < bytes.length && this.push(bytes[n]!)) n++;
    return n;
  }

  /** Take up to `max` bytes (fewer, or none, if fewer wait). */
  popSome(max: number): Uint8Array {
    const n = Math.min(max, this.available());
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.pop();
    return out;
  }

  /** Take the next byte, or -1 when there is none. */
  pop(): number {
    const read = Atomics.load(this.header, READ);
    if (read === Atomics.load(this.header, WRITTEN)) return -1;
    const byte = this.data[(read >>> 0) % this.capacity]!;
    Atomics.store(this.header, READ, (read + 1) | 0);
    Atomics.notify(this.header, READ);
    return byte;
  }

  /** Take everything waiting. */
  drain(): Uint8Array {
    const n = this.available();
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.pop();
    return out;
  }

  /** Resolve when bytes arrive after `seen` (the `written` counter the caller last saw), or after
   *  `timeoutMs` (a pending wait must not keep the process alive forever). Main thread. */
  async waitForData(seen: number, timeoutMs = 250): Promise<void> {
    const result = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(this.header, WRITTEN, seen, timeoutMs);
    if (result.async) await result.value;
  }

  /** Resolve when the consumer has read past `seen` (the `read` counter the caller last saw): room
   *  for more input. Main thread. */
  async waitForRoom(seen: number, timeoutMs = 250): Promise<void> {
    const result = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(this.header, READ, seen, timeoutMs);
    if (result.async) await result.value;
  }

  readCount(): number {
    return Atomics.load(this.header, READ);
  }

  written(): number {
    return Atomics.load(this.header, WRITTEN);
  }
}
