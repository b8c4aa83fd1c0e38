// The PC/AT's numeric error circuit: how an x87 exception reaches software when CR0.NE = 0 (the
// "MS-DOS compatibility" way, SDM Vol. 1 appendix D and Vol. 3A 2.5 CR0.NE).
//
// With NE = 0 the CPU does not raise #MF. At the next waiting x87 instruction after an unmasked
// exception it asserts its FERR# pin and freezes there (the system half, interrupts.ts). On the AT,
// FERR# sets a latch that drives IRQ 13 (the slave 8259's line 5); the IRQ 13 handler writes any
// value to port 0xF0, which clears the latch (IRQ 13 falls) and asserts the CPU's IGNNE# input: the
// frozen instruction, returned to by IRET, now runs even though FSW.ES is still set. IGNNE# stays
// asserted until FERR# itself goes away, that is until FNCLEX/FNINIT/FLDENV... clear FSW.ES (the CPU
// side: cpu.fpu.ignoreErrors, vm/cpu/fpu/unit.ts). qemu-system-i386 wires the same port and IRQ.

import type { PortDevice } from '../memory/io-bus.ts';

export const NUMERIC_ERROR_PORT = 0xf0;
export const NUMERIC_ERROR_IRQ = 13;

export interface NumericErrorState { latched: boolean }

export class NumericErrorLatch implements PortDevice {
  private latched = false;

  /**
   * @param setIrq drives IRQ 13
   * @param ignoreNumericErrors asserts the CPU's IGNNE# input
   */
  constructor(private readonly setIrq: (high: boolean) => void, private readonly ignoreNumericErrors: () => void) {}

  /** The CPU asserted FERR#. */
  assertFerr(): void {
    this.latched = true;
    this.setIrq(true);
  }

  in(): number {
    return 0xffffffff; // nothing to read: the port is a write-only strobe
  }

  /** Any write to port 0xF0: clear the latch and let the CPU ignore the pending error. */
  out(): void {
    this.latched = false;
    this.setIrq(false);
    this.ignoreNumericErrors();
  }

  saveState(): NumericErrorState {
    return { latched: this.latched };
  }

  restoreState(state: NumericErrorState | undefined): void {
    this.latched = state?.latched ?? false; // the IRQ line's level is the PIC's own state
  }
}
