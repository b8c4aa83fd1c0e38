// Judging a ring-3 case: how it ended on gate86 against how it ended on an oracle, and, when they
// differ, whether the difference is one the project knows and accepts — gate86's CPU model lacks an
// instruction the host has, or the host departs from the SDM — or a bug to minimise and keep.

import { decode, DecodeFailure, Instruction, namesNoVariant } from '../../../vm/isa/decoder.ts';
import type { CpuFeature } from '../../../vm/isa/table.ts';
import { cpuModels, modelHasInstruction, mxcsrWritableBits } from '../../../vm/cpu/models.ts';
import { SIGNAL_NAMES } from '../../../kernel/signal-numbers.ts';
import { SIGALRM, SIGSYS, SIGVTALRM } from '../../../kernel/signal-numbers.ts';
import { Machine } from '../../../vm/machine/machine.ts';
import { codePage, type Ring3Case } from './case.ts';
import { CODE_ADDR, CODE_SIZE, DATA_ADDR, DATA_SIZE } from './layout.ts';
import type { Gate86End } from './gate86.ts';
import { pathExcuse } from './path-excuse.ts';

export type Outcome =
  | { kind: 'exit'; code: number }
  | { kind: 'signal'; signal: number }
  /** The case ran until its alarm (the oracles' SIGALRM; gate86's SIGALRM, or the harness's stand-in). */
  | { kind: 'timeout' }
  /** Natively, the seccomp filter caught a system call (SIGSYS): the case cannot be compared. */
  | { kind: 'system-call' };

/** A wait status as an outcome. */
export function outcomeOf(status: number): Outcome {
  const signal = status & 0x7f;
  if (signal === 0) return { kind: 'exit', code: (status >> 8) & 0xff };
  if (signal === SIGALRM || signal === SIGVTALRM) return { kind: 'timeout' };
  if (signal === SIGSYS) return { kind: 'system-call' };
  return { kind: 'signal', signal };
}

export function gate86Outcome(end: Gate86End): Outcome {
  return end.stoppedBy !== null ? { kind: 'timeout' } : outcomeOf(end.status);
}

export function describe(o: Outcome): string {
  if (o.kind === 'exit') return `exit ${o.code}`;
  if (o.kind === 'signal') return SIGNAL_NAMES[o.signal] || `signal ${o.signal}`;
  return o.kind;
}

/** Do the two outcomes agree, as far as this case can be compared? */
export function agree(c: Ring3Case, gate86: Outcome, oracle: Outcome): boolean {
  if (gate86.kind !== oracle.kind) return false;
  if (gate86.kind === 'exit' && oracle.kind === 'exit') return !c.compareExitCode || gate86.code === oracle.code;
  if (gate86.kind === 'signal' && oracle.kind === 'signal') return gate86.signal === oracle.signal;
  return true;
}

/** A `fault NAME at EIP error E [cr2 A] eax X -> signal S` line of the kernel's trace. */
interface TracedFault { name: string; eip: number; error: number; cr2: number | null; signal: number }

export function parseFault(line: string): TracedFault | null {
  const m = /^fault (\S+) at (0x[0-9a-f]+) error (0x[0-9a-f]+)(?: cr2 (0x[0-9a-f]+))? eax 0x[0-9a-f]+ -> signal (\d+)$/.exec(line);
  if (m === null) return null;
  return { name: m[1]!, eip: Number(m[2]), error: Number(m[3]), cr2: m[4] === undefined ? null : Number(m[4]), signal: Number(m[5]) };
}

/** The executable bytes of the case at an address (the code page or the data page), from there on. */
function bytesAt(c: Ring3Case, address: number): Uint8Array | null {
  if (address >= CODE_ADDR && address < CODE_ADDR + CODE_SIZE) return codePage(c).subarray(address - CODE_ADDR);
  if (address >= DATA_ADDR && address < DATA_ADDR + DATA_SIZE) return c.data.subarray(address - DATA_ADDR);
  return null;
}

const hexBytes = (bytes: Uint8Array, n: number): string => Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');

