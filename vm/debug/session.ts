// The debug session: the worker's half of the machine's debug interface (protocol.ts has the
// messages). The job's run loop calls `afterRun` after every slice of guest execution; the session
// then either returns at once (nothing to do: one Atomics.load) or, when the machine must stop — a
// host breakpoint, watchpoint or step, a crossing it was asked to wait for, a stop request — reports
// why and serves requests, sleeping on the doorbell between them, until the debugger resumes.
//
// Breakpoints and watchpoints live in the CPU's debug unit (vm/cpu/debug/): the guest's memory is
// never patched, so a breakpoint in the read-only vsyscall page works like any other.

import { readFpu, writeFpu } from './fpu-registers.ts';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { CS, EAX, ESP, SS, StopKind, SEG_DPL_SHIFT, SEG_UNUSABLE, TR, ES, DS, FS, GS } from '../cpu/cpu.ts';
import { decode } from '../isa/decoder.ts';
import type { Machine, MachineState } from '../machine/machine.ts';
import type { CrossingEvent } from '../cpu/system/crossing.ts';
import { CONTROL_DEBUG, CONTROL_DOORBELL } from '../worker/protocol.ts';
import { readLinear, readLinearWord, readRegisters, writeLinear, writeRegister } from './inspect.ts';
import { monitorCommand, type Symbolizer } from './monitor.ts';
import type { DebugEnvelope, DebugMessage, DebugRequest, MachineView, ResumeMode, StopReason } from './protocol.ts';

/** What the job around the machine can tell the session (the gate86 kernel knows its tasks). */
export interface SessionHooks {
  symbol?: Symbolizer;
  /** The running task, for the step view. */
  context?(): MachineView['context'];
  /** The name of system call `number` (the kernel's table). */
  syscallName?(number: number): string;
}

/** Longest sleep while stopped before looking at the port again (a lost wake-up costs no more). */
const MAX_SLEEP_MS = 200;
/** Code bytes the view disassembles from. */
const VIEW_CODE_BYTES = 96;
/** Stack words the view shows at most. */
const VIEW_STACK_WORDS = 32;
/** Words below tss.esp0 always shown: where the next entry will build its frame (pt_regs is 15). */
const FRAME_WORDS = 16;

/** Door instructions: stepping over one runs until CPL is back where it was. */
const DOORS = new Set(['int', 'int3', 'into', 'sysenter', 'syscall']);
const CALLS = new Set(['call', 'call-indirect', 'call-far', 'call-far-indirect']);

export class DebugSession {
  private seenRequests = 0;
  private mode: ResumeMode = { kind: 'continue' };
  /** Step over a CALL: where it returns, and ESP before it (the return is when ESP is back above). */
  private returnTo: { linear: number; esp: number } | null = null;
  /** Step over a door: the CPL to come back to, and in which task (-1: any). */
  private backToCpl = -1;
  private backToPid = -1;
  /** A crossing that stopped the run (ring-change / syscall / step-over modes). */
  private crossingStop: CrossingEvent | null = null;
  private lastEntry: CrossingEvent | null = null;
  private lastExit: CrossingEvent | null = null;
  /** EAX at the last entry through a system call door (the call's number), or null. */
  private entryNumber: number | null = null;
  /** Breakpoints the debugger set (a temporary one for step-over must not remove them). */
  private readonly userBreakpoints = new Set<number>();
  private detached = false;

  constructor(
    private readonly machine: Machine,
    private readonly port: MessagePort,
    private readonly control: Int32Array,
    private readonly hooks: SessionHooks,
  ) {
    const system = machine.system;
    const previous = system.onCrossing;
    system.onCrossing = (event) => {
      previous?.(event);
      this.noteCrossing(event);
    };
  }

  /** Before the first instruction: with `wait`, stop there until the debugger says go (QEMU's -S). */
  begin(wait: boolean): void {
    this.seenRequests = Atomics.load(this.control, CONTROL_DEBUG);
    if (wait) this.serveStopped({ kind: 'start' });
  }

  /** After each machine.run(): stop and serve the debugger if the run stopped for it. */
  afterRun(state: MachineState): void {
    const reason = this.stopReason(state);
    if (reason !== null) { this.serveStopped(reason); return; }
      const count = Atomics.load(this.control, CONTROL_DEBUG);
    if (count === this.seenRequests) return;
    // Requests while running: a stop request stops; anything else is answered from the state now.
    // (The main thread posts, then counts: every request counted by `count` is on the port.)
    for (;;) {
      const envelope = this.receive();
      if (envelope === null) { this.seenRequests = count; return; }
      if (envelope.request.op === 'stop') {
        this.reply(envelope.id, 'stopping');
        this.serveStopped({ kind: 'interrupted' });
        return;
      }
      if (this.handle(envelope)) return;
    }
  }

  /** The machine is gone: tell the debugger (no more requests will be answered). */
  finish(description: string, outcome: { code: number } | { signal: number } | null): void {
    this.post({ type: 'ended', description, outcome });
  }

  // ============================================================================================

