// The integer operations: every table operation the core implements, by name.
//
// `installIntegerOperations` puts them into a CPU's operation table. System operations (MOV Sreg with
// descriptor loads, far transfers, IRET, IN/OUT, MSRs, SYSENTER...) are registered on top by
// vm/cpu/system/ through `cpu.registerOperation(name, binder)`.

import type { Cpu } from '../cpu.ts';
import type { Binder } from '../op.ts';
import { bindArithmetic, bindIncDec, bindNeg, bindNot } from './alu.ts';

export const integerOperations: Record<string, Binder> = {
  add: bindArithmetic, or: bindArithmetic, adc: bindArithmetic, sbb: bindArithmetic,
  and: bindArithmetic, sub: bindArithmetic, xor: bindArithmetic, cmp: bindArithmetic, test: bindArithmetic,
  inc: bindIncDec, dec: bindIncDec, neg: bindNeg, not: bindNot,
};

export function installIntegerOperations(cpu: Cpu): void {
  for (const [name, binder] of Object.entries(integerOperations)) cpu.operations.set(name, binder);
  cpu.code.invalidateAll();
}
