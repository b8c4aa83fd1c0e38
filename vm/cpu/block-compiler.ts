// The block compiler: a hot trace of blocks becomes one JavaScript function, with the guest registers
// in host locals, the commonest instructions in line (generated from the rows of operations/rows.ts,
// the same rows the interpreter's executors are generated from), a TLB probe in line for every
// memory operand, and a loop inside the function when the trace comes back to its start.
//
// In the interpreter loop every instruction goes through one call site, `op.execute(cpu, op)`, which
// V8 sees with hundreds of targets (megamorphic: no inlining). In a compiled trace an instruction is
// either emitted in line from its row or called from its own call site, which has exactly one
// target, so V8 inlines the executor — semantics stay in one place: the compiler never restates an
// instruction.
//
// The contract with run.ts (the interpreter's, kept exactly):
//   - cpu.block and cpu.opIndex name the op running whenever anything that can fault runs (an
//     executor, the slow path of an in-line access), with every register and flag the interpreter
//     would have stored by then, so a fault unwinds to its precise EIP and state (run.ts unwindFault);
//   - an op that sets cpu.exitBlock (a store into decoded code, a stop request, an invalidation)
//     ends the trace after itself;
//   - retired instructions are added to cpu.instructionCount block pass by block pass, and their
//     modelled cycles to cpu.centicycles (block.centicyclesBefore: a constant per pass or per early
//     exit, flushed with the count, so the cycle model's accounting is exactly the interpreter's);
//   - the trace is entered only with a whole pass's instructions left (Block.compiledOps) and goes
//     round its loop only while another pass fits the instruction budget, and — whenever something other than in-line code ran since
//     the last look — with no pending event (an IRQ, the PIT), no single-step (TF), no RF, no
//     breakpoint, in the code mode it was compiled in: interrupts are seen at block boundaries,
//     exactly where the interpreter would see them;
//   - a join onto a block on another code page checks that the TLB still maps that page where the
//     block was decoded (a trace compiled in one address space may be entered in another: same
//     linear address, other code), and every join checks that its block is still valid.
// The function returns the budget left; EIP and cpu.block name where it stopped.

import type { Cpu } from './cpu.ts';
import type { Block } from './code-cache.ts';
import { STACK_CALL, STACK_CALL_INDIRECT, STACK_POP_REGISTER, STACK_PUSH_IMMEDIATE, STACK_PUSH_REGISTER, STACK_RET, type Op } from './op.ts';
import { FAST_READ, FAST_WRITE, NO_REGISTER_SLOT } from './cpu.ts';
import { CF, RF, TF, ARITHMETIC_FLAGS, LAZY_SUB, LAZY_SIZE_SHIFT, carryExpression, conditionTables, keepCarry, testCondition } from './flags.ts';
import {
  FLAGS_ARITHMETIC, FLAGS_LOGIC, FLAGS_NONE, FLAGS_ROTATE, FLAGS_SHIFT, OPERAND_ADDRESS, OPERAND_IMMEDIATE, OPERAND_MEMORY,
  OPERAND_REGISTER, eagerFlagStatements, flagStatements, readModifyWrite, type FormRow, type Operand,
} from './operations/rows.ts';

/**
 * Runs a compiled trace (one or more passes) within `remaining` instructions; returns what is left.
 * Entered only with at least traceOps(segments) instructions left (run.ts: Block.compiledOps).
 */
export type CompiledBlock = (cpu: Cpu, remaining: number) => number;

/** Instructions in one pass over a trace's blocks. */
function traceOps(segments: readonly Block[]): number {
  let n = 0;
  for (const b of segments) n += b.ops.length;
  return n;
}

/**
 * A lazy-flags record not yet stored in the CPU: kept in locals a<g>, b<g>, v<g> by in-line op g
 * (`carry`: INC/DEC's kept CF, an expression over an older record's locals, or null when it is in
 * cpu.flags already); or, with `row` null, the record a loop carries round its back edge in la, lb,
 * lv, lop (not known at compile time), with lcf the CF an INC/DEC record keeps (-1: cpu.flags holds it).
 */
interface Pending { readonly row: FormRow | null; readonly g: number; readonly carry: string | null }
const CARRIED: Pending = { row: null, g: -1, carry: null };

const SIZE_BITS = [8, 16, 32];
const RAM = { 8: ['ram8', 0], 16: ['ram16', 1], 32: ['ram32', 2] } as const;
const ALIGNED = { 8: '', 16: ' && (ea & 1) === 0', 32: ' && (ea & 3) === 0' } as const;
/**
 * An expression of a row or condition table over a, b, c and the result (v or r), rewritten over op
 * g's locals (no closure: an unoptimised trace would allocate one per evaluation).
 */
function over(expression: string, g: number): string {
  return expression.replace(/\b([abcvr])\b/g, (_, name: string) => `${name === 'r' ? 'v' : name}${g}`);
}
const DEBUG_DUMP = typeof process !== 'undefined' && process.env?.GATE86_JIT_DUMP !== undefined;

