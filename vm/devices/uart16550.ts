// A 16550A UART, the PC's serial port; on COM1 (0x3F8-0x3FF, IRQ 4) it is gate86's console.
//
// Registers by offset from the base (DLAB = LCR bit 7 switches offsets 0 and 1 to the divisor):
//   0  RBR (read) received byte / THR (write) byte to send / DLL divisor low when DLAB
//   1  IER interrupt enable: 0 received data, 1 THR empty, 2 line status, 3 modem status / DLM
//   2  IIR (read) which interrupt is pending / FCR (write) FIFO control
//   3  LCR line control (word length, parity, stop bits, DLAB)
//   4  MCR modem control (DTR, RTS, OUT1, OUT2, loopback)
//   5  LSR line status: 0 data ready, 1 overrun, 5 THR empty, 6 transmitter empty
//   6  MSR modem status: CTS, DSR, RI, DCD and their deltas
//   7  SCR scratch
// Sending is instantaneous: a byte written to THR leaves at once, so THR is always empty again by
// the time the guest looks. Receiving follows the data sheet: with the FIFO enabled, the
// received-data interrupt comes when the FIFO reaches its trigger level (FCR bits 7-6: 1, 4, 8 or 14
// bytes); fewer bytes raise the character-timeout interrupt (IIR 0x0C) once no byte has arrived or
// been read for four character times at the programmed baud rate. The IRQ line is not gated by MCR.OUT2, because QEMU — the oracle the
// test kernels are compared with — does not gate it either.

import { ByteWideDevice } from './byte-device.ts';
import { fromRelative, toRelative, type RelativeTime } from './pit.ts';

const IER_RX = 0x01, IER_THRE = 0x02, IER_LSR = 0x04, IER_MSR = 0x08;
const IIR_NONE = 0x01, IIR_MSR = 0x00, IIR_THRE = 0x02, IIR_RX = 0x04, IIR_LSR = 0x06, IIR_TIMEOUT = 0x0c, IIR_FIFO = 0xc0;
const TRIGGER_LEVELS = [1, 4, 8, 14];
/** The UART's clock: 1.8432 MHz / 16 = 115200 baud at divisor 1. */
const BASE_BAUD = 115200;
const LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
const MCR_RTS = 0x02;
const MCR_LOOP = 0x10;
const FIFO_SIZE = 16;

export interface UartHost {
  /** A byte the guest sent. */
  transmit(byte: number): void;
  /** The next byte waiting to be received, or -1 when there is none. */
  receive(): number;
  /** The UART's interrupt line changed level. */
  setIrq(high: boolean): void;
  /** Virtual time in nanoseconds (for the receive FIFO's character timeout). */
  clock(): number;
}

export interface UartState {
  ier: number; lcr: number; mcr: number; scr: number; divisor: number; fifoEnabled: boolean; triggerLevel: number;
  lastRxActivity: RelativeTime; overrun: boolean; thrEmptyPending: boolean; msrDeltas: number; rx: number[]; irqHigh: boolean;
}

export class Uart16550 extends ByteWideDevice {
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private divisor = 12; // 9600 baud, what a BIOS leaves
  private fifoEnabled = false;
  private triggerLevel = 1;
  /** Virtual time of the last byte received or read: the character timeout counts from here. */
  private lastRxActivity = 0;
  private overrun = false;
  /** THR-empty interrupt armed: set when THR empties, cleared by reading IIR or writing THR. */
  private thrEmptyPending = false;
  /** MSR delta bits (0-3) and the previous modem lines, for the modem status interrupt. */
  private msrDeltas = 0;
  private readonly rx: number[] = [];
  private irqHigh = false;

  constructor(readonly base: number, private readonly host: UartHost) {
    super();
  }

  /**
   * Pull waiting input into the receive FIFO (the run loop calls this when input arrives). The other
   * end of the line honours RTS/CTS flow control: it sends only while the guest asserts RTS (MCR bit
   * 1), so keystrokes typed (or piped) before the guest has set its UART up wait in the host's queue
   * instead of being lost to the FIFO reset of the guest's initialisation.
   */
  pollInput(): void {
    // In loopback the line is disconnected from the outside.
    if ((this.mcr & (MCR_LOOP | MCR_RTS)) === MCR_RTS) {
      const room = this.fifoEnabled ? FIFO_SIZE : 1;
      while (this.rx.length < room) {
        const byte = this.host.receive();
        if (byte < 0) break;
        this.rx.push(byte);
        this.lastRxActivity = this.host.clock();
      }
    }
    this.updateIrq();
  }

  /** The registers and the receive FIFO as plain data. */
  saveState(): UartState {
    return {
      ier: this.ier, lcr: this.lcr, mcr: this.mcr, scr: this.scr, divisor: this.divisor, fifoEnabled: this.fifoEnabled,
      triggerLevel: this.triggerLevel, lastRxActivity: toRelative(this.lastRxActivity, this.host.clock()), overrun: this.overrun,
      thrEmptyPending: this.thrEmptyPending, msrDeltas: this.msrDeltas, rx: [...this.rx], irqHigh: this.irqHigh,
    };
  }

  restoreState(s: UartState): void {
    const { rx, lastRxActivity, ...registers } = s;
    Object.assign(this, registers);
    this.lastRxActivity = fromRelative(lastRxActivity, this.host.clock(), 0);
    this.rx.length = 0;
    this.rx.push(...rx);
    this.host.setIrq(this.irqHigh);
  }

  /** True when a byte is waiting in the receive buffer. */
  hasInput(): boolean {
    return this.rx.length > 0;
  }

