// Guest physical memory: one SharedArrayBuffer with typed views over it.
//
// RAM is shared (not copied) so that a worker running the CPU and the main thread (debugger, gdb
// stub, snapshot writer) see the same bytes, and a second vCPU could later share it too.
// The CPU reads and writes it directly through `u8`/`u16`/`i32` on its fast path (after a TLB
// hit); everything else (loaders, devices doing DMA) should go through `read*`/`write*` or `load`.
//
// Addresses outside RAM read as all ones and ignore writes, like an unclaimed bus on a PC.

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;

export class PhysicalMemory {
  readonly buffer: SharedArrayBuffer;
  readonly size: number;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  /** Number of 4 KiB frames of RAM. */
  readonly pageCount: number;
  /**
   * Called with a physical page number whenever something outside the CPU's own store path writes
   * RAM (load, write*). The CPU hooks it to invalidate decoded code on that page.
   */
  onExternalWrite: (page: number) => void = () => {};
  /**
   * One byte per frame: 1 while the frame holds decoded code (the CPU's code cache keeps it). A
   * writer outside the CPU tests it and reports only those frames (kernel/mm/ram.ts).
   */
  readonly codePages: Uint8Array;

  constructor(sizeBytes: number) {
    if (!Number.isInteger(sizeBytes) || sizeBytes < PAGE_SIZE || sizeBytes > 0x7fff_f000 || sizeBytes % PAGE_SIZE !== 0) {
      throw new RangeError(`guest RAM must be a multiple of 4 KiB between 4 KiB and 2 GiB, not ${sizeBytes}`);
    }
    this.size = sizeBytes;
    this.buffer = new SharedArrayBuffer(sizeBytes);
    this.u8 = new Uint8Array(this.buffer);
    this.u16 = new Uint16Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.pageCount = sizeBytes / PAGE_SIZE;
    this.codePages = new Uint8Array(this.pageCount);
  }

  /** Copy bytes into RAM at a physical address (a loader's entry point). Throws when they do not fit. */
  load(address: number, bytes: Uint8Array): void {
    if (address < 0 || address + bytes.length > this.size) {
      throw new RangeError(`cannot load ${bytes.length} bytes at 0x${address.toString(16)}: RAM is ${this.size} bytes`);
    }
    this.u8.set(bytes, address);
    this.noteWrite(address, bytes.length);
  }

  read8(address: number): number {
    return address >= 0 && address < this.size ? this.u8[address]! : 0xff;
  }
  read16(address: number): number {
    return this.read8(address) | (this.read8(address + 1) << 8);
  }
  read32(address: number): number {
    return (this.read16(address) | (this.read16(address + 2) << 16)) >>> 0;
  }
  write8(address: number, value: number): void {
    if (address < 0 || address >= this.size) return;
    this.u8[address] = value;
    if (this.codePages[address >>> PAGE_SHIFT] === 1) this.onExternalWrite(address >>> PAGE_SHIFT);
  }
  write16(address: number, value: number): void {
    this.write8(address, value & 0xff);
    this.write8(address + 1, (value >>> 8) & 0xff);
  }
  write32(address: number, value: number): void {
    this.write16(address, value & 0xffff);
    this.write16(address + 2, (value >>> 16) & 0xffff);
  }

  private noteWrite(address: number, length: number): void {
    if (length === 0) return;
    const last = (address + length - 1) >>> PAGE_SHIFT;
    for (let page = address >>> PAGE_SHIFT; page <= last; page++) if (this.codePages[page] === 1) this.onExternalWrite(page);
  }
}
