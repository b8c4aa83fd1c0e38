// The decoded-instruction cache: blocks of `Op`s keyed by the physical address of their first byte.
//
// A block is a straight run of instructions that ends at a branch (any form that sets EIP), at a page
// boundary, or after MAX_BLOCK_OPS. It is decoded once, with each instruction's executor bound by its
// operation's binder, and reused until a store hits its page. Blocks live on the physical page they
// start on; an instruction that straddles two pages gets a block of its own, registered on both pages.
//
// Self-modifying code: a page that holds decoded code is marked in `codeLines` (a bit per 64-byte line).
// Such pages get no TLB write permission (Cpu.protectCodePage), so every store to them takes the slow
// path, which calls `noteStore`: if the store touches a line with code, every block of the page is
// dropped and the running block ends after the current instruction (cpu.exitBlock), so the next
// instruction is decoded from the new bytes.
//
// A block also remembers the linear address and code size it was decoded for: the same physical
// bytes reached through another mapping (or with another CS.D) are decoded again.

import { decode, DecodeFailure, Instruction, namesNoVariant, NO_REGISTER } from '../isa/decoder.ts';
import { PAGE_SHIFT, PAGE_SIZE } from '../memory/physical-memory.ts';
import { CS, DS, SS, EBP, ESP, NO_REGISTER_SLOT, type Cpu } from './cpu.ts';
import { Vector } from './fault.ts';
import { Op, type Executor } from './op.ts';
import { modelHasInstruction } from './models.ts';
import type { CompiledBlock } from './block-compiler.ts';
import type { InstructionForm } from '../isa/table.ts';
import { opCenticycles } from './cycles/classify.ts';

const MAX_BLOCK_OPS = 64;
/** The cache's bound: blocks alive at once (each holds its ops and, once hot, a compiled function). */
export const MAX_LIVE_BLOCKS = 16384;
/** Bytes per code line: the granularity at which stores are checked against decoded code. */
const LINE_SHIFT = 6;
const LINES_PER_PAGE = PAGE_SIZE >> LINE_SHIFT; // 64: two 32-bit words per page

export class Block {
  valid = true;
  /** Instructions in order; never empty. */
  readonly ops: Op[];
  /** Linear address and physical address of the first byte; the CS.D it was decoded with. */
  readonly linear: number;
  readonly physical: number;
  readonly code32: boolean;
  /** For a block whose last instruction crosses onto a second page: that page's physical address, else -1. */
  readonly secondPage: number;
  /**
   * Links to the blocks that followed this one last time (up to two: a Jcc's two ways, a RET's
   * favourite callers), valid while cpu.codeGeneration equals linkGeneration and the target is valid.
   */
  linkGeneration = -1;
  /**
   * Modelled cost of the block's first k ops in centicycles, at index k (0..ops.length): the run loop
   * adds entry [ops that completed], so a block that stops early is charged for exactly its prefix.
   */
  readonly centicyclesBefore: Float64Array;
  /** Times the run loop entered this block, until it is compiled (block-compiler.ts). */
  runs = 0;
  compiled: CompiledBlock | null = null;
  /** Instructions in one pass of the compiled trace: it is entered only with that many left. */
  compiledOps = 0;
  linkEip1 = 0;
  linkMode1 = -1;
  link1: Block | null = null;
  linkEip2 = 0;
  linkMode2 = -1;
  link2: Block | null = null;
  constructor(ops: Op[], linear: number, physical: number, code32: boolean, secondPage: number) {
    this.ops = ops;
    this.linear = linear;
    this.physical = physical;
    this.code32 = code32;
    this.secondPage = secondPage;
    const before = new Float64Array(ops.length + 1);
    for (let k = 0; k < ops.length; k++) before[k + 1] = before[k]! + ops[k]!.centicycles;
    this.centicyclesBefore = before;
  }
}

function raiseUndefined(cpu: Cpu): void {
  cpu.raise(Vector.UD);
}
function raiseTooLong(cpu: Cpu): void {
  cpu.raise(Vector.GP, 0);
}

