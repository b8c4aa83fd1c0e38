// The 8259A programmable interrupt controller pair of the PC: a master at ports 0x20/0x21 and a slave
// at 0xA0/0xA1 whose output is wired to the master's IRQ 2. Together they turn 15 device lines into
// the vector the CPU reads during the interrupt-acknowledge cycle (ICW2 + line number).
//
// Each chip keeps three 8-bit registers (Intel 8259A data sheet, "Functional Description"):
//   IRR  interrupt request register: lines that have seen a rising edge and wait for service
//   ISR  in-service register: lines the CPU has acknowledged and not yet ended with an EOI
//   IMR  interrupt mask register: lines that may not interrupt (OCW1)
// A line interrupts when it is requested, not masked, and of higher priority than everything in
// service. Priority is fixed (0 highest) until a rotate command moves the lowest priority around.

import type { PortDevice } from '../memory/io-bus.ts';
import { ByteWideDevice } from './byte-device.ts';

/** One chip's registers and modes, as plain data. */
export type ChipState = { [K in keyof Chip as Chip[K] extends Function ? never : K]: Chip[K] };
export interface PicState { master: ChipState; slave: ChipState }

/** One 8259A. */
class Chip {
  irr = 0;
  isr = 0;
  imr = 0;
  /** The line with the highest priority: (line - priorityBase) & 7 ranks a line, 0 = highest. */
  priorityBase = 0;
  vectorBase = 0;
  /** Line levels last seen, for edge detection. */
  lastLevels = 0;
  readIsr = false;
  poll = false;
  specialMask = false;
  autoEoi = false;
  rotateOnAutoEoi = false;
  specialFullyNested = false;
  /** 0: ready for OCWs; 1-3: waiting for ICW2, ICW3, ICW4. */
  initStep = 0;
  needsIcw4 = false;
  single = false;

  constructor(readonly isMaster: boolean) {}

  /** ICW1 resets the chip's state (data sheet: "the IMR is cleared... the edge sense latch is cleared"). */
  reset(): void {
    this.irr = 0; this.isr = 0; this.imr = 0; this.priorityBase = 0; this.lastLevels = 0;
    this.readIsr = false; this.poll = false; this.specialMask = false; this.autoEoi = false;
    this.rotateOnAutoEoi = false; this.specialFullyNested = false;
  }

  /** Rank of the highest-priority line set in `mask` (0 = highest), or 8 when none is. */
  private rank(mask: number): number {
    if (mask === 0) return 8;
    let r = 0;
    while ((mask & (1 << ((r + this.priorityBase) & 7))) === 0) r++;
    return r;
  }

  /** The line this chip wants to deliver now, or -1. */
  pendingLine(): number {
    const requested = this.irr & ~this.imr;
    const r = this.rank(requested);
    if (r === 8) return -1;
    // In special mask mode masked in-service lines do not block lower ones; in special fully nested
    // mode (master only) the slave's line may interrupt again while it is in service.
    let inService = this.isr;
    if (this.specialMask) inService &= ~this.imr;
    if (this.specialFullyNested && this.isMaster) inService &= ~(1 << 2);
    return r < this.rank(inService) ? (r + this.priorityBase) & 7 : -1;
  }

  /** An edge on a line sets its request bit; a falling level only re-arms edge detection. */
  setLevel(line: number, high: boolean): void {
    const bit = 1 << line;
    if (high) {
      if ((this.lastLevels & bit) === 0) this.irr |= bit;
      this.lastLevels |= bit;
    } else {
      this.lastLevels &= ~bit;
    }
  }

  /** INTA for `line`: it leaves IRR and enters ISR (or, with automatic EOI, ends at once). */
  acknowledge(line: number): void {
    const bit = 1 << line;
    this.irr &= ~bit;
    if (this.autoEoi) {
      if (this.rotateOnAutoEoi) this.priorityBase = (line + 1) & 7;
    } else {
      this.isr |= bit;
    }
  }

  writeCommand(value: number): void {
    if (value & 0x10) { // ICW1
      this.reset();
      this.initStep = 1;
      this.needsIcw4 = (value & 1) !== 0;
      this.single = (value & 2) !== 0;
      return;
    }
    if (value & 0x08) { // OCW3
      if (value & 0x04) this.poll = true;
      if (value & 0x02) this.readIsr = (value & 1) !== 0;
      if (value & 0x40) this.specialMask = (value & 0x20) !== 0;
      return;
    }
    // OCW2: R, SL, EOI in bits 7-5, a line in bits 2-0.
    const command = value >> 5;
    const line = value & 7;
    switch (command) {
      case 0: this.rotateOnAutoEoi = false; break;
      case 4: this.rotateOnAutoEoi = true; break;
      case 1: case 5: { // non-specific EOI (5: and rotate)
        const r = this.rank(this.isr);
        if (r === 8) break;
        const ended = (r + this.priorityBase) & 7;
        this.isr &= ~(1 << ended);
        if (command === 5) this.priorityBase = (ended + 1) & 7;
        break;
      }
      case 3: this.isr &= ~(1 << line); break; // specific EOI
      case 7: this.isr &= ~(1 << line); this.priorityBase = (line + 1) & 7; break;
      case 6: this.priorityBase = (line + 1) & 7; break; // set priority: `line` becomes lowest
      default: break; // 2: no operation
    }
  }

