// The system half of the CPU: everything protected mode adds to the integer core. `installSystem`
// registers the system operations on a Cpu (through cpu.registerOperation, so the core keeps one
// dispatch path) and installs the two hooks the core leaves open:
//   cpu.deliverException  — IDT delivery, double faults, shutdown (interrupts.ts)
//   cpu.onPendingEvents   — external interrupts from the PIC between blocks, honouring IF and the
//                           one-instruction shadow of STI / MOV SS / POP SS
//
// Where each piece lives:
//   descriptors.ts     descriptors, segment-register loads and their checks
//   far-transfers.ts   far JMP/CALL/RET, call gates, MOV/POP Sreg, LDS...
//   interrupts.ts      INT n / exceptions through the IDT, IRET, POPF's flag rules
//   task-switch.ts     the TSS: ring stacks, hardware task switches (task gates)
//   tables.ts          LGDT/LIDT/LLDT/LTR and their stores, LAR/LSL/VERR/VERW/ARPL
//   control.ts         MOV CRn/DRn, CLTS, LMSW/SMSW, INVLPG, HLT, CLI/STI
//   io.ts              IN/OUT/INS/OUTS with IOPL and the TSS I/O bitmap
//   msr.ts             RDMSR/WRMSR
//   fast-syscall.ts    SYSENTER/SYSEXIT, SYSCALL/SYSRET, VMCALL

import type { Cpu } from '../cpu.ts';
import { Vector } from '../fault.ts';
import { IF } from '../flags.ts';
import { effectiveAddress, type Binder, type Executor } from '../op.ts';
import {
  bindCallFar, bindCallFarIndirect, bindJumpFar, bindJumpFarIndirect, bindLoadFarPointer, bindMovToSegment,
  bindPopSegment, bindReturnFar,
} from './far-transfers.ts';
import {
  deliverException, deliverExternalInterrupt, int1Executor, int3Executor, intExecutor, intoExecutor, bindIret, popfExecutor,
} from './interrupts.ts';
import {
  bindArpl, bindLar, bindLgdt, bindLidt, bindLldt, bindLsl, bindLtr, bindSgdt, bindSidt, bindSldt, bindStr, bindVerr, bindVerw,
} from './tables.ts';
import {
  bindHlt, bindInvlpg, bindLmsw, bindMovFromCr, bindMovFromDr, bindMovToCr, bindMovToDr, bindSmsw, bindSti, cliExecutor, cltsExecutor,
} from './control.ts';
import { bindIn, bindIns, bindOut, bindOuts } from './io.ts';
import { bindRdmsr, bindWrmsr } from './msr.ts';
import { bindSyscall, bindSysenter, bindSysexit, bindSysret, bindVmcall } from './fast-syscall.ts';
import { requireCpl0 } from './privilege.ts';
import { systemStateOf, type SystemState } from './state.ts';

export { SystemState, systemStateOf } from './state.ts';
export type { InterruptController, SystemTraceEvent } from './state.ts';

const constant = (executor: Executor): Binder => () => executor;

/** An executor for a form that ends its block must set EIP itself (the run loop trusts it). */
function endingBlock(executor: Executor): Binder {
  return (op) => {
    op.isBranch = true;
    return executor;
  };
}

/** MOV r/m, Sreg: to memory 16 bits; to a 32-bit register zero-extended (P6 and later). */
const bindMovFromSegment: Binder = (op) => {
  const seg = op.reg;
  if (seg > 5) return (cpu) => cpu.raise(Vector.UD); // 8C /6 and /7 name no segment register
  return (cpu, o) => {
    const selector = cpu.segSelector[seg]!;
    if (o.isMemory) cpu.write16(o.seg, effectiveAddress(cpu, o), selector);
    else if (o.size === 32) cpu.regs[o.rm] = selector;
    else cpu.regs16[o.rm * 2] = selector;
  };
};

const SEGMENT_KINDS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];

/** PUSH Sreg: a 32-bit push stores the selector zero-extended (as QEMU does). */
const bindPushSegment: Binder = (op) => {
  const seg = SEGMENT_KINDS.indexOf(op.form!.operands[0]!.kind);
  return (cpu, o) => {
    if (o.size === 32) cpu.push32(cpu.segSelector[seg]!);
    else cpu.push16(cpu.segSelector[seg]!);
  };
};

/** INVD/WBINVD: there are no caches to write back; still CPL 0 only. */
const cacheControl: Executor = (cpu) => requireCpl0(cpu);

export const systemOperations: Record<string, Binder> = {
  'mov-to-sreg': bindMovToSegment, 'mov-from-sreg': bindMovFromSegment, 'pop-sreg': bindPopSegment,
  'push-sreg': bindPushSegment, 'load-far-pointer': bindLoadFarPointer,
  'jmp-far': bindJumpFar, 'jmp-far-indirect': bindJumpFarIndirect, 'call-far': bindCallFar,
  'call-far-indirect': bindCallFarIndirect, 'ret-far': bindReturnFar,
  int: endingBlock(intExecutor), int3: endingBlock(int3Executor), into: endingBlock(intoExecutor), int1: endingBlock(int1Executor),
  iret: bindIret, popf: endingBlock(popfExecutor),
  cli: constant(cliExecutor), sti: bindSti, hlt: bindHlt,
  in: bindIn, out: bindOut, ins: bindIns, outs: bindOuts,
  lgdt: bindLgdt, lidt: bindLidt, sgdt: bindSgdt, sidt: bindSidt, lldt: bindLldt, sldt: bindSldt,
  ltr: bindLtr, str: bindStr, lar: bindLar, lsl: bindLsl, verr: bindVerr, verw: bindVerw, arpl: bindArpl,
  'mov-to-creg': bindMovToCr, 'mov-from-creg': bindMovFromCr, 'mov-to-dreg': bindMovToDr, 'mov-from-dreg': bindMovFromDr,
  clts: constant(cltsExecutor), lmsw: bindLmsw, smsw: bindSmsw, invlpg: bindInvlpg,
  invd: constant(cacheControl), wbinvd: constant(cacheControl),
  rdmsr: bindRdmsr, wrmsr: bindWrmsr,
  sysenter: bindSysenter, sysexit: bindSysexit, syscall: bindSyscall, sysret: bindSysret, vmcall: bindVmcall,
};

/**
 * Take an external interrupt if one is pending and allowed: the hook the run loop calls between
 * blocks while cpu.pendingEvents is set. With IF clear the request is dropped from pendingEvents;
 * STI, POPF and IRET set it again when they enable interrupts (armInterruptCheck in state.ts).
 */
function takePendingInterrupt(cpu: Cpu, state: SystemState): void {
  const pic = state.interrupts;
  if (pic === null || !pic.interruptPending()) { cpu.pendingEvents = 0; return; }
  if ((cpu.flags & IF) === 0) { cpu.pendingEvents = 0; return; }
  if (cpu.instructionCount <= state.interruptShadowUntil) return; // one more block first
  const vector = pic.acknowledge();
  cpu.block = null; // a fault while delivering belongs to no instruction of the previous block
  deliverExternalInterrupt(cpu, vector);
}

/** Install the system half on `cpu`; returns its state (interrupt controller, VMCALL hook...). */
export function installSystem(cpu: Cpu): SystemState {
  const state = systemStateOf(cpu);
  for (const [name, binder] of Object.entries(systemOperations)) cpu.operations.set(name, binder);
  cpu.code.invalidateAll();
  cpu.deliverException = deliverException;
  cpu.onPendingEvents = (c) => takePendingInterrupt(c, state);
  return state;
}

