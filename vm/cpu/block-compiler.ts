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
import type { InlineAlu } from './op.ts';
import { AF, CF, OF, TF, keepCarry } from './flags.ts';

/** Runs a compiled block (one or more passes) within `remaining` instructions; returns what is left. */
export type CompiledBlock = (cpu: Cpu, remaining: number) => number;

export function compileBlock(block: Block): CompiledBlock {
  const ops = block.ops;
  const count = ops.length;
  const last = ops[count - 1]!;
  const names: string[] = ['block', 'keepCarry'];
  const values: unknown[] = [block, keepCarry];
  const body: string[] = [];
  const anyInline = ops.some((op) => op.inline !== null);
  // Compile-time state of the host locals: guest registers changed in locals and not yet stored,
  // and the lazy-flags record of the last in-line instruction, not yet stored (flag liveness: a
  // record that a later instruction replaces before anything reads it is never stored at all).
  const dirty = new Set<number>();
  let pending: { op: InlineAlu; k: number } | null = null;
  const storeRegisters = (): void => {
    for (const r of [...dirty].sort()) body.push(`regs[${r}] = r${r};`);
    dirty.clear();
  };
  const storeFlags = (): void => {
    if (pending === null) return;
    const { op, k } = pending;
    body.push(op.arithmetic ? `cpu.lazyA = a${k}; cpu.lazyB = b${k};` : `cpu.flags &= ${~(CF | OF | AF)};`);
    body.push(`cpu.lazyResult = v${k}; cpu.lazyOp = ${op.lazyOp};`);
    pending = null;
  };
  const loadRegisters = (): void => {
    if (anyInline) body.push('r0 = regs[0]; r1 = regs[1]; r2 = regs[2]; r3 = regs[3]; r4 = regs[4]; r5 = regs[5]; r6 = regs[6]; r7 = regs[7];');
  };
  if (anyInline) body.push('let r0, r1, r2, r3, r4, r5, r6, r7;');
  loadRegisters();
  ops.forEach((op, k) => {
    const inline = op.inline;
    if (inline !== null) {
      // In line, from the same row of REGISTER_FORMS the executor was generated from. A register-form
      // ALU instruction cannot fault and stores nothing: no opIndex, no exitBlock test.
      body.push(`const a${k} = r${inline.destination}, b${k} = ${inline.sourceRegister >= 0 ? `r${inline.sourceRegister}` : inline.immediate};`);
      if (inline.keepsCarry) {
        storeFlags();
        body.push('keepCarry(cpu);');
      }
      body.push(`let v${k}; { const a = a${k}, b = b${k}; v${k} = ${inline.result}; }`);
      if (inline.writesDestination) {
        body.push(`r${inline.destination} = v${k};`);
        dirty.add(inline.destination);
      }
      pending = { op: inline, k };
      return;
    }
    // An executor call: everything it may read is stored first, so it sees exactly the
    // interpreter's state (and a fault in it unwinds with the precise registers and flags).
    storeRegisters();
    storeFlags();
    names.push(`e${k}`, `o${k}`);
    values.push(op.execute, op);
    body.push(`cpu.opIndex = ${k}; e${k}(cpu, o${k});`);
    if (k < count - 1) {
      body.push(`if (cpu.exitBlock !== 0) { cpu.eip = ${op.next}; cpu.instructionCount += ${k + 1}; return remaining - ${k + 1}; }`);
      if (ops.slice(k + 1).some((o) => o.inline !== null)) loadRegisters();
    }
  });
  storeRegisters();
  storeFlags();
  if (!last.isBranch) body.push(`cpu.eip = ${last.next};`);
  body.push(`cpu.instructionCount += ${count}; remaining -= ${count};`);
  // Only a block whose exit can land on its own start is worth the loop test.
  const loops = last.isBranch && last.target === block.ops[0]!.address;
  if (loops) {
    body.push(`if (cpu.eip !== ${ops[0]!.address} || remaining < ${count} || cpu.exitBlock !== 0 || cpu.pendingEvents !== 0 || (cpu.flags & ${TF}) !== 0 ||`);
    body.push(`    cpu.breakpointCount !== 0 || cpu.codeGeneration !== generation || cpu.codeMode !== mode || !block.valid) return remaining;`);
  } else {
    body.push('return remaining;');
  }
  const source = loops
    ? `return function compiledLoop(cpu, remaining) {\nconst regs = cpu.regs, generation = cpu.codeGeneration, mode = cpu.codeMode;\nfor (;;) {\n${body.join('\n')}\n}\n};`
    : `return function compiledBlock(cpu, remaining) {\nconst regs = cpu.regs;\n${body.join('\n')}\n};`;
  const factory = new Function(...names, source) as (...args: unknown[]) => CompiledBlock;
  return factory(...values);
}
