// One i386 CPU: its state, and every memory access it makes (segmentation, then paging via the TLB
// of vm/cpu/mmu.ts, which holds the page walk and translation).
//
// All per-CPU state lives in this object — registers, EFLAGS and its lazy part, segment descriptor
// caches, control/debug registers, descriptor-table registers, MSRs, the TLB and the decoded-code
// cache — so a second CPU is a second `Cpu` sharing the same `PhysicalMemory` and `IoBus`, and
// `saveState`/`restoreState` (vm/cpu/snapshot.ts) see everything in one place.
//
// Memory access, fast path (see README.md):
//   offset --(segment: base 0/limit 4G? skip checks)--> linear --(tlb[linear >>> 12])--> physical
// A TLB entry is (physical page << 12) | permission bits; an access hits when the entry has the bit
// for its kind (read/write) and privilege (supervisor/user) and does not cross a page. Everything else
// — a miss, a page crossing, a write to a page holding decoded code, a non-flat segment — takes the
// slow path, which does the full checks, raises #GP/#SS/#PF as needed and refills the TLB.

import { PhysicalMemory, PAGE_SHIFT } from '../memory/physical-memory.ts';
import { IoBus } from '../memory/io-bus.ts';
import { CpuFault, EventKind, Vector, NO_ERROR_CODE } from './fault.ts';
import { CodeCache, type Block } from './code-cache.ts';
import { AC, FLAGS_ALWAYS_ONE, IF, TF } from './flags.ts';
import { MsrFile } from './msr-file.ts';
import { Mmu, TLB_READ, TLB_WRITE, TLB_USER_READ, TLB_USER_WRITE } from './mmu.ts';
import { cpuModels, DEFAULT_CPU_MODEL, type CpuModel } from './models.ts';
import type { Binder, Op } from './op.ts';
import { compileCosts, type CycleCosts } from './cycles/costs.ts';
import { FpuState } from './fpu/state.ts';
import { DebugUnit } from './debug/debug-unit.ts';

// General registers, in encoding order. Index 8 is a register that is always 0: a memory operand
// without a base or index names it, so effective addresses need no branches.
export const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
export const NO_REGISTER_SLOT = 8;
/** Byte offset of each 8-bit register (AL CL DL BL AH CH DH BH) in the little-endian register file. */
export const BYTE_REGISTER_OFFSET = [0, 4, 8, 12, 1, 5, 9, 13] as const;

// Segment registers in encoding order, then the two system segment registers with the same caches.
export const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5, LDTR = 6, TR = 7;

// Segment attribute word (descriptor bits 40-47 in bits 0-7, bits 52-55 in bits 12-15).
export const SEG_ACCESSED = 0x1;
/** Data: writable. Code: readable. */
export const SEG_READ_WRITE = 0x2;
/** Data: expand-down. Code: conforming. */
export const SEG_DIRECTION = 0x4;
export const SEG_CODE = 0x8;
/** S bit: a code/data segment (not a system descriptor). */
export const SEG_NOT_SYSTEM = 0x10;
export const SEG_DPL_SHIFT = 5;
export const SEG_PRESENT = 0x80;
/** D/B bit: 32-bit code, 32-bit stack pointer, 4 GiB upper bound of an expand-down segment. */
export const SEG_BIG = 0x4000;
export const SEG_GRANULARITY = 0x8000;
/** Not part of a descriptor: set when a null selector was loaded (the segment is unusable). */
export const SEG_UNUSABLE = 0x10000;

/** segFast bits: offset == linear and no check needed. */
export const FAST_READ = 1;
export const FAST_WRITE = 2;

// CR0/CR4 bits the core looks at (the paging ones live with the MMU and are re-exported here).
export const CR0_PE = 0x1;
/** CR0.AM: EFLAGS.AC may turn on alignment checking (at CPL 3). */
export const CR0_AM = 0x40000;

/**
 * The address bits that must be clear for a data reference of `size` bytes under alignment checking
 * (the SDM's table of alignment requirements): word 2, doubleword 4, quadword and the 80-bit x87
 * formats 8, a 48-bit far pointer 4; the x87 environment and save areas (14/28, 94/108 bytes) by
 * their operand size, 2 or 4. 16-byte SSE operands are not checked here: MOVAPS and the like raise
 * #GP for misalignment whatever AC says, MOVUPS never faults, and FXSAVE's 512 bytes have their own
 * #GP rule.
 */
function alignmentMask(size: number): number {
  switch (size) {
    case 2: case 14: case 94: return 1;
    case 4: case 6: case 28: case 108: return 3;
    case 8: case 10: return 7;
    default: return 0;
  }
}
/** CR0.MP, EM, TS, NE: how x87/MMX/SSE instructions meet a missing or borrowed FPU (SDM Vol. 3A 2.5). */
export const CR0_MP = 0x2;
export const CR0_EM = 0x4;
export const CR0_TS = 0x8;
export const CR0_NE = 0x20;
export const CR4_TSD = 0x4;
/** CR4.OSFXSR: the OS saves XMM state with FXSAVE; without it SSE instructions raise #UD. */
export const CR4_OSFXSR = 0x200;
/** CR4.OSXMMEXCPT: the OS handles #XM; without it an unmasked SIMD floating-point exception is #UD. */
export const CR4_OSXMMEXCPT = 0x400;
export { CR0_PG, CR0_WP, CR4_PSE, TLB_READ, TLB_WRITE, TLB_USER_READ, TLB_USER_WRITE } from './mmu.ts';