/**
 * Compile a trace: blocks that ran one after the other (each the previous one's first link), block i
 * entered in code mode modes[i] (CPL, CS.D, flat CS: a trace may cross SYSENTER, SYSEXIT, INT or
 * IRET, whose executors change it), as one function, so the common path through them never returns
 * to the dispatcher. A join whose guard fails returns with the state of an ordinary block exit.
 */
export function compileTrace(segments: readonly Block[], modes: readonly number[]): CompiledBlock {
  const first = segments[0]!;
  const final = segments[segments.length - 1]!;
  const finalOp = final.ops[final.ops.length - 1]!;
  // The trace loops inside the function when some join can come back to its first block: a
  // branch whose target is known only at run time (Jcc, RET, an executor), or the last one's.
  const head = first.ops[0]!.address;
  const loops = (finalOp.isBranch ? finalOp.target === head : finalOp.next === head) || segments.some((b) => {
    const last = b.ops[b.ops.length - 1]!;
    return last.isBranch && !last.directJump && last.stackForm !== STACK_CALL;
  });
  // A loop's head is reached from the entry and from the back edge: registers changed anywhere in the
  // loop count as changed there (storing an unchanged one is harmless). One pass finds them.
  const probe = new TraceEmitter(segments, modes, loops, new Set());
  probe.emit();
  const emitter = loops ? new TraceEmitter(segments, modes, loops, probe.everDirty) : probe;
  if (loops) emitter.emit();
  // Named for its first block, so a --cpu-prof profile (and GATE86_JIT_DUMP's output) says which trace ran.
  // (No counter in the name: V8 caches functions made from the same source, so the next machine in
  // this process that compiles the same trace — the bench's next run, the fuzzer's next batch —
  // starts from the code V8 already optimised; a unique name per trace made run 4 of the integer
  // workload 0.55 s instead of 0.23 s.)
  const source = `${emitter.source()}\n//# sourceURL=gate86-trace-${(head >>> 0).toString(16)}.js`;
  if (DEBUG_DUMP) console.error(source);
  const factory = new Function(...emitter.names, source) as (...args: unknown[]) => CompiledBlock;
  return factory(...emitter.values);
}

class TraceEmitter {
  readonly names: string[] = ['keepCarry', 'testCondition'];
  readonly values: unknown[] = [keepCarry, testCondition];
  /** Every register that was ever changed in a local and not stored (the loop head's set). */
  readonly everDirty = new Set<number>();
  private readonly body: string[] = [];
  /** Guest registers changed in locals and not yet stored. */
  private readonly dirty: Set<number>;
  /** The last in-line lazy-flags record, kept in locals (flag liveness: one replaced unread is never stored). */
  private pending: Pending | null = null;
  /**
   * Guest registers whose local is stale: an executor ran since it was loaded (it may have changed
   * any of them). Each is reloaded where in-line code first reads it, not all eight after every call
   * (a system call's path calls a dozen executors, most followed by a push or two).
   */
  private readonly stale = new Set<number>();
  /** Mask locals recomputed since the last executor (null: none ran since the head computed them all). */
  private freshMasks: Set<string> | null = null;
  /**
   * What is known of the "nothing but in-line code ran" state: 'yes' after a full check of events,
   * TF/RF, breakpoints and the code mode with no executor since; 'no' after an executor; 'maybe' at
   * the loop head (the run-time local `checked` says).
   */
  private check: 'yes' | 'no' | 'maybe' = 'maybe';
  /** Linear code pages known to map where the trace's blocks were decoded (reset by an executor). */
  private readonly pages = new Set<number>();
  /** The segment whose block cpu.block holds, or -1. */
  private blockKnown = 0;
  /** Mask locals the code uses (R3, W2, RS, WSC...): loaded with the registers. */
  private readonly masks = new Map<string, string>();

  /** Whether the loop carries a record round its back edge in locals (flags live at its head). */
  private readonly carries: boolean;
  /** Instructions in one pass over every segment: the most a pass can retire. */
  private readonly passOps: number;

  constructor(private readonly segments: readonly Block[], private readonly modes: readonly number[], private readonly loops: boolean, dirtyAtHead: Set<number>) {
    this.dirty = new Set(dirtyAtHead);
    this.passOps = traceOps(segments);
    this.carries = loops && this.flagsLiveAtHead();
    if (this.carries) this.pending = CARRIED;
    for (const b of segments) this.names.push(`block${segments.indexOf(b)}`);
    this.values.push(...segments);
    this.addPages(segments[0]!); // run.ts's lookup of the first block just translated its pages
  }

