// A PC: one CPU (integer core + system half), guest RAM, the PC devices, and a Multiboot kernel
// loaded the way qemu-system-i386 -kernel loads one. This class is the machine without threads: the
// worker (vm/worker/machine-worker.ts) drives it with real sleeping and shared console rings, and the
// tests drive it directly.
//
// The clock is the host's monotonic clock by default: the PIT's 100 Hz is 100 Hz of wall time, and
// HLT sleeps until the next PIT deadline or console input. With the modelled clock (vm/machine/
// clock.ts) time is the CPU model's cycles, and a halted CPU's wait is a jump to the next event.

import { Cpu, CS, SS, DS, ES, FS, GS, LDTR, TR, EAX, EBX, StopKind, CR0_PE, SEG_PRESENT, type TscCounts } from '../cpu/cpu.ts';
import { installIntegerOperations } from '../cpu/operations/index.ts';
import { installX87Operations } from '../cpu/fpu/index.ts';
import { installSimdOperations } from '../cpu/simd/index.ts';
import { runCpu } from '../cpu/run.ts';
import { writeEflags } from '../cpu/flags.ts';
import { IF } from '../cpu/flags.ts';
import { cpuModels, DEFAULT_CPU_MODEL } from '../cpu/models.ts';
import { PhysicalMemory } from '../memory/physical-memory.ts';
import { IoBus } from '../memory/io-bus.ts';
import { PcDevices, type PcDevicesState } from '../devices/pc-devices.ts';
import { saveCpu, restoreCpu, type CpuSnapshot } from '../cpu/snapshot.ts';
import { installSystem, type SystemState } from '../cpu/system/index.ts';
import { FLAT_CODE_ACCESS, FLAT_DATA_ACCESS } from '../cpu/system/descriptors.ts';
import { loadMultiboot, type BootModule } from './multiboot.ts';
import { hostClock, ModelledClock, type ClockKind } from './clock.ts';

export interface MachineOptions {
  /** CPU model name (vm/cpu/models.ts); default pentium3. */
  cpu?: string;
  /** Guest RAM in MiB; default 128, like QEMU. */
  memoryMiB?: number;
  /** A byte the guest wrote to COM1. */
  consoleOut(byte: number): void;
  /** The next byte typed at the console, or -1. */
  consoleIn(): number;
  /** false: no block compiler, every instruction through the interpreter (`--no-jit`); default true. */
  jit?: boolean;
  /**
   * Virtual time: 'host' (the host's monotonic clock, the default), 'modelled' (the CPU model's
   * cycles: a run the host cannot perturb, vm/machine/clock.ts), or a function giving nanoseconds.
   */
  clock?: ClockKind | (() => number);
  /** What the TSC counts: modelled cycles (default) or retired instructions (`--tsc instructions`). */
  tsc?: TscCounts;
}

export type MachineState =
  | { kind: 'running' }
  | { kind: 'halted' } // HLT with IF = 1: waiting for an interrupt
  | { kind: 'exited'; status: number } // isa-debug-exit
  | { kind: 'debug' } // a host breakpoint, watchpoint or single step stopped it (cpu.stopKind says which)
  | { kind: 'stopped'; message: string }; // the guest can go no further

/** Everything a machine holds, as plain data: restore it into a machine with the same CPU model and
 *  RAM size and the guest cannot tell (times are kept relative to the moment of the snapshot). */
export interface MachineSnapshot {
  cpu: CpuSnapshot;
  system: { halted: boolean; shutdown: boolean; interruptShadow: number };
  devices: PcDevicesState;
  ram: Uint8Array;
}

export const DEFAULT_MEMORY_MIB = 128;
/** Where the boot GDT goes (below the Multiboot information at 0x9000). */
const BOOT_GDT = 0x8f00;

export class Machine {
  readonly memory: PhysicalMemory;
  readonly io = new IoBus();
  readonly cpu: Cpu;
  readonly devices: PcDevices;
  readonly system: SystemState;
  readonly clock: () => number;
  /** The modelled clock, when time is the CPU's cycles (HLT then waits by moving it on). */
  private readonly modelledClock: ModelledClock | null;
  private exitStatus = -1;
  /** Measured guest speed (instructions per nanosecond), to end a slice near the next device event. */
  private instructionsPerNs = 0;

