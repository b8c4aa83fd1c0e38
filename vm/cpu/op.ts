// A decoded instruction, ready to execute.
//
// The decoder (vm/isa/decoder.ts) produces a general `Instruction`; the code cache copies what the
// executors need into an `Op` — one class, so every executor sees objects of one shape — and asks the
// operation's binder for an executor specialised to the form (operand size, register or memory, ...).
// Executors are plain functions `(cpu, op) => void` chosen at decode time: no per-instruction
// dispatch on the form at run time.

import type { Cpu } from './cpu.ts';
import type { Instruction } from '../isa/decoder.ts';
import type { InstructionForm } from '../isa/table.ts';

export type Executor = (cpu: Cpu, op: Op) => void;

/**
 * Op.stackForm: the 32-bit near stack transfers whose executors are exactly Cpu.push32/pop32 around
 * a register or EIP (PUSH r32, POP r32, CALL rel32, RET), so the block compiler can take their fast
 * path in line (flat SS and CS, 32-bit stack, a TLB hit) and call the executor otherwise.
 */
export const STACK_PUSH_REGISTER = 1, STACK_POP_REGISTER = 2, STACK_CALL = 3, STACK_RET = 4;

/** InlineForm.destination/source: the op's 32-bit memory operand (seg, base, index, scale, disp). */
export const INLINE_MEMORY = -1;
/** InlineForm.source: the constant `immediate`. */
export const INLINE_IMMEDIATE = -2;
/** InlineForm.source: the effective address itself (LEA). */
export const INLINE_ADDRESS = -3;

/**
 * An instruction the block compiler can emit in line instead of calling its executor: the row it
 * was bound from (operations/register-forms.ts: the same row the executor was generated from) and
 * where its operands are.
 */
export interface InlineForm {
  readonly result: string;
  readonly setsFlags: boolean;
  readonly lazyOp: number;
  readonly arithmetic: boolean;
  readonly keepsCarry: boolean;
  readonly writesDestination: boolean;
  readonly readsDestination: boolean;
  /** A register number, or INLINE_MEMORY. */
  readonly destination: number;
  /** A register number, INLINE_MEMORY, INLINE_ADDRESS or INLINE_IMMEDIATE (then `immediate` is the value). */
  readonly source: number;
  readonly immediate: number;
}

/**
 * Chooses the executor for one decoded instruction. Called once per decode, never per execution.
 * `op` already holds the operands (see the fields below); `insn` is the decoder's full record for
 * anything else (immediates' raw sizes, prefixes).
 */
export type Binder = (op: Op, insn: Instruction, cpu: Cpu) => Executor;

export class Op {
  execute: Executor;
  /** EIP of the instruction's first byte, and of the next instruction. */
  address = 0;
  next = 0;
  /** Branch target (rel forms): next + displacement, already wrapped to the operand size. */
  target = 0;
  /** The first and second immediates (see Instruction). */
  imm = 0;
  imm2 = 0;
  /** ModRM.reg (a register number or opcode extension), or the +r register of the opcode. */
  reg = 0;
  /** ModRM.rm when it names a register (mod == 3). */
  rm = 0;
  /** Memory operand: segment index, and (regs[base] + (regs[index] << scale) + disp) & addressMask. */
  seg = 3;
  base = 8;
  index = 8;
  scale = 0;
  disp = 0;
  addressMask = -1;
  /** Operand size in bits (16 or 32; 8-bit forms say 8). */
  size = 32;
  /** 16 or 32: the address-size attribute (string instructions use (E)CX/(E)SI/(E)DI). */
  addressSize = 32;
  /** The mod != 3 case: the r/m operand is memory. */
  isMemory = false;
  /** A small number the binder chooses for its executor (the ALU operation 0-7, a shift kind, a source size...). */
  kind = 0;
  /** Condition code of Jcc/SETcc/CMOVcc. */
  condition = 0;
  /** 0, 0xF3 (REP/REPE) or 0xF2 (REPNE). */
  repeat = 0;
  /**
   * The executor always sets cpu.eip itself (jumps, calls, returns, IRET, SYSENTER...). Binders of such
   * operations set it; otherwise the run loop sets EIP to `next` after the op. The block ends after any
   * form the table marks `endsBlock`.
   */
  isBranch = false;
  /** Bytes in the encoding. */
  length = 0;
  /** The table form (null when the bytes did not decode): for tracing, the debugger, and binders. */
  form: InstructionForm | null = null;
  /**
   * A Jcc in a flat code segment: its executor is exactly `eip = testCondition(condition) ? target :
   * next`, so the block compiler may emit the condition from a flags record it knows (flags.ts tables).
   */
  conditionalJump = false;
  /** 0, or one of STACK_PUSH_REGISTER ... STACK_RET: see there. */
  stackForm = 0;
  /** Set by a binder whose executor the block compiler may replace by in-line code (see InlineForm). */
  inline: InlineForm | null = null;

  constructor(execute: Executor) {
    this.execute = execute;
  }
}

/** Effective address of op's memory operand. Kept tiny so that V8 inlines it into every executor. */
export function effectiveAddress(cpu: Cpu, op: Op): number {
  const r = cpu.regs;
  return (r[op.base]! + (r[op.index]! << op.scale) + op.disp) & op.addressMask;
}
