// The block compiler: a hot block becomes one JavaScript function that runs its ops' executors in
// order, each from its own call site, and that loops on itself when the block branches back to its
// own start.
//
// In the interpreter loop every instruction goes through one call site, `op.execute(cpu, op)`, which
// V8 sees with hundreds of targets (megamorphic: no inlining). In a compiled block each call site has
// exactly one target, so V8 inlines the executors — semantics stay in the executors, shared by both
// paths: the compiler never restates an instruction. What it adds is the run loop's own work, done
// once per block instead of once per instruction, and for a loop (a block ending in a branch to its
// own first instruction: `dec; jnz 1b`) no return to the dispatcher at all between iterations.
//
// The contract with run.ts (the interpreter's, kept exactly):
//   - cpu.opIndex names the op running, so a fault unwinds to its precise EIP with every earlier op of
//     the iteration retired and every later one not started (run.ts unwindFault);
//   - an op that sets cpu.exitBlock (a store into decoded code, a stop request, an invalidation of
//     the running block) ends the block after itself;
//   - retired instructions are added to cpu.instructionCount as they retire, one block pass at a time;
//   - a loop iterates only while the next pass would run whole under the instruction budget, with no
//     pending event (an IRQ, the PIT), no single-step (TF), no breakpoint, in the same code mode and
//     TLB generation it was entered in: so interrupts are seen within one block pass, exactly where the
//     interpreter would see them.
// The function returns the budget left; EIP is set when it returns.

import type { Cpu } from './cpu.ts';
import type { Block } from './code-cache.ts';
import { INLINE_ADDRESS, INLINE_IMMEDIATE, INLINE_MEMORY, STACK_CALL, STACK_POP_REGISTER, STACK_PUSH_REGISTER, STACK_RET, type InlineForm, type Op } from './op.ts';
import { FAST_READ, FAST_WRITE, NO_REGISTER_SLOT } from './cpu.ts';
import { CF, RF, TF, SUB32, CONDITIONS_AFTER_LOGIC32, CONDITIONS_AFTER_SUB32, CONDITIONS_FROM_RESULT32, keepCarry } from './flags.ts';
import { CLEAR_CARRY_OVERFLOW_ADJUST } from './operations/register-forms.ts';

/** Runs a compiled block (one or more passes) within `remaining` instructions; returns what is left. */
export type CompiledBlock = (cpu: Cpu, remaining: number) => number;

/**
 * Compile a trace: blocks that ran one after the other (each the previous one's first link), as one
 * function, so the common path through them never returns to the dispatcher. Each join is guarded —
 * the previous block left EIP at the next block's start, in the same code mode and TLB generation,
 * the block is still valid, the budget covers it, no event, no TF, no stop — and a guard that fails
 * returns with the state of an ordinary block exit. When the last block comes back to the first, the
 * trace loops. cpu.block names the block running, so a fault unwinds exactly as in the interpreter.
 */
