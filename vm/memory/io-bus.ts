// The I/O port bus: 65536 byte-wide ports that devices claim.
//
// A device implements `PortDevice` and registers a port range. IN and OUT instructions (and INS/OUTS)
// call `bus.in(port, size)` / `bus.out(port, size, value)` with size 1, 2 or 4 bytes; the bus hands the
// whole access to the device owning the first port, which decides what a 16- or 32-bit access means
// (most PC devices are byte-wide; a device that wants word accesses split can do so itself).
// Unclaimed ports read as all ones and swallow writes, as on a PC's ISA bus.
//
// Lookup is one array index per access: `owners[port]`.

export interface PortDevice {
  /** Read `size` (1, 2 or 4) bytes from `port`; return the value zero-extended. */
  in(port: number, size: 1 | 2 | 4): number;
  /** Write the low `size` bytes of `value` to `port`. */
  out(port: number, size: 1 | 2 | 4, value: number): void;
}

const ALL_ONES = [0, 0xff, 0xffff, 0, 0xffffffff] as const;

export class IoBus {
  private readonly owners: (PortDevice | undefined)[] = new Array<PortDevice | undefined>(0x10000).fill(undefined);

  /** Give ports [first, first+count) to `device`. Throws if one is already taken. */
  register(first: number, count: number, device: PortDevice): void {
    if (first < 0 || count < 1 || first + count > 0x10000) throw new RangeError(`bad port range 0x${first.toString(16)}+${count}`);
    for (let p = first; p < first + count; p++) {
      if (this.owners[p] !== undefined) throw new Error(`port 0x${p.toString(16)} is already claimed`);
    }
    for (let p = first; p < first + count; p++) this.owners[p] = device;
  }

  in(port: number, size: 1 | 2 | 4): number {
    const device = this.owners[port & 0xffff];
    return device === undefined ? ALL_ONES[size] : device.in(port & 0xffff, size);
  }

  out(port: number, size: 1 | 2 | 4, value: number): void {
    const device = this.owners[port & 0xffff];
    if (device !== undefined) device.out(port & 0xffff, size, value);
  }
}