  source(): string {
    const masks = [...this.masks.keys()];
    const declarations = `let r0, r1, r2, r3, r4, r5, r6, r7${masks.map((m) => `, ${m}`).join('')}; let checked = false, start = remaining, cyc = 0;` +
      (this.carries ? ' let la = cpu.lazyA, lb = cpu.lazyB, lv = cpu.lazyResult, lop = cpu.lazyOp, lcf = -1;' : '');
    const text = this.body.join('\n').replaceAll('/*MASKS*/', this.maskCode());
    const head = 'const regs = cpu.regs, segFast = cpu.segFast, segDataFast = cpu.segDataFast, tlb = cpu.tlb, ram8 = cpu.ram8, ram16 = cpu.ram16, ram32 = cpu.ram32;';
    const name = this.loops ? 'compiledLoop' : 'compiledTrace';
    return `return function ${name}(cpu, remaining) {\n${head}\n${declarations}\n${this.loadCode()}\n${this.loops ? `for (;;) {\n${text}\n}` : text}\n};`;
  }

  private loadCode(): string {
    return `r0 = regs[0]; r1 = regs[1]; r2 = regs[2]; r3 = regs[3]; r4 = regs[4]; r5 = regs[5]; r6 = regs[6]; r7 = regs[7]; ${this.maskCode()}`;
  }

  private maskCode(): string {
    return [...this.masks].map(([name, code]) => `${name} = ${code};`).join(' ');
  }

  emit(): void {
    const { segments } = this;
    if (this.loops) this.blockKnown = segments.length === 1 ? 0 : -1;
    let g = 0;
    segments.forEach((segment, s) => {
      segment.ops.forEach((op, k) => this.emitOp(op, k, g + k, s));
      g += segment.ops.length;
      this.endSegment(s);
    });
  }

  // --- Compile-time state -----------------------------------------------------------------------

  private push(line: string): void {
    this.body.push(line);
  }

  private markDirty(r: number): void {
    this.dirty.add(r);
    this.everDirty.add(r);
  }

  private parameter(name: string, value: unknown): string {
    this.names.push(name);
    this.values.push(value);
    return name;
  }

  /** Register n's local, reloaded first if an executor ran since it was loaded. */
  private reg(n: number): string {
    if (this.stale.delete(n)) this.push(`r${n} = regs[${n}];`);
    return `r${n}`;
  }

  private recordCode(p: Pending): string {
    if (p.row === null) return `cpu.lazyA = la; cpu.lazyB = lb; cpu.lazyResult = lv; cpu.lazyOp = lop; if (lcf >= 0) cpu.flags = (cpu.flags & ${~CF}) | lcf;`;
    const carry = p.carry !== null ? `cpu.flags = (cpu.flags & ${~CF}) | ${p.carry}; ` : '';
    return `{ const a = a${p.g}, b = b${p.g}, v = v${p.g}; ${carry}${flagStatements(p.row)} }`;
  }

  /**
   * Add the instructions retired since the last flush to cpu.instructionCount, and the whole block
   * passes' modelled cycles (`cyc`) to cpu.centicycles, before anything reads them (RDTSC, a fault).
   */
  private static readonly FLUSH = 'cpu.instructionCount += start - remaining; start = remaining; cpu.centicycles += cyc; cyc = 0;';

  /** The stores that bring the CPU up to date (registers and the pending record), as code only. */
  private spill(): string {
    const lines = [...this.dirty].sort().map((r) => `regs[${r}] = r${r};`);
    if (this.pending !== null) lines.push(this.recordCode(this.pending));
    return lines.join(' ');
  }

  private storeFlags(): void {
    if (this.pending === null) return;
    this.push(this.recordCode(this.pending));
    this.pending = null;
  }

  private storeAll(): void {
    this.push(this.spill());
    this.dirty.clear();
    this.pending = null;
  }

  private setBlock(s: number): string {
    return this.blockKnown === s ? '' : `cpu.block = block${s}; `;
  }

  /** Leave after op k of segment s, which completed (cpu state already stored). */
  private exitAfter(s: number, k: number, eip: string | null): string {
    const cycles = this.segments[s]!.centicyclesBefore[k + 1]!; // the first k + 1 ops of this segment, priced at bind
    return `{ ${eip !== null ? `cpu.eip = ${eip}; ` : ''}cpu.instructionCount += ${k + 1}; cpu.centicycles += ${cycles}; return remaining - ${k + 1}; }`; // after a FLUSH
  }

  /** A mask local: the TLB permission an access needs at this CPL when the segment needs no check, else 0. */
  private mask(name: string, code: string): string {
    this.masks.set(name, code);
    if (this.freshMasks !== null && !this.freshMasks.has(name)) {
      this.push(`${name} = ${code};`);
      this.freshMasks.add(name);
    }
    return name;
  }
  private dataMask(seg: number, write: boolean): string {
    return write
      ? this.mask(`W${seg}`, `(segDataFast[${seg}] & ${FAST_WRITE}) !== 0 ? cpu.tlbWriteMask : 0`)
      : this.mask(`R${seg}`, `(segDataFast[${seg}] & ${FAST_READ}) !== 0 ? cpu.tlbReadMask : 0`);
  }
  /** The stack's: 32-bit flat SS; with `transfer`, flat CS as well (CALL and RET skip the CS limit check). */
  private stackMask(write: boolean, transfer: boolean): string {
    const name = `${write ? 'W' : 'R'}S${transfer ? 'C' : ''}`;
    return this.mask(name, `cpu.stack32 && (segDataFast[2] & ${write ? FAST_WRITE : FAST_READ}) !== 0${transfer ? ' && segFast[1] !== 0' : ''} ? cpu.tlb${write ? 'Write' : 'Read'}Mask : 0`);
  }

