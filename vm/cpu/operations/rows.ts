// The row table: the commonest instruction forms as data, from which both the interpreter's executor
// and the block compiler's in-line code are generated.
//
// A row says what an instruction computes, as a JavaScript expression over `a` (the destination's
// old value), `b` (the source's) and, for CMOVcc/SETcc, `c` (the op's condition), and what it does to
// the flags (flags.ts): nothing, a lazy record of its operands (ADD, SUB, CMP, INC, DEC), a lazy record
// of its result with CF/OF/AF cleared (logic operations) or computed (shifts), or CF and OF alone
// (rotates). The rows live with their families (alu.ts, move.ts, shift.ts); this file turns a row and
// an operand shape — a register of 8, 16 or 32 bits, a memory operand of 8, 16 or 32 bits, an
// immediate, the effective address itself — into:
//   - the interpreter's executor: a function generated from the row's text (one per row and shape),
//     used by the run loop, by --no-jit, and by compiled blocks on every slow path;
//   - the op's `inline` record (op.ts InlineForm), which block-compiler.ts emits in line with the
//     guest registers in host locals and the TLB probe of a memory operand in line.
// So an instruction's semantics are written once, in a row, whichever path runs it.

import { AF, CF, OF, keepCarry, testCondition } from '../flags.ts';
import { BYTE_REGISTER_OFFSET } from '../cpu.ts';
import { effectiveAddress, type Executor, type InlineForm, type Op } from '../op.ts';

/** FormRow.flags: what the instruction does to the arithmetic flags. */
export const FLAGS_NONE = 0;
/** A lazy record of a, b and the result (ADD, SUB, CMP, INC, DEC): cpu.lazyA/B/Result/Op. */
export const FLAGS_ARITHMETIC = 1;
/** CF, OF and AF cleared; ZF, SF, PF lazy from the result (AND, OR, XOR, TEST). */
export const FLAGS_LOGIC = 2;
/** CF and OF computed (`carry`, `overflow`), AF cleared; ZF, SF, PF lazy from the result (SHL, SHR, SAR). */
export const FLAGS_SHIFT = 3;
/** CF and OF computed; every other flag kept (ROL, ROR). */
export const FLAGS_ROTATE = 4;

export interface FormRow {
  /** The result: an expression over `a`, `b` (and `c`), int32 values (8/16-bit results only matter in their low bits). */
  readonly result: string;
  readonly flags: number;
  /** The lazyOp word of the record it leaves (FLAGS_ARITHMETIC, FLAGS_LOGIC, FLAGS_SHIFT). */
  readonly lazyOp: number;
  /** FLAGS_SHIFT, FLAGS_ROTATE: CF and OF as 0/1 expressions over `a`, `b` and the result `v`. */
  readonly carry: string;
  readonly overflow: string;
  /** INC/DEC keep CF: it is materialised first (keepCarry), or resolved at compile time. */
  readonly keepsCarry: boolean;
  /** CMP and TEST write nothing. */
  readonly writesDestination: boolean;
  /** MOV, MOVZX, SETcc do not read their destination. */
  readonly readsDestination: boolean;
  /** CMOVcc, SETcc: `c` is testCondition(op.condition). */
  readonly readsCondition: boolean;
}

/** A row with defaults: no flags, reads and writes its destination. */
export function formRow(fields: Partial<FormRow> & { result: string }): FormRow {
  return {
    flags: FLAGS_NONE, lazyOp: 0, carry: '0', overflow: '0', keepsCarry: false,
    writesDestination: true, readsDestination: true, readsCondition: false, ...fields,
  };
}

/** Operand.kind. */
export const OPERAND_NONE = 0, OPERAND_REGISTER = 1, OPERAND_MEMORY = 2, OPERAND_IMMEDIATE = 3, OPERAND_ADDRESS = 4;

/**
 * Where an operand is. A register is named by an op field (`rm` or `reg`, already normalised by the
 * binder); the memory operand is the op's one ModRM operand (seg, base, index, scale, disp); an
 * immediate is an op field (`imm`, `imm2`) or a constant.
 */
export interface Operand {
  readonly kind: number;
  readonly size: 8 | 16 | 32;
  readonly field: 'rm' | 'reg' | 'imm' | 'imm2' | null;
  readonly value: number;
}

export const register = (field: 'rm' | 'reg', size: 8 | 16 | 32 = 32): Operand => ({ kind: OPERAND_REGISTER, size, field, value: 0 });
export const memory = (size: 8 | 16 | 32 = 32): Operand => ({ kind: OPERAND_MEMORY, size, field: null, value: 0 });
export const immediate = (field: 'imm' | 'imm2'): Operand => ({ kind: OPERAND_IMMEDIATE, size: 32, field, value: 0 });
export const constant = (value: number): Operand => ({ kind: OPERAND_IMMEDIATE, size: 32, field: null, value });
export const address = (): Operand => ({ kind: OPERAND_ADDRESS, size: 32, field: null, value: 0 });
export const none = (): Operand => ({ kind: OPERAND_NONE, size: 32, field: null, value: 0 });

/** Negated CF|OF|AF, the bits a logic operation or a shift clears before setting its own. */
export const CLEAR_CARRY_OVERFLOW_ADJUST = ~(CF | OF | AF);
const CLEAR_CARRY_OVERFLOW = ~(CF | OF);
const OF_SHIFT = 11; // OF is EFLAGS bit 11

/**
 * The statements that leave a row's flags in the CPU, over `a`, `b` and `v` (the result). Both the
 * executor and the block compiler (when it stores a record it kept in locals) use these: the eager
 * part (bits of cpu.flags) and the lazy record (cpu.lazyA/B/Result/Op).
 */