  constructor(options: MachineOptions) {
    const model = options.cpu ?? DEFAULT_CPU_MODEL;
    if (cpuModels[model] === undefined) {
      throw new RangeError(`unknown CPU model '${model}' (known: ${Object.keys(cpuModels).join(', ')})`);
    }
    const mib = options.memoryMiB ?? DEFAULT_MEMORY_MIB;
    if (!Number.isInteger(mib) || mib < 2 || mib > 2047) throw new RangeError(`memory must be a whole number of MiB from 2 to 2047, not ${mib}`);
    this.memory = new PhysicalMemory(mib * 1024 * 1024);
    this.cpu = new Cpu(this.memory, this.io, model);
    this.modelledClock = options.clock === 'modelled' ? new ModelledClock(this.cpu, cpuModels[model]!.clockMHz) : null;
    this.clock = this.modelledClock?.now ?? (typeof options.clock === 'function' ? options.clock : hostClock());
    this.cpu.tscCounts = options.tsc ?? 'cycles';
    if (options.jit === false) this.cpu.jitThreshold = 0;
    installIntegerOperations(this.cpu);
    installX87Operations(this.cpu);
    installSimdOperations(this.cpu);
    this.system = installSystem(this.cpu);
    this.devices = new PcDevices({
      clock: this.clock,
      consoleOut: options.consoleOut,
      consoleIn: options.consoleIn,
      exit: (status) => {
        this.exitStatus = status;
        this.cpu.requestStop(StopKind.Request);
      },
      ignoreNumericErrors: () => { this.cpu.fpu.ignoreErrors = true; },
    }, this.io);
    this.system.interrupts = this.devices.pic;
    this.devices.pic.onInterruptRequest = () => { this.cpu.pendingEvents = 1; };
    this.system.onNumericError = () => this.devices.numericError.assertFerr();
  }

  /**
   * Load a Multiboot kernel and set the CPU up as the Multiboot specification (3.2) says: 32-bit
   * protected mode, flat CS/DS/ES/FS/GS/SS, paging and interrupts off, EAX = 0x2BADB002, EBX = the
   * information structure. QEMU's selectors (0x10 code, 0x18 data) and a GDT that holds them.
   */
  boot(kernel: Uint8Array, name: string, commandLine: string, modules: BootModule[] = []): void {
    const entry = loadMultiboot(this.memory, kernel, name, commandLine, modules);
    const cpu = this.cpu;
    cpu.reset();
    // A GDT with the two flat segments, so that reloading a segment register before the kernel has a
    // GDT of its own finds what the hidden caches already hold.
    const gdt = [0, 0, 0, 0, 0x0000ffff, 0x00cf9b00, 0x0000ffff, 0x00cf9300];
    gdt.forEach((word, i) => this.memory.write32(BOOT_GDT + 4 * i, word));
    cpu.tableBase[0] = BOOT_GDT;
    cpu.tableLimit[0] = 31;
    cpu.tableBase[1] = 0;
    cpu.tableLimit[1] = 0x3ff;
    cpu.cr[0] = CR0_PE | 0x10;
    cpu.loadSegmentCache(CS, entry.codeSelector, 0, 0xffffffff, FLAT_CODE_ACCESS);
    for (const seg of [SS, DS, ES, FS, GS]) cpu.loadSegmentCache(seg, entry.dataSelector, 0, 0xffffffff, FLAT_DATA_ACCESS);
    // No LDT and no task yet: as after RESET, LDTR and TR are selector 0 with empty caches.
    cpu.loadSegmentCache(LDTR, 0, 0, 0xffff, SEG_PRESENT | 2);
    cpu.loadSegmentCache(TR, 0, 0, 0xffff, SEG_PRESENT | 3);
    cpu.setCpl(0);
    cpu.flushTlb();
    writeEflags(cpu, 0x2);
    cpu.regs.fill(0);
    cpu.regs[EAX] = entry.eax;
    cpu.regs[EBX] = entry.ebx;
    cpu.eip = entry.eip;
  }

  /** Whether an interrupt could wake a halted CPU. */
  private interruptible(): boolean {
    return (this.cpu.flags & IF) !== 0;
  }