/** The two things the TSC can count: modelled cycles, or retired instructions. */
export type TscCounts = 'cycles' | 'instructions';

/** Entries of a block before it is compiled: cold code is not worth a `new Function`. */
export const DEFAULT_JIT_THRESHOLD = 50;

export type ExceptionHook = (cpu: Cpu, vector: number, errorCode: number, kind: EventKind) => void;

/** Why the run loop should return; set by hooks through `cpu.requestStop`. */
export const enum StopKind {
  None = 0,
  Exception = 1,
  Interrupt = 2,
  Halt = 3,
  Limit = 4,
  /** Something outside asked (debugger, Ctrl-C): nothing guest-visible happened. */
  Request = 5,
  /** The next instruction's linear address is a host breakpoint (EIP at it, not executed yet). */
  Breakpoint = 6,
  /** The host's single step is done: one instruction ran, or one exception was delivered. */
  Step = 7,
  /** The instruction just executed touched a host watchpoint (cpu.debug.watchHit says which). */
  Watchpoint = 8,
}

export class Cpu {
  readonly memory: PhysicalMemory;
  readonly io: IoBus;
  readonly model: CpuModel;
  /** Physical RAM, for the fast paths. */
  readonly ram8: Uint8Array;
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  readonly ramSize: number;

  // --- Registers ------------------------------------------------------------------------------
  /** EAX..EDI, then the always-zero slot 8. Stored as signed 32-bit; use `>>> 0` to read unsigned. */
  readonly regs = new Int32Array(9);
  /** The same bytes as 16-bit registers: AX is regs16[0], CX is regs16[2], ... (index = reg * 2). */
  readonly regs16 = new Uint16Array(this.regs.buffer);
  /** The same bytes as 8-bit registers: see BYTE_REGISTER_OFFSET. */
  readonly regs8 = new Uint8Array(this.regs.buffer);
  /** EIP at block boundaries. While a block runs, the current instruction is block.ops[opIndex]. */
  eip = 0;

  // --- EFLAGS: see flags.ts for the lazy part --------------------------------------------------
  flags = FLAGS_ALWAYS_ONE;
  lazyOp = 0;
  lazyA = 0;
  lazyB = 0;
  lazyResult = 0;

  // --- Segment descriptor caches (index: ES CS SS DS FS GS LDTR TR) ---------------------------
  readonly segSelector = new Uint16Array(8);
  readonly segBase = new Int32Array(8);
  /** Byte-granular limit (already scaled by G). */
  readonly segLimit = new Uint32Array(8);
  /** Attribute word: SEG_* bits. */
  readonly segAccess = new Int32Array(8);
  /** Derived: FAST_READ/FAST_WRITE when offset == linear needs no check. */
  readonly segFast = new Uint8Array(8);
  /**
   * segFast as data references see it: the same, except all zero while alignment checking is on,
   * so that every data access takes checkSegment, where #AC is raised. Instruction fetch and
   * branches read segFast; the data accessors and the block compiler's data paths read this.
   */
  readonly segDataFast = new Uint8Array(8);
  /**
   * Alignment checking (SDM Vol. 3A 6.15, #AC): CR0.AM, EFLAGS.AC and CPL 3 all at once. Kept up to
   * date by every write of one of the three (updateAlignmentCheck), so the hot path tests nothing.
   */
  alignmentChecking = false;
  /**
   * What each segment register's cache was last loaded from by a protected-mode descriptor load
   * (system/descriptors.ts loadDataSegment): selector + 1 (0: nothing remembered), the descriptor's
   * two words as loaded (accessed bit set) and the CPL of the load. A reload of the same selector
   * whose descriptor still holds those words, at that CPL, passes the same checks and fills the cache
   * with what it holds already, so it stops after reading the descriptor (the entry path's
   * `mov %edx,%ds; mov %edx,%es` on every system call). Any other fill of the cache forgets it.
   */
  readonly segLoadedFrom = new Int32Array(8 * 4);
  /** GDTR and IDTR: [0] = GDT, [1] = IDT. */
  readonly tableBase = new Int32Array(2);
  readonly tableLimit = new Uint16Array(2);
  /** Current privilege level (0-3). Change with setCpl. */
  cpl = 0;
  /** CS.D: instructions default to 32-bit operands and addresses. */
  code32 = true;
  /** SS.B: the stack pointer is ESP (else SP). */
  stack32 = true;

  // --- Control, debug, model-specific ----------------------------------------------------------
  /** CR0..CR4 (CR1 is reserved and stays 0). */
  readonly cr = new Int32Array(5);
  readonly dr = new Int32Array(8);
  /** MSR values by index; an MSR the model lacks is absent (RDMSR/WRMSR raise #GP). */
  readonly msr = new MsrFile();
  /** TSC = the count tscCounts names + tscOffset (deterministic; WRMSR 0x10 adjusts the offset). */
  tscOffset = 0n;
  /** Instructions retired since power-on. */
  instructionCount = 0;
  /**
   * Modelled cycles since power-on, in hundredths (vm/cpu/cycles/): the run loop adds each block's
   * bind-time prices (block.centicyclesBefore), the system half adds the transitions it performs.
   */
  centicycles = 0;
  /** This model's prices in centicycles, by class. */
  readonly cycleCosts: CycleCosts;
  /** What the TSC counts: modelled cycles (the default), or retired instructions (`--tsc instructions`). */
  tscCounts: TscCounts = 'cycles';

