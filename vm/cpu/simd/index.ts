// The SIMD unit: MMX, SSE and SSE2 executors by table operation name (the rows are in
// vm/isa/forms/simd.ts). `installSimdOperations` puts them into a CPU's operation table, as
// installIntegerOperations does for the integer core.
//
// | file               | what it holds                                                              |
// |--------------------|----------------------------------------------------------------------------|
// | operands.ts        | MMX/XMM registers in cpu.fpu, memory operands, the #UD/#NM/#MF checks      |
// | binders.ts         | the shared executor shape: load destination and source, operate, store     |
// | packed-integer.ts  | MMX and SSE2 integer arithmetic, compares, shifts, packs and unpacks       |
// | shuffles.ts        | PSHUFW/PSHUFD/PSHUFHW/PSHUFLW, SHUFPS/SHUFPD                                |
// | moves.ts           | MOVD/MOVQ, register/half/scalar moves, non-temporal and masked stores      |
// | control.ts         | EMMS, LDMXCSR/STMXCSR, the fences, CLFLUSH                                 |
//
// Which instructions a CPU model has is the table's `feature` (checked when an instruction is
// decoded, vm/cpu/code-cache.ts): an instruction a model lacks never reaches these executors.

import type { Cpu } from '../cpu.ts';
import type { Binder } from '../op.ts';
import { bindLanes } from './binders.ts';
import { bindClflush, bindEmms, bindFence, bindLdmxcsr, bindStmxcsr } from './control.ts';
import { moveOperations } from './moves.ts';
import { packedOperations } from './packed-integer.ts';
import { shuffleOperations } from './shuffles.ts';

/** Bitwise float operations and float unpacks are the integer ones on XMM lanes of another type. */
const sameAs: Readonly<Record<string, string>> = {
  andps: 'pand', andpd: 'pand', andnps: 'pandn', andnpd: 'pandn', orps: 'por', orpd: 'por', xorps: 'pxor', xorpd: 'pxor',
  unpcklps: 'punpckldq', unpckhps: 'punpckhdq', unpcklpd: 'punpcklqdq', unpckhpd: 'punpckhqdq',
};

export const simdOperations: Record<string, Binder> = {
  ...Object.fromEntries(Object.entries(packedOperations).map(([name, f]) => [name, bindLanes(f)])),
  ...Object.fromEntries(Object.entries(sameAs).map(([name, integer]) => [name, bindLanes(packedOperations[integer]!)])),
  ...Object.fromEntries(Object.entries(shuffleOperations).map(([name, f]) => [name, bindLanes(f)])),
  ...moveOperations,
  emms: bindEmms,
  ldmxcsr: bindLdmxcsr,
  stmxcsr: bindStmxcsr,
  sfence: bindFence, lfence: bindFence, mfence: bindFence,
  clflush: bindClflush,
};

export function installSimdOperations(cpu: Cpu): void {
  for (const [name, binder] of Object.entries(simdOperations)) cpu.operations.set(name, binder);
  cpu.code.invalidateAll();
}