export function compileTrace(segments: readonly Block[]): CompiledBlock {
  const block = segments[0]!;
  const allOps = segments.flatMap((b) => b.ops);
  const names: string[] = ['keepCarry', ...segments.map((_, i) => `block${i}`)];
  const values: unknown[] = [keepCarry, ...segments];
  const body: string[] = [];
  const usesLocals = (op: Op): boolean => op.inline !== null || op.stackForm !== 0;
  const anyInline = allOps.some(usesLocals);
  // Compile-time state of the host locals: guest registers changed in locals and not yet stored,
  // and the lazy-flags record of the last in-line instruction, not yet stored (flag liveness: a
  // record that a later instruction replaces before anything reads it is never stored at all).
  const dirty = new Set<number>();
  let pending: { op: InlineForm; k: number } | null = null;
  const storeRegisters = (): void => {
    for (const r of [...dirty].sort()) body.push(`regs[${r}] = r${r};`);
    dirty.clear();
  };
  const storeFlags = (): void => {
    if (pending === null) return;
    const { op, k: g } = pending;
    body.push(op.arithmetic ? `cpu.lazyA = a${g}; cpu.lazyB = b${g};` : `cpu.flags &= ${CLEAR_CARRY_OVERFLOW_ADJUST};`);
    body.push(`cpu.lazyResult = v${g}; cpu.lazyOp = ${op.lazyOp};`);
    pending = null;
  };
  const LOAD = 'r0 = regs[0]; r1 = regs[1]; r2 = regs[2]; r3 = regs[3]; r4 = regs[4]; r5 = regs[5]; r6 = regs[6]; r7 = regs[7];';
  /** Whether the locals hold the guest registers (false after an executor call until reloaded). */
  let localsValid = true;
  const loadRegisters = (): void => {
    if (anyInline) body.push(LOAD);
    localsValid = true;
  };
  // Loaded once on entry; a loop keeps them across passes (reloaded only after an executor).
  const prologue = anyInline ? `let r0, r1, r2, r3, r4, r5, r6, r7;\n${LOAD}` : '';
  /** The stores of storeRegisters/storeFlags as code only, for a slow path (compile-time state kept). */
  const spill = (): string => {
    const lines = [...dirty].sort().map((r) => `regs[${r}] = r${r};`);
    if (pending !== null) {
      const { op, k: g } = pending;
      lines.push(op.arithmetic ? `cpu.lazyA = a${g}; cpu.lazyB = b${g};` : `cpu.flags &= ${CLEAR_CARRY_OVERFLOW_ADJUST};`);
      lines.push(`cpu.lazyResult = v${g}; cpu.lazyOp = ${op.lazyOp};`);
    }
    return lines.join(' ');
  };
  /** A condition as an expression over the pending record's locals, when a table answers it. */
  const knownCondition = (cc: number): string | null => {
    if (pending === null) return null;
    const { op: p, k: g } = pending;
    const table = p.lazyOp === SUB32 ? CONDITIONS_AFTER_SUB32 : !p.arithmetic ? CONDITIONS_AFTER_LOGIC32 : CONDITIONS_FROM_RESULT32;
    const expression = table[cc] ?? null;
    if (expression === null) return null;
    return `((a, b, r) => ${expression})(a${g}, b${g}, v${g})`;
  };
  /** The effective address of op's memory operand, registers from locals, constants folded. */
  const address = (op: Op): string => {
    const terms: string[] = [];
    if (op.base !== NO_REGISTER_SLOT) terms.push(`r${op.base}`);
    if (op.index !== NO_REGISTER_SLOT) terms.push(op.scale === 0 ? `r${op.index}` : `(r${op.index} << ${op.scale})`);
    if (op.disp !== 0 || terms.length === 0) terms.push(String(op.disp));
    return `((${terms.join(' + ')}) & ${op.addressMask})`;
  };
  /**
   * PUSH r32, POP r32, CALL rel32, RET: the fast path of Cpu.push32/pop32 in line (32-bit flat SS, flat
   * CS for the transfers, a TLB hit, aligned); otherwise the locals are spilled and the executor runs,
   * so a fault, a store into code or a non-flat segment behaves exactly as in the interpreter.
   */
  const emitStack = (op: Op, k: number, g: number, count: number): void => {
    names.push(`e${g}`, `o${g}`);
    values.push(op.execute, op);
    const slow = (after: string): string => `else { ${spill()} cpu.opIndex = ${k}; ${after} }`;
    const exitIfCode = k < count - 1 ? ` if (cpu.exitBlock !== 0) { cpu.eip = ${op.next}; cpu.instructionCount += ${k + 1}; return remaining - ${k + 1}; }` : '';
    const pushProbe = (value: string, then: string): string =>
      `{ const t = (r4 - 4) | 0; const e = cpu.stack32 && (segFast[2] & ${FAST_WRITE}) !== 0${op.stackForm === STACK_CALL ? ' && segFast[1] !== 0' : ''} ? tlb[t >>> 12] : 0;` +
      ` if ((e & cpu.tlbWriteMask) !== 0 && (t & 0xfff) <= 0xffc && (t & 3) === 0) { ram32[((e & ~0xfff) | (t & 0xfff)) >>> 2] = ${value}; r4 = t; ${then} }`;
    const popProbe = (target: string): string =>
      `{ const s = r4; const e = cpu.stack32 && (segFast[2] & ${FAST_READ}) !== 0${op.stackForm === STACK_RET ? ' && segFast[1] !== 0' : ''} ? tlb[s >>> 12] : 0;` +
      ` if ((e & cpu.tlbReadMask) !== 0 && (s & 0xfff) <= 0xffc && (s & 3) === 0) { ${target} = ram32[((e & ~0xfff) | (s & 0xfff)) >>> 2]; r4 = (s + 4) | 0; }`;
    switch (op.stackForm) {
      case STACK_PUSH_REGISTER:
        body.push(`${pushProbe(`r${op.reg}`, '')} ${slow(`e${g}(cpu, o${g}); r4 = regs[4];${exitIfCode}`)} }`);
        dirty.add(4);
        break;
      case STACK_POP_REGISTER:
        body.push(`let p${g}; ${popProbe(`p${g}`)} ${slow(`p${g} = cpu.pop32(); r4 = regs[4];`)} }`);
        body.push(`r${op.reg} = p${g};`);
        dirty.add(4);
        dirty.add(op.reg);
        break;
      case STACK_CALL:
        body.push(`${pushProbe(String(op.next), `cpu.eip = ${op.target};`)} ${slow(`e${g}(cpu, o${g}); r4 = regs[4];`)} }`);
        dirty.add(4);
        break;
      default: // STACK_RET
        body.push(`${popProbe('cpu.eip')} ${slow(`e${g}(cpu, o${g}); r4 = regs[4];`)} }`);
        dirty.add(4);
    }
  };
  const head = block.ops[0]!.address;
  let base = 0;
  segments.forEach((segment, s) => {
    const ops = segment.ops;
    const count = ops.length;
    const last = ops[count - 1]!;
    if (s > 0) {
      body.push(`if (cpu.eip !== ${ops[0]!.address} || remaining < ${count} || cpu.exitBlock !== 0 || cpu.pendingEvents !== 0 || (cpu.flags & ${TF | RF}) !== 0 ||`);
      body.push(`    cpu.codeGeneration !== generation || cpu.codeMode !== mode || !block${s}.valid) return remaining;`);
      body.push(`cpu.block = block${s};`);
      if (!localsValid) loadRegisters();
    }
    ops.forEach((op, k) => {
      const g = base + k;
      const inline = op.inline;
      if (inline !== null) {
        // In line, from the same row the executor was generated from (register-forms.ts). Register
        // forms cannot fault and store nothing: no opIndex, no exitBlock test. A memory operand takes
        // the TLB hit path in line (the fast path of Cpu.read32/write32: flat segment, a TLB entry with
        // the permission for this CPL, aligned, on one page); anything else spills the locals, names the
        // op in cpu.opIndex and calls the CPU's own access, which faults precisely or invalidates code.
        const memoryAddress = inline.destination === INLINE_MEMORY || inline.source === INLINE_MEMORY ? `ea${g}` : '';
        if (memoryAddress !== '') body.push(`const ea${g} = ${address(op)};`);
        const load = (): string =>
          `let m${g}; { const e = (segFast[${op.seg}] & ${FAST_READ}) !== 0 ? tlb[ea${g} >>> 12] : 0;` +
          ` if ((e & cpu.tlbReadMask) !== 0 && (ea${g} & 0xfff) <= 0xffc && (ea${g} & 3) === 0) m${g} = ram32[((e & ~0xfff) | (ea${g} & 0xfff)) >>> 2];` +
          ` else { ${spill()} cpu.opIndex = ${k}; m${g} = cpu.read32(${op.seg}, ea${g}); } }`;
        const aValue = !inline.readsDestination ? '0' : inline.destination === INLINE_MEMORY ? `m${g}` : `r${inline.destination}`;
        const bValue = inline.source === INLINE_MEMORY ? `m${g}` : inline.source === INLINE_IMMEDIATE ? String(inline.immediate)
          : inline.source === INLINE_ADDRESS ? address(op) : `r${inline.source}`;
        if (inline.source === INLINE_MEMORY || (inline.destination === INLINE_MEMORY && inline.readsDestination)) body.push(load());
        body.push(`const a${g} = ${aValue}, b${g} = ${bValue};`);
        if (inline.setsFlags && inline.keepsCarry) {
          // INC/DEC keep CF (keepCarry). Known at compile time from the pending record: after a logic
          // operation CF is 0 (only that bit of its record is still live), after INC/DEC it is already
          // in cpu.flags; otherwise the record is stored and keepCarry computes it.
          if (pending !== null && !pending.op.arithmetic) {
            body.push(`cpu.flags &= ${~CF};`);
            pending = null;
          } else if (pending === null || !pending.op.keepsCarry) {
            storeFlags();
            body.push('keepCarry(cpu);');
          } else {
            pending = null;
          }
        }
        body.push(`let v${g}; { const a = a${g}, b = b${g}; v${g} = ${inline.result}; }`);
        if (inline.writesDestination) {
          if (inline.destination === INLINE_MEMORY) {
            body.push(`{ const e = (segFast[${op.seg}] & ${FAST_WRITE}) !== 0 ? tlb[ea${g} >>> 12] : 0;` +
              ` if ((e & cpu.tlbWriteMask) !== 0 && (ea${g} & 0xfff) <= 0xffc && (ea${g} & 3) === 0) ram32[((e & ~0xfff) | (ea${g} & 0xfff)) >>> 2] = v${g};` +
              ` else { ${spill()} cpu.opIndex = ${k}; cpu.write32(${op.seg}, ea${g}, v${g});` +
              (k < count - 1 ? ` if (cpu.exitBlock !== 0) { cpu.eip = ${op.next}; cpu.instructionCount += ${k + 1}; return remaining - ${k + 1}; }` : '') +
              ' } }');
          } else {
            body.push(`r${inline.destination} = v${g};`);
            dirty.add(inline.destination);
          }
        }
        if (inline.setsFlags) pending = { op: inline, k: g };
        return;
      }
      if (op.stackForm !== 0) {
        emitStack(op, k, g, count);
        return;
      }
      const condition = op.conditionalJump && k === count - 1 ? knownCondition(op.condition) : null;
      if (condition !== null) {
        // A Jcc whose flags record is known here: the condition from flags.ts's tables (the ones
        // testCondition is generated from), then the same choice of EIP as its executor.
        storeRegisters();
        storeFlags();
        body.push(`cpu.eip = (${condition}) ? ${op.target} : ${op.next};`);
        return;
      }
      // An executor call: everything it may read is stored first, so it sees exactly the
      // interpreter's state (and a fault in it unwinds with the precise registers and flags).
      storeRegisters();
      storeFlags();
      names.push(`e${g}`, `o${g}`);
      values.push(op.execute, op);
      body.push(`cpu.opIndex = ${k}; e${g}(cpu, o${g});`);
      localsValid = false;
      if (k < count - 1) {
        body.push(`if (cpu.exitBlock !== 0) { cpu.eip = ${op.next}; cpu.instructionCount += ${k + 1}; return remaining - ${k + 1}; }`);
        if (ops.slice(k + 1).some(usesLocals)) loadRegisters();
      }
    });
    storeRegisters();
    storeFlags();
    if (!last.isBranch) body.push(`cpu.eip = ${last.next};`);
    body.push(`cpu.instructionCount += ${count}; remaining -= ${count};`);
    base += count;
  });
  // A trace whose last block can come back to its first loops inside the function.
  const final = segments[segments.length - 1]!;
  const finalOp = final.ops[final.ops.length - 1]!;
  const loops = (finalOp.isBranch && finalOp.target === head) || (segments.length > 1 && final.link1 === block);
  if (loops) {
    body.push(`if (cpu.eip !== ${head} || remaining < ${block.ops.length} || cpu.exitBlock !== 0 || cpu.pendingEvents !== 0 || (cpu.flags & ${TF | RF}) !== 0 ||`);
    body.push(`    cpu.breakpointCount !== 0 || cpu.codeGeneration !== generation || cpu.codeMode !== mode || !block0.valid) return remaining;`);
    if (segments.length > 1) body.push('cpu.block = block0;');
    if (!localsValid && anyInline) body.push(LOAD);
  } else {
    body.push('return remaining;');
  }
  const source = loops
    ? `return function compiledLoop(cpu, remaining) {\nconst regs = cpu.regs, segFast = cpu.segFast, tlb = cpu.tlb, ram32 = cpu.ram32, generation = cpu.codeGeneration, mode = cpu.codeMode;\n${prologue}\nfor (;;) {\n${body.join('\n')}\n}\n};`
    : `return function compiledBlock(cpu, remaining) {\nconst regs = cpu.regs, segFast = cpu.segFast, tlb = cpu.tlb, ram32 = cpu.ram32, generation = cpu.codeGeneration, mode = cpu.codeMode;\n${prologue}\n${body.join('\n')}\n};`;
  const factory = new Function(...names, source) as (...args: unknown[]) => CompiledBlock;
  return factory(...values);
}