  private noteCrossing(event: CrossingEvent): void {
    const isCall = event.door === 'int80' || event.door === 'sysenter' || event.door === 'syscall';
    if (event.to.cpl < event.from.cpl) {
      this.lastEntry = event;
      this.entryNumber = isCall ? this.machine.cpu.regs[EAX]! | 0 : null;
    } else {
      this.lastExit = event;
      this.entryNumber = null;
    }
    if (this.detached) return;
    const mode = this.mode.kind;
    const wanted = mode === 'ring-change' ||
      (mode === 'syscall' && isCall && event.to.cpl < event.from.cpl) ||
      (mode === 'step-over' && this.backToCpl >= 0 && event.to.cpl === this.backToCpl &&
        (this.backToPid < 0 || this.hooks.context?.()?.pid === this.backToPid));
    if (!wanted) return;
    this.crossingStop = event;
    this.machine.cpu.requestStop(StopKind.Request);
  }

  /** Why the last run stopped for the debugger, or null to keep running. */
  private stopReason(state: MachineState): StopReason | null {
    const cpu = this.machine.cpu;
    if (this.crossingStop !== null) {
      const event = this.crossingStop;
      this.crossingStop = null;
      this.endStepOver();
      return this.mode.kind === 'step-over' ? { kind: 'step' } : { kind: 'crossing', event };
    }
    if (state.kind !== 'debug') return null;
    switch (cpu.stopKind) {
      case StopKind.Step: return { kind: 'step' };
      case StopKind.Watchpoint: {
        const watch = cpu.debug.watchHit!;
        const accessed = cpu.debug.watchHitAddress;
        cpu.debug.watchHit = null;
        this.endStepOver();
        return { kind: 'watchpoint', watch: { ...watch }, accessed };
      }
      case StopKind.Breakpoint: {
        const linear = (cpu.segBase[CS]! + cpu.eip) >>> 0;
        const back = this.returnTo;
        if (back !== null && linear === back.linear) {
          // Step over a CALL: a recursive call reaches the same address deeper in the stack.
          if ((cpu.regs[ESP]! >>> 0) < back.esp && !this.userBreakpoints.has(linear)) return null;
          this.endStepOver();
          return this.userBreakpoints.has(linear) ? { kind: 'breakpoint', address: linear } : { kind: 'step' };
        }
        this.endStepOver();
        return { kind: 'breakpoint', address: linear };
      }
      default: return null;
    }
  }

  private endStepOver(): void {
    if (this.returnTo !== null && !this.userBreakpoints.has(this.returnTo.linear)) this.machine.cpu.debug.clearHostBreakpoint(this.returnTo.linear);
    this.returnTo = null;
    this.backToCpl = -1;
    this.backToPid = -1;
  }

  private serveStopped(reason: StopReason): void {
    this.mode = { kind: 'continue' };
    this.machine.cpu.debug.endStep();
    this.post({ type: 'stop', reason });
    for (;;) {
      const bell = Atomics.load(this.control, CONTROL_DOORBELL);
      this.seenRequests = Atomics.load(this.control, CONTROL_DEBUG);
      const envelope = this.receive();
      if (envelope === null) {
        Atomics.wait(this.control, CONTROL_DOORBELL, bell, MAX_SLEEP_MS);
        continue;
      }
      if (this.handle(envelope)) return;
    }
  }

  private receive(): DebugEnvelope | null {
    const message = receiveMessageOnPort(this.port);
    return message === undefined ? null : message.message as DebugEnvelope;
  }

  private post(message: DebugMessage): void {
    this.port.postMessage(message);
  }

  private reply(id: number, result: unknown): void {
    this.post({ type: 'reply', id, result });
  }

  private fail(id: number, error: string): void {
    this.post({ type: 'reply', id, error });
  }

  /** Answer one request; true when the machine should run again. */
  private handle({ id, request }: DebugEnvelope): boolean {
    try {
      return this.dispatch(id, request);
    } catch (error) {
      // A malformed request is the debugger's problem, never the machine's.
      this.fail(id, (error as Error).message);
      return false;
    }
  }

  private dispatch(id: number, request: DebugRequest): boolean {
    const cpu = this.machine.cpu;
    switch (request.op) {
      case 'stop': this.reply(id, 'stopped'); return false;
      case 'resume': this.resume(request.mode); this.reply(id, 'running'); return true;
      case 'read-registers': this.reply(id, readRegisters(cpu)); return false;
      case 'write-register': {
        const error = writeRegister(cpu, request.name, request.value);
        if (error === null) this.reply(id, 'ok'); else this.fail(id, error);
        return false;
      }
      case 'read-fpu': this.reply(id, readFpu(cpu)); return false;
      case 'write-fpu': {
        const error = writeFpu(cpu, request.change);
        if (error === null) this.reply(id, 'ok'); else this.fail(id, error);
        return false;
      }
      case 'read-memory': this.reply(id, readLinear(cpu, request.address >>> 0, clampLength(request.length))); return false;
      case 'write-memory': this.reply(id, writeLinear(cpu, request.address >>> 0, request.bytes)); return false;
      case 'breakpoint': this.reply(id, this.breakpoint(request)); return false;
      case 'monitor': this.reply(id, monitorCommand(cpu, request.command, this.hooks.symbol)); return false;
      case 'view': this.reply(id, this.view()); return false;
      case 'detach':
        this.detached = true;
        this.userBreakpoints.clear();
        this.endStepOver();
        cpu.debug.clearHost();
        this.reply(id, 'detached');
        return true;
      default: this.fail(id, `unknown request ${(request as { op: string }).op}`); return false;
    }
  }

