// FlatMachine: the integer CPU in flat 32-bit protected mode, for tests and benchmarks.
//
// CS/DS/ES/SS/FS/GS have base 0 and limit 4 GiB, paging is off, there is no IDT: every exception and
// every INT n stops the run and is reported. After an 'interrupt' stop, `run` continues after the INT,
// so a harness can emulate system calls; after an 'exception' stop EIP is the faulting instruction.
// HLT (at CPL 0) stops with kind 'hlt'; at CPL 3 it raises #GP(0) as on the real CPU.
// After an exception stop, `pushedEflags` is the EFLAGS image the processor would have pushed for it
// (with RF set for faults on P6 and later: fault.ts), which is what a handler — or a signal
// handler's sigcontext on a real i386 — sees.

import { PhysicalMemory } from '../memory/physical-memory.ts';
import { IoBus } from '../memory/io-bus.ts';
import {
  Cpu, StopKind, CS, SS, SEG_ACCESSED, SEG_BIG, SEG_CODE, SEG_DPL_SHIFT, SEG_GRANULARITY, SEG_NOT_SYSTEM,
  SEG_PRESENT, SEG_READ_WRITE, CR0_PE, CR0_PG, CR4_OSFXSR, CR4_OSXMMEXCPT, EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI,
} from './cpu.ts';
import { readEflags, writeEflags } from './flags.ts';
import { EventKind, Vector, NO_ERROR_CODE, pushedEflags } from './fault.ts';
import { installIntegerOperations } from './operations/index.ts';
import { installSimdOperations } from './simd/index.ts';
import { modelHasFeature } from './models.ts';
import { runCpu } from './run.ts';
import type { Op } from './op.ts';

/**
 * A range of linear addresses a restricted FlatMachine maps, user-accessible: identity-mapped where
 * it lies in RAM, backed by zeroed pages after RAM where it lies beyond.
 */
export interface MappedRegion { address: number; size: number; writable: boolean }

export interface GeneralRegisters { eax: number; ecx: number; edx: number; ebx: number; esp: number; ebp: number; esi: number; edi: number; eip: number; eflags: number }

export type StopReason =
  | { kind: 'exception'; vector: number; errorCode: number | null; eip: number }
  | { kind: 'interrupt'; vector: number; eip: number /* after the INT */ }
  | { kind: 'hlt'; eip: number }
  | { kind: 'limit' };

const REGISTER_ORDER = [['eax', EAX], ['ecx', ECX], ['edx', EDX], ['ebx', EBX], ['esp', ESP], ['ebp', EBP], ['esi', ESI], ['edi', EDI]] as const;

export class FlatMachine {
  readonly cpu: Cpu;
  readonly memory: Uint8Array;
  readonly physical: PhysicalMemory;
  /** The EFLAGS image the last exception or INT n would have pushed (what a handler would see). */
  private exceptionEflags = 0;
  get pushedEflags(): number { return this.exceptionEflags >>> 0; }

  /**
   * `mapOnly`: turn paging on with exactly these regions mapped (U/S = 1, R/W as given), so that
   * every other address faults with #PF as it would in a Linux process whose ELF loaded only those
   * pages. Without it, paging is off and every address below memoryBytes is RAM. `jit: false` runs
   * every instruction in the interpreter (no block compiler).
   */
  constructor(options: { memoryBytes: number; cpl?: 0 | 3; model?: string; mapOnly?: readonly MappedRegion[]; jit?: boolean }) {
    const bytes = Math.ceil(options.memoryBytes / 4096) * 4096;
    const tablePages = options.mapOnly === undefined ? 0 : 1 + pageTablesNeeded(options.mapOnly) + pagesBeyond(options.mapOnly, bytes);
    this.physical = new PhysicalMemory(bytes + tablePages * 4096);
    this.memory = this.physical.u8;
    this.cpu = new Cpu(this.physical, new IoBus(), options.model);
    if (options.jit === false) this.cpu.jitThreshold = 0;
    installIntegerOperations(this.cpu);
    installSimdOperations(this.cpu);
    this.cpu.registerOperation('hlt', () => halt);
    this.cpu.deliverException = (cpu, vector, errorCode, kind) => {
      this.exceptionEflags = pushedEflags(readEflags(cpu), vector, kind, cpu.model.faultFramesSetResumeFlag, cpu.stringInterrupted);
      cpu.requestStop(kind === EventKind.SoftwareInterrupt ? StopKind.Interrupt : StopKind.Exception, vector, errorCode);
    };
    this.enterFlatMode(options.cpl ?? 0);
    if (options.mapOnly !== undefined) this.buildPageTables(options.mapOnly, bytes);
  }

