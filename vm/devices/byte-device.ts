// Most PC devices are byte-wide ISA devices: a 16- or 32-bit IN/OUT on them is, on the real bus, a
// run of byte accesses to consecutive ports. The core's IoBus (vm/memory/io-bus.ts) hands the whole
// access to the device that owns the first port, so byte-wide devices split it here, once.

import type { PortDevice } from '../memory/io-bus.ts';

export abstract class ByteWideDevice implements PortDevice {
  /** Read the byte register at `port`. */
  abstract readByte(port: number): number;
  /** Write the byte register at `port`. */
  abstract writeByte(port: number, value: number): void;

  in(port: number, size: 1 | 2 | 4): number {
    if (size === 1) return this.readByte(port) & 0xff;
    let value = 0;
    for (let i = 0; i < size; i++) value |= (this.readByte(port + i) & 0xff) << (8 * i);
    return value >>> 0;
  }

  out(port: number, size: 1 | 2 | 4, value: number): void {
    if (size === 1) { this.writeByte(port, value & 0xff); return; }
    for (let i = 0; i < size; i++) this.writeByte(port + i, (value >>> (8 * i)) & 0xff);
  }
}
