// The CPU's debug unit: everything that can make the machine stop or trap "because someone is
// watching", kept out of the hot path.
//
// Two kinds of watcher share it:
//   - the guest, through DR0-DR7 (debug-registers.ts): instruction breakpoints (a #DB fault before
//     the instruction), data breakpoints (a #DB trap after the instruction that wrote or read the
//     watched bytes), I/O breakpoints with CR4.DE (a trap after IN/OUT/INS/OUTS);
//   - the host (the gdb stub, the step view, tests): breakpoints on linear addresses, watchpoints,
//     and single-stepping. They stop the run loop (StopKind.Breakpoint/Watchpoint/Step) and leave no
//     trace in the guest: no DR6 bit, no exception, no byte of guest memory patched.
//
// `cpu.debugActive` is nonzero while anything here is armed; the run loop tests it once per block
// and, when it is set, runs instructions through checked-run.ts instead of its fast loop. Data
// watching costs nothing when off either: the pages a data breakpoint covers are kept out of the
// TLB (watchesPage), so every access to them takes the slow path, which alone calls noteAccess.

import type { Cpu } from '../cpu.ts';
import {
  BreakKind, breakpointEnabled, breakpointKind, breakpointLength, CR4_DE, DR6_BT, DR7_LE, DR7_LOCAL_ENABLES, writeDebugRegister,
} from './debug-registers.ts';

// Bits of cpu.debugActive: why the checked loop runs.
/** DR7 enables at least one breakpoint. */
export const DEBUG_GUEST = 1;
/** The host has breakpoints or watchpoints. */
export const DEBUG_HOST = 2;
/** The host asked for one instruction (stepi). */
export const DEBUG_STEP = 4;
/** A #DB trap is due before the next instruction (debug.pendingTrap: a task switch's T bit, or a
 *  guest trap held back while a host stop was reported). */
export const DEBUG_TRAP = 8;

export type WatchKind = 'write' | 'read' | 'access';

export interface HostWatch {
  address: number;
  length: number;
  kind: WatchKind;
}

/** A range [start, end) of linear addresses or ports, unsigned, and the DR6 bit it sets. */
interface GuestRange {
  start: number;
  end: number;
  bit: number;
  /** Data breakpoints of kind Write ignore reads. */
  writesOnly: boolean;
}

export class DebugUnit {
  private readonly cpu: Cpu;

  // --- The guest's breakpoints, decoded from DR0-DR3 and DR7 ----------------------------------
  /** Instruction breakpoints: linear address and DR6 bit (at most four). */
  private readonly executeAddress: number[] = [];
  private readonly executeBit: number[] = [];
  private readonly guestData: GuestRange[] = [];
  private readonly guestIo: GuestRange[] = [];
  /** B0-B3 bits of data and I/O breakpoints met by the instruction now executing. */
  guestHits = 0;
  /** DR6 bits of a #DB trap due before the next instruction (see DEBUG_TRAP). */
  pendingTrap = 0;

  // --- The host's --------------------------------------------------------------------------------
  readonly hostBreakpoints = new Set<number>();
  readonly hostWatches: HostWatch[] = [];
  /** The host breakpoint just reported: the next instruction checked executes it instead of stopping. */
  resumeLinear = -1;
  /** DEBUG_STEP: the one instruction has not started yet. */
  stepArmed = false;
  /** The watchpoint the current instruction met, and the address it accessed. */
  watchHit: HostWatch | null = null;
  watchHitAddress = 0;

  constructor(cpu: Cpu) {
    this.cpu = cpu;
  }

  // ============================================================================================
  // Arming

  /** Decode DR0-DR3 and DR7 again (after a MOV to them, a task switch, CR4.DE, a restore). */
  refreshGuestBreakpoints(): void {
    const cpu = this.cpu;
    const dr7 = cpu.dr[7]!;
    const io = (cpu.cr[4]! & CR4_DE) !== 0;
    this.executeAddress.length = 0;
    this.executeBit.length = 0;
    this.guestData.length = 0;
    this.guestIo.length = 0;
    for (let n = 0; n < 4; n++) {
      if (!breakpointEnabled(dr7, n)) continue;
      const kind = breakpointKind(dr7, n);
      const length = breakpointLength(dr7, n);
      // The address is aligned to the length: its low bits are ignored (SDM 17.2.5).
      const start = (cpu.dr[n]! & ~(length - 1)) >>> 0;
      if (kind === BreakKind.Execute) {
        this.executeAddress.push(cpu.dr[n]! >>> 0);
        this.executeBit.push(1 << n);
      } else if (kind === BreakKind.Io) {
        // Without CR4.DE, R/W = 10 is undefined: it arms nothing.
        if (io) this.guestIo.push({ start: start & 0xffff, end: (start & 0xffff) + length, bit: 1 << n, writesOnly: false });
      } else {
        this.guestData.push({ start, end: start + length, bit: 1 << n, writesOnly: kind === BreakKind.Write });
      }
    }
    this.update();
  }

  setHostBreakpoint(linear: number): void {
    this.hostBreakpoints.add(linear >>> 0);
    this.update();
  }

  clearHostBreakpoint(linear: number): void {
    this.hostBreakpoints.delete(linear >>> 0);
    this.update();
  }