let implemented: ReadonlySet<string> | null = null;
/** The operations gate86's CPU has executors for (a row without one raises #UD and is counted). */
function implementedOperations(): ReadonlySet<string> {
  implemented ??= new Set(new Machine({ memoryMiB: 2, consoleOut: () => {}, consoleIn: () => -1 }).cpu.operations.keys());
  return implemented;
}

/**
 * Where qemu-i386 does not run code as the SDM says (test/differential/caveats.ts lists the cases):
 * the x87, MMX and SSE units (stack faults, unmasked exceptions, prefixes on SIMD opcodes), an
 * illegal LOCK (it runs the instruction), INT1 (F1: SIGILL where Linux sends SIGTRAP), FS/GS
 * overrides (its user-mode segments are not the kernel's) and CS overrides (it writes through them).
 */
const QEMU_INEXACT: ReadonlySet<CpuFeature> = new Set(['fpu', 'fcmov', 'fxsr', 'sse3', 'mmx', 'sse', 'sse2']);
const QEMU_INEXACT_BYTES: ReadonlySet<number> = new Set([0xf0, 0xf1, 0x64, 0x65, 0x2e]);

/**
 * Whether qemu-i386 alone cannot judge a case: its code may run one of the above, decoded from
 * every byte offset, since random code may jump anywhere in itself. Where the host CPU judges
 * first, qemu-i386's departures are tallied, not failed (fuzz.ts).
 */
export function qemuCannotJudge(c: Ring3Case): boolean {
  const insn = new Instruction();
  for (let at = 0; at < c.code.length; at++) {
    if (QEMU_INEXACT_BYTES.has(c.code[at]!)) return true;
    decode(c.code, at, c.code.length - at, true, insn);
    const feature = insn.form?.feature;
    if (feature !== undefined && QEMU_INEXACT.has(feature)) return true;
  }
  return false;
}

/**
 * Why gate86 and the host CPU may rightly differ on this case: from what gate86's kernel saw (its
 * fault trace for the case), an instruction the ISA table or the CPU model does not have, or one
 * gate86 decodes and does not implement yet (it raises #UD and counts it, as the project's rule
 * says), or the host departing from the SDM; or, on the path gate86 took, an instruction reading a
 * flag the SDM leaves undefined or one whose answer is the machine's (path-excuse.ts). A reason, or
 * null when nothing excuses the difference.
 */
export function acceptedDifference(c: Ring3Case, cpu: string, faults: readonly string[]): string | null {
  return faultExcuse(c, cpu, faults) ?? pathExcuse(c, cpu);
}

/** MXCSR's DAZ bit (denormals are zeros): absent from the first SSE parts' MXCSR_MASK. */
const MXCSR_DAZ = 0x40;

function faultExcuse(c: Ring3Case, cpu: string, faults: readonly string[]): string | null {
  const first = faults.map(parseFault).find((f) => f !== null) ?? null;
  if (first !== null && first.name === 'general_protection') return mxcsrMaskExcuse(c, cpu, first);
  if (first !== null && first.name === 'alignment_check') return umipExcuse(c, first);
  if (first === null || first.name !== 'invalid_op') return null;
  const bytes = bytesAt(c, first.eip);
  if (bytes === null) return null;
  const insn = decode(bytes, 0, Math.min(bytes.length, 15), true);
  if (insn.failure === DecodeFailure.UndefinedOpcode || insn.form === null) {
    // Not in the ISA table: x87, MMX/SSE and later extensions the host has and the model does not (yet).
    const opcode = bytes[insn.prefixCount] === 0x0f ? hexBytes(bytes.subarray(insn.prefixCount), 2) : hexBytes(bytes.subarray(insn.prefixCount), 1);
    return `an opcode the ISA table does not have (${opcode} ..)`;
  }
  const form = insn.form;
  if (namesNoVariant(form, insn, true)) {
    // An empty cell of the SIMD opcode map (f3 0f 16 is SSE3's movshdup): a later extension on the host.
    return `an opcode the ISA table does not have (${hexBytes(bytes, Math.min(insn.length, 3))} ..: a prefix that selects no variant of ${form.mnemonic})`;
  }
  if (!modelHasInstruction(cpuModels[cpu]!, form.since, form.operation, form.feature)) return `the ${cpu} model has no ${form.mnemonic}`;
  if (!implementedOperations().has(form.operation)) return `gate86 does not implement ${form.mnemonic} yet`;
  // SDM: VMCALL outside VMX operation is #UD; the host is a virtual machine whose hypervisor answers it.
  if (form.operation === 'vmcall') return 'VMCALL at CPL 3: #UD by the SDM, answered by the host\'s hypervisor';
  return null;
}