  // --- x87, MMX, SSE: registers, control/status/tag words, XMM0-7, MXCSR (fpu/state.ts) ----------
  readonly fpu = new FpuState();

  // --- MMU (vm/cpu/mmu.ts) --------------------------------------------------------------------
  readonly mmu: Mmu;
  /** The MMU's TLB, the same array: the fast paths below probe it inline. */
  readonly tlb: Int32Array;
  /** TLB bits an access needs at the current CPL. */
  tlbReadMask = TLB_READ;
  tlbWriteMask = TLB_WRITE;

  // --- Execution ---------------------------------------------------------------------------------
  readonly code: CodeCache;
  /**
   * Bumped whenever the linear -> physical mapping of code could change (TLB flush, INVLPG): links
   * between blocks made under an older generation are not followed.
   */
  codeGeneration = 0;
  /**
   * What else a block link depends on, as one number: CPL (fetch permission), CS.D (how the bytes
   * decode) and whether CS is flat (links skip the CS limit check). A link remembers the mode it was
   * made in and is followed only in the same mode — so a ring crossing (SYSENTER, INT, IRET, SYSEXIT)
   * keeps every link instead of dropping them all, as QEMU keys its blocks by CPL and mode flags.
   */
  codeMode = 0;
  /**
   * Block compilation (the JIT, block-compiler.ts): a block entered this many times is compiled;
   * 0 turns it off (`--no-jit`: every instruction through the interpreter loop, the reference).
   */
  jitThreshold = DEFAULT_JIT_THRESHOLD;
  /** The block being executed and the index of the current op in it (null between blocks). */
  block: Block | null = null;
  opIndex = 0;
  /** The one fault object every exception throws. */
  readonly fault = new CpuFault();
  /** Set when the running block must end after the current instruction (its code was overwritten...). */
  exitBlock = 0;
  /**
   * A REP string instruction stopped between two iterations to let the run loop look at interrupts,
   * leaving EIP at itself: an interrupt delivered now pushes RF set (fault.ts `pushedEflags`).
   * Cleared when the instruction resumes and when the interrupt is delivered.
   */
  stringInterrupted = false;
  /**
   * Set by an instruction that loads EFLAGS.RF from memory (IRET, a task switch): the run loop then
   * leaves RF as loaded instead of clearing it after the instruction (SDM Vol. 3B 17.3.1.1).
   */
  resumeFlagLoaded = false;
  /**
   * The last run stopped because its instruction budget ran out (run.ts): the next one starts where
   * the budget happened to cut, which says nothing about where the guest's hot code starts.
   */
  resumingAfterLimit = false;
  /** Nonzero when something asynchronous (an interrupt line, a stop request) wants the run loop's attention. */
  pendingEvents = 0;
  /** Called between blocks when pendingEvents is nonzero (the system half delivers IRQs here). */
  onPendingEvents: (cpu: Cpu) => void = (cpu) => { cpu.pendingEvents = 0; };
  /**
   * Delivers an exception or software interrupt. EIP is already the faulting instruction (faults) or
   * the next one (traps and INT n). The default stops the run; the system half installs IDT delivery.
   */
  deliverException: ExceptionHook = (cpu, vector, errorCode, kind) => {
    cpu.requestStop(kind === EventKind.SoftwareInterrupt ? StopKind.Interrupt : StopKind.Exception, vector, errorCode);
  };
  /** Trace hook called for every exception and software interrupt before delivery (null = off; rare path). */
  onException: ExceptionHook | null = null;
  /** Trace hook called after CPUID executes (null = off: costs one check per CPUID). */
  onCpuid: ((cpu: Cpu) => void) | null = null;
  stopKind: StopKind = StopKind.None;
  stopVector = 0;
  stopErrorCode = NO_ERROR_CODE;
  /**
   * Nonzero while anything is watching (DR7 breakpoints, host breakpoints or watchpoints, a host
   * single step, a pending RF): the run loop then runs instructions through vm/cpu/debug/checked-run.ts.
   * The DEBUG_* bits of vm/cpu/debug/debug-unit.ts say why.
   */
  debugActive = 0;
  /** The debug registers' breakpoints and the host's (vm/cpu/debug/debug-unit.ts). */
  readonly debug: DebugUnit;
  /** Operation name -> binder. Integer operations are installed at construction; see registerOperation. */
  readonly operations = new Map<string, Binder>();
  /** Operation name -> times an instruction with no registered operation raised #UD (`gate86 run --trace fault` lists them). */
  readonly unimplemented = new Map<string, number>();

  constructor(memory: PhysicalMemory, io: IoBus = new IoBus(), modelName: string = DEFAULT_CPU_MODEL) {
    const model = cpuModels[modelName];
    if (model === undefined) throw new Error(`unknown CPU model '${modelName}' (known: ${Object.keys(cpuModels).join(', ')})`);
    this.model = model;
    this.cycleCosts = compileCosts(model.costs);
    this.memory = memory;
    this.io = io;
    this.ram8 = memory.u8;
    this.ram16 = memory.u16;
    this.ram32 = memory.i32;
    this.ramSize = memory.size;
    this.mmu = new Mmu(this);
    this.tlb = this.mmu.tlb;
    this.code = new CodeCache(this);
    this.debug = new DebugUnit(this);
    memory.onExternalWrite = (page) => this.code.invalidatePage(page);
    for (const [index, value] of model.msrs) this.msr.set(index, value);
    this.reset();
  }