export function flagStatements(row: FormRow): string {
  return `${eagerFlagStatements(row)} ${lazyFlagStatements(row)}`.trim();
}

export function eagerFlagStatements(row: FormRow): string {
  switch (row.flags) {
    case FLAGS_LOGIC:
      return `cpu.flags &= ${CLEAR_CARRY_OVERFLOW_ADJUST};`;
    case FLAGS_SHIFT:
      return `cpu.flags = (cpu.flags & ${CLEAR_CARRY_OVERFLOW_ADJUST}) | (${row.carry}) | ((${row.overflow}) << ${OF_SHIFT});`;
    case FLAGS_ROTATE:
      // Only CF and OF change: they leave the lazy record (whatever it is) and live in cpu.flags.
      return `cpu.flags = (cpu.flags & ${CLEAR_CARRY_OVERFLOW}) | (${row.carry}) | ((${row.overflow}) << ${OF_SHIFT}); cpu.lazyOp &= ${CLEAR_CARRY_OVERFLOW};`;
    default:
      return '';
  }
}

export function lazyFlagStatements(row: FormRow): string {
  switch (row.flags) {
    case FLAGS_ARITHMETIC:
      return `cpu.lazyA = a; cpu.lazyB = b; cpu.lazyResult = v; cpu.lazyOp = ${row.lazyOp};`;
    case FLAGS_LOGIC:
    case FLAGS_SHIFT:
      return `cpu.lazyResult = v; cpu.lazyOp = ${row.lazyOp};`;
    default:
      return '';
  }
}

/** Whether a memory destination is read and written (then the write permission is checked first). */
export function readModifyWrite(row: FormRow, destination: Operand): boolean {
  return destination.kind === OPERAND_MEMORY && row.readsDestination && row.writesDestination;
}

// --- The interpreter's executors ----------------------------------------------------------------

function executorRead(o: Operand, rmw: boolean): string {
  switch (o.kind) {
    case OPERAND_REGISTER:
      return o.size === 32 ? `r[op.${o.field}]` : o.size === 16 ? `cpu.regs16[op.${o.field} << 1]` : `cpu.regs8[B[op.${o.field}]]`;
    case OPERAND_MEMORY:
      return rmw ? `cpu.modify${o.size}(op.seg, ea)` : `cpu.read${o.size}(op.seg, ea)`;
    case OPERAND_IMMEDIATE:
      return o.field !== null ? `op.${o.field}` : String(o.value);
    case OPERAND_ADDRESS:
      return 'ea';
    default:
      return '0';
  }
}

function executorWrite(o: Operand, rmw: boolean): string {
  if (o.kind === OPERAND_MEMORY) return rmw ? `cpu.commit${o.size}(v);` : `cpu.write${o.size}(op.seg, ea, v);`;
  return o.size === 32 ? `r[op.${o.field}] = v;` : o.size === 16 ? `cpu.regs16[op.${o.field} << 1] = v;` : `cpu.regs8[B[op.${o.field}]] = v;`;
}

function executorSource(title: string, row: FormRow, destination: Operand, source: Operand): string {
  const rmw = readModifyWrite(row, destination);
  const usesAddress = [destination, source].some((o) => o.kind === OPERAND_MEMORY || o.kind === OPERAND_ADDRESS);
  const lines = [
    'const r = cpu.regs;',
    usesAddress ? 'const ea = effectiveAddress(cpu, op);' : '',
    `const a = ${row.readsDestination ? executorRead(destination, rmw) : '0'};`,
    `const b = ${executorRead(source, false)};`,
    row.readsCondition ? 'const c = testCondition(cpu, op.condition);' : '',
    row.keepsCarry ? 'keepCarry(cpu);' : '',
    `const v = ${row.result};`,
    flagStatements(row),
    row.writesDestination ? executorWrite(destination, rmw) : '',
  ];
  return `return function ${title}(cpu, op) {\n${lines.filter((l) => l !== '').join('\n')}\n};`;
}

function shapeName(o: Operand): string {
  switch (o.kind) {
    case OPERAND_REGISTER: return `r${o.size}${o.field}`;
    case OPERAND_MEMORY: return `m${o.size}`;
    case OPERAND_IMMEDIATE: return o.field ?? `k${o.value}`;
    case OPERAND_ADDRESS: return 'ea';
    default: return 'none';
  }
}

const executors = new Map<string, Executor>();

/** The interpreter's executor for a row and operand shape (one per row and shape, shared by every op). */
function formExecutor(name: string, row: FormRow, destination: Operand, source: Operand): Executor {
  const title = `${name}_${shapeName(destination)}_${shapeName(source)}`.replace(/[^A-Za-z0-9_]/g, '_');
  const key = `${title} ${row.result} ${row.carry} ${row.overflow} ${row.lazyOp}`;
  let executor = executors.get(key);
  if (executor === undefined) {
    const factory = new Function('keepCarry', 'testCondition', 'effectiveAddress', 'B', executorSource(title, row, destination, source));
    executor = factory(keepCarry, testCondition, effectiveAddress, BYTE_REGISTER_OFFSET) as Executor;
    executors.set(key, executor);
  }
  return executor;
}

/**
 * Bind an op to a row: returns the executor and leaves the in-line record on the op. An op has at
 * most one memory operand (the ModRM one): a load, a store, a read-only compare, or a
 * read-modify-write of memory.
 */
export function bindRow(op: Op, name: string, row: FormRow, destination: Operand, source: Operand): Executor {
  const inline: InlineForm = { name, row, destination, source };
  op.inline = inline;
  return formExecutor(name, row, destination, source);
}