  // --- Operands ---------------------------------------------------------------------------------

  /** The effective address of op's memory operand, registers from locals, constants folded. */
  private address(op: Op): string {
    const terms: string[] = [];
    if (op.base !== NO_REGISTER_SLOT) terms.push(this.reg(op.base));
    if (op.index !== NO_REGISTER_SLOT) terms.push(op.scale === 0 ? this.reg(op.index) : `(${this.reg(op.index)} << ${op.scale})`);
    if (op.disp !== 0 || terms.length === 0) terms.push(String(op.disp));
    return `((${terms.join(' + ')}) & ${op.addressMask})`;
  }

  private registerNumber(op: Op, o: Operand): number {
    return o.field === 'rm' ? op.rm : op.reg;
  }

  /** The 32-bit register holding an operand register (AH..BH live in EAX..EBX). */
  private static holder(n: number, size: number): number {
    return size === 8 && n >= 4 ? n - 4 : n;
  }

  private readRegister(n: number, size: number): string {
    if (size === 32) return this.reg(n);
    if (size === 16) return `(${this.reg(n)} & 0xffff)`;
    return n < 4 ? `(${this.reg(n)} & 0xff)` : `((${this.reg(n - 4)} >>> 8) & 0xff)`;
  }

  private writeRegister(n: number, size: number, v: string): string {
    const h = TraceEmitter.holder(n, size);
    if (size !== 32) this.reg(h); // a partial write keeps the rest of the register
    this.stale.delete(h);
    this.markDirty(h);
    if (size === 32) return `r${n} = ${v};`;
    if (size === 16) return `r${n} = (r${n} & -65536) | (${v} & 0xffff);`;
    return n < 4 ? `r${n} = (r${n} & -256) | (${v} & 0xff);` : `r${h} = (r${h} & -65281) | ((${v} & 0xff) << 8);`;
  }

  private value(op: Op, o: Operand): string {
    switch (o.kind) {
      case OPERAND_REGISTER: return this.readRegister(this.registerNumber(op, o), o.size);
      case OPERAND_MEMORY: return 'm';
      case OPERAND_IMMEDIATE: return String(o.field === null ? o.value : o.field === 'imm' ? op.imm : o.field === 'imm2' ? op.imm2 : 0);
      case OPERAND_ADDRESS: return this.address(op);
      default: return '0';
    }
  }

  // --- Flags at compile time --------------------------------------------------------------------

  /** A condition as an expression over the pending record's locals, when a table answers it. */
  private knownCondition(cc: number): string | null {
    const p = this.pending;
    if (p === null || p.row === null) return null;
    const size = SIZE_BITS[(p.row.lazyOp >>> LAZY_SIZE_SHIFT) & 3]!;
    const tables = conditionTables(size);
    const subtraction = p.row.flags === FLAGS_ARITHMETIC && p.row.lazyOp === (ARITHMETIC_FLAGS | LAZY_SUB | (((p.row.lazyOp >>> LAZY_SIZE_SHIFT) & 3) << LAZY_SIZE_SHIFT));
    const table = subtraction ? tables.sub : p.row.flags === FLAGS_LOGIC ? tables.logic : tables.result;
    const expression = table[cc] ?? null;
    return expression === null ? null : `(${over(expression, p.g)})`;
  }

  /**
   * INC/DEC keep CF. From the pending record it is known at compile time: after a logic operation CF
   * is 0, after a shift or an ADD/SUB it is an expression over the record's locals, after INC/DEC it
   * is what that one kept. The answer becomes part of the new record (stored with it, if ever);
   * `undefined` when no record is known: the flags are then stored and keepCarry computes CF.
   */
  private keptCarry(): string | null | undefined {
    const p = this.pending;
    if (p === null || p.row === null) return undefined;
    if (p.row.flags === FLAGS_LOGIC) return '0';
    if (p.row.flags === FLAGS_SHIFT) return `(${over(p.row.carry, p.g)})`;
    if (p.row.keepsCarry) return p.carry;
    const expression = carryExpression(p.row.lazyOp);
    return expression === null ? undefined : `((${over(expression, p.g)}) ? ${CF} : 0)`;
  }

  /** Whether the flags the back edge leaves may be read before block 0 replaces them all. */
  private flagsLiveAtHead(): boolean {
    for (const op of this.segments[0]!.ops) {
      const f = op.inline;
      if (f === null || f.destination.kind === OPERAND_MEMORY || f.source.kind === OPERAND_MEMORY || f.row.readsCondition || f.row.keepsCarry) return true;
      if (f.row.flags === FLAGS_ARITHMETIC || f.row.flags === FLAGS_LOGIC || f.row.flags === FLAGS_SHIFT) return false;
      if (f.row.flags !== FLAGS_NONE) return true;
    }
    return true;
  }