  /** Power-on state, but already in 16-bit real-address-like flat state (the loaders set what they need). */
  reset(): void {
    this.regs.fill(0);
    this.eip = 0;
    this.flags = FLAGS_ALWAYS_ONE;
    this.lazyOp = 0;
    this.cr.fill(0);
    this.cr[0] = 0x60000010; // CD NW ET, as after RESET
    this.dr.fill(0);
    this.dr[6] = 0xffff0ff0 | 0;
    this.dr[7] = 0x400;
    this.debug.refreshGuestBreakpoints();
    for (let s = 0; s < 8; s++) this.loadSegmentCache(s, 0, 0, 0xffff, SEG_PRESENT | SEG_NOT_SYSTEM | SEG_READ_WRITE | SEG_ACCESSED | (s === CS ? SEG_CODE : 0));
    this.tableBase.fill(0);
    this.tableLimit.fill(0xffff);
    this.setCpl(0);
    this.flushTlb();
    this.fpu.powerOn();
  }

  // ============================================================================================
  // Registration of operations (the system half adds its own: see README.md)

  /** Make instructions whose table operation is `name` execute through `binder`. Clears decoded code. */
  registerOperation(name: string, binder: Binder): void {
    this.operations.set(name, binder);
    this.code.invalidateAll();
  }

  /** Stop before executing the instruction at this linear address (a host breakpoint: StopKind.Breakpoint). */
  setBreakpoint(linear: number): void {
    this.debug.setHostBreakpoint(linear);
  }

  clearBreakpoint(linear: number): void {
    this.debug.clearHostBreakpoint(linear);
  }

  // ============================================================================================
  // Faults

  /** Raise a fault: EIP goes back to the faulting instruction. errorCode -1 = none. Never returns. */
  raise(vector: number, errorCode: number = NO_ERROR_CODE): never {
    const f = this.fault;
    f.vector = vector;
    f.errorCode = errorCode;
    f.trap = false;
    f.software = false;
    throw f;
  }

  /** Raise a trap (EIP after the instruction): INT n, INT3, INTO set software = true. Never returns. */
  raiseTrap(vector: number, software: boolean): never {
    const f = this.fault;
    f.vector = vector;
    f.errorCode = NO_ERROR_CODE;
    f.trap = true;
    f.software = software;
    throw f;
  }

  /**
   * Deliver the trap of an instruction that ends its block (INT n, INT3, INTO, INT1) straight from its
   * executor, without a throw. A system call is one of these per call: unwinding a JS exception
   * through the compiled block and the run loop, and re-entering the loop with a full block lookup,
   * cost about as much as the whole gate's checks (and made `int $0x80` look slow next to SYSENTER,
   * which never threw). The op must be marked isBranch: on return EIP is what the hook left (the
   * handler, or `op.next` when the default hook stops the run), and the run loop counts the op as
   * retired. If the delivery itself faults, that fault is thrown as usual, from this op: the run loop
   * puts EIP back at the instruction and the hook sees a fault during delivery (the #DF rules).
   * With EFLAGS.TF set it throws the trap instead, so that the run loop's single-step #DB does not
   * follow it (delivery clears TF: no #DB after INT n).
   */
  trapAfter(op: Op, vector: number, software: boolean): void {
    if ((this.flags & TF) !== 0) this.raiseTrap(vector, software);
    this.eip = op.next;
    const kind = software ? EventKind.SoftwareInterrupt : EventKind.Trap;
    this.onException?.(this, vector, NO_ERROR_CODE, kind);
    this.deliverException(this, vector, NO_ERROR_CODE, kind);
  }

  /** Ask the run loop to return after the current instruction. */
  requestStop(kind: StopKind, vector = 0, errorCode = NO_ERROR_CODE): void {
    this.stopKind = kind;
    this.stopVector = vector;
    this.stopErrorCode = errorCode;
    this.exitBlock = 1;
  }

  // ============================================================================================
  // Segment caches

  /**
   * Fill a segment register's hidden cache. Checks (type, DPL, present) are the caller's job: the
   * system half reads the descriptor and decides; the flat machine calls this directly.
   */
  loadSegmentCache(seg: number, selector: number, base: number, limit: number, access: number): void {
    this.segLoadedFrom[seg * 4] = 0;
    this.segSelector[seg] = selector;
    this.segBase[seg] = base;
    this.segLimit[seg] = limit >>> 0;
    this.segAccess[seg] = access;
    let fast = 0;
    const usable = (access & (SEG_PRESENT | SEG_UNUSABLE)) === SEG_PRESENT;
    if (usable && base === 0 && limit >>> 0 === 0xffffffff && (access & SEG_DIRECTION) === 0) {
      if ((access & SEG_CODE) === 0 || (access & SEG_READ_WRITE) !== 0) fast |= FAST_READ;
      if ((access & SEG_CODE) === 0 && (access & SEG_READ_WRITE) !== 0) fast |= FAST_WRITE;
    }
    this.segFast[seg] = fast;
    this.segDataFast[seg] = this.alignmentChecking ? 0 : fast;
    if (seg === CS) {
      this.code32 = (access & SEG_BIG) !== 0;
      this.updateCodeMode();
    } else if (seg === SS) {
      this.stack32 = (access & SEG_BIG) !== 0;
    }
  }

  /** Change CPL (on a CS load or privilege change): access checks depend on it. */
  setCpl(cpl: number): void {
    this.cpl = cpl;
    this.tlbReadMask = cpl === 3 ? TLB_USER_READ : TLB_READ;
    this.tlbWriteMask = cpl === 3 ? TLB_USER_WRITE : TLB_WRITE;
    this.updateCodeMode();
    this.updateAlignmentCheck();
  }

