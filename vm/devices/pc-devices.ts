// The devices of gate86's PC, wired as on an IBM PC/AT (and as qemu-system-i386 wires them):
//   0x20-0x21, 0xA0-0xA1  8259A PIC pair      IRQ 2 = the slave's cascade
//   0x40-0x43             8254 PIT             channel 0 → IRQ 0
//   0x3F8-0x3FF           16550A UART (COM1)   → IRQ 4, the console
//   0xF0                  numeric error latch  FERR# → IRQ 13; a write asserts IGNNE# (CR0.NE = 0)
//   0xF4-0xF7             isa-debug-exit       writing V ends the machine with status (V<<1)|1

import { DebugExit, DEBUG_EXIT_PORT, DEBUG_EXIT_PORTS } from './debug-exit.ts';
import { PicPair, type PicState } from './pic.ts';
import { Pit, type PitState } from './pit.ts';
import { IoBus } from '../memory/io-bus.ts';
import { Uart16550, type UartState } from './uart16550.ts';
import { NumericErrorLatch, NUMERIC_ERROR_IRQ, NUMERIC_ERROR_PORT, type NumericErrorState } from './numeric-error.ts';

export const COM1_BASE = 0x3f8;
export const COM1_IRQ = 4;

export interface PcHost {
  /** Virtual time in nanoseconds. */
  clock(): number;
  /** A byte the guest wrote to COM1. */
  consoleOut(byte: number): void;
  /** The next byte typed at the console, or -1. */
  consoleIn(): number;
  /** The guest wrote to isa-debug-exit: stop with this exit status. */
  exit(status: number): void;
  /** The numeric error latch was cleared: assert the CPU's IGNNE# input. */
  ignoreNumericErrors(): void;
}

export interface PcDevicesState { pic: PicState; pit: PitState; com1: UartState; numericError?: NumericErrorState }

export class PcDevices {
  readonly ports: IoBus;
  readonly pic = new PicPair();
  readonly pit: Pit;
  readonly com1: Uart16550;
  readonly numericError: NumericErrorLatch;

  /** `ports` is the CPU's I/O bus; the devices claim their ports on it. */
  constructor(host: PcHost, ports: IoBus) {
    this.ports = ports;
    this.pit = new Pit(() => host.clock(), () => this.pic.pulseIrq(0));
    this.com1 = new Uart16550(COM1_BASE, {
      transmit: (byte) => host.consoleOut(byte),
      receive: () => host.consoleIn(),
      setIrq: (high) => this.pic.setIrq(COM1_IRQ, high),
      clock: () => host.clock(),
    });
    this.numericError = new NumericErrorLatch((high) => this.pic.setIrq(NUMERIC_ERROR_IRQ, high), () => host.ignoreNumericErrors());
    this.ports.register(0x20, 2, this.pic.masterPorts);
    this.ports.register(0xa0, 2, this.pic.slavePorts);
    this.ports.register(0x40, 4, this.pit);
    this.ports.register(COM1_BASE, 8, this.com1);
    this.ports.register(NUMERIC_ERROR_PORT, 1, this.numericError);
    this.ports.register(DEBUG_EXIT_PORT, DEBUG_EXIT_PORTS, new DebugExit((status) => host.exit(status)));
  }

  saveState(): PcDevicesState {
    return { pic: this.pic.saveState(), pit: this.pit.saveState(), com1: this.com1.saveState(), numericError: this.numericError.saveState() };
  }

  restoreState(state: PcDevicesState): void {
    this.pic.restoreState(state.pic);
    this.pit.restoreState(state.pit);
    this.com1.restoreState(state.com1);
    this.numericError.restoreState(state.numericError);
  }

  /** Let time-driven devices catch up with the clock (the run loop calls this between blocks). */
  tick(): void {
    this.pit.update();
    this.com1.update();
  }

  /** The earliest virtual time at which a device will interrupt on its own. */
  nextDeadline(): number {
    return Math.min(this.pit.nextIrqDeadline(), this.com1.nextDeadline());
  }
}