  /** Watch `length` bytes at a linear address; false if that exact watchpoint already exists. */
  addWatch(watch: HostWatch): boolean {
    if (this.findWatch(watch) >= 0) return false;
    this.hostWatches.push({ address: watch.address >>> 0, length: watch.length, kind: watch.kind });
    this.update();
    return true;
  }

  removeWatch(watch: HostWatch): boolean {
    const at = this.findWatch(watch);
    if (at < 0) return false;
    this.hostWatches.splice(at, 1);
    this.update();
    return true;
  }

  private findWatch(w: HostWatch): number {
    return this.hostWatches.findIndex((x) => x.address === w.address >>> 0 && x.length === w.length && x.kind === w.kind);
  }

  /** Forget every host breakpoint, watchpoint and step (a debugger went away). */
  clearHost(): void {
    this.hostBreakpoints.clear();
    this.hostWatches.length = 0;
    this.stepArmed = false;
    this.resumeLinear = -1;
    this.watchHit = null;
    this.update();
  }

  /** Execute one instruction (or deliver the one event that comes first), then stop: StopKind.Step. */
  armStep(): void {
    this.stepArmed = true;
    this.cpu.debugActive |= DEBUG_STEP;
  }

  /** The step is over (the checked loop is reporting it). */
  endStep(): void {
    this.stepArmed = false;
    this.cpu.debugActive &= ~DEBUG_STEP;
  }

  /** Make a #DB trap with these DR6 bits happen before the next instruction. */
  queueTrap(bits: number): void {
    this.pendingTrap |= bits;
    this.cpu.debugActive |= DEBUG_TRAP;
  }

  /** The due trap's bits, now being raised. */
  takeTrap(): number {
    const bits = this.pendingTrap;
    this.pendingTrap = 0;
    this.cpu.debugActive &= ~DEBUG_TRAP;
    return bits;
  }

  /** Recompute cpu.debugActive's guest and host bits and drop TLB entries of newly watched pages. */
  private update(): void {
    const cpu = this.cpu;
    let active = cpu.debugActive & (DEBUG_STEP | DEBUG_TRAP);
    if (this.executeAddress.length + this.guestData.length + this.guestIo.length > 0) active |= DEBUG_GUEST;
    if (this.hostBreakpoints.size + this.hostWatches.length > 0) active |= DEBUG_HOST;
    cpu.debugActive = active;
    // Pages that hold watched bytes must not stay in the TLB, or an access would bypass noteAccess.
    if (this.guestData.length + this.hostWatches.length > 0) cpu.flushTlb();
  }

  // ============================================================================================
  // Checks (called only while cpu.debugActive is set)

  /** Whether the TLB may cache a translation for this linear page (false when it holds watched bytes). */
  watchesPage(linearPage: number): boolean {
    const first = linearPage * 4096;
    const last = first + 4095;
    for (const r of this.guestData) if (r.start <= last && r.end > first) return true;
    for (const w of this.hostWatches) if (w.address <= last && w.address + w.length > first) return true;
    return false;
  }

  /** Whether the instruction executing has met a data breakpoint or a host watchpoint (REP strings stop there). */
  dataHitPending(): boolean {
    return this.guestHits !== 0 || this.watchHit !== null;
  }

  /** A data access of `size` bytes at a linear address (every slow-path read or write calls this). */
  noteAccess(linear: number, size: number, write: boolean): void {
    const start = linear >>> 0;
    const end = start + size;
    for (const r of this.guestData) {
      if (r.start < end && r.end > start && (write || !r.writesOnly)) this.guestHits |= r.bit;
    }
    if (this.watchHit !== null) return;
    for (const w of this.hostWatches) {
      if (w.address < end && w.address + w.length > start && (w.kind === 'access' || (w.kind === 'write') === write)) {
        this.watchHit = w;
        this.watchHitAddress = start;
        return;
      }
    }
  }

  /** An IN/OUT/INS/OUTS of `size` bytes at `port` (I/O breakpoints exist only with CR4.DE). */
  noteIo(port: number, size: number): void {
    for (const r of this.guestIo) if (r.start < port + size && r.end > port) this.guestHits |= r.bit;
  }

  /** DR6 bits of the instruction breakpoints at this linear address (0: none). */
  executeHits(linear: number): number {
    let bits = 0;
    const address = linear >>> 0;
    for (let i = 0; i < this.executeAddress.length; i++) if (this.executeAddress[i] === address) bits |= this.executeBit[i]!;
    return bits;
  }

  /** Whether the host stops before the instruction at this linear address. */
  hostBreakpointAt(linear: number): boolean {
    const address = linear >>> 0;
    const resume = this.resumeLinear;
    this.resumeLinear = -1;
    return resume !== address && this.hostBreakpoints.has(address);
  }
}

/**
 * After a hardware task switch loaded the new task's registers: its local breakpoints (DR7 L0-L3,
 * LE) are cleared, and a set T bit queues a #DB trap with DR6.BT.
 */
export function switchDebugContext(cpu: Cpu, tBit: boolean): void {
  const dr7 = cpu.dr[7]!;
  if ((dr7 & (DR7_LOCAL_ENABLES | DR7_LE)) !== 0) writeDebugRegister(cpu, 7, dr7 & ~(DR7_LOCAL_ENABLES | DR7_LE));
  if (tBit) cpu.debug.queueTrap(DR6_BT);
}