  // --- Ops ----------------------------------------------------------------------------------------

  private emitOp(op: Op, k: number, g: number, s: number): void {
    if (op.inline !== null) this.emitRow(op, k, g, s);
    else if (op.stackForm !== 0) this.emitStack(op, k, g, s);
    else if (op.directJump && k === this.segments[s]!.ops.length - 1) this.emitJump(op, k, g, s);
    else if (op.indirectJump && k === this.segments[s]!.ops.length - 1) this.emitIndirectJump(op, k, g, s);
    else if (op.conditionalJump && k === this.segments[s]!.ops.length - 1) this.emitConditionalJump(op, g);
    else this.emitCall(op, k, g, s);
  }

  /** The slow path of an in-line op: everything stored, the op named, its executor run. */
  private slowPath(op: Op, k: number, g: number, s: number, spill: string, after: string, eipAfter: string | null): string {
    const e = this.parameter(`e${g}`, op.execute);
    const o = this.parameter(`o${g}`, op);
    return `{ ${TraceEmitter.FLUSH} ${spill} cpu.block = block${s}; cpu.opIndex = ${k}; ${e}(cpu, ${o}); if (cpu.exitBlock !== 0) ${this.exitAfter(s, k, eipAfter)} ${after} }`;
  }

  /**
   * An op bound to a row (rows.ts), in line. Register forms cannot fault and store nothing. A memory
   * operand takes the TLB hit path in line (the fast path of Cpu.readN, writeN and modifyN: a segment that
   * needs no check, a TLB entry with the permission for this CPL, aligned); anything else stores
   * everything, names the op and runs its executor, which faults precisely, invalidates code or
   * takes the page-crossing path exactly as the interpreter does.
   */
  private emitRow(op: Op, k: number, g: number, s: number): void {
    const { row, destination: D, source: S } = op.inline!;
    // The flags this op reads must be in the CPU when no table answers from the record.
    let condition = 'false';
    if (row.readsCondition) {
      const known = this.knownCondition(op.condition);
      if (known === null) this.storeFlags();
      condition = known ?? `testCondition(cpu, ${op.condition})`;
    }
    let carry: string | null = null;
    if (row.keepsCarry) {
      const known = this.keptCarry();
      if (known === undefined) this.storeFlags();
      carry = known ?? null;
    }
    if (row.flags === FLAGS_ROTATE) this.storeFlags(); // a rotate edits the stored record in place
    const spill = this.spill();
    const kept = row.keepsCarry && this.pending === null ? 'keepCarry(cpu);' : '';
    const memoryOperand = D.kind === OPERAND_MEMORY ? D : S.kind === OPERAND_MEMORY ? S : null;
    const a = row.readsDestination ? this.value(op, D) : '0';
    const b = this.value(op, S);
    const compute = `a${g} = ${a}; b${g} = ${b}; c${g} = ${condition}; ${kept} { const a = a${g}, b = b${g}, c = c${g}; v${g} = ${row.result}; }`;
    const writesRegister = row.writesDestination && D.kind === OPERAND_REGISTER;
    const n = writesRegister ? this.registerNumber(op, D) : 0;
    if (memoryOperand === null) {
      this.push(`let a${g}, b${g}, c${g}, v${g}; ${compute}`);
      if (writesRegister) this.push(this.writeRegister(n, D.size, `v${g}`));
    } else {
      const size = memoryOperand.size;
      const [ram, shift] = RAM[size];
      const writesMemory = D.kind === OPERAND_MEMORY && row.writesDestination;
      const readsMemory = S.kind === OPERAND_MEMORY || (D.kind === OPERAND_MEMORY && row.readsDestination);
      const mask = this.dataMask(op.seg, writesMemory || readModifyWrite(row, D));
      // The address before the register write: `mov 4(%eax), %eax` reads EAX's old value (and a
      // stale EAX must be reloaded before writeRegister counts it as the local's from then on).
      const address = this.address(op);
      const registerWrite = writesRegister ? this.writeRegister(n, D.size, `v${g}`) : '';
      const reloads = [
        writesRegister ? `r${TraceEmitter.holder(n, D.size)} = regs[${TraceEmitter.holder(n, D.size)}];` : '',
        row.flags === FLAGS_ARITHMETIC || row.flags === FLAGS_LOGIC || row.flags === FLAGS_SHIFT ? `a${g} = cpu.lazyA; b${g} = cpu.lazyB; v${g} = cpu.lazyResult;` : '',
      ].join(' ');
      this.push(`const ea${g} = ${address}; let a${g}, b${g}, c${g}, v${g};`);
      this.push(`{ const ea = ea${g}, e = tlb[ea >>> 12]; if ((e & ${mask}) !== 0${ALIGNED[size]}) { const p = ((e & -4096) | (ea & 4095)) >>> ${shift};` +
        `${readsMemory ? ` const m = ${ram}[p];` : ''} ${compute}${writesMemory ? ` ${ram}[p] = v${g};` : ''} ${registerWrite} }` +
        ` else ${this.slowPath(op, k, g, s, spill, reloads, String(op.next))} }`);
    }
    if (row.flags === FLAGS_ARITHMETIC || row.flags === FLAGS_LOGIC || row.flags === FLAGS_SHIFT) {
      this.pending = { row, g, carry };
    } else if (row.flags === FLAGS_ROTATE) {
      this.push(`{ const a = a${g}, b = b${g}, v = v${g}; ${flagStatements(row)} }`);
    }
  }

