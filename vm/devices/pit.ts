// The 8254 programmable interval timer: three 16-bit down-counters fed by a 1.193182 MHz clock.
// Channel 0's output is wired to IRQ 0: an OS programs it in mode 2 (rate generator) or mode 3
// (square wave) with a divisor and gets a periodic interrupt — the tick that preempts tasks.
//
// Nothing here counts in real time. A counter's value is computed from how much virtual time passed
// since it was loaded (`clock()` in nanoseconds), so an idle machine costs nothing, and the run loop
// asks `nextIrqDeadline()` how long HLT may sleep. Ports: 0x40-0x42 the counters, 0x43 the mode
// register (control word).

import { ByteWideDevice } from './byte-device.ts';

export const PIT_HZ = 1_193_182;
const NS_PER_SECOND = 1e9;

/** Read/write access mode of a counter port, from control word bits 5-4. */
const enum Access { Latch = 0, Low = 1, High = 2, LowHigh = 3 }

class Counter {
  mode = 0;
  access = Access.LowHigh;
  /** The programmed count (0 means 65536). */
  reload = 0x10000;
  /** Virtual time (ns) at which `reload` was loaded; NaN until the guest writes a count. */
  loadedAt = Number.NaN;
  /** Latched value (count latch command), or -1. */
  latched = -1;
  latchedStatus = -1;
  /** LowHigh access: the next read/write is the high byte. */
  readHigh = false;
  writeHigh = false;
  /** The low byte written so far in LowHigh access. */
  pendingLow = 0;

  ticksSince(now: number): number {
    return Math.floor(((now - this.loadedAt) * PIT_HZ) / NS_PER_SECOND);
  }

  /** The current count, as the counter's read port shows it. */
  count(now: number): number {
    if (Number.isNaN(this.loadedAt)) return 0;
    const n = this.reload;
    const elapsed = this.ticksSince(now);
    switch (this.mode) {
      case 2: return n - (elapsed % n);
      case 3: return (n - ((2 * elapsed) % n)) & 0xfffe; // counts down by two, twice a period
      default: return (n - elapsed) & 0xffff; // modes 0, 1, 4, 5 count once and wrap
    }
  }

  /** The OUT pin, for the read-back status byte. */
  output(now: number): boolean {
    if (Number.isNaN(this.loadedAt)) return false;
    const n = this.reload;
    const elapsed = this.ticksSince(now);
    switch (this.mode) {
      case 0: return elapsed >= n;
      case 2: return elapsed % n !== n - 1;
      case 3: return elapsed % n < (n + 1) >> 1;
      default: return true;
    }
  }

  /** Virtual time of the first rising edge of OUT strictly after `now`, or Infinity. */
  nextRisingEdge(now: number): number {
    if (Number.isNaN(this.loadedAt)) return Infinity;
    const n = this.reload;
    const elapsed = this.ticksSince(now);
    let tick: number;
    if (this.mode === 2 || this.mode === 3) tick = (Math.floor(elapsed / n) + 1) * n; // each period
    else if (this.mode === 0) { if (elapsed >= n) return Infinity; tick = n; } // terminal count, once
    else return Infinity;
    return this.loadedAt + Math.ceil((tick * NS_PER_SECOND) / PIT_HZ);
  }

  status(now: number): number {
    return (this.output(now) ? 0x80 : 0) | (this.access << 4) | (this.mode << 1);
  }
}

/** A time in a snapshot: nanoseconds relative to the moment of the snapshot, or null for never. */
export type RelativeTime = number | null;

export function toRelative(time: number, now: number): RelativeTime {
  return Number.isFinite(time) ? time - now : null;
}

export function fromRelative(time: RelativeTime, now: number, never: number): number {
  return time === null ? never : now + time;
}

export interface PitCounterState {
  mode: number; access: number; reload: number; loadedAt: RelativeTime; latched: number; latchedStatus: number;
  readHigh: boolean; writeHigh: boolean; pendingLow: number;
}
export interface PitState { counters: PitCounterState[]; irqDue: RelativeTime }

export class Pit extends ByteWideDevice {
  private readonly counters = [new Counter(), new Counter(), new Counter()];
  /** Virtual time of the next IRQ 0 edge not yet delivered. */
  private irqDue = Infinity;