  /** Page tables for `regions`, and the pages behind them beyond RAM, in the frames after RAM. */
  private buildPageTables(regions: readonly MappedRegion[], ramBytes: number): void {
    const ram = this.physical;
    const directory = ramBytes;
    let nextFrame = directory + 4096;
    const view = new DataView(ram.u8.buffer, ram.u8.byteOffset, ram.u8.byteLength);
    for (const region of regions) {
      const first = Math.floor(region.address / 4096);
      const last = Math.floor((region.address + region.size - 1) / 4096);
      for (let page = first; page <= last; page++) {
        const pdeAddress = directory + (page >>> 10) * 4;
        let pde = view.getUint32(pdeAddress, true);
        if ((pde & PTE_PRESENT) === 0) {
          pde = nextFrame | PTE_PRESENT | PTE_WRITE | PTE_USER;
          view.setUint32(pdeAddress, pde, true);
          nextFrame += 4096;
        }
        const pteAddress = (pde & ~0xfff) + (page & 0x3ff) * 4;
        const old = view.getUint32(pteAddress, true);
        const writable = region.writable || (old & PTE_WRITE) !== 0;
        let frame = old & ~0xfff;
        if ((old & PTE_PRESENT) === 0) {
          frame = page * 4096 < ramBytes ? page * 4096 : nextFrame;
          if (frame === nextFrame) nextFrame += 4096;
        }
        view.setUint32(pteAddress, frame | PTE_PRESENT | PTE_USER | (writable ? PTE_WRITE : 0), true);
      }
    }
    this.cpu.cr[3] = directory;
    this.cpu.cr[0] = this.cpu.cr[0]! | CR0_PG;
    this.cpu.flushTlb();
  }

  /** Flat segments: selectors as in the Linux 2.6 GDT (kernel 0x60/0x68, user 0x73/0x7b). */
  private enterFlatMode(cpl: number): void {
    const cpu = this.cpu;
    cpu.cr[0] = CR0_PE | 0x10;
    // CR4 as Linux leaves it for user code where the model has FXSAVE and SSE (its check_fpu()).
    if (modelHasFeature(cpu.model, 'fxsr')) cpu.cr[4] |= CR4_OSFXSR;
    if (modelHasFeature(cpu.model, 'sse')) cpu.cr[4] |= CR4_OSXMMEXCPT;
    const dpl = cpl << SEG_DPL_SHIFT;
    const common = SEG_PRESENT | SEG_NOT_SYSTEM | SEG_ACCESSED | SEG_BIG | SEG_GRANULARITY | dpl;
    const data = cpl === 0 ? 0x68 : 0x7b;
    for (let s = 0; s < 6; s++) {
      if (s === CS) cpu.loadSegmentCache(s, cpl === 0 ? 0x60 : 0x73, 0, 0xffffffff, common | SEG_CODE | SEG_READ_WRITE);
      else cpu.loadSegmentCache(s, data, 0, 0xffffffff, common | SEG_READ_WRITE);
    }
    void SS;
    cpu.setCpl(cpl);
    cpu.flushTlb();
  }

  load(address: number, bytes: Uint8Array): void {
    this.physical.load(address, bytes);
  }

  registers(): GeneralRegisters {
    const r = this.cpu.regs;
    return {
      eax: r[EAX]! >>> 0, ecx: r[ECX]! >>> 0, edx: r[EDX]! >>> 0, ebx: r[EBX]! >>> 0,
      esp: r[ESP]! >>> 0, ebp: r[EBP]! >>> 0, esi: r[ESI]! >>> 0, edi: r[EDI]! >>> 0,
      eip: this.cpu.eip >>> 0, eflags: readEflags(this.cpu) >>> 0,
    };
  }

  setRegisters(values: Partial<GeneralRegisters>): void {
    for (const [name, index] of REGISTER_ORDER) {
      const v = values[name];
      if (v !== undefined) this.cpu.regs[index] = v;
    }
    if (values.eip !== undefined) this.cpu.eip = values.eip | 0;
    if (values.eflags !== undefined) writeEflags(this.cpu, values.eflags);
  }

  run(maxInstructions: number): StopReason {
    const cpu = this.cpu;
    const kind = runCpu(cpu, maxInstructions);
    switch (kind) {
      case StopKind.Exception:
        return { kind: 'exception', vector: cpu.stopVector, errorCode: cpu.stopErrorCode === NO_ERROR_CODE ? null : cpu.stopErrorCode, eip: cpu.eip >>> 0 };
      case StopKind.Interrupt:
        return { kind: 'interrupt', vector: cpu.stopVector, eip: cpu.eip >>> 0 };
      case StopKind.Halt:
        return { kind: 'hlt', eip: cpu.eip >>> 0 };
      default:
        return { kind: 'limit' };
    }
  }

  get instructionsExecuted(): number {
    return this.cpu.instructionCount;
  }
}

const PTE_PRESENT = 1, PTE_WRITE = 2, PTE_USER = 4;

/** Page tables (one per 4 MiB of linear space) that `regions` touch. */
function pageTablesNeeded(regions: readonly MappedRegion[]): number {
  const tables = new Set<number>();
  for (const r of regions) {
    for (let t = Math.floor(r.address / 0x400000); t <= Math.floor((r.address + r.size - 1) / 0x400000); t++) tables.add(t);
  }
  return tables.size;
}

/** Pages of `regions` at or above `ramBytes` (an upper bound: overlapping regions count twice). */
function pagesBeyond(regions: readonly MappedRegion[], ramBytes: number): number {
  let n = 0;
  for (const r of regions) {
    for (let page = Math.floor(r.address / 4096); page <= Math.floor((r.address + r.size - 1) / 4096); page++) if (page * 4096 >= ramBytes) n++;
  }
  return n;
}

/** HLT in the flat machine: nothing can wake it, so the run stops (EIP after the HLT). */
function halt(cpu: Cpu, _op: Op): void {
  if (cpu.cpl !== 0) cpu.raise(Vector.GP, 0);
  cpu.requestStop(StopKind.Halt);
}