  /**
   * PUSH r32/imm32, POP r32, CALL rel32, RET: the fast path of Cpu.push32/pop32 in line (32-bit flat
   * SS, flat CS for the transfers, a TLB hit, aligned); otherwise everything is stored and the
   * executor runs, so a fault, a store into code or a non-flat segment behaves exactly as in the
   * interpreter.
   */
  private emitStack(op: Op, k: number, g: number, s: number): void {
    const spill = this.spill();
    const transfer = op.stackForm === STACK_CALL || op.stackForm === STACK_RET || op.stackForm === STACK_CALL_INDIRECT;
    const push = (value: string, after: string): void => {
      const mask = this.stackMask(true, transfer);
      this.reg(4);
      this.push(`{ const t = (r4 - 4) | 0, e = tlb[t >>> 12]; if ((e & ${mask}) !== 0 && (t & 3) === 0) { ram32[((e & -4096) | (t & 4095)) >>> 2] = ${value}; r4 = t; }` +
        ` else ${this.slowPath(op, k, g, s, spill, `r4 = regs[4]; ${after}`, transfer ? null : String(op.next))} }`);
      this.markDirty(4);
    };
    switch (op.stackForm) {
      case STACK_PUSH_REGISTER:
        push(this.reg(op.reg), '');
        break;
      case STACK_PUSH_IMMEDIATE:
        push(String(op.imm), '');
        break;
      case STACK_CALL:
        push(String(op.next), '');
        this.segmentEip = String(op.target);
        break;
      case STACK_CALL_INDIRECT: {
        // The target first (a register, or memory through the TLB), then CALL's push.
        const { code, ok } = this.indirectTarget(op, g);
        const mask = this.stackMask(true, true);
        this.reg(4);
        this.push(`let t${g}; { ${code} const t = (r4 - 4) | 0, e = tlb[t >>> 12]; if (${ok}(e & ${mask}) !== 0 && (t & 3) === 0) { ram32[((e & -4096) | (t & 4095)) >>> 2] = ${op.next}; r4 = t; t${g} = target; }` +
          ` else ${this.slowPath(op, k, g, s, spill, `r4 = regs[4]; t${g} = cpu.eip;`, null)} }`);
        this.markDirty(4);
        this.segmentEip = `t${g}`;
        break;
      }
      case STACK_POP_REGISTER:
      case STACK_RET: {
        // The value goes through t<g>: POP ESP leaves ESP = the value popped, not ESP + 4.
        const mask = this.stackMask(false, transfer);
        this.reg(4);
        const reload = op.stackForm === STACK_RET ? 'cpu.eip' : `regs[${op.reg}]`;
        this.push(`let t${g}; { const t = r4, e = tlb[t >>> 12]; if ((e & ${mask}) !== 0 && (t & 3) === 0) { t${g} = ram32[((e & -4096) | (t & 4095)) >>> 2]; r4 = (t + 4) | 0; }` +
          ` else ${this.slowPath(op, k, g, s, spill, `r4 = regs[4]; t${g} = ${reload};`, transfer ? null : String(op.next))} }`);
        this.markDirty(4);
        if (op.stackForm === STACK_POP_REGISTER) this.push(this.writeRegister(op.reg, 32, `t${g}`));
        else this.segmentEip = `t${g}`;
      }
    }
  }

  /** The target of CALL/JMP r/m32 into `target` (code), and the condition that it was read in line. */
  private indirectTarget(op: Op, g: number): { code: string; ok: string } {
    if (!op.isMemory) return { code: `const target = ${this.reg(op.rm)};`, ok: '' };
    const mask = this.dataMask(op.seg, false);
    return {
      code: `const ea = ${this.address(op)}, m = tlb[ea >>> 12], readable = (m & ${mask}) !== 0 && (ea & 3) === 0; const target = readable ? ram32[((m & -4096) | (ea & 4095)) >>> 2] : 0;`,
      ok: 'readable && ',
    };
  }

  /** JMP r/m32 at a block's end: EIP = the target when CS is flat and the read hits; otherwise its executor, and leave. */
  private emitIndirectJump(op: Op, k: number, g: number, s: number): void {
    const e = this.parameter(`e${g}`, op.execute);
    const o = this.parameter(`o${g}`, op);
    const { code, ok } = this.indirectTarget(op, g);
    this.push(`let t${g}; { ${code} if (${ok}segFast[1] !== 0) t${g} = target; else { ${TraceEmitter.FLUSH} ${this.spill()} cpu.block = block${s}; cpu.opIndex = ${k}; ${e}(cpu, ${o}); ${this.exitAfter(s, k, null)} } }`);
    this.segmentEip = `t${g}`;
  }