  /** Run up to `maxInstructions`, then report what the machine is doing. */
  run(maxInstructions: number): MachineState {
    const { cpu, devices, system } = this;
    devices.tick();
    devices.com1.pollInput();
    if (devices.pic.interruptPending()) cpu.pendingEvents = 1;
    if (system.halted) {
      // Woken only by an interrupt the CPU will take. On the modelled clock the wait takes no host
      // time: the clock moves to the next device event and the devices catch up with it.
      if (this.modelledClock !== null && this.interruptible() && !devices.pic.interruptPending()) this.waitForNextEvent();
      if (!(devices.pic.interruptPending() && this.interruptible())) return this.idleState();
      system.halted = false;
    }
    const startTime = this.clock();
    const startCount = cpu.instructionCount;
    const stop = runCpu(cpu, this.sliceLength(maxInstructions));
    this.noteSpeed(cpu.instructionCount - startCount, this.clock() - startTime);
    if (this.exitStatus >= 0) return { kind: 'exited', status: this.exitStatus };
    // A fault while delivering #DF shuts the CPU down (the system half), and so does a chain of faults
    // each raised while delivering the previous one (the core gives up after three).
    if (system.shutdown || (stop === StopKind.Exception && system.delivering >= 0)) {
      return { kind: 'stopped', message: 'triple fault: the CPU shut down' };
    }
    // A halt with an interrupt already due (the FERR# freeze raises IRQ 13 as it halts) is no wait.
    if (stop === StopKind.Halt) return devices.pic.interruptPending() && this.interruptible() ? { kind: 'running' } : this.idleState();
    if (stop === StopKind.Breakpoint || stop === StopKind.Watchpoint || stop === StopKind.Step) return { kind: 'debug' };
    if (stop === StopKind.Exception || stop === StopKind.Interrupt) {
      return { kind: 'stopped', message: `unhandled exception ${cpu.stopVector} at eip 0x${(cpu.eip >>> 0).toString(16)}` };
    }
    return { kind: 'running' };
  }

  /**
   * How many instructions to run before looking at the devices again: at most `max`, and no more
   * than the guest is predicted to execute before the next device event, so a 1000 Hz PIT is served
   * on time instead of having its ticks merged.
   */
  private sliceLength(max: number): number {
    const until = this.devices.nextDeadline() - this.clock();
    if (!Number.isFinite(until) || this.instructionsPerNs === 0) return max;
    return Math.max(1000, Math.min(max, Math.ceil(until * this.instructionsPerNs)));
  }

  /** Update the speed estimate from one slice of guest execution (sleeps excluded). */
  private noteSpeed(instructions: number, nanoseconds: number): void {
    if (instructions < 1000 || nanoseconds <= 0) return;
    const rate = instructions / nanoseconds;
    this.instructionsPerNs = this.instructionsPerNs === 0 ? rate : 0.75 * this.instructionsPerNs + 0.25 * rate;
  }

  /** Modelled clock, CPU halted: let virtual time pass to the next device event. */
  private waitForNextEvent(): void {
    const deadline = this.devices.nextDeadline();
    if (!Number.isFinite(deadline)) return;
    this.modelledClock!.waitUntil(deadline);
    this.devices.tick();
    if (this.devices.pic.interruptPending()) this.cpu.pendingEvents = 1;
  }

  private idleState(): MachineState {
    if (!this.interruptible()) {
      return { kind: 'stopped', message: `the guest halted with interrupts disabled at eip 0x${(this.cpu.eip >>> 0).toString(16)}` };
    }
    return { kind: 'halted' };
  }

  /** Take a snapshot between two `run` calls. */
  snapshot(): MachineSnapshot {
    const s = this.system;
    return {
      cpu: saveCpu(this.cpu),
      system: { halted: s.halted, shutdown: s.shutdown, interruptShadow: s.interruptShadowUntil - this.cpu.instructionCount },
      devices: this.devices.saveState(),
      ram: this.memory.u8.slice(),
    };
  }

  restore(snapshot: MachineSnapshot): void {
    if (snapshot.ram.length !== this.memory.size) throw new RangeError(`the snapshot has ${snapshot.ram.length >> 20} MiB of RAM, this machine ${this.memory.size >> 20} MiB`);
    this.memory.load(0, snapshot.ram);
    restoreCpu(this.cpu, snapshot.cpu);
    this.system.halted = snapshot.system.halted;
    this.system.shutdown = snapshot.system.shutdown;
    this.system.interruptShadowUntil = this.cpu.instructionCount + snapshot.system.interruptShadow;
    this.system.delivering = -1;
    this.devices.restoreState(snapshot.devices);
    this.cpu.pendingEvents = 1;
  }

  /** Virtual time of the next device event (for HLT's sleep). */
  nextDeadline(): number {
    return this.devices.nextDeadline();
  }
}