  writeData(value: number): void {
    switch (this.initStep) {
      case 1: // ICW2: the vector of line 0; the low three bits are the line number's place
        this.vectorBase = value & 0xf8;
        this.initStep = this.single ? (this.needsIcw4 ? 3 : 0) : 2;
        return;
      case 2: // ICW3: the cascade wiring, fixed on a PC (slave on master line 2)
        this.initStep = this.needsIcw4 ? 3 : 0;
        return;
      case 3: // ICW4
        this.autoEoi = (value & 2) !== 0;
        this.specialFullyNested = (value & 0x10) !== 0;
        this.initStep = 0;
        return;
      default: // OCW1
        this.imr = value & 0xff;
    }
  }
}

/** The master/slave pair as a PC wires it. */
export class PicPair {
  private readonly master = new Chip(true);
  private readonly slave = new Chip(false);

  /** Port handlers: master at 0x20/0x21, slave at 0xA0/0xA1. */
  readonly masterPorts: PortDevice = this.portsOf(this.master);
  readonly slavePorts: PortDevice = this.portsOf(this.slave);

  /**
   * Called whenever INTR may have just been asserted (a new request latched, a mask or in-service bit
   * cleared): the CPU's between-blocks check must look (the machine sets cpu.pendingEvents).
   */
  onInterruptRequest: (() => void) | null = null;

  constructor() {
    // Until the guest programs them, behave like the BIOS left them: vectors 0x08 and 0x70.
    this.master.vectorBase = 0x08;
    this.slave.vectorBase = 0x70;
  }

  /** Drive ISA line `irq` (0-15) to a level. Devices call this; edges become requests. */
  setIrq(irq: number, high: boolean): void {
    if (irq < 8) this.master.setLevel(irq, high);
    else { this.slave.setLevel(irq - 8, high); this.updateCascade(); }
    if (high) this.noteRequest();
  }

  private noteRequest(): void {
    if (this.onInterruptRequest !== null && this.interruptPending()) this.onInterruptRequest();
  }

  /** An edge on `irq`: raise then lower the line (the PIT's output pulses this way). */
  pulseIrq(irq: number): void {
    this.setIrq(irq, true);
    this.setIrq(irq, false);
  }

  /** The INTR pin: true when the CPU, if IF allows, should take an external interrupt. */
  interruptPending(): boolean {
    return this.master.pendingLine() >= 0;
  }

  /** The interrupt-acknowledge cycle: returns the vector and moves the line into service. */
  acknowledge(): number {
    const line = this.master.pendingLine();
    if (line < 0) return this.master.vectorBase + 7; // spurious IRQ 7
    this.master.acknowledge(line);
    if (line !== 2) return this.master.vectorBase + line;
    const slaveLine = this.slave.pendingLine();
    let vector: number;
    if (slaveLine < 0) vector = this.slave.vectorBase + 7; // spurious IRQ 15
    else { this.slave.acknowledge(slaveLine); vector = this.slave.vectorBase + slaveLine; }
    this.updateCascade();
    return vector;
  }

  /** The slave's INT output is the master's line 2. */
  private updateCascade(): void {
    this.master.setLevel(2, this.slave.pendingLine() >= 0);
  }

  private portsOf(chip: Chip): PortDevice {
    const pair = this;
    return new (class extends ByteWideDevice {
      readByte(port: number): number {
        if (chip.poll) { // poll command: the next read returns 0x80 | line and acknowledges it
          chip.poll = false;
          const line = chip.pendingLine();
          if (line < 0) return 0;
          chip.acknowledge(line);
          pair.updateCascade();
          return 0x80 | line;
        }
        if (port & 1) return chip.imr;
        return chip.readIsr ? chip.isr : chip.irr;
      }
      writeByte(port: number, value: number): void {
        if (port & 1) chip.writeData(value);
        else chip.writeCommand(value);
        pair.updateCascade();
        pair.noteRequest(); // an unmask or an EOI may let a waiting request through
      }
    })();
  }

  /** Everything both chips hold, as plain data (snapshots, the debugger). */
  saveState(): PicState {
    return { master: { ...this.master }, slave: { ...this.slave } };
  }

  restoreState(state: PicState): void {
    Object.assign(this.master, state.master, { isMaster: true });
    Object.assign(this.slave, state.slave, { isMaster: false });
  }
}