/**
 * LDMXCSR or FXRSTOR refused (#GP) an MXCSR with DAZ set on a model whose MXCSR_MASK lacks it (the
 * Pentium III: 0xFFBF, SDM Vol. 1 11.6.6), where the host CPU has DAZ and takes it. Only DAZ is
 * excused: with any other reserved bit the host faults too, and the outcomes would agree.
 */
function mxcsrMaskExcuse(c: Ring3Case, cpu: string, fault: TracedFault): string | null {
  if ((mxcsrWritableBits(cpuModels[cpu]!) & MXCSR_DAZ) !== 0) return null;
  const bytes = bytesAt(c, fault.eip);
  if (bytes === null) return null;
  const insn = decode(bytes, 0, Math.min(bytes.length, 15), true);
  const operation = insn.form?.operation;
  if (operation !== 'ldmxcsr' && operation !== 'fxrstor') return null;
  return `${insn.form!.mnemonic} of an MXCSR with DAZ: the ${cpu} model's MXCSR_MASK lacks it (#GP), the host's has it`;
}

/**
 * SGDT or SIDT with EFLAGS.AC to a misaligned address: #AC by the SDM's alignment table (the
 * register image wants 4), where the host CPU has UMIP, so its kernel catches the #GP and writes a
 * made-up image itself, checking no alignment.
 */
function umipExcuse(c: Ring3Case, fault: TracedFault): string | null {
  const bytes = bytesAt(c, fault.eip);
  if (bytes === null) return null;
  const operation = decode(bytes, 0, Math.min(bytes.length, 15), true).form?.operation;
  if (operation !== 'sgdt' && operation !== 'sidt') return null;
  return `${operation.toUpperCase()} with AC to a misaligned address: #AC by the SDM, emulated by the host kernel (UMIP) with no alignment check`;
}

/**
 * With qemu-i386 as the only judge: gate86 raised #AC (the case set EFLAGS.AC and made a misaligned
 * reference), which qemu-i386 does not model at all (test/differential/caveats.ts).
 */
export function qemuAlignmentDifference(faults: readonly string[]): string | null {
  const first = faults.map(parseFault).find((f) => f !== null) ?? null;
  return first !== null && first.name === 'alignment_check' ? 'an #AC on gate86: qemu-i386 has no alignment checking' : null;
}

/**
 * With qemu-i386 as the only judge: a page fault on gate86 at an address the case does not map,
 * where qemu-i386 ran on. qemu-user lays out its guest's address space its own way (its mmap area
 * starts at 0x40000000), so a wild address may be mapped there and not under Linux.
 */
export function qemuLayoutDifference(c: Ring3Case, faults: readonly string[], theirs: Outcome): string | null {
  const first = faults.map(parseFault).find((f) => f !== null) ?? null;
  if (first === null || first.name !== 'page_fault' || first.cr2 === null || theirs.kind === 'signal') return null;
  if (bytesAt(c, first.cr2) !== null) return null;
  return 'a page fault on gate86 at an address qemu-i386 maps in its own layout';
}

/**
 * Differences that are gate86 bugs already found, kept in the corpus and named by a failing test
 * (test/fuzz/findings.test.ts): counted under their name until they are fixed, so that a run's
 * failures are the new ones. None is known today: the last, the missing alignment check (#AC), is
 * fixed (corpus: alignment-check-at-cpl3.json, alignment-check-after-page-faults.json).
 */
export function knownBug(_case: Ring3Case, _mine: Outcome, _theirs: Outcome): string | null {
  return null;
}