/**
 * The operand size an executor works at: 8 for byte forms (a data operand of size 8, or AL), else the
 * operand-size attribute. Immediates, counts and ports do not decide (ENTER imm16, imm8 is word/dword).
 */
function dataSize(form: InstructionForm, operandSize: number): number {
  for (const o of form.operands) {
    if (o.kind === 'al') return 8;
    if (!DATA_OPERANDS.has(o.kind)) continue;
    if (o.size === 8) return 8;
    if (o.size === 'v') return operandSize;
  }
  return operandSize;
}
const DATA_OPERANDS = new Set<string>(['rm', 'reg', 'opreg', 'acc', 'moffs', 'srcstr', 'dststr', 'mem']);

export class CodeCache {
  private readonly cpu: Cpu;
  /** Per physical page: two words of line bits (bit set = a decoded instruction touches that 64-byte line). */
  private readonly codeLines: Uint32Array;
  /** Per physical page: blocks starting there, indexed by page offset (the lookup's table: sparse). */
  private readonly pageBlocks: ((Block | undefined)[] | undefined)[];
  /**
   * Per physical page: the same blocks as a dense list, for dropping them all. Walking the sparse
   * table instead visits every offset up to the last block's (4096 for code at a page's end), and
   * a kernel that recycles frames of random code (the ring-3 fuzzer) spent 8% of its time there.
   */
  private readonly pageBlockList: (Block[] | undefined)[];
  /** Per physical page: blocks starting on another page whose last instruction reaches into this one. */
  private readonly crossingBlocks: (Block[] | undefined)[];
  /** Pages that currently hold code, so a full flush need not scan every page. */
  private readonly codePages = new Set<number>();
  /** The same set as one byte per frame, shared with writers outside the CPU (PhysicalMemory.codePages). */
  private readonly codePageFlags: Uint8Array;
  private readonly insn = new Instruction();
  /** 15 bytes gathered from two pages for an instruction that straddles them. */
  private readonly straddle = new Uint8Array(16);
  /** Blocks built since power-on (the tests use it to see that code is decoded once). */
  blocksBuilt = 0;
  /** Block entries through a link, and through a full lookup (the benchmark's hit rate). */
  linkHits = 0;
  lookups = 0;
  /** Blocks live in the cache now; past MAX_LIVE_BLOCKS the whole cache is flushed (QEMU's policy). */
  liveBlocks = 0;
  /** Blocks compiled, and host milliseconds spent compiling them (block-compiler.ts). */
  blocksCompiled = 0;
  compileMilliseconds = 0;
  /** Whole-cache flushes because the cache was full. */
  evictions = 0;

  constructor(cpu: Cpu) {
    this.cpu = cpu;
    const pages = cpu.memory.pageCount;
    this.codeLines = new Uint32Array(pages * 2);
    this.codePageFlags = cpu.memory.codePages;
    this.pageBlocks = new Array<(Block | undefined)[] | undefined>(pages).fill(undefined);
    this.pageBlockList = new Array<Block[] | undefined>(pages).fill(undefined);
    this.crossingBlocks = new Array<Block[] | undefined>(pages).fill(undefined);
  }

  /** Whether physical page `page` holds decoded code (stores to it must take the slow path). */
  isCodePage(page: number): boolean {
    return this.codePageFlags[page] === 1;
  }

  /** A store of `size` bytes at physical `address` on a code page: drop the page's code if it touches a code line. */
  noteStore(address: number, size: number): void {
    const page = address >>> PAGE_SHIFT;
    const first = (address & 0xfff) >> LINE_SHIFT;
    const last = Math.min(((address & 0xfff) + size - 1) >> LINE_SHIFT, LINES_PER_PAGE - 1);
    for (let line = first; line <= last; line++) {
      if ((this.codeLines[page * 2 + (line >> 5)]! & (1 << (line & 31))) !== 0) {
        this.invalidatePage(page);
        return;
      }
    }
  }

