// The run loop while something watches (cpu.debugActive != 0): the same blocks and executors as the
// fast loop in run.ts, but each instruction goes through the checks the debug unit needs. The fast
// loop hands over at a block boundary and takes back when debugActive is 0 again, so a machine
// nobody watches never pays for any of this.
//
// Per instruction, in the order the SDM gives (Vol. 3A 17.3.1 and 6.9, "priority among events"):
//   1. a host breakpoint at its linear address stops the run before it (StopKind.Breakpoint);
//   2. EFLAGS.RF set: instruction breakpoints are ignored; otherwise a guest instruction breakpoint
//      (DR7 R/W = 00) is a #DB fault, EIP at it;
//   3. the instruction executes; its slow-path data accesses and port accesses were noted; RF is
//      cleared once it completes, unless it loaded RF itself (IRET, a task switch), as run.ts does;
//   4. traps after it: data/I-O breakpoint hits and the single-step trap of EFLAGS.TF (set when it
//      started) are ONE #DB, with all their DR6 bits; a host watchpoint it met stops the run first.
// A host single step (StopKind.Step) is one instruction — or, if it faults, the delivery of the
// fault — with external interrupts held off meanwhile, as QEMU's gdb stub does by default.
//
// The contract with run.ts is the fast loop's: cpu.block / cpu.opIndex name the running op so that
// a fault unwinds to it, and instructions are counted when the block (or the part that ran) ends.

import { CS, StopKind, type Cpu } from '../cpu.ts';
import { Vector } from '../fault.ts';
import { RF, TF } from '../flags.ts';
import { DR6_BREAKPOINTS, DR6_BS } from './debug-registers.ts';
import { DEBUG_STEP } from './debug-unit.ts';

/** Set DR6 for a #DB that reports `bits` (B0-B3 replace the old ones; BS, BD and BT accumulate). */
function noteDebugStatus(cpu: Cpu, bits: number): void {
  const old = cpu.dr[6]!;
  cpu.dr[6] = ((bits & DR6_BREAKPOINTS) !== 0 ? old & ~DR6_BREAKPOINTS : old) | bits;
}

/** The one #DB trap (after an instruction) that reports `bits`. */
function raiseDebugTrap(cpu: Cpu, bits: number): never {
  noteDebugStatus(cpu, bits);
  return cpu.raiseTrap(Vector.DB, false);
}

export function runChecked(cpu: Cpu, remaining: number): void {
  const debug = cpu.debug;
  const code = cpu.code;
  for (;;) {
    if (debug.pendingTrap !== 0) raiseDebugTrap(cpu, debug.takeTrap());
    const stepping = (cpu.debugActive & DEBUG_STEP) !== 0;
    if (stepping) {
      if (!debug.stepArmed) {
        // The stepped instruction faulted and the fault has been delivered: EIP is its handler.
        debug.endStep();
        cpu.requestStop(StopKind.Step);
        return;
      }
      debug.stepArmed = false;
    } else if (cpu.pendingEvents !== 0) {
      cpu.onPendingEvents(cpu);
      if (cpu.stopKind !== StopKind.None) return;
    }
    cpu.opIndex = -1; // a fault fetching the block belongs to no instruction: EIP is already right
    const block = code.lookup();
    const ops = block.ops;
    const n = stepping ? 1 : ops.length < remaining ? ops.length : remaining;
    cpu.block = block;
    let i = 0;
    let trapBits = 0;
    let hostStop = StopKind.None;
    while (i < n) {
      const op = ops[i]!;
      const linear = (cpu.segBase[CS]! + op.address) | 0;
      cpu.opIndex = i;
      // A step always executes its instruction, breakpoint or not (the debugger is stepping off it).
      if (debug.hostBreakpointAt(linear) && !stepping) {
        hostStop = StopKind.Breakpoint;
        debug.resumeLinear = linear >>> 0;
        break;
      }
      if ((cpu.flags & RF) === 0) {
        const hits = debug.executeHits(linear);
        if (hits !== 0) {
          noteDebugStatus(cpu, hits);
          cpu.raise(Vector.DB); // a fault: EIP stays at the instruction, RF is pushed as it is
        }
      }
      const singleStep = (cpu.flags & TF) !== 0;
      cpu.resumeFlagLoaded = false;
      op.execute(cpu, op);
      i++;
      if (!cpu.resumeFlagLoaded) cpu.flags &= ~RF;
      if (singleStep) trapBits |= DR6_BS;
      if (debug.guestHits !== 0) {
        trapBits |= debug.guestHits;
        debug.guestHits = 0;
      }
      if (debug.watchHit !== null) hostStop = StopKind.Watchpoint;
      if (cpu.exitBlock !== 0 || trapBits !== 0 || hostStop !== StopKind.None) break;
    }
    if (i > 0) {
      const last = ops[i - 1]!;
      if (!last.isBranch) cpu.eip = last.next;
    }
    cpu.instructionCount += i;
    remaining -= i;
    cpu.block = null;
    cpu.opIndex = -1;
    // A step that ends in a #DB trap stops in the handler, after the trap's delivery (see above).
    if (stepping && i === 1 && trapBits === 0) debug.endStep();
    if (cpu.exitBlock !== 0) {
      cpu.exitBlock = 0;
      if (cpu.stopKind !== StopKind.None) return;
    }
    if (hostStop !== StopKind.None) {
      if (trapBits !== 0) debug.queueTrap(trapBits); // delivered when the run continues
      cpu.requestStop(hostStop);
      return;
    }
    if (trapBits !== 0) raiseDebugTrap(cpu, trapBits);
    if (stepping) {
      cpu.requestStop(StopKind.Step);
      return;
    }
    if (remaining <= 0 || cpu.debugActive === 0) return;
  }
}
