// The main thread's half of the machine's debug interface: requests as promises, stops as events.
// The gdb stub (vm/debug/gdb/) and the step view (cli/step-view/) are both clients of this.

import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { CONTROL_DEBUG, CONTROL_DOORBELL } from '../worker/protocol.ts';
import type { CrossingEvent } from '../cpu/system/crossing.ts';
import type {
  BreakpointType, DebugMessage, DebugRequest, FpuChange, FpuRegisters, MachineView, RegisterName, RegisterValues, ResumeMode, StopReason,
} from './protocol.ts';

/** How the machine ended: an exit status, the signal that killed the program, or neither (it stopped). */
export type MachineOutcome = { code: number } | { signal: number } | null;

export class DebugClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly stopListeners: ((reason: StopReason) => void)[] = [];
  private readonly endListeners: ((description: string, outcome: MachineOutcome) => void)[] = [];
  private ended: { description: string; outcome: MachineOutcome } | null = null;
  /** The machine's last stop, and whether it is stopped now (a resume clears it). */
  lastStop: StopReason | null = null;
  stopped = false;
  /** The port the worker gets (transfer it in the Worker's transferList). */
  readonly workerPort: MessagePort;
  private readonly port: MessagePort;
  private control: Int32Array | null = null;

  constructor() {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.workerPort = channel.port2;
    this.port.on('message', (message: DebugMessage) => this.receive(message));
    this.port.unref(); // a debugger waiting for the machine must not keep a finished process alive
  }

  /** The control words the worker sleeps on (set by the host that started it). */
  connect(control: Int32Array): void {
    this.control = control;
  }

  private receive(message: DebugMessage): void {
    if (message.type === 'reply') {
      const waiting = this.pending.get(message.id);
      if (waiting === undefined) return;
      this.pending.delete(message.id);
      if ('error' in message) waiting.reject(new Error(message.error));
      else waiting.resolve(message.result);
    } else if (message.type === 'stop') {
      this.lastStop = message.reason;
      this.stopped = true;
      for (const listener of [...this.stopListeners]) listener(message.reason);
    } else {
      this.machineEnded(message.description, message.outcome);
    }
  }

  /** The machine is gone (its worker ended, or it said so): every waiting request fails. */
  machineEnded(description: string, outcome: MachineOutcome): void {
    if (this.ended !== null) return;
    this.ended = { description, outcome };
    for (const [, waiting] of this.pending) waiting.reject(new Error(`the machine has ended: ${description}`));
    this.pending.clear();
    for (const listener of [...this.endListeners]) listener(description, outcome);
    this.port.close();
  }

  get hasEnded(): boolean {
    return this.ended !== null;
  }

  onStop(listener: (reason: StopReason) => void): () => void {
    this.stopListeners.push(listener);
    return () => { const i = this.stopListeners.indexOf(listener); if (i >= 0) this.stopListeners.splice(i, 1); };
  }

  onEnd(listener: (description: string, outcome: MachineOutcome) => void): void {
    if (this.ended !== null) listener(this.ended.description, this.ended.outcome);
    else this.endListeners.push(listener);
  }

  private request<T>(request: DebugRequest): Promise<T> {
    if (this.ended !== null) return Promise.reject(new Error(`the machine has ended: ${this.ended.description}`));
    const control = this.control;
    if (control === null) return Promise.reject(new Error('the debug client is not connected to a machine'));
    const id = this.nextId++;
    const reply = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    this.port.postMessage({ id, request });
    // Post first, then count and ring: the worker trusts that every counted request is on the port.
    Atomics.add(control, CONTROL_DEBUG, 1);
    Atomics.add(control, CONTROL_DOORBELL, 1);
    Atomics.notify(control, CONTROL_DOORBELL);
    return reply;
  }

  /** Ask a running machine to stop (the stop event follows). */
  stop(): Promise<string> { return this.request({ op: 'stop' }); }
  resume(mode: ResumeMode): Promise<string> {
    this.stopped = false;
    return this.request({ op: 'resume', mode });
  }
  registers(): Promise<RegisterValues> { return this.request({ op: 'read-registers' }); }
  writeRegister(name: RegisterName, value: number): Promise<string> { return this.request({ op: 'write-register', name, value }); }
  fpu(): Promise<FpuRegisters | null> { return this.request({ op: 'read-fpu' }); }
  writeFpu(change: FpuChange): Promise<string> { return this.request({ op: 'write-fpu', change }); }
  readMemory(address: number, length: number): Promise<Uint8Array> { return this.request({ op: 'read-memory', address, length }); }
  writeMemory(address: number, bytes: Uint8Array): Promise<number> { return this.request({ op: 'write-memory', address, bytes }); }
  breakpoint(insert: boolean, type: BreakpointType, address: number, length: number): Promise<boolean> {
    return this.request({ op: 'breakpoint', insert, type, address, length });
  }
  monitor(command: string): Promise<string> { return this.request({ op: 'monitor', command }); }
  view(): Promise<MachineView> { return this.request({ op: 'view' }); }
  detach(): Promise<string> { return this.request({ op: 'detach' }); }

  /** Resolves with the next stop (or rejects when the machine ends first). */
  nextStop(): Promise<StopReason> {
    return new Promise((resolve, reject) => {
      if (this.ended !== null) { reject(new Error(`the machine has ended: ${this.ended.description}`)); return; }
      const off = this.onStop((reason) => { off(); resolve(reason); });
      this.endListeners.push((description) => { off(); reject(new Error(`the machine has ended: ${description}`)); });
    });
  }
}

export type { CrossingEvent, StopReason, MachineView };
