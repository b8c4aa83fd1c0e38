// The machine's clock: virtual time in nanoseconds, as the PIT and the UART count it and as the
// kernel's clocks (CLOCK_MONOTONIC, timeouts, sleeps) read it. Two kinds (`gate86 run --clock`):
//
//   host      the host's monotonic clock: the PIT's 100 Hz is 100 Hz of wall time, and HLT sleeps
//             until the next device event. Where a timer interrupt lands depends on how fast the
//             host ran the guest, so two runs differ (the default: what an interactive user wants).
//   modelled  time is what the CPU did, by the cycle model (vm/cpu/cycles/): modelled cycles at the
//             model's clock rate (CpuModel.clockMHz), plus the time HLT waited — which costs no host
//             time at all, the clock jumps to the next device event. Nothing the host does reaches
//             the guest, so a run is the same on every host, loaded or idle, JIT or --no-jit: every
//             timer interrupt lands on the same instruction. For measurements and tests; a program
//             that waits for typed input spins through timer ticks while it waits.
import type { Cpu } from '../cpu/cpu.ts';

export type ClockKind = 'host' | 'modelled';

export const CLOCK_KINDS: readonly ClockKind[] = ['host', 'modelled'];

/** The host's monotonic clock, from 0 at the call. */
export function hostClock(): () => number {
  const start = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - start);
}

/** Virtual time made of the CPU's modelled cycles and the waits of HLT. */
export class ModelledClock {
  /** Nanoseconds per centicycle (cpu.centicycles counts hundredths of a cycle). */
  private readonly nsPerCenticycle: number;
  /** Time that passed while the CPU was halted. */
  private waited = 0;

  constructor(private readonly cpu: Cpu, clockMHz: number) {
    this.nsPerCenticycle = 1000 / clockMHz / 100;
  }

  readonly now = (): number => this.cpu.centicycles * this.nsPerCenticycle + this.waited;

  /** The halted CPU waits until `time` (no host time passes). */
  waitUntil(time: number): void {
    const now = this.now();
    if (time > now) this.waited += time - now;
  }
}