  /** JMP rel at a block's end: EIP = target when CS is flat; otherwise its executor, and leave. */
  private emitJump(op: Op, k: number, g: number, s: number): void {
    const e = this.parameter(`e${g}`, op.execute);
    const o = this.parameter(`o${g}`, op);
    this.push(`if (segFast[1] === 0) { ${TraceEmitter.FLUSH} ${this.spill()} cpu.block = block${s}; cpu.opIndex = ${k}; ${e}(cpu, ${o}); ${this.exitAfter(s, k, null)} }`);
    this.segmentEip = String(op.target);
  }

  /**
   * A Jcc at a block's end: from the condition tables (flags.ts, the ones testCondition is generated
   * from) when the record is known here; otherwise its executor, with the flags stored (a Jcc reads
   * no register and changes nothing else, so the locals and the checks stay valid).
   */
  private emitConditionalJump(op: Op, g: number): void {
    const condition = this.knownCondition(op.condition);
    if (condition !== null) {
      this.segmentEip = `((${condition}) ? ${op.target} : ${op.next})`;
      this.segmentBranch = { condition, target: op.target, next: op.next };
      return;
    }
    this.storeFlags();
    const e = this.parameter(`e${g}`, op.execute);
    const o = this.parameter(`o${g}`, op);
    this.push(`${e}(cpu, ${o});`);
    this.segmentEip = 'cpu.eip';
  }

  /** Any other op: its executor, from its own call site, with everything it may read stored first. */
  private emitCall(op: Op, k: number, g: number, s: number): void {
    this.storeAll();
    const e = this.parameter(`e${g}`, op.execute);
    const o = this.parameter(`o${g}`, op);
    this.push(`${TraceEmitter.FLUSH} ${this.setBlock(s)}cpu.opIndex = ${k}; ${e}(cpu, ${o}); checked = false;`);
    this.blockKnown = s;
    for (let r = 0; r < 8; r++) this.stale.add(r);
    this.freshMasks = new Set();
    this.check = 'no';
    this.pages.clear();
    if (k < this.segments[s]!.ops.length - 1) this.push(`if (cpu.exitBlock !== 0) ${this.exitAfter(s, k, String(op.next))}`);
    else this.segmentEip = op.isBranch ? 'cpu.eip' : String(op.next);
  }

  // --- Joins ----------------------------------------------------------------------------------

  /** Where the segment being compiled leaves EIP (a constant or an expression), set by its last op. */
  private segmentEip: string | null = null;
  /** When that expression is an in-line Jcc's `condition ? target : next`: its parts, so a join tests the condition itself. */
  private segmentBranch: { condition: string; target: number; next: number } | null = null;

  /**
   * `eip === address` as code, folded at compile time where it can be: after an in-line Jcc both
   * sides are constants, so the test is the condition, its negation, or a constant (V8 then sees a
   * plain branch on the flags expression instead of a select compared with a constant).
   */
  private static eipIs(eip: string, address: number, branch: TraceEmitter['segmentBranch']): string {
    if (/^-?\d+$/.test(eip)) return Number(eip) === address ? 'true' : 'false';
    if (branch === null) return `${eip} === ${address}`;
    if (branch.target === address && branch.next === address) return 'true';
    if (branch.target === address) return branch.condition;
    if (branch.next === address) return `!${branch.condition}`;
    return 'false';
  }

  private addPages(b: Block): void {
    this.pages.add(b.linear >>> 12);
    if (b.secondPage >= 0) this.pages.add(((b.linear >>> 12) + 1) & 0xfffff);
  }

  /** Checks that block b's code pages are mapped where it was decoded, for those not known to be. */
  private pageChecks(b: Block): string[] {
    const checks: string[] = [];
    const check = (linearPage: number, physical: number): void => {
      if (this.pages.has(linearPage)) return;
      checks.push(`(tlb[${linearPage}] & -4096) !== ${(physical & ~0xfff) | 0} || (tlb[${linearPage}] & cpu.tlbReadMask) === 0`);
    };
    check(b.linear >>> 12, b.physical);
    if (b.secondPage >= 0) check(((b.linear >>> 12) + 1) & 0xfffff, b.secondPage);
    return checks;
  }

  /**
   * Failing conditions of a join from segment `from` onto segment `index` (EIP already known to be
   * its start). Only an executor changes the code mode, so after in-line code it is still segment
   * `from`'s: a join into another mode tests it explicitly (and cannot succeed then).
   */
  private joinFailures(index: number, from: number): string[] {
    const next = this.segments[index]!;
    const mode = this.modes[index]!;
    // The budget is checked once a pass, at the head: the dispatcher enters a trace only with a whole
    // pass's instructions left (Block.compiledOps), so every join of the pass is within it. A check
    // at each join made every join a place where a slice's end left the trace: in time each of them
    // exits once, and each first exit through code V8 never ran de-optimised the whole function.
    const conditions = index === 0 ? [`remaining < ${this.passOps}`] : [];
    if (index !== 0) conditions.push(`!block${index}.valid`); // block 0 was valid at entry; an invalidation since sets exitBlock
    const full = `cpu.exitBlock !== 0 || cpu.pendingEvents !== 0 || (cpu.flags & ${TF | RF}) !== 0 || cpu.codeMode !== ${mode} || cpu.debugActive !== 0`;
    if (this.check === 'no') conditions.push(full);
    else if (this.check === 'maybe') conditions.push(`(!checked && (${full}))`);
    if (this.check !== 'no' && mode !== this.modes[from]) conditions.push(`cpu.codeMode !== ${mode}`);
    conditions.push(...this.pageChecks(next));
    return conditions;
  }