  private breakpoint(request: Extract<DebugRequest, { op: 'breakpoint' }>): boolean {
    const debug = this.machine.cpu.debug;
    const address = request.address >>> 0;
    if (request.type === 'software' || request.type === 'hardware') {
      if (request.insert) { this.userBreakpoints.add(address); debug.setHostBreakpoint(address); return true; }
      const had = this.userBreakpoints.delete(address);
      if (this.returnTo?.linear !== address) debug.clearHostBreakpoint(address);
      return had;
    }
    const length = clampLength(request.length);
    if (length === 0) return false;
    const watch = { address, length, kind: request.type };
    return request.insert ? debug.addWatch(watch) : debug.removeWatch(watch);
  }

  private resume(mode: ResumeMode): void {
    const cpu = this.machine.cpu;
    this.detached = false;
    this.mode = mode;
    if (mode.kind === 'step') cpu.debug.armStep();
    if (mode.kind !== 'step-over') return;
    // Step over: look at the instruction at CS:EIP.
    const linear = (cpu.segBase[CS]! + cpu.eip) >>> 0;
    const bytes = readLinear(cpu, linear, 16);
    const insn = decode(bytes, 0, bytes.length, cpu.code32);
    const operation = insn.form?.operation ?? '';
    if (DOORS.has(operation)) {
      this.backToCpl = cpu.cpl; // the next crossing back to this ring, in this task, ends the step
      this.backToPid = this.hooks.context?.()?.pid ?? -1;
      if (operation === 'int3' || operation === 'into') cpu.debug.armStep(); // may not cross at all
    } else if (CALLS.has(operation)) {
      const next = (linear + insn.length) >>> 0;
      this.returnTo = { linear: next, esp: cpu.regs[ESP]! >>> 0 };
      cpu.debug.setHostBreakpoint(next);
    } else {
      this.mode = { kind: 'step' };
      cpu.debug.armStep();
    }
  }

  private view(): MachineView {
    const cpu = this.machine.cpu;
    const names: [string, number][] = [['cs', CS], ['ss', SS], ['ds', DS], ['es', ES], ['fs', FS], ['gs', GS]];
    const segments = names.map(([name, seg]) => ({
      name, selector: cpu.segSelector[seg]!, base: cpu.segBase[seg]! >>> 0, limit: cpu.segLimit[seg]!,
      dpl: (cpu.segAccess[seg]! >>> SEG_DPL_SHIFT) & 3, usable: (cpu.segAccess[seg]! & SEG_UNUSABLE) === 0,
    }));
    const codeAddress = (cpu.segBase[CS]! + cpu.eip) >>> 0;
    return {
      registers: readRegisters(cpu),
      cpl: cpu.cpl,
      segments,
      instructions: cpu.instructionCount,
      code: { address: codeAddress, bytes: readLinear(cpu, codeAddress, VIEW_CODE_BYTES) },
      kernelStack: this.kernelStack(),
      lastEntry: this.lastEntry,
      lastExit: this.lastExit,
      context: this.hooks.context?.() ?? null,
      syscall: cpu.cpl === 0 && this.entryNumber !== null ? { number: this.entryNumber, name: this.hooks.syscallName?.(this.entryNumber) ?? null } : null,
    };
  }

  /** The top of the current task's kernel stack (tss.esp0) and the words from ESP (or below esp0) up to it. */
  private kernelStack(): MachineView['kernelStack'] {
    const cpu = this.machine.cpu;
    if (cpu.segSelector[TR] === 0) return null;
    const esp0 = readLinearWord(cpu, (cpu.segBase[TR]! + 4) >>> 0);
    if (esp0 === null || esp0 === 0) return null;
    const esp = cpu.regs[ESP]! >>> 0;
    // The slots just below esp0, where an entry builds its frame; in the kernel on this stack, from
    // ESP up if it is deeper (user mode, or SYSENTER's TSS stack: only those slots).
    const onStack = cpu.cpl === 0 && esp <= esp0 && esp0 - esp <= VIEW_STACK_WORDS * 4;
    const from = onStack ? Math.min(esp, esp0 - FRAME_WORDS * 4) : esp0 - FRAME_WORDS * 4;
    const words = [];
    for (let address = from; address < esp0; address += 4) words.push({ address, value: readLinearWord(cpu, address) });
    return { esp0, words };
  }
}

/** Lengths a debugger may ask for in one request (gdb asks for a packet's worth). */
function clampLength(length: number): number {
  return Number.isInteger(length) && length > 0 ? Math.min(length, 0x10000) : 0;
}