  /** Drop every block on physical page `page`. */
  invalidatePage(page: number): void {
    if (page >= this.cpu.memory.pageCount || (this.codeLines[page * 2]! | this.codeLines[page * 2 + 1]!) === 0) return;
    this.codeLines[page * 2] = 0;
    this.codeLines[page * 2 + 1] = 0;
    this.codePages.delete(page);
    this.codePageFlags[page] = 0;
    const blocks = this.pageBlockList[page];
    if (blocks !== undefined) for (const b of blocks) this.drop(b);
    const crossing = this.crossingBlocks[page];
    if (crossing !== undefined) for (const b of crossing) this.drop(b);
    this.pageBlocks[page] = undefined;
    this.pageBlockList[page] = undefined;
    this.crossingBlocks[page] = undefined;
    // The running block may be one of them: let it end after the current instruction.
    this.cpu.exitBlock = 1;
  }

  private drop(block: Block): void {
    if (!block.valid) return;
    block.valid = false;
    this.liveBlocks--;
  }

  /** Drop all decoded code (an operation was re-registered, a snapshot restored, the cache is full). */
  invalidateAll(): void {
    for (const page of [...this.codePages]) this.invalidatePage(page);
  }

  /**
   * The block at CS:EIP after `previous` ended: follows previous's links when it can. A link is
   * followed only under the TLB generation and the code mode (CPL, CS.D, flat CS) it was made in.
   */
  next(previous: Block): Block {
    const cpu = this.cpu;
    const eip = cpu.eip;
    const mode = cpu.codeMode;
    if (previous.linkGeneration === cpu.codeGeneration) {
      // link1 may be null with its EIP still set: the generation moved, the links were cleared, and
      // the lookup that would have set them faulted (a #PF on the next block's first fetch).
      if (eip === previous.linkEip1 && mode === previous.linkMode1 && previous.link1 !== null) {
        const b = previous.link1;
        if (b.valid) { this.linkHits++; return b; }
      } else if (eip === previous.linkEip2 && mode === previous.linkMode2 && previous.link2 !== null) {
        const b = previous.link2;
        if (b.valid) { this.linkHits++; return b; }
      }
    } else {
      previous.linkGeneration = cpu.codeGeneration;
      previous.link1 = null;
      previous.link2 = null;
    }
    const block = this.lookup();
    // Links skip the CS limit check that lookup makes, so only flat code segments get them.
    if (cpu.segFast[CS] !== 0 && previous.linkGeneration === cpu.codeGeneration) {
      if (previous.link1 === null || !previous.link1.valid) {
        previous.link1 = block;
        previous.linkEip1 = eip;
        previous.linkMode1 = mode;
      } else {
        previous.link2 = block;
        previous.linkEip2 = eip;
        previous.linkMode2 = mode;
      }
    }
    return block;
  }

  /** The block at CS:EIP, decoding it if needed. Raises #PF/#GP if the first instruction cannot be fetched. */
  lookup(): Block {
    const cpu = this.cpu;
    const eip = cpu.eip;
    this.lookups++;
    // Fetches check only the CS limit (code may be execute-only); flat CS needs no check.
    if (cpu.segFast[CS] === 0 && eip >>> 0 > cpu.segLimit[CS]!) cpu.raise(Vector.GP, 0);
    const lin = (cpu.segBase[CS]! + eip) | 0;
    const entry = cpu.tlb[lin >>> PAGE_SHIFT]!;
    const phys = (entry & cpu.tlbReadMask) !== 0 ? (entry & ~0xfff) | (lin & 0xfff) : cpu.translate(lin, false, cpu.cpl === 3);
    const blocks = this.pageBlocks[phys >>> PAGE_SHIFT];
    if (blocks !== undefined) {
      const block = blocks[phys & 0xfff];
      if (block !== undefined && block.linear === lin && block.code32 === cpu.code32 && block.valid) {
        if (block.secondPage < 0 || this.secondPageStillMapped(block)) return block;
      }
    }
    return this.build(eip, lin, phys);
  }

