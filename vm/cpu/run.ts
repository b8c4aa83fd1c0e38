// The run loop: fetch a block, execute its ops, repeat; turn thrown faults into exception delivery.
//
// The hot loop has no try/catch inside and allocates nothing. A fault thrown by an executor unwinds
// to `runCpu`, which rolls EIP back to the faulting op (cpu.block.ops[cpu.opIndex].address) or past it
// for traps, counts the ops that completed, and calls cpu.deliverException.

import { StopKind, type Cpu } from './cpu.ts';
import { EventKind, Vector } from './fault.ts';
import { RF, TF } from './flags.ts';
import { compileTrace, type CompiledBlock } from './block-compiler.ts';
import type { Block } from './code-cache.ts';

/** Run until `maxInstructions` have retired or something stops the CPU. Returns why it stopped. */
export function runCpu(cpu: Cpu, maxInstructions: number): StopKind {
  cpu.stopKind = StopKind.None;
  cpu.exitBlock = 0;
  // The budget is kept as the instruction count to reach, so a fault (which unwinds past the block
  // loop's locals) cannot lose track of what already retired.
  const end = cpu.instructionCount + maxInstructions;
  while (cpu.stopKind === StopKind.None) {
    if (cpu.instructionCount >= end) {
      cpu.stopKind = StopKind.Limit;
      break;
    }
    try {
      executeBlocks(cpu, end - cpu.instructionCount);
    } catch (e) {
      if (e !== cpu.fault) throw e;
      unwindFault(cpu);
      deliver(cpu);
    }
  }
  return cpu.stopKind;
}

function executeBlocks(cpu: Cpu, remaining: number): void {
  const code = cpu.code;
  if (cpu.pendingEvents !== 0) {
    cpu.onPendingEvents(cpu);
    if (cpu.stopKind !== StopKind.None) return;
  }
  cpu.opIndex = -1; // a fault before the first op belongs to no block: EIP is already right
  let block = code.lookup();
  for (;;) {
    if (cpu.breakpointCount !== 0 && stopsAtBreakpoint(cpu, block)) return;
    const ops = block.ops;
    cpu.block = block;
    const compiled = block.compiled;
    // EFLAGS.TF: one instruction, then a single-step #DB (SDM Vol. 3A 17.3.1.4). EFLAGS.RF (set by an
    // IRET back to a faulting instruction): one instruction, then RF is cleared (17.3.1.1). Both are
    // rare, so one test covers them; they, breakpoints, and the last block before the limit when it
    // would not run whole, run in the interpreter.
    const oneInstruction = (cpu.flags & (TF | RF)) !== 0;
    const singleStep = (cpu.flags & TF) !== 0;
    if (compiled !== null && ops.length <= remaining && !oneInstruction && cpu.breakpointCount === 0) {
      remaining = compiled(cpu, remaining);
      block = cpu.block; // a trace may have ended in a later block than it started
    } else {
      if (compiled === null && cpu.jitThreshold !== 0 && ++block.runs >= cpu.jitThreshold && block.valid) {
        block.compiled = compile(cpu, block);
        if (ops.length <= remaining && !oneInstruction && cpu.breakpointCount === 0) {
          remaining = block.compiled(cpu, remaining);
          block = cpu.block;
          if (!finishBlock(cpu)) return;
          if (remaining <= 0) return;
          block = code.next(block);
          continue;
        }
      }
      let n = ops.length < remaining ? ops.length : remaining;
      if (oneInstruction) { n = 1; cpu.resumeFlagLoaded = false; }
      let i = 0;
      while (i < n) {
        const op = ops[i]!;
        cpu.opIndex = i;
        op.execute(cpu, op);
        i++;
        if (cpu.exitBlock !== 0) break;
      }
      const last = ops[i - 1]!;
      if (!last.isBranch) cpu.eip = last.next;
      cpu.instructionCount += i;
      remaining -= i;
      if (oneInstruction) {
        if (!finishBlock(cpu)) return;
        finishOneInstruction(cpu, singleStep);
      }
    }
    if (!finishBlock(cpu)) return;
    if (remaining <= 0) return;
    if (cpu.pendingEvents !== 0) {
      cpu.onPendingEvents(cpu);
      if (cpu.stopKind !== StopKind.None) return;
    }
    block = code.next(block);
  }
}