  /** After a write of CR0, EFLAGS or CPL: whether data references are checked for alignment now. */
  updateAlignmentCheck(): void {
    const on = this.cpl === 3 && (this.cr[0]! & CR0_AM) !== 0 && (this.flags & AC) !== 0;
    if (on === this.alignmentChecking) return;
    this.alignmentChecking = on;
    for (let seg = 0; seg < 8; seg++) this.segDataFast[seg] = on ? 0 : this.segFast[seg]!;
  }

  private updateCodeMode(): void {
    this.codeMode = this.cpl | (this.code32 ? 4 : 0) | (this.segFast[CS] !== 0 ? 8 : 0);
  }

  /** Whether protected mode is on. */
  get protectedMode(): boolean {
    return (this.cr[0]! & CR0_PE) !== 0;
  }

  /** Segment offset -> linear address with every limit and type check: the slow path of segmentation. */
  checkSegment(seg: number, offset: number, size: number, write: boolean): number {
    const access = this.segAccess[seg]!;
    const off = offset >>> 0;
    if (this.protectedMode) {
      if ((access & SEG_UNUSABLE) !== 0) this.segmentFault(seg);
      if (write ? (access & (SEG_CODE | SEG_READ_WRITE)) !== SEG_READ_WRITE : (access & (SEG_CODE | SEG_READ_WRITE)) === SEG_CODE) {
        this.segmentFault(seg);
      }
    }
    const limit = this.segLimit[seg]!;
    const last = off + size - 1;
    if ((access & (SEG_CODE | SEG_DIRECTION)) === SEG_DIRECTION) {
      // Expand-down: valid offsets are limit+1 .. 0xFFFF (or 0xFFFFFFFF with B set).
      const upper = (access & SEG_BIG) !== 0 ? 0xffffffff : 0xffff;
      if (off <= limit || last > upper) this.segmentFault(seg);
    } else if (last > limit && limit !== 0xffffffff) {
      // A 4-GByte expand-up segment: the SDM makes an access that wraps past FFFFFFFFH
      // "implementation-specific"; Intel's P6 descendants (the host CPU) do not fault, the access
      // wraps to linear 0 (a misaligned one is #AC, not #GP: test/kernel/alignment-check.test.ts).
      this.segmentFault(seg);
    }
    const linear = (this.segBase[seg]! + offset) | 0;
    if (this.alignmentChecking && (linear & alignmentMask(size)) !== 0) this.raise(Vector.AC, 0);
    return linear;
  }

  /**
   * The whole operand's segment and alignment checks (no page walk), for an operand read in pieces
   * narrower than itself (an x87 m64 or m80 read as dwords and a word, FBLD's ten bytes): the pieces
   * would each pass the alignment check, the operand must not. Nothing to do while AC is off.
   */
  checkAlignment(seg: number, offset: number, size: number, write = false): void {
    // Through the segment checks, which come first (a null FS is #GP, not #AC); then the page walk
    // of the pieces, which comes after.
    if (this.alignmentChecking) this.checkSegment(seg, offset, size, write);
  }

  /**
   * An operand accessed in pieces whose alignment rule is not its pieces': `size` gives the rule
   * (checkAlignment: SGDT's 6 bytes want 4, not the dword at +2 its base is written as), or 0 for
   * none (MOVUPS and the other unaligned 16-byte forms are never #AC on the host CPU, an Intel P6
   * descendant; the SDM leaves it to the implementation). The pieces are then accessed unchecked.
   */
  asOneOperand<T>(seg: number, offset: number, size: number, write: boolean, access: () => T): T {
    if (!this.alignmentChecking) return access();
    if (size !== 0) this.checkAlignment(seg, offset, size, write);
    this.alignmentChecking = false;
    try {
      return access();
    } finally {
      this.alignmentChecking = true;
    }
  }

  private segmentFault(seg: number): never {
    return this.raise(seg === SS ? Vector.SS : Vector.GP, 0);
  }

  // ============================================================================================
  // Paging: the MMU does the work (vm/cpu/mmu.ts); a change of translation also ends block links.

  /** Forget every translation (CR3 write, paging switched, CR0.WP or CR4.PSE changed). */
  flushTlb(): void {
    this.codeGeneration++;
    this.mmu.flush();
  }

  /** Forget the translation of one linear address (INVLPG). */
  invalidatePage(linear: number): void {
    this.codeGeneration++;
    this.mmu.invalidatePage(linear);
  }

  /** Remove write permission from every TLB entry that maps physical page `page` (it now holds decoded code). */
  protectCodePage(page: number): void {
    this.mmu.protectCodePage(page);
  }

  /** Translate for an access, fill the TLB, or raise #PF: see Mmu.translate. */
  translate(linear: number, write: boolean, user: boolean): number {
    return this.mmu.translate(linear, write, user);
  }

  /** The physical address of a linear one now, or -1 (no fault, no A/D bits): see Mmu.debugTranslate. */
  debugTranslate(linear: number): number {
    return this.mmu.debugTranslate(linear);
  }

  // ============================================================================================
  // Linear-address accesses (the slow paths, and the API for descriptor tables, the TSS, loaders)

  /** Physical address for a linear one, for an access of `size` bytes that stays on one page. */
  private physicalFor(lin: number, write: boolean): number {
    const entry = this.tlb[lin >>> PAGE_SHIFT]!;
    if ((entry & (write ? this.tlbWriteMask : this.tlbReadMask)) !== 0) return (entry & ~0xfff) | (lin & 0xfff);
    return this.translate(lin, write, this.cpl === 3);
  }

