// Running a batch's snippets on gate86: the same bytes, at the same addresses, from the same state.
//
// One FlatMachine holds the batch's whole .cases section (driver and snippets). After each snippet (at e_N) we place
// `int $0xfe`, which stops the machine: flat mode has no IDT, so every INT n ends the run with an
// 'interrupt' stop. The machine runs at CPL 3 like the oracle's user process, so POPF treats IF and
// IOPL as user code sees them, with paging on and only the pages the batch ELF's segments map
// (mapOnly), so an access outside them faults with #PF exactly where the oracle's process gets
// SIGSEGV. For a fault, EFLAGS is compared as the exception frame holds it (RF set on P6 and later:
// what the oracle's signal context reports).

import { FlatMachine, type StopReason } from '../../vm/cpu/flat-machine.ts';
import type { Case } from './case.ts';
import { SCRATCH_BASE, SCRATCH_SIZE, type CaseResult, type MachineState } from './layout.ts';
import type { BuiltBatch } from './program.ts';

const STOP_VECTOR = 0xfe;
const STOP_MARKER = new Uint8Array([0xcd, STOP_VECTOR]);
/** Enough for the longest REP string case, small enough that a runaway snippet ends quickly. */
const INSTRUCTION_LIMIT = 100_000;
/**
 * GATE86_JIT_THRESHOLD=n compiles a block on its n-th entry (1: every block, before it first runs;
 * 0: never, the interpreter alone). Unset: the machine's default.
 */
export const JIT_THRESHOLD = process.env.GATE86_JIT_THRESHOLD === undefined ? undefined : Number(process.env.GATE86_JIT_THRESHOLD);

/** Blocks the block compiler compiled across every batch so far (the forced-JIT test checks it ran). */
export const compiledBlocks = { count: 0 };

export interface Gate86Result extends CaseResult {
  /** How gate86's run stopped, for the mismatch report. */
  stop: StopReason;
}

/**
 * `passes` > 1 runs the whole batch again on the same machine, so blocks are hot and linked: with a
 * threshold of 2 the second pass runs traces compiled from the first pass's links. The code is
 * reloaded between passes only if a case modified it. The last pass's results are returned.
 */
export function runBatchOnGate86(batch: BuiltBatch, cases: readonly Case[], jitThreshold = JIT_THRESHOLD, passes = 1): Gate86Result[] {
  const end = batch.textAddress + batch.text.length;
  const memoryBytes = Math.ceil((end + 0x10000) / 0x100000) * 0x100000;
  // The Pentium 4: of the models, the one that has every instruction the generators use (SSE2), as
  // the host CPU does. CR4.OSFXSR and OSXMMEXCPT are set, as Linux sets them for the oracle's process.
  const machine = new FlatMachine({ memoryBytes, cpl: 3, mapOnly: batch.regions, model: 'pentium4' });
  if (jitThreshold !== undefined) machine.cpu.jitThreshold = jitThreshold;
  machine.load(batch.textAddress, batch.text);
  for (const s of batch.snippets) machine.load(s.end, STOP_MARKER);
  const runCase = (c: Case, n: number): Gate86Result => {
    const { start, end: stopAt } = batch.snippets[n]!;
    machine.load(SCRATCH_BASE, c.scratch);
    machine.setRegisters({ ...c.initial, eip: start });
    const stop = machine.run(INSTRUCTION_LIMIT);
    const r = machine.registers();
    const state: MachineState = { eax: r.eax, ecx: r.ecx, edx: r.edx, ebx: r.ebx, esp: r.esp, ebp: r.ebp, esi: r.esi, edi: r.edi, eflags: r.eflags };
    const scratch = machine.memory.slice(SCRATCH_BASE, SCRATCH_BASE + SCRATCH_SIZE);
    const reachedEnd = stop.kind === 'interrupt' && stop.vector === STOP_VECTOR && (stop.eip === stopAt || stop.eip === stopAt + 2);
    if (reachedEnd) return { outcome: { kind: 'completed' }, state, scratch, stop };
    if (stop.kind === 'exception') return { outcome: { kind: 'fault', vector: stop.vector, eip: stop.eip }, state: { ...state, eflags: machine.pushedEflags }, scratch, stop };
    if (stop.kind === 'interrupt' && stop.vector === 3) return { outcome: { kind: 'fault', vector: 3, eip: stop.eip }, state, scratch, stop };
    // Anything else (a limit, HLT, an unexpected INT) is its own outcome: it can never match the oracle.
    return { outcome: { kind: 'fault', vector: -1, eip: 'eip' in stop ? stop.eip : r.eip }, state, scratch, stop };
  };
  let results = cases.map(runCase);
  for (let pass = 1; pass < passes; pass++) {
    const text = machine.memory.subarray(batch.textAddress, batch.textAddress + batch.text.length);
    if (!text.every((byte, i) => byte === batch.text[i])) {
      machine.load(batch.textAddress, batch.text);
      for (const s of batch.snippets) machine.load(s.end, STOP_MARKER);
    }
    results = cases.map(runCase);
  }
  compiledBlocks.count += machine.cpu.code.blocksCompiled;
  return results;
}
