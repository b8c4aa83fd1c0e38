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
import type { Executor, Op } from './op.ts';
import { TF } from './flags.ts';

/** Runs a compiled block (one or more passes) within `remaining` instructions; returns what is left. */
export type CompiledBlock = (cpu: Cpu, remaining: number) => number;

export function compileBlock(block: Block): CompiledBlock {
  const ops = block.ops;
  const count = ops.length;
  const last = ops[count - 1]!;
  const names: string[] = ['block'];
  const values: (Executor | Op | Block)[] = [block];
  const body: string[] = [];
  ops.forEach((op, k) => {
    names.push(`e${k}`, `o${k}`);
    values.push(op.execute, op);
    body.push(`cpu.opIndex = ${k}; e${k}(cpu, o${k});`);
    if (k < count - 1) body.push(`if (cpu.exitBlock !== 0) { cpu.eip = ${op.next}; cpu.instructionCount += ${k + 1}; return remaining - ${k + 1}; }`);
  });
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
    ? `return function compiledLoop(cpu, remaining) {\nconst generation = cpu.codeGeneration, mode = cpu.codeMode;\nfor (;;) {\n${body.join('\n')}\n}\n};`
    : `return function compiledBlock(cpu, remaining) {\n${body.join('\n')}\n};`;
  const factory = new Function(...names, source) as (...args: (Executor | Op | Block)[]) => CompiledBlock;
  return factory(...values);
}
