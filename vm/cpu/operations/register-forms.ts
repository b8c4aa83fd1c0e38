// The commonest 32-bit instruction forms as data: one row per instruction, from which both the
// interpreter's executor and the block compiler's in-line code are generated.
//
// A row says what the instruction computes, as a JavaScript expression over `a` (the destination's
// old value) and `b` (the source's), and which lazy-flags record it leaves (flags.ts). The rows live
// with their families (REGISTER_FORMS in alu.ts, MOV in move.ts); this file turns a row and an
// operand shape (register, immediate, the constant 1, or a 32-bit memory operand) into:
//   - the interpreter's executor: a function generated from the row's text (formExecutor), used by
//     the run loop, by --no-jit, and by compiled blocks for anything they do not emit in line;
//   - the op's `inline` record (op.ts InlineForm), which block-compiler.ts emits in line with guest
//     registers in host locals and the TLB probe of a memory operand in line.
// So an instruction's semantics are written once, here in a row, whichever path runs it.

import { AF, CF, OF, keepCarry } from '../flags.ts';
import { effectiveAddress, INLINE_ADDRESS, INLINE_IMMEDIATE, INLINE_MEMORY, type Executor, type InlineForm, type Op } from '../op.ts';

export interface FormRow {
  /** The result, an expression over `a` and `b` (int32 values). */
  readonly result: string;
  /** Whether the instruction writes the arithmetic flags at all (MOV does not). */
  readonly setsFlags: boolean;
  /** The lazy-flags record it leaves, when it sets flags. */
  readonly lazyOp: number;
  /** ADD/SUB/CMP/INC/DEC record their operands; logic operations clear CF, OF and AF instead. */
  readonly arithmetic: boolean;
  /** INC/DEC keep CF: it is materialised first (keepCarry). */
  readonly keepsCarry: boolean;
  /** CMP and TEST write nothing. */
  readonly writesDestination: boolean;
  /** MOV does not read its destination. */
  readonly readsDestination: boolean;
}

/** Where the destination is: ModRM.rm's register, the reg field's (INC/DEC r32), or memory. */
export type Destination = 'rm' | 'reg' | 'mem';
/** Where `b` comes from: the reg field's register, the immediate, the constant 1, memory, or the address itself (LEA). */
export type Source = 'reg' | 'imm' | 'one' | 'mem' | 'ea';

/** Negated CF|OF|AF, the bits a logic operation clears. */
export const CLEAR_CARRY_OVERFLOW_ADJUST = ~(CF | OF | AF);

function executorSource(name: string, row: FormRow, destination: Destination, source: Source): string {
  const address = 'effectiveAddress(cpu, op)';
  const b = source === 'reg' ? 'r[op.reg]' : source === 'imm' ? 'op.imm' : source === 'one' ? '1' : source === 'ea' ? address : `cpu.read32(op.seg, ${address})`;
  const a = !row.readsDestination ? '0' : destination === 'mem' ? `cpu.read32(op.seg, ${address})` : `r[op.${destination}]`;
  const lines = [
    'const r = cpu.regs;',
    `const a = ${a};`,
    `const b = ${b};`,
    row.setsFlags && row.keepsCarry ? 'keepCarry(cpu);' : '',
    `const v = ${row.result};`,
  ];
  if (row.setsFlags) {
    lines.push(row.arithmetic ? 'cpu.lazyA = a; cpu.lazyB = b;' : `cpu.flags &= ${CLEAR_CARRY_OVERFLOW_ADJUST};`);
    lines.push(`cpu.lazyResult = v; cpu.lazyOp = ${row.lazyOp};`);
  }
  if (row.writesDestination) lines.push(destination === 'mem' ? `cpu.write32(op.seg, ${address}, v);` : `r[op.${destination}] = v;`);
  const title = `${name}32_${destination}_${source}`;
  return `return function ${title}(cpu, op) {\n${lines.filter((l) => l !== '').join('\n')}\n};`;
}

const executors = new Map<string, Executor>();

/** The interpreter's executor for a row and operand shape (one per shape, shared by every op). */
function formExecutor(name: string, row: FormRow, destination: Destination, source: Source): Executor {
  const key = `${name} ${destination} ${source}`;
  let executor = executors.get(key);
  if (executor === undefined) {
    const factory = new Function('keepCarry', 'effectiveAddress', executorSource(name, row, destination, source));
    executor = factory(keepCarry, effectiveAddress) as Executor;
    executors.set(key, executor);
  }
  return executor;
}

/**
 * Bind an op to a row: returns the executor and leaves the in-line record on the op. A memory
 * operand is either the destination or the source, never both (the forms here are loads, stores,
 * register-memory ALU operations and CMP/TEST of memory; read-modify-write stays with its executor).
 */
export function bindForm(op: Op, name: string, row: FormRow, destination: Destination, source: Source): Executor {
  const inline: InlineForm = {
    ...row,
    destination: destination === 'mem' ? INLINE_MEMORY : destination === 'rm' ? op.rm : op.reg,
    source: source === 'mem' ? INLINE_MEMORY : source === 'ea' ? INLINE_ADDRESS : source === 'reg' ? op.reg : INLINE_IMMEDIATE,
    immediate: source === 'imm' ? op.imm : source === 'one' ? 1 : 0,
  };
  op.inline = inline;
  return formExecutor(name, row, destination, source);
}