  private secondPageStillMapped(block: Block): boolean {
    const cpu = this.cpu;
    const nextLinear = ((block.linear | 0xfff) + 1) | 0;
    return (cpu.translate(nextLinear, false, cpu.cpl === 3) & ~0xfff) >>> 0 === block.secondPage;
  }

  private build(eip: number, lin: number, phys: number): Block {
    const cpu = this.cpu;
    if (this.liveBlocks >= MAX_LIVE_BLOCKS) {
      // Full: start again from nothing, as QEMU does when its translation buffer fills. The hot
      // blocks come back within a few entries; no per-block bookkeeping is paid meanwhile.
      this.evictions++;
      this.invalidateAll();
    }
    const ops: Op[] = [];
    const insn = this.insn;
    const ram = cpu.ram8;
    const pageEnd = (phys | 0xfff) + 1;
    const inRam = phys < cpu.ramSize;
    let p = phys;
    let e = eip;
    let secondPage = -1;
    const csLimitChecked = cpu.segFast[CS] === 0;
    for (;;) {
      if (inRam) decode(ram, p, pageEnd - p, cpu.code32, insn);
      else decode(this.fillFromBus(), 0, 16, cpu.code32, insn);
      if (insn.failure === DecodeFailure.NeedMoreBytes) {
        if (ops.length > 0) break; // let the straddling instruction start a block of its own
        secondPage = this.gatherStraddle(lin, p, pageEnd);
        decode(this.straddle, 0, 16, cpu.code32, insn);
        if (insn.failure === DecodeFailure.NeedMoreBytes) insn.failure = DecodeFailure.TooLong;
      }
      if (csLimitChecked && insn.failure === DecodeFailure.None) {
        const last = (e + insn.length - 1) >>> 0;
        if (last > cpu.segLimit[CS]!) {
          if (ops.length > 0) break;
          cpu.raise(Vector.GP, 0);
        }
      }
      const op = this.makeOp(insn, e, cpu);
      ops.push(op);
      this.markCode(p, op.length, pageEnd);
      e = op.next;
      p += op.length;
      if (op.isBranch || op.form === null || op.form.endsBlock === true || secondPage >= 0 || p >= pageEnd || ops.length >= MAX_BLOCK_OPS) break;
    }
    const block = new Block(ops, lin, phys, cpu.code32, secondPage);
    const page = phys >>> PAGE_SHIFT;
    if (inRam) {
      this.liveBlocks++;
      let blocks = this.pageBlocks[page];
      if (blocks === undefined) blocks = this.pageBlocks[page] = [];
      const replaced = blocks[phys & 0xfff];
      const list = (this.pageBlockList[page] ??= []);
      if (replaced !== undefined) {
        // Another linear address or CS.D: only one is kept, in the table and in the list.
        this.drop(replaced);
        list.splice(list.indexOf(replaced), 1);
      }
      blocks[phys & 0xfff] = block;
      list.push(block);
    }
    if (secondPage >= 0 && secondPage < cpu.ramSize) {
      const second = secondPage >>> PAGE_SHIFT;
      (this.crossingBlocks[second] ??= []).push(block);
      this.markCode(secondPage, 1, secondPage + PAGE_SIZE);
    }
    this.blocksBuilt++;
    return block;
  }

  /** Bytes from outside RAM read as all ones (and decode to an invalid opcode). */
  private fillFromBus(): Uint8Array {
    this.straddle.fill(0xff);
    return this.straddle;
  }

  /** Copy an instruction's bytes that run from the end of one page into the next. Returns the next page's physical address. */
  private gatherStraddle(lin: number, p: number, pageEnd: number): number {
    const cpu = this.cpu;
    const firstPart = pageEnd - p;
    for (let i = 0; i < firstPart; i++) this.straddle[i] = cpu.physicalRead8(p + i);
    const next = (cpu.translate(((lin | 0xfff) + 1) | 0, false, cpu.cpl === 3) & ~0xfff) >>> 0;
    for (let i = firstPart; i < 16; i++) this.straddle[i] = cpu.physicalRead8(next + i - firstPart);
    return next;
  }