  private exitCode(eip: string, s: number): string {
    return `{ ${this.spill()} cpu.eip = ${eip}; ${this.setBlock(s)}${TraceEmitter.FLUSH} return remaining; }`;
  }

  /**
   * Back to the loop head (from the last block, or from any join where EIP came back to the first
   * block): the head expects the registers in locals, and the record its first instructions may read
   * in la, lb, lv, lop (the eager part of it already in cpu.flags, but for INC/DEC's kept CF, which
   * goes round in lcf: no store to cpu.flags per pass). Code only: the state is the head's.
   */
  private backEdgeCode(): string {
    const lines: string[] = [];
    // The head expects every register in its local and every mask computed.
    for (const r of [...this.stale].sort()) lines.push(`r${r} = regs[${r}];`);
    if (this.freshMasks !== null) lines.push('/*MASKS*/');
    const p = this.pending;
    if (this.carries && p === null) lines.push('la = cpu.lazyA; lb = cpu.lazyB; lv = cpu.lazyResult; lop = cpu.lazyOp; lcf = -1;');
    else if (this.carries && p !== null && p.row !== null) {
      const eager = eagerFlagStatements(p.row);
      // A kept CF of a record with no eager part goes round in lcf; otherwise it is stored with that part.
      const carry = p.carry === null ? 'lcf = -1; ' : eager === '' ? `lcf = ${p.carry}; ` : `lcf = -1; cpu.flags = (cpu.flags & ${~CF}) | ${p.carry}; `;
      lines.push(`{ const a = a${p.g}, b = b${p.g}, v = v${p.g}; ${carry}${eager} la = a; lb = b; lv = v; lop = ${p.row.lazyOp}; }`);
    }
    lines.push('continue;');
    return lines.join(' ');
  }

  /** `if (eip === head) { checks; go round }`, for a join whose EIP is known only at run time. */
  private toHead(eip: string, s: number, branch: TraceEmitter['segmentBranch']): string {
    const head = this.segments[0]!.ops[0]!.address;
    const atHead = TraceEmitter.eipIs(eip, head, branch);
    if (atHead === 'false') return '';
    const failures = this.joinFailures(0, s);
    if (atHead === 'false') return '';
    return `if (${atHead}) { if (${failures.join(' || ')}) ${this.exitCode(eip, s)} checked = true; ${this.backEdgeCode()} }`;
  }

  private endSegment(s: number): void {
    const segment = this.segments[s]!;
    const count = segment.ops.length;
    const last = segment.ops[count - 1]!;
    const eip = this.segmentEip ?? String(last.next);
    const branch = this.segmentBranch;
    this.segmentEip = null;
    this.segmentBranch = null;
    const notAt = (address: number): string[] => {
      const is = TraceEmitter.eipIs(eip, address, branch);
      return is === 'true' ? [] : [is === 'false' ? 'true' : `!(${is})`];
    };
    this.push(`remaining -= ${count}; cyc += ${segment.centicyclesBefore[count]!};`);
    const constant = /^-?\d+$/.test(eip);
    const head = this.segments[0]!.ops[0]!.address;
    if (s === this.segments.length - 1) {
      // The end of the trace: round the loop when EIP is back at the head, else leave.
      if (!this.loops || (constant && Number(eip) !== head)) {
        this.push(this.exitCode(eip, s));
        return;
      }
      // The loop's own back edge falls through to the end of the loop body (V8 optimises that shape best).
      const conditions = notAt(head);
      conditions.push(...this.joinFailures(0, s));
      this.push(`if (${conditions.join(' ||\n    ')}) ${this.exitCode(eip, s)}`);
      this.push(`checked = true; ${this.backEdgeCode().replace(/ ?continue;$/, '')}`);
      return;
    }
    const next = this.segments[s + 1]!;
    const start = next.ops[0]!.address;
    if (this.loops && !constant && start !== head) this.push(this.toHead(eip, s, branch));
    const conditions = notAt(start); // a constant other than start cannot happen: the link says so
    conditions.push(...this.joinFailures(s + 1, s));
    this.push(`if (${conditions.join(' ||\n    ')}) ${this.exitCode(eip, s)}`);
    if (this.check !== 'yes') this.push('checked = true;');
    this.check = 'yes';
    this.addPages(next);
    this.blockKnown = -1;
  }
}
