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
import { runChecked } from './debug/checked-run.ts';
import { DR6_BS } from './debug/debug-registers.ts';

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
      cpu.resumingAfterLimit = true;
      break;
    }
    try {
      // While anything watches (breakpoints, watchpoints, stepping), instructions run checked.
      if (cpu.debugActive !== 0) runChecked(cpu, end - cpu.instructionCount);
      else executeBlocks(cpu, end - cpu.instructionCount);
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
  // A block entered only because a budget ended just before it (a slice of the machine's run, every
  // millisecond or so, at whatever instruction it reached) is not counted towards compiling it:
  // otherwise every block of a hot loop, and every tail of one that a slice cut in two, in time
  // becomes the head of a trace of its own — 18 traces of the same system-call round trip, each a
  // large function for V8 to optimise again.
  // (With the threshold at 1, the forced-JIT suite's setting, every block is compiled all the same.)
  let counted = !cpu.resumingAfterLimit || cpu.jitThreshold === 1;
  cpu.resumingAfterLimit = false;
  for (;;) {
    if (cpu.debugActive !== 0) return; // runCpu continues in the checked loop
    const ops = block.ops;
    cpu.block = block;
    const compiled = block.compiled;
    // EFLAGS.TF: one instruction, then a single-step #DB (SDM Vol. 3A 17.3.1.4). EFLAGS.RF (set by an
    // IRET back to a faulting instruction): one instruction, then RF is cleared (17.3.1.1). Both are
    // rare, so one test covers them; they, and the last block before the limit when it would not
    // run whole, run in the interpreter (breakpoints and watchpoints: in the checked loop).
    const oneInstruction = (cpu.flags & (TF | RF)) !== 0;
    const singleStep = (cpu.flags & TF) !== 0;
    if (compiled !== null && block.compiledOps <= remaining && !oneInstruction) {
      remaining = compiled(cpu, remaining);
      block = cpu.block; // a trace may have ended in a later block than it started
    } else {
      if (compiled === null && cpu.jitThreshold !== 0 && counted && ++block.runs >= cpu.jitThreshold && block.valid) {
        block.compiled = compile(cpu, block);
        if (block.compiledOps <= remaining && !oneInstruction) {
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
      cpu.centicycles += block.centicyclesBefore[i]!; // the cycle model: the ops that completed (vm/cpu/README.md)
      remaining -= i;
      if (oneInstruction) {
        if (!finishBlock(cpu)) return;
        finishOneInstruction(cpu, singleStep);
      }
    }
    counted = true;
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

/**
 * Blocks in one trace at most, and instructions (bounds both compile time and interrupt latency).
 * 32 lets a system call's round trip through `sysenter` (18 blocks, 81 instructions) be one loop
 * with no dispatcher entry at all; the integer workload is no slower than with 8 (docs/machine.md).
 */
const MAX_TRACE_BLOCKS = 32;
const MAX_TRACE_OPS = 256;

/**
 * Compile a block and the blocks that followed it: each block's first link, as long as it was made in
 * this TLB generation, until the path comes back to a block already in the trace. A link made in
 * another code mode (after a SYSENTER, SYSEXIT, INT or IRET ended the block) is followed too, and
 * the trace's join checks that mode: a system call's round trip, user loop, vsyscall page, kernel
 * entry and SYSEXIT, can be one function.
 */
function compile(cpu: Cpu, block: Block): CompiledBlock {
  const code = cpu.code;
  const t0 = performance.now();
  const segments = [block];
  const modes = [cpu.codeMode];
  let ops = block.ops.length;
  for (let b = block; segments.length < MAX_TRACE_BLOCKS;) {
    // The first link, not the busier one: preferring the link the dispatcher followed more often made
    // the workload 10% slower and sysbench's vsyscall dearer (358 -> 415 ns), and with long traces it
    // sent the workload's traces down paths its loops leave half way (6.1M trace exits, not 1.2M).
    const next = b.link1;
    if (next === null || !next.valid || b.linkGeneration !== cpu.codeGeneration) break;
    if (segments.includes(next) || ops + next.ops.length > MAX_TRACE_OPS) break;
    segments.push(next);
    modes.push(b.linkMode1);
    ops += next.ops.length;
    b = next;
  }
  const compiled = compileTrace(segments, modes);
  block.compiledOps = ops;
  code.compileMilliseconds += performance.now() - t0;
  code.blocksCompiled++;
  return compiled;
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

/** Put EIP where the exception says; count the ops of the block (this pass of it) that completed. */
function unwindFault(cpu: Cpu): void {
  const block: Block | null = cpu.block;
  cpu.block = null;
  if (block === null || cpu.opIndex < 0) return; // the fault came from fetching: cpu.eip is already the instruction
  const op = block.ops[cpu.opIndex]!;
  const f = cpu.fault;
  cpu.eip = f.trap ? op.next : op.address;
  const done = cpu.opIndex + (f.trap ? 1 : 0);
  cpu.instructionCount += done;
  cpu.centicycles += block.centicyclesBefore[done]!; // the faulting op is not charged; its exception is
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