  /**
   * @param clock virtual time in nanoseconds
   * @param raiseIrq0 called once for each rising edge of channel 0's output
   */
  constructor(private readonly clock: () => number, private readonly raiseIrq0: () => void) {
    super();
  }

  /** The counters as plain data, times relative to now (a restored machine has its own clock). */
  saveState(): PitState {
    const now = this.clock();
    return {
      counters: this.counters.map((c) => ({
        mode: c.mode, access: c.access, reload: c.reload, loadedAt: toRelative(c.loadedAt, now), latched: c.latched,
        latchedStatus: c.latchedStatus, readHigh: c.readHigh, writeHigh: c.writeHigh, pendingLow: c.pendingLow,
      })),
      irqDue: toRelative(this.irqDue, now),
    };
  }

  restoreState(state: PitState): void {
    const now = this.clock();
    state.counters.forEach((s, i) => {
      Object.assign(this.counters[i]!, s, { loadedAt: fromRelative(s.loadedAt, now, Number.NaN) });
    });
    this.irqDue = fromRelative(state.irqDue, now, Infinity);
  }

  /** When the next IRQ 0 is due (virtual ns), so HLT knows how long it may sleep. */
  nextIrqDeadline(): number {
    return this.irqDue;
  }

  /** Deliver IRQ 0 if its time has come. Edges missed while the host was busy merge into one,
   *  as they would in the PIC's single request bit. */
  update(): void {
    const now = this.clock();
    if (now < this.irqDue) return;
    this.raiseIrq0();
    this.irqDue = this.counters[0]!.nextRisingEdge(now);
  }

  readByte(port: number): number {
    const now = this.clock();
    if (port === 0x43) return 0xff; // the mode register cannot be read
    const c = this.counters[port - 0x40]!;
    if (c.latchedStatus >= 0) { const s = c.latchedStatus; c.latchedStatus = -1; return s; }
    const value = c.latched >= 0 ? c.latched : c.count(now);
    let byte: number;
    switch (c.access) {
      case Access.Low: byte = value & 0xff; c.latched = -1; break;
      case Access.High: byte = (value >> 8) & 0xff; c.latched = -1; break;
      default:
        byte = c.readHigh ? (value >> 8) & 0xff : value & 0xff;
        if (c.readHigh) c.latched = -1;
        c.readHigh = !c.readHigh;
    }
    return byte;
  }

  writeByte(port: number, value: number): void {
    const now = this.clock();
    if (port === 0x43) { this.writeControl(value, now); return; }
    const index = port - 0x40;
    const c = this.counters[index]!;
    let count: number;
    switch (c.access) {
      case Access.Low: count = value; break;
      case Access.High: count = value << 8; break;
      default:
        if (!c.writeHigh) { c.pendingLow = value; c.writeHigh = true; return; }
        c.writeHigh = false;
        count = c.pendingLow | (value << 8);
    }
    c.reload = count === 0 ? 0x10000 : count;
    c.loadedAt = now;
    if (index === 0) this.irqDue = c.nextRisingEdge(now);
  }

  private writeControl(value: number, now: number): void {
    const select = value >> 6;
    if (select === 3) { // read-back: bit 5 clear = latch counts, bit 4 clear = latch status
      for (let i = 0; i < 3; i++) {
        if ((value & (2 << i)) === 0) continue;
        const c = this.counters[i]!;
        if ((value & 0x20) === 0 && c.latched < 0) c.latched = c.count(now);
        if ((value & 0x10) === 0 && c.latchedStatus < 0) c.latchedStatus = c.status(now);
      }
      return;
    }
    const c = this.counters[select]!;
    const access = (value >> 4) & 3;
    if (access === Access.Latch) { if (c.latched < 0) c.latched = c.count(now); c.readHigh = false; return; }
    c.access = access;
    let mode = (value >> 1) & 7;
    if (mode > 5) mode -= 4; // 6 and 7 are aliases of 2 and 3
    c.mode = mode;
    // A new control word stops the counter until a count is written (data sheet: "null count").
    c.loadedAt = Number.NaN;
    c.latched = -1; c.readHigh = false; c.writeHigh = false;
    if (select === 0) this.irqDue = Infinity;
  }
}