  readLinear8(lin: number): number {
    if (this.debugActive !== 0) this.debug.noteAccess(lin, 1, false);
    const p = this.physicalFor(lin, false);
    return p < this.ramSize ? this.ram8[p]! : 0xff;
  }

  readLinear16(lin: number): number {
    if (this.debugActive !== 0) this.debug.noteAccess(lin, 2, false);
    if ((lin & 0xfff) === 0xfff) {
      const low = this.physicalFor(lin, false);
      const high = this.physicalFor(lin + 1, false);
      return this.physicalRead8(low) | (this.physicalRead8(high) << 8);
    }
    const p = this.physicalFor(lin, false);
    return this.physicalRead8(p) | (this.physicalRead8(p + 1) << 8);
  }

  readLinear32(lin: number): number {
    if (this.debugActive !== 0) this.debug.noteAccess(lin, 4, false);
    if ((lin & 0xfff) > 0xffc) {
      const a = this.physicalFor(lin, false);
      const b = this.physicalFor((lin | 0xfff) + 1, false);
      let value = 0;
      for (let i = 0; i < 4; i++) {
        const l = (lin + i) | 0;
        const p = ((l ^ lin) & ~0xfff) === 0 ? a + i : b + ((l & 0xfff) >>> 0);
        value |= this.physicalRead8(p) << (i * 8);
      }
      return value;
    }
    const p = this.physicalFor(lin, false);
    if ((p & 3) === 0 && p < this.ramSize) return this.ram32[p >>> 2]!;
    return this.physicalRead8(p) | (this.physicalRead8(p + 1) << 8) | (this.physicalRead8(p + 2) << 16) | (this.physicalRead8(p + 3) << 24);
  }

  writeLinear8(lin: number, value: number): void {
    if (this.debugActive !== 0) this.debug.noteAccess(lin, 1, true);
    const p = this.physicalFor(lin, true);
    this.physicalWrite8(p, value);
  }

  writeLinear16(lin: number, value: number): void {
    if (this.debugActive !== 0) this.debug.noteAccess(lin, 2, true);
    if ((lin & 0xfff) === 0xfff) {
      const low = this.physicalFor(lin, true);
      const high = this.physicalFor(lin + 1, true); // both pages checked before either byte is written
      this.physicalWrite8(low, value);
      this.physicalWrite8(high, value >>> 8);
      return;
    }
    const p = this.physicalFor(lin, true);
    this.physicalWrite8(p, value);
    this.physicalWrite8(p + 1, value >>> 8);
  }

  writeLinear32(lin: number, value: number): void {
    if (this.debugActive !== 0) this.debug.noteAccess(lin, 4, true);
    if ((lin & 0xfff) > 0xffc) {
      const a = this.physicalFor(lin, true);
      const b = this.physicalFor((lin | 0xfff) + 1, true);
      for (let i = 0; i < 4; i++) {
        const l = (lin + i) | 0;
        const p = ((l ^ lin) & ~0xfff) === 0 ? a + i : b + ((l & 0xfff) >>> 0);
        this.physicalWrite8(p, value >>> (i * 8));
      }
      return;
    }
    const p = this.physicalFor(lin, true);
    if ((p & 3) === 0 && p < this.ramSize && !this.code.isCodePage(p >>> PAGE_SHIFT)) {
      this.ram32[p >>> 2] = value;
      return;
    }
    this.physicalWrite8(p, value);
    this.physicalWrite8(p + 1, value >>> 8);
    this.physicalWrite8(p + 2, value >>> 16);
    this.physicalWrite8(p + 3, value >>> 24);
  }

  /** Check that a write of `size` bytes at a linear address would succeed, without writing (for instructions that must not half-complete). */
  probeWrite(lin: number, size: number): void {
    this.physicalFor(lin, true);
    if (((lin & 0xfff) + size - 1) > 0xfff) this.physicalFor((lin | 0xfff) + 1, true);
  }

  physicalRead8(p: number): number {
    return p >= 0 && p < this.ramSize ? this.ram8[p]! : 0xff;
  }

  /** A CPU store to physical memory: invalidates decoded code on the page first. */
  physicalWrite8(p: number, value: number): void {
    if (p < 0 || p >= this.ramSize) return;
    if (this.code.isCodePage(p >>> PAGE_SHIFT)) this.code.noteStore(p, 1);
    this.ram8[p] = value;
  }

  // ============================================================================================
  // Segmented accesses: the instruction fast paths. `seg` is ES..GS, `offset` the effective address.

  read8(seg: number, offset: number): number {
    const lin = (this.segDataFast[seg]! & FAST_READ) !== 0 ? offset : this.checkSegment(seg, offset, 1, false);
    const entry = this.tlb[lin >>> PAGE_SHIFT]!;
    if ((entry & this.tlbReadMask) !== 0) return this.ram8[(entry & ~0xfff) | (lin & 0xfff)]!;
    return this.readLinear8(lin);
  }

  read16(seg: number, offset: number): number {
    const lin = (this.segDataFast[seg]! & FAST_READ) !== 0 ? offset : this.checkSegment(seg, offset, 2, false);
    const entry = this.tlb[lin >>> PAGE_SHIFT]!;
    if ((entry & this.tlbReadMask) !== 0 && (lin & 0xfff) !== 0xfff) {
      const p = (entry & ~0xfff) | (lin & 0xfff);
      return (p & 1) === 0 ? this.ram16[p >>> 1]! : this.ram8[p]! | (this.ram8[p + 1]! << 8);
    }
    return this.readLinear16(lin);
  }