  readByte(port: number): number {
    const offset = port - this.base;
    switch (offset) {
      case 0: {
        if (this.lcr & 0x80) return this.divisor & 0xff;
        const byte = this.rx.length > 0 ? this.rx.shift()! : 0;
        this.lastRxActivity = this.host.clock();
        this.pollInput();
        return byte;
      }
      case 1: return this.lcr & 0x80 ? this.divisor >> 8 : this.ier;
      case 2: {
        const iir = this.interruptId();
        if (iir === IIR_THRE) this.thrEmptyPending = false; // reading IIR acknowledges THRE
        this.updateIrq();
        return iir | (this.fifoEnabled ? IIR_FIFO : 0);
      }
      case 3: return this.lcr;
      case 4: return this.mcr;
      case 5: {
        const lsr = (this.rx.length > 0 ? LSR_DR : 0) | (this.overrun ? LSR_OE : 0) | LSR_THRE | LSR_TEMT;
        this.overrun = false;
        this.updateIrq();
        return lsr;
      }
      case 6: {
        const msr = this.modemLines() | this.msrDeltas;
        this.msrDeltas = 0;
        this.updateIrq();
        return msr;
      }
      default: return this.scr;
    }
  }

  writeByte(port: number, value: number): void {
    const offset = port - this.base;
    switch (offset) {
      case 0:
        if (this.lcr & 0x80) { this.divisor = (this.divisor & 0xff00) | value; return; }
        this.send(value);
        return;
      case 1:
        if (this.lcr & 0x80) { this.divisor = (this.divisor & 0xff) | (value << 8); return; }
        // Enabling the THRE interrupt while THR is empty raises it at once (16550 data sheet).
        if ((value & IER_THRE) && !(this.ier & IER_THRE)) this.thrEmptyPending = true;
        this.ier = value & 0x0f;
        this.updateIrq();
        return;
      case 2:
        this.fifoEnabled = (value & 1) !== 0;
        this.triggerLevel = TRIGGER_LEVELS[value >> 6]!;
        if (value & 2) this.rx.length = 0; // clear the receive FIFO
        this.pollInput();
        return;
      case 3: this.lcr = value; return;
      case 4: {
        const before = this.modemLines();
        this.mcr = value & 0x1f;
        this.noteModemChange(before);
        this.pollInput();
        return;
      }
      case 7: this.scr = value; return;
      default: return; // LSR and MSR are read-only
    }
  }

  private send(byte: number): void {
    if (this.mcr & MCR_LOOP) { // loopback: the byte comes straight back in
      if (this.rx.length >= (this.fifoEnabled ? FIFO_SIZE : 1)) this.overrun = true;
      else { this.rx.push(byte); this.lastRxActivity = this.host.clock(); }
    } else {
      this.host.transmit(byte);
    }
    this.thrEmptyPending = true; // sent at once: THR is empty again
    this.updateIrq();
  }

  /** MSR bits 7-4. In loopback they mirror MCR (DTR→DSR, RTS→CTS, OUT1→RI, OUT2→DCD); otherwise
   *  the (virtual) other end is always there: CTS, DSR and DCD asserted, as QEMU reports them. */
  private modemLines(): number {
    if (this.mcr & MCR_LOOP) {
      return ((this.mcr & 0x02) << 3) | ((this.mcr & 0x01) << 5) | ((this.mcr & 0x04) << 4) | ((this.mcr & 0x08) << 4);
    }
    return 0xb0;
  }

  private noteModemChange(before: number): void {
    const changed = before ^ this.modemLines();
    if (changed & 0x10) this.msrDeltas |= 0x01;
    if (changed & 0x20) this.msrDeltas |= 0x02;
    if ((before & 0x40) && !(this.modemLines() & 0x40)) this.msrDeltas |= 0x04; // RI trailing edge
    if (changed & 0x80) this.msrDeltas |= 0x08;
  }

  /** The highest-priority pending interrupt, as IIR bits 3-0 (16550 data sheet, table 4). */
  private interruptId(): number {
    if ((this.ier & IER_LSR) && this.overrun) return IIR_LSR;
    if ((this.ier & IER_RX) && this.rx.length > 0) {
      if (!this.fifoEnabled || this.rx.length >= this.triggerLevel) return IIR_RX;
      if (this.host.clock() >= this.timeoutDeadline()) return IIR_TIMEOUT;
    }
    if ((this.ier & IER_THRE) && this.thrEmptyPending) return IIR_THRE;
    if ((this.ier & IER_MSR) && this.msrDeltas) return IIR_MSR;
    return IIR_NONE;
  }

  /** Four character times (start, data, parity and stop bits) after the last receive activity. */
  private timeoutDeadline(): number {
    const bits = 1 + 5 + (this.lcr & 3) + ((this.lcr & 8) ? 1 : 0) + ((this.lcr & 4) ? 2 : 1);
    const baud = BASE_BAUD / (this.divisor || 0x10000);
    return this.lastRxActivity + (4 * bits * 1e9) / baud;
  }

  /** When a character-timeout interrupt will become due (virtual ns), or Infinity. */
  nextDeadline(): number {
    const waiting = (this.ier & IER_RX) && this.fifoEnabled && this.rx.length > 0 && this.rx.length < this.triggerLevel;
    return waiting ? this.timeoutDeadline() : Infinity;
  }

  /** Re-evaluate the interrupt line as time passes (the machine calls this between slices). */
  update(): void {
    this.updateIrq();
  }

  private updateIrq(): void {
    const high = this.interruptId() !== IIR_NONE;
    if (high !== this.irqHigh) {
      this.irqHigh = high;
      this.host.setIrq(high);
    }
  }
}
