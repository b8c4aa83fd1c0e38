// `--trace crossing`: for each system call, the ring change in and the ring change out, as the CPU
// made them — the door (int $0x80, sysenter, syscall on the way in; iret, sysexit, sysret on the way
// out), CS:EIP and SS:ESP on both sides of each, and how many instructions the call spent in the
// kernel. The machine reports every change of CPL (vm/cpu/system/crossing.ts); this file keeps the
// ones that belong to system calls, pairing each entry with the next return to user mode of the
// same task (another task may run in between, when the call blocks).
//
//   crossing enter pid 1 getppid (64) via sysenter: ring 3 0073:ffffe405 007b:bffffe6c -> ring 0 0060:c0100427 0068:c010a968
//   crossing leave pid 1 getppid (64) via sysexit: ring 0 0060:c010047d 0068:c0109fc4 -> ring 3 0073:ffffe410 007b:bffffe6c, 45 instructions, 184 modelled cycles in the kernel
//
// With --trace-json each event is one JSON object on its own line instead (TraceRecord).

import type { CrossingEvent, CpuPoint } from '../vm/cpu/system/crossing.ts';
import type { Kernel } from './kernel.ts';
import { syscallName } from './ptrace.ts';

/** What a trace line says, for --trace-json. */
export type TraceRecord = { event: string } & Record<string, unknown>;

/** Where trace lines go: the text, and the same event as data. */
export type TraceSink = (line: string, record: TraceRecord) => void;

const SYSCALL_DOORS = new Set(['int80', 'sysenter', 'syscall']);

const DOOR_NAMES: Record<string, string> = { int80: 'int $0x80' };

const hex4 = (v: number): string => v.toString(16).padStart(4, '0');
const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

function point(p: CpuPoint): string {
  return `ring ${p.cpl} ${hex4(p.cs)}:${hex8(p.eip)} ${hex4(p.ss)}:${hex8(p.esp)}`;
}

/** A listener for machine.system.onCrossing that writes the system calls' crossings to `sink`. */
export function crossingTracer(k: Kernel, eax: () => number, sink: TraceSink): (event: CrossingEvent) => void {
  const open = new Map<number, { number: number; name: string; instructions: number; cycles: number }>();
  return (event) => {
    const pid = k.current?.pid ?? 0;
    const door = DOOR_NAMES[event.door] ?? event.door;
    if (event.to.cpl < event.from.cpl) {
      if (!SYSCALL_DOORS.has(event.door)) return;        // an exception or interrupt, not a call
      const number = eax() | 0;
      const call = { number, name: syscallName(k, number), instructions: event.instructions, cycles: event.cycles };
      open.set(pid, call);
      sink(`crossing enter pid ${pid} ${call.name} (${number >>> 0}) via ${door}: ${point(event.from)} -> ${point(event.to)}`,
        { event: 'enter', pid, syscall: number >>> 0, name: call.name, door, from: event.from, to: event.to, instruction: event.instructions });
      return;
    }
    const call = open.get(pid);
    if (call === undefined) return;                      // back from an interrupt, or a first return after fork
    open.delete(pid);
    const spent = event.instructions - call.instructions;
    // Cycles from the way in's end to the way out's end: the kernel's instructions and the door out.
    const cycles = event.cycles - call.cycles;
    sink(`crossing leave pid ${pid} ${call.name} (${call.number >>> 0}) via ${door}: ${point(event.from)} -> ${point(event.to)}, ${spent} instructions, ${cycles} modelled cycles in the kernel`,
      { event: 'leave', pid, syscall: call.number >>> 0, name: call.name, door, from: event.from, to: event.to, instruction: event.instructions, kernelInstructions: spent, kernelCycles: cycles });
  };
}