/** After a block: false when the run must return (a stop was requested). */
function finishBlock(cpu: Cpu): boolean {
  cpu.opIndex = -1;
  if (cpu.exitBlock !== 0) {
    cpu.exitBlock = 0;
    if (cpu.stopKind !== StopKind.None) return false;
  }
  return true;
}

/** Blocks in one trace at most, and instructions (bounds both compile time and interrupt latency). */
const MAX_TRACE_BLOCKS = 8;
const MAX_TRACE_OPS = 128;

/**
 * Compile a block and the blocks that followed it: each block's first link, as long as it was made in
 * this code mode and TLB generation, until the path comes back to a block already in the trace.
 */
function compile(cpu: Cpu, block: Block): CompiledBlock {
  const code = cpu.code;
  const t0 = performance.now();
  const segments = [block];
  let ops = block.ops.length;
  for (let b = block; segments.length < MAX_TRACE_BLOCKS;) {
    const next = b.link1;
    if (next === null || !next.valid || b.linkMode1 !== cpu.codeMode || b.linkGeneration !== cpu.codeGeneration) break;
    if (segments.includes(next) || ops + next.ops.length > MAX_TRACE_OPS) break;
    segments.push(next);
    ops += next.ops.length;
    b = next;
  }
  const compiled = compileTrace(segments);
  code.compileMilliseconds += performance.now() - t0;
  code.blocksCompiled++;
  return compiled;
}

/** Whether the block starts at a breakpoint not just reported; if so the run stops before it. */
function stopsAtBreakpoint(cpu: Cpu, block: Block): boolean {
  const linear = block.linear >>> 0;
  if (!cpu.breakpoints.has(linear) || cpu.breakpointResume === linear) {
    cpu.breakpointResume = -1;
    return false;
  }
  cpu.breakpointResume = linear;
  cpu.block = null;
  cpu.requestStop(StopKind.Breakpoint);
  return true;
}

/**
 * After an instruction run alone because TF or RF was set: the processor clears RF once the
 * instruction completes (unless the instruction itself loaded it: IRET, a task switch), then takes
 * the single-step trap if TF was set before it — EIP already points at the next instruction; DR6.BS says why.
 */
function finishOneInstruction(cpu: Cpu, singleStep: boolean): void {
  if (!cpu.resumeFlagLoaded) cpu.flags &= ~RF;
  cpu.resumeFlagLoaded = false;
  if (!singleStep) return;
  cpu.dr[6] = cpu.dr[6]! | DR6_BS;
  cpu.raiseTrap(Vector.DB, false);
}
const DR6_BS = 0x4000;

/** Put EIP where the exception says; count the ops of the block (this pass of it) that completed. */
function unwindFault(cpu: Cpu): void {
  const block: Block | null = cpu.block;
  cpu.block = null;
  if (block === null || cpu.opIndex < 0) return; // the fault came from fetching: cpu.eip is already the instruction
  const op = block.ops[cpu.opIndex]!;
  const f = cpu.fault;
  cpu.eip = f.trap ? op.next : op.address;
  cpu.instructionCount += cpu.opIndex + (f.trap ? 1 : 0);
  cpu.opIndex = -1;
}

/**
 * Call the exception hook. If delivering raises another fault (a bad IDT entry, a stack fault while
 * pushing), the hook is called again with the new one; the hook itself decides on #DF. A third
 * nested fault shuts the CPU down (triple fault).
 */
function deliver(cpu: Cpu): void {
  for (let nesting = 0; ; nesting++) {
    const f = cpu.fault;
    if (nesting === 3) {
      cpu.requestStop(StopKind.Exception, Vector.DF, 0);
      return;
    }
    const kind = f.software ? EventKind.SoftwareInterrupt : f.trap ? EventKind.Trap : EventKind.Fault;
    try {
      cpu.onException?.(cpu, f.vector, f.errorCode, kind);
      cpu.deliverException(cpu, f.vector, f.errorCode, kind);
      return;
    } catch (e) {
      if (e !== cpu.fault) throw e;
    }
  }
}
