// The first step of a block compiler: a hot block becomes one JavaScript function that calls its
// ops' executors in order, each from its own call site.
//
// In the interpreter loop every instruction goes through one call site, `op.execute(cpu, op)`, which
// V8 sees with hundreds of targets (megamorphic: no inlining). In a compiled block each call site has
// exactly one target, so V8 can inline the executors — semantics stay in the executors, shared by
// both paths. The generated code keeps the interpreter's contract: cpu.opIndex names the op running
// (for fault unwinding), and the block stops early when an op sets cpu.exitBlock. It returns the
// number of ops that completed.

import type { Cpu } from './cpu.ts';
import type { Block } from './code-cache.ts';
import type { Executor, Op } from './op.ts';

export type CompiledBlock = (cpu: Cpu) => number;

/** Executions of a block before it is compiled: cold code is not worth a `new Function`. */
export const COMPILE_THRESHOLD = 200;

export function compileBlock(block: Block): CompiledBlock {
  const ops = block.ops;
  const names: string[] = [];
  const values: (Executor | Op)[] = [];
  const lines: string[] = [];
  ops.forEach((op, k) => {
    names.push(`e${k}`, `o${k}`);
    values.push(op.execute, op);
    lines.push(`cpu.opIndex = ${k}; e${k}(cpu, o${k});`);
    lines.push(k === ops.length - 1 ? `return ${k + 1};` : `if (cpu.exitBlock !== 0) return ${k + 1};`);
  });
  const factory = new Function(...names, `return function compiledBlock(cpu) {\n${lines.join('\n')}\n};`) as (...args: (Executor | Op)[]) => CompiledBlock;
  return factory(...values);
}
