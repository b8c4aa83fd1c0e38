// Where the oracle (qemu-i386 7.2) disagrees with the Intel SDM, and what the harness does about it.
//
// Nothing is masked silently: each disagreement found is listed here, and the test prints this list
// with its results. The affected inputs are not generated (the oracle cannot judge them), except RF in
// fault frames, which only qemu-i386 cannot judge: it is masked for that oracle alone. No arithmetic
// flag the SDM defines is ever masked.

import type { OracleKind } from '../support/i386-oracle.ts';
import type { CaseResult } from './layout.ts';

export interface OracleCaveat {
  what: string;
  sdm: string;
  qemu: string;
  handling: string;
}

export const QEMU_CAVEATS: readonly OracleCaveat[] = [
  {
    what: 'F6 /1 and F7 /1 (TEST r/m, imm), the undocumented alias of F6 /0 and F7 /0 that vm/isa/table.ts lists',
    sdm: 'the SDM opcode map (Vol. 2D, Table A-6, Group 3) leaves /1 blank; real Intel and AMD parts execute it as TEST',
    qemu: 'raises #UD (SIGILL)',
    handling: 'not generated; the two forms are reported as "not judged by this oracle" instead of failing coverage',
  },
  {
    what: 'IDIV r/m16 with DX:AX = 0x80000000 and IDIV r/m32 with EDX:EAX = 0x8000000000000000, divisor -1',
    sdm: 'IDIV: the quotient does not fit, so #DE',
    qemu: 'qemu-i386 itself dies of a host SIGFPE (its helper divides INT_MIN by -1 on the host) before the guest sees #DE',
    handling: 'the overflow cases use INT_MIN + 1 .. INT_MIN + 0xff instead, which must raise #DE just the same; the 8-bit INT_MIN case is kept',
  },
  {
    what: 'LOCK on MOV, TEST, BT (memory destination) and on XCHG with two registers',
    sdm: 'LOCK (Vol. 2A): "#UD If the LOCK prefix is used with an instruction not listed: ADD, ADC, AND, BTC, BTR, BTS, CMPXCHG, CMPXCH8B, DEC, INC, NEG, NOT, OR, SBB, SUB, XOR, XADD, XCHG", and only with a memory destination',
    qemu: 'executes them as if there were no LOCK prefix',
    handling: 'not generated; LOCK #UD is compared on ADD/INC with a register destination, CMP, NOP and CMPXCHG8B with a register operand, where QEMU agrees with the SDM',
  },
  {
    what: '0F 18 /0-/3 (the PREFETCH hints) with a register operand (mod = 3)',
    sdm: 'Group 16 defines only memory operands; the register encodings are reserved (the table runs the whole 0F 18-0F 1F hint space as NOP, as P6 and later parts do)',
    qemu: 'raises #UD',
    handling: 'not generated; 0F 18 is tested with memory operands (all eight /digits) and 0F 19-0F 1F with any ModRM',
  },
  {
    what: 'ENTER with a frame size whose final ESP lies on an unmapped page',
    sdm: 'ENTER (Vol. 2A): "#PF(fault-code) if a page fault occurs or if a write using the final value of the stack pointer (within the current stack segment) would cause a page fault"',
    qemu: 'completes the ENTER (it never probes the final ESP)',
    handling: 'the case is generated and judged against the host CPU; against qemu-i386 it is run but not compared (Case.qemuCannotJudge)',
  },
  {
    what: 'a misaligned 16-byte memory operand of an aligned SSE/SSE2 instruction (PADDD, ANDPS, SHUFPS, PSLLW xmm, m128... all but the MOVUPS/MOVDQU-style moves)',
    sdm: 'Vol. 1 11.6.7 and each instruction\'s exceptions: "#GP(0) if a memory operand is not aligned on a 16-byte boundary" for legacy SSE instructions with 128-bit memory operands',
    qemu: 'checks the alignment only for some instructions (MOVAPS, MOVDQA...) and runs the others on the misaligned operand',
    handling: 'the misaligned cases are generated and judged against the host CPU; against qemu-i386 they are run but not compared (Case.qemuCannotJudge)',
  },
  {
    what: 'the denormal-operand flag (MXCSR.DE) of SSE/SSE2 arithmetic, compares and conversions',
    sdm: 'Vol. 1 11.5.2.2: a denormal source operand raises DE (unless DAZ makes it a zero)',
    qemu: 'never sets DE for SSE instructions',
    handling: 'cases with a denormal operand and DAZ clear are generated and judged against the host CPU; against qemu-i386 run but not compared (Case.qemuCannotJudge)',
  },
  {
    what: 'RCPPS/RCPSS/RSQRTPS/RSQRTSS of a denormal, and RSQRT of a negative number',
    sdm: 'RCPSS/RSQRTSS: a denormal source is treated as 0.0 of its sign (the result is an infinity); RSQRT of a negative nonzero number returns the default QNaN',
    qemu: 'computes the exact reciprocal (square root) of the denormal, and returns -NaN with another payload for negative numbers',
    handling: 'judged against the host CPU; against qemu-i386 run but not compared (Case.qemuCannotJudge). Results for ordinary inputs are implementation-specific on every CPU and are compared by the SDM\'s error bound (1.5 * 2^-12), not bit for bit',
  },
  {
    what: 'SSE arithmetic with a NaN in both operands of an element',
    sdm: 'Vol. 1 Table 4-7: with two NaN operands SSE returns the first source operand\'s NaN (quieted)',
    qemu: 'returns the NaN its softfloat prefers (sometimes the second operand\'s)',
    handling: 'judged against the host CPU; against qemu-i386 run but not compared (Case.qemuCannotJudge)',
  },
  {
    what: 'MINPS/MAXPS and the other MIN/MAX forms returning a denormal operand while MXCSR.DAZ is set',
    sdm: 'DAZ (Vol. 1 10.2.3.4): denormal source operands are converted to zeros of the same sign before any operation, so the zero is what MIN/MAX returns',
    qemu: 'returns the denormal as it was',
    handling: 'judged against the host CPU; against qemu-i386 run but not compared (Case.qemuCannotJudge)',
  },
  {
    what: 'an unmasked SIMD floating-point exception (MXCSR with an exception unmasked)',
    sdm: 'Vol. 1 11.5.3: #XM (or #UD with CR4.OSXMMEXCPT clear), the destination not written; Linux delivers SIGFPE',
    qemu: 'does not raise #XM',
    handling: 'generated and judged against the host CPU; against qemu-i386 run but not compared (Case.qemuCannotJudge)',
  },
  {
    what: 'LDMXCSR of a value with a reserved bit (16-31, or DAZ where MXCSR_MASK lacks it) set',
    sdm: 'LDMXCSR (Vol. 2A): "#GP(0) for an attempt to set any of the reserved bits"',
    qemu: 'loads the value',
    handling: 'generated and judged against the host CPU; against qemu-i386 run but not compared (Case.qemuCannotJudge)',
  },
  {
    what: 'EFLAGS.RF (bit 16) in the EFLAGS image of a fault (#DE, #UD, #GP, #PF...), which a signal handler sees in its sigcontext',
    sdm: 'Vol. 3B 17.3.1.1: on P6 and later processors the image has RF set for every fault-class exception except an instruction-breakpoint #DB',
    qemu: 'never sets RF in a fault frame',
    handling: 'RF of a fault outcome is not compared when the oracle is qemu-i386; it is compared (and must be set) against the host CPU',
  },
  {
    what: 'a misaligned data reference at CPL 3 with CR0.AM and EFLAGS.AC set (a user program that sets AC itself: Linux sets CR0.AM)',
    sdm: 'Vol. 3A 6.15 (#AC): "the processor generates an alignment-check exception for a misaligned memory reference" at CPL 3 with AM and AC set; the order against other faults is the host CPU\'s (docs/machine.md)',
    qemu: 'has no alignment checking in user mode: the access completes (or page-faults)',
    handling: 'judged against the host CPU (the ring-3 fuzzer, test/kernel/alignment-check.test.ts); where qemu-i386 is the only judge, a case that gate86 ends with #AC is counted as accepted (judge.ts, qemuAlignmentDifference)',
  },
];

const RESUME_FLAG = 1 << 16;

/** EFLAGS bits an oracle cannot judge in this result (beyond what the SDM leaves undefined). */
export function oracleBlindFlags(oracle: OracleKind, expected: CaseResult): number {
  return oracle === 'qemu-i386' && expected.outcome.kind === 'fault' ? RESUME_FLAG : 0;
}

/** Table forms the oracle cannot judge, by opcode and /digit, exempt from the coverage requirement. */
export const FORMS_NOT_JUDGED: ReadonlyArray<{ opcode: number; extension: number; reason: string }> = [
  { opcode: 0xf6, extension: 1, reason: 'qemu-i386 raises #UD for the TEST alias F6 /1' },
  { opcode: 0xf7, extension: 1, reason: 'qemu-i386 raises #UD for the TEST alias F7 /1' },
];
