// The run loop: fetch a block, execute its ops, repeat; turn thrown faults into exception delivery.
//
// The hot loop has no try/catch inside and allocates nothing. A fault thrown by an executor unwinds
// to `runCpu`, which rolls EIP back to the faulting op (cpu.block.ops[cpu.opIndex].address) or past it
// for traps, counts the ops that completed, and calls cpu.deliverException.

import { StopKind, type Cpu } from './cpu.ts';
import { EventKind, Vector } from './fault.ts';
import { RF, TF } from './flags.ts';
import { compileBlock, COMPILE_THRESHOLD } from './block-compiler.ts';
import type { Block } from './code-cache.ts';
import { runChecked } from './debug/checked-run.ts';
import { DR6_BS } from './debug/debug-registers.ts';

/** Run until `maxInstructions` have retired or something stops the CPU. Returns why it stopped. */
export function runCpu(cpu: Cpu, maxInstructions: number): StopKind {
  cpu.stopKind = StopKind.None;
  cpu.exitBlock = 0;
  const state = { remaining: maxInstructions };
  while (cpu.stopKind === StopKind.None) {
    if (state.remaining <= 0) {
      cpu.stopKind = StopKind.Limit;
      break;
    }
    try {
      // While anything watches (breakpoints, watchpoints, stepping), instructions run checked.
      state.remaining = cpu.debugActive !== 0 ? runChecked(cpu, state.remaining) : executeBlocks(cpu, state.remaining);
    } catch (e) {
      if (e !== cpu.fault) throw e;
      state.remaining -= unwindFault(cpu);
      deliver(cpu);
    }
  }
  return cpu.stopKind;
}

function executeBlocks(cpu: Cpu, remaining: number): number {
  const code = cpu.code;
  if (cpu.pendingEvents !== 0) {
    cpu.onPendingEvents(cpu);
    if (cpu.stopKind !== StopKind.None) return remaining;
  }
  cpu.opIndex = -1; // a fault before the first op belongs to no block: EIP is already right
  let block = code.lookup();
  for (;;) {
    if (cpu.debugActive !== 0) return remaining; // runCpu continues in the checked loop
    const ops = block.ops;
    let n = ops.length < remaining ? ops.length : remaining;
    // EFLAGS.TF: one instruction, then a single-step #DB (SDM Vol. 3A 17.3.1.4). EFLAGS.RF (set by an
    // IRET back to a faulting instruction): one instruction, then RF is cleared (17.3.1.1). Both are
    // rare, so one test covers them and the common path pays nothing more.
    const oneInstruction = (cpu.flags & (TF | RF)) !== 0;
    const singleStep = (cpu.flags & TF) !== 0;
    if (oneInstruction) { n = 1; cpu.resumeFlagLoaded = false; }
    cpu.block = block;
    let i = 0;
    const compiled = block.compiled;
    if (compiled !== null && n === ops.length) {
      i = compiled(cpu);
    } else {
      if (compiled === null && ++block.runs === COMPILE_THRESHOLD) block.compiled = compileBlock(block);
      while (i < n) {
        const op = ops[i]!;
        cpu.opIndex = i;
        op.execute(cpu, op);
        i++;
        if (cpu.exitBlock !== 0) break;
      }
    }
    const last = ops[i - 1]!;
    if (!last.isBranch) cpu.eip = last.next;
    cpu.instructionCount += i;
    remaining -= i;
    if (cpu.exitBlock !== 0) {
      cpu.exitBlock = 0;
      if (cpu.stopKind !== StopKind.None) return remaining;
    }
    cpu.opIndex = -1;
    if (oneInstruction) finishOneInstruction(cpu, singleStep);
    if (remaining <= 0) return remaining;
    if (cpu.pendingEvents !== 0) {
      cpu.onPendingEvents(cpu);
      if (cpu.stopKind !== StopKind.None) return remaining;
    }
    block = code.next(block);
  }
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

/** Put EIP where the exception says; count the ops of the block that completed. */
function unwindFault(cpu: Cpu): number {
  const block: Block | null = cpu.block;
  cpu.block = null;
  if (block === null || cpu.opIndex < 0) return 0; // the fault came from fetching: cpu.eip is already the instruction
  const op = block.ops[cpu.opIndex]!;
  const f = cpu.fault;
  cpu.eip = f.trap ? op.next : op.address;
  const done = cpu.opIndex + (f.trap ? 1 : 0);
  cpu.instructionCount += done;
  return done;
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
