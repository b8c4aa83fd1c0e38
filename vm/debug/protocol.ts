// The machine's debug interface: the messages between a debugger on the main thread (the gdb stub,
// the step view) and the debug session in the machine's worker (session.ts).
//
// The worker runs the guest in a synchronous loop, so it cannot take messages as events: the main
// thread posts a request on a MessagePort and rings the console doorbell (CONTROL_DEBUG counts the
// requests); the worker looks at the counter between slices of guest execution and, while the
// machine is stopped, sleeps on the doorbell and reads requests with receiveMessageOnPort. Replies
// and stop reports come back on the same port as ordinary messages.
//
// Addresses are linear (through the guest's page tables, as the CPU sees them now), so a debugger
// can read the vsyscall page at 0xffffe400 or the kernel at 0xc0100000 from any process.

import type { CrossingEvent } from '../cpu/system/crossing.ts';
import type { WatchKind } from '../cpu/debug/debug-unit.ts';

/** Where the run should stop again after a resume. */
export type ResumeMode =
  | { kind: 'continue' }
  /** One instruction (or the delivery of the exception it raised). */
  | { kind: 'step' }
  /** Until CPL changes (any crossing in or out). */
  | { kind: 'ring-change' }
  /** Until the next system call enters the kernel (int $0x80, sysenter, syscall). */
  | { kind: 'syscall' }
  /** Step over: one instruction, but a CALL runs until it returns (EIP = next with ESP back above
   *  where it was), and a door into the kernel (INT n, SYSENTER, SYSCALL) until CPL is back. */
  | { kind: 'step-over' };

export type BreakpointType = 'software' | 'hardware' | WatchKind;

export type DebugRequest =
  | { op: 'stop' }
  | { op: 'resume'; mode: ResumeMode }
  | { op: 'read-registers' }
  | { op: 'write-register'; name: RegisterName; value: number }
  /** The x87 and SSE registers (null when the model has no FPU). */
  | { op: 'read-fpu' }
  | { op: 'write-fpu'; change: FpuChange }
  | { op: 'read-memory'; address: number; length: number }
  | { op: 'write-memory'; address: number; bytes: Uint8Array }
  | { op: 'breakpoint'; insert: boolean; type: BreakpointType; address: number; length: number }
  | { op: 'monitor'; command: string }
  | { op: 'view' }
  /** The debugger goes away: forget its breakpoints and let the machine run. */
  | { op: 'detach' };

/** The registers a debugger can name: gdb's i386 core set, then the system registers. */
export const GENERAL_REGISTERS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags', 'cs', 'ss', 'ds', 'es', 'fs', 'gs'] as const;
export const SYSTEM_REGISTERS = ['cr0', 'cr2', 'cr3', 'cr4', 'dr0', 'dr1', 'dr2', 'dr3', 'dr6', 'dr7', 'sysenter_cs', 'sysenter_esp', 'sysenter_eip'] as const;
export type RegisterName = (typeof GENERAL_REGISTERS)[number] | (typeof SYSTEM_REGISTERS)[number];
/** Register values (unsigned); an MSR the CPU model lacks is absent. */
export type RegisterValues = Partial<Record<RegisterName, number>>;

/** The x87 control, status and pointer registers, as gdb's i387 feature names them. */
export const X87_WORDS = ['fctrl', 'fstat', 'ftag', 'fiseg', 'fioff', 'foseg', 'fooff', 'fop'] as const;
export type X87Word = (typeof X87_WORDS)[number];

/**
 * The CPU's floating-point registers as a debugger sees them: the registers of the CPU, not of a
 * task — under a kernel that switches the FPU lazily (CR0.TS set) they may still hold the state of
 * the task that used it last.
 */
export interface FpuRegisters {
  /** ST(0)..ST(7) in stack order, 10 bytes each: the 80-bit extended value, little-endian. */
  st: Uint8Array;
  /** FCW; FSW with TOP; the full tag word (two bits per physical register, 3 = empty, as FNSTENV
   *  writes it); FCS:FIP, FDS:FDP and the last opcode (11 bits). */
  words: Record<X87Word, number>;
  /** XMM0..XMM7, 16 bytes each, little-endian; null when the model has no SSE. */
  xmm: Uint8Array | null;
  mxcsr: number;
}

/** One register a debugger writes. */
export type FpuChange =
  | { kind: 'st'; index: number; bytes: Uint8Array }
  | { kind: 'word'; name: X87Word; value: number }
  | { kind: 'xmm'; index: number; bytes: Uint8Array }
  | { kind: 'mxcsr'; value: number };

/** One segment register as the view shows it: the selector and its hidden cache. */
export interface SegmentView {
  name: string;
  selector: number;
  base: number;
  limit: number;
  /** The descriptor's DPL (from the cache), and whether the register holds a usable segment. */
  dpl: number;
  usable: boolean;
}

/** Everything the step view draws, gathered in the worker in one request. */
export interface MachineView {
  registers: RegisterValues;
  cpl: number;
  segments: SegmentView[];
  instructions: number;
  /** Bytes at CS:EIP (linear), for the disassembly pane; fewer when a page is not mapped. */
  code: { address: number; bytes: Uint8Array };
  /** The TSS's esp0 (the top of the current task's kernel stack) and the words below it. */
  kernelStack: { esp0: number; words: { address: number; value: number | null }[] } | null;
  /** The last crossing in and out that the session saw. */
  lastEntry: CrossingEvent | null;
  lastExit: CrossingEvent | null;
  /** The running task, when the machine runs the gate86 kernel. */
  context: { pid: number } | null;
  /** The system call the CPU is inside of (entered by int $0x80, sysenter or syscall, not left yet):
   *  its number is EAX at the door, as the kernel saw it. */
  syscall: { number: number; name: string | null } | null;
}

/** Why the machine stopped. */
export type StopReason =
  | { kind: 'start' }
  | { kind: 'interrupted' }
  | { kind: 'step' }
  | { kind: 'breakpoint'; address: number }
  | { kind: 'watchpoint'; watch: { address: number; length: number; kind: WatchKind }; accessed: number }
  | { kind: 'crossing'; event: CrossingEvent };

export type DebugReply =
  | { type: 'reply'; id: number; result: unknown }
  | { type: 'reply'; id: number; error: string };

export type DebugEvent =
  | { type: 'stop'; reason: StopReason }
  /** The machine ended (the program exited, the guest stopped): no more requests are served. */
  | { type: 'ended'; description: string; outcome: { code: number } | { signal: number } | null };

export type DebugMessage = DebugReply | DebugEvent;

/** A request on the wire: the request and the number its reply carries. */
export type DebugEnvelope = { id: number; request: DebugRequest };