  /** Mark the lines of [p, p+length) as code, clipped to this page; protect the page on first use. */
  private markCode(p: number, length: number, pageEnd: number): void {
    if (p >= this.cpu.ramSize) return;
    const page = p >>> PAGE_SHIFT;
    const wasCode = (this.codeLines[page * 2]! | this.codeLines[page * 2 + 1]!) !== 0;
    const end = Math.min(p + length, pageEnd);
    for (let line = (p & 0xfff) >> LINE_SHIFT; line <= ((end - 1) & 0xfff) >> LINE_SHIFT; line++) {
      this.codeLines[page * 2 + (line >> 5)]! |= 1 << (line & 31);
    }
    if (!wasCode) {
      this.codePages.add(page);
      this.codePageFlags[page] = 1;
      this.cpu.protectCodePage(page);
    }
  }

  /** Turn the decoder's record into an Op with its executor bound. */
  private makeOp(insn: Instruction, eip: number, cpu: Cpu): Op {
    const op = new Op(raiseUndefined);
    op.address = eip;
    op.length = insn.length;
    const mask = cpu.code32 ? -1 : 0xffff;
    op.next = (eip + insn.length) & mask;
    if (insn.failure !== DecodeFailure.None || insn.form === null) {
      op.execute = insn.failure === DecodeFailure.TooLong ? raiseTooLong : raiseUndefined;
      op.isBranch = true;
      return op;
    }
    const form = insn.form;
    op.form = form;
    op.size = 32;
    op.addressSize = insn.addressSize;
    op.repeat = insn.repeat;
    // Immediates and displacements as signed 32-bit values: one representation for every op.
    op.imm = insn.immediate | 0;
    op.imm2 = insn.immediate2 | 0;
    op.condition = form.condition ?? 0;
    op.reg = insn.hasModrm ? insn.reg : insn.opcodeRegister;
    op.rm = insn.rm;
    op.isMemory = insn.isMemory;
    op.addressMask = insn.addressSize === 32 ? -1 : 0xffff;
    op.base = insn.base === NO_REGISTER ? NO_REGISTER_SLOT : insn.base;
    op.index = insn.index === NO_REGISTER ? NO_REGISTER_SLOT : insn.index;
    op.scale = insn.scale;
    op.disp = insn.displacement | 0;
    // The default segment is SS for EBP/ESP-based addresses (BP-based in 16-bit addressing), else DS.
    const defaultSegment = insn.base === EBP || insn.base === ESP ? SS : DS;
    op.seg = insn.segmentOverride >= 0 ? insn.segmentOverride : defaultSegment;
    op.size = dataSize(form, insn.operandSize);
    const rel = form.operands.find((o) => o.kind === 'rel');
    if (rel !== undefined) op.target = (op.next + insn.immediate) & (insn.operandSize === 32 ? -1 : 0xffff);
    op.execute = this.bind(op, insn, cpu);
    op.centicycles = opCenticycles(cpu.cycleCosts, form, op.isMemory, insn.lock);
    return op;
  }

  private bind(op: Op, insn: Instruction, cpu: Cpu): Executor {
    const form = insn.form!;
    // LOCK is legal only on the lockable forms, and only with a memory destination.
    if (insn.lock && (form.lockable !== true || !insn.isMemory)) return raiseUndefined;
    if (!modelHasInstruction(cpu.model, form.since, form.operation, form.feature)) return raiseUndefined;
    if (namesNoVariant(form, insn, cpu.code32)) return raiseUndefined;
    const binder = cpu.operations.get(form.operation);
    if (binder === undefined) {
      const name = form.operation;
      return (c: Cpu) => {
        c.unimplemented.set(name, (c.unimplemented.get(name) ?? 0) + 1);
        c.raise(Vector.UD);
      };
    }
    return binder(op, insn, cpu);
  }
}