  read32(seg: number, offset: number): number {
    const lin = (this.segDataFast[seg]! & FAST_READ) !== 0 ? offset : this.checkSegment(seg, offset, 4, false);
    const entry = this.tlb[lin >>> PAGE_SHIFT]!;
    if ((entry & this.tlbReadMask) !== 0 && (lin & 0xfff) <= 0xffc) {
      const p = (entry & ~0xfff) | (lin & 0xfff);
      if ((p & 3) === 0) return this.ram32[p >>> 2]!;
      const m = this.ram8;
      return m[p]! | (m[p + 1]! << 8) | (m[p + 2]! << 16) | (m[p + 3]! << 24);
    }
    return this.readLinear32(lin);
  }

  write8(seg: number, offset: number, value: number): void {
    const lin = (this.segDataFast[seg]! & FAST_WRITE) !== 0 ? offset : this.checkSegment(seg, offset, 1, true);
    const entry = this.tlb[lin >>> PAGE_SHIFT]!;
    if ((entry & this.tlbWriteMask) !== 0) {
      this.ram8[(entry & ~0xfff) | (lin & 0xfff)] = value;
      return;
    }
    this.writeLinear8(lin, value);
  }

  write16(seg: number, offset: number, value: number): void {
    const lin = (this.segDataFast[seg]! & FAST_WRITE) !== 0 ? offset : this.checkSegment(seg, offset, 2, true);
    const entry = this.tlb[lin >>> PAGE_SHIFT]!;
    if ((entry & this.tlbWriteMask) !== 0 && (lin & 0xfff) !== 0xfff) {
      const p = (entry & ~0xfff) | (lin & 0xfff);
      if ((p & 1) === 0) this.ram16[p >>> 1] = value;
      else {
        this.ram8[p] = value;
        this.ram8[p + 1] = value >>> 8;
      }
      return;
    }
    this.writeLinear16(lin, value);
  }

  write32(seg: number, offset: number, value: number): void {
    const lin = (this.segDataFast[seg]! & FAST_WRITE) !== 0 ? offset : this.checkSegment(seg, offset, 4, true);
    const entry = this.tlb[lin >>> PAGE_SHIFT]!;
    if ((entry & this.tlbWriteMask) !== 0 && (lin & 0xfff) <= 0xffc) {
      const p = (entry & ~0xfff) | (lin & 0xfff);
      if ((p & 3) === 0) this.ram32[p >>> 2] = value;
      else {
        const m = this.ram8;
        m[p] = value;
        m[p + 1] = value >>> 8;
        m[p + 2] = value >>> 16;
        m[p + 3] = value >>> 24;
      }
      return;
    }
    this.writeLinear32(lin, value);
  }

  /** Linear address of a segmented access that will be written, after every check (for read-modify-write). */
  writableLinear(seg: number, offset: number, size: number): number {
    const lin = (this.segDataFast[seg]! & FAST_WRITE) !== 0 ? offset : this.checkSegment(seg, offset, size, true);
    const entry = this.tlb[lin >>> PAGE_SHIFT]!;
    if ((entry & this.tlbWriteMask) === 0 || (lin & 0xfff) > 0x1000 - size) this.probeWrite(lin, size);
    return lin;
  }

  // Read-modify-write: `modify*` checks write permission (so a fault comes before any effect), reads,
  // and remembers where; `commit*` then writes there without a second translation.
  private rmwPhysical = -1;
  private rmwLinear = 0;

  modify8(seg: number, offset: number): number {
    const lin = (this.segDataFast[seg]! & FAST_WRITE) !== 0 ? offset : this.checkSegment(seg, offset, 1, true);
    const entry = this.tlb[lin >>> PAGE_SHIFT]!;
    if ((entry & this.tlbWriteMask) !== 0) {
      const p = (entry & ~0xfff) | (lin & 0xfff);
      this.rmwPhysical = p;
      return this.ram8[p]!;
    }
    this.probeWrite(lin, 1);
    this.rmwPhysical = -1;
    this.rmwLinear = lin;
    return this.readLinear8(lin);
  }

  modify16(seg: number, offset: number): number {
    const lin = (this.segDataFast[seg]! & FAST_WRITE) !== 0 ? offset : this.checkSegment(seg, offset, 2, true);
    const entry = this.tlb[lin >>> PAGE_SHIFT]!;
    if ((entry & this.tlbWriteMask) !== 0 && (lin & 0xfff) !== 0xfff) {
      const p = (entry & ~0xfff) | (lin & 0xfff);
      this.rmwPhysical = p;
      return (p & 1) === 0 ? this.ram16[p >>> 1]! : this.ram8[p]! | (this.ram8[p + 1]! << 8);
    }
    this.probeWrite(lin, 2);
    this.rmwPhysical = -1;
    this.rmwLinear = lin;
    return this.readLinear16(lin);
  }

