// QEMU's isa-debug-exit device (`-device isa-debug-exit,iobase=0xf4,iosize=0x04`).
//
// Test kernels end a run by writing a value V to port 0xF4; QEMU then exits with status
// (V << 1) | 1, so a status is always odd and a clean exit (0) can never be faked by the guest.
// gate86 does the same so the same test kernel ends the same way on both machines.

import type { PortDevice } from '../memory/io-bus.ts';

export const DEBUG_EXIT_PORT = 0xf4;
export const DEBUG_EXIT_PORTS = 4;

export class DebugExit implements PortDevice {
  constructor(private readonly onExit: (status: number) => void) {}

  in(): number {
    return 0xffffffff; // QEMU's device is write-only; reads float
  }

  out(_port: number, size: 1 | 2 | 4, value: number): void {
    const v = size === 1 ? value & 0xff : size === 2 ? value & 0xffff : value >>> 0;
    // A process exit status keeps only the low 8 bits, exactly as with QEMU's exit().
    this.onExit(((v << 1) | 1) & 0xff);
  }
}