  modify32(seg: number, offset: number): number {
    const lin = (this.segDataFast[seg]! & FAST_WRITE) !== 0 ? offset : this.checkSegment(seg, offset, 4, true);
    const entry = this.tlb[lin >>> PAGE_SHIFT]!;
    if ((entry & this.tlbWriteMask) !== 0 && (lin & 0xfff) <= 0xffc) {
      const p = (entry & ~0xfff) | (lin & 0xfff);
      this.rmwPhysical = p;
      if ((p & 3) === 0) return this.ram32[p >>> 2]!;
      const m = this.ram8;
      return m[p]! | (m[p + 1]! << 8) | (m[p + 2]! << 16) | (m[p + 3]! << 24);
    }
    this.probeWrite(lin, 4);
    this.rmwPhysical = -1;
    this.rmwLinear = lin;
    return this.readLinear32(lin);
  }

  commit8(value: number): void {
    const p = this.rmwPhysical;
    if (p >= 0) this.ram8[p] = value;
    else this.writeLinear8(this.rmwLinear, value);
  }

  commit16(value: number): void {
    const p = this.rmwPhysical;
    if (p < 0) this.writeLinear16(this.rmwLinear, value);
    else if ((p & 1) === 0) this.ram16[p >>> 1] = value;
    else {
      this.ram8[p] = value;
      this.ram8[p + 1] = value >>> 8;
    }
  }

  commit32(value: number): void {
    const p = this.rmwPhysical;
    if (p < 0) this.writeLinear32(this.rmwLinear, value);
    else if ((p & 3) === 0) this.ram32[p >>> 2] = value;
    else {
      const m = this.ram8;
      m[p] = value;
      m[p + 1] = value >>> 8;
      m[p + 2] = value >>> 16;
      m[p + 3] = value >>> 24;
    }
  }

  modifySized(seg: number, offset: number, bits: number): number {
    return bits === 32 ? this.modify32(seg, offset) : bits === 16 ? this.modify16(seg, offset) : this.modify8(seg, offset);
  }

  commitSized(bits: number, value: number): void {
    if (bits === 32) this.commit32(value);
    else if (bits === 16) this.commit16(value);
    else this.commit8(value);
  }

  /** Sized segmented access, for code that handles all three sizes in one place (8, 16 or 32 bits). */
  readSized(seg: number, offset: number, bits: number): number {
    return bits === 32 ? this.read32(seg, offset) : bits === 16 ? this.read16(seg, offset) : this.read8(seg, offset);
  }

  writeSized(seg: number, offset: number, bits: number, value: number): void {
    if (bits === 32) this.write32(seg, offset, value);
    else if (bits === 16) this.write16(seg, offset, value);
    else this.write8(seg, offset, value);
  }

  // ============================================================================================
  // The stack (SS:ESP, or SS:SP when SS.B is clear)

  push32(value: number): void {
    const esp = this.regs[ESP]!;
    if (this.stack32) {
      const top = (esp - 4) | 0;
      this.write32(SS, top, value);
      this.regs[ESP] = top;
    } else {
      const sp = (esp - 4) & 0xffff;
      this.write32(SS, sp, value);
      this.regs16[ESP * 2] = sp;
    }
  }

  push16(value: number): void {
    const esp = this.regs[ESP]!;
    if (this.stack32) {
      const top = (esp - 2) | 0;
      this.write16(SS, top, value);
      this.regs[ESP] = top;
    } else {
      const sp = (esp - 2) & 0xffff;
      this.write16(SS, sp, value);
      this.regs16[ESP * 2] = sp;
    }
  }

  pop32(): number {
    const esp = this.regs[ESP]!;
    if (this.stack32) {
      const value = this.read32(SS, esp);
      this.regs[ESP] = (esp + 4) | 0;
      return value;
    }
    const value = this.read32(SS, esp & 0xffff);
    this.regs16[ESP * 2] = (esp + 4) & 0xffff;
    return value;
  }

  pop16(): number {
    const esp = this.regs[ESP]!;
    if (this.stack32) {
      const value = this.read16(SS, esp);
      this.regs[ESP] = (esp + 2) | 0;
      return value;
    }
    const value = this.read16(SS, esp & 0xffff);
    this.regs16[ESP * 2] = (esp + 2) & 0xffff;
    return value;
  }

  /** Read the stack `depth` bytes above the top without popping (for instructions that must check before committing). */
  stackOffset(delta: number): number {
    const esp = this.regs[ESP]!;
    return this.stack32 ? (esp + delta) | 0 : (esp + delta) & 0xffff;
  }

  /** Set ESP (or SP) to `value`, honouring SS.B. */
  setStackPointer(value: number): void {
    if (this.stack32) this.regs[ESP] = value;
    else this.regs16[ESP * 2] = value;
  }

  // ============================================================================================
  // Small helpers

  /** Whether maskable interrupts are enabled. */
  get interruptsEnabled(): boolean {
    return (this.flags & IF) !== 0;
  }

  /** Current time-stamp counter. */
  readTsc(): bigint {
    return (this.tscCount() + this.tscOffset) & 0xffffffffffffffffn;
  }

  /**
   * What the TSC is made of, up to the instruction executing now: the ops of the running block
   * before it are not in the totals yet (the run loop adds a block when it ends).
   */
  tscCount(): bigint {
    if (this.tscCounts === 'instructions') {
      const inBlock = this.block !== null && this.opIndex > 0 ? this.opIndex : 0;
      return BigInt(this.instructionCount + inBlock);
    }
    return BigInt(this.modelledCycles());
  }

  /** Modelled cycles since power-on, up to the instruction executing now, whatever the TSC counts. */
  modelledCycles(): number {
    const block = this.block;
    const partial = block !== null && this.opIndex > 0 ? block.centicyclesBefore[this.opIndex]! : 0;
    return Math.floor((this.centicycles + partial) / 100);
  }
}
