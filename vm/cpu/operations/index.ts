// The integer operations: every table operation the core implements, by name.
//
// `installIntegerOperations` puts them into a CPU's operation table. System operations (MOV Sreg with
// descriptor loads, far transfers, IRET, IN/OUT, MSRs, SYSENTER...) are registered on top by
// vm/cpu/system/ through `cpu.registerOperation(name, binder)`; until then they raise #UD and are
// counted in cpu.unimplemented.

import type { Cpu } from '../cpu.ts';
import type { Binder } from '../op.ts';
import { bindArithmetic, bindIncDec, bindNeg, bindNot } from './alu.ts';
import {
  bindMov, bindMovzx, bindMovsx, bindLea, bindXchg, bindXadd, bindCmpxchg, bindCmpxchg8b, bindBswap,
  bindCbw, bindCwd, bindXlat, bindLahf, bindSahf, bindSetcc, bindCmovcc, bindNop, bindUd2,
} from './move.ts';
import { bindPush, bindPop, bindPusha, bindPopa, bindPushf, bindPopf, bindEnter, bindLeave, bindBound } from './stack.ts';
import {
  bindJcc, bindJmp, bindJmpIndirect, bindCall, bindCallIndirect, bindRet, bindLoop, bindJecxz,
  bindInt, bindInt3, bindInto, bindInt1,
} from './control.ts';
import { bindShift, bindDoubleShift } from './shift.ts';
import { bindMul, bindImul, bindImul2, bindImul3, bindDiv, bindIdiv } from './muldiv.ts';
import { bindString } from './string.ts';
import { bindBitTest, bindBitScan } from './bits.ts';
import { bindDaa, bindDas, bindAaa, bindAas, bindAam, bindAad } from './bcd.ts';
import { bindClc, bindStc, bindCmc, bindCld, bindStd, bindCpuid, bindRdtsc, bindRdpmc } from './misc.ts';

export const integerOperations: Record<string, Binder> = {
  add: bindArithmetic, or: bindArithmetic, adc: bindArithmetic, sbb: bindArithmetic,
  and: bindArithmetic, sub: bindArithmetic, xor: bindArithmetic, cmp: bindArithmetic, test: bindArithmetic,
  inc: bindIncDec, dec: bindIncDec, neg: bindNeg, not: bindNot,
  mul: bindMul, imul: bindImul, imul2: bindImul2, imul3: bindImul3, div: bindDiv, idiv: bindIdiv,
  daa: bindDaa, das: bindDas, aaa: bindAaa, aas: bindAas, aam: bindAam, aad: bindAad,
  rol: bindShift, ror: bindShift, rcl: bindShift, rcr: bindShift, shl: bindShift, shr: bindShift, sar: bindShift,
  shld: bindDoubleShift, shrd: bindDoubleShift,
  bt: bindBitTest, bts: bindBitTest, btr: bindBitTest, btc: bindBitTest, bsf: bindBitScan, bsr: bindBitScan,
  mov: bindMov, movzx: bindMovzx, movsx: bindMovsx, lea: bindLea, xchg: bindXchg,
  nop: bindNop, pause: bindNop, cbw: bindCbw, cwd: bindCwd, xlat: bindXlat,
  lahf: bindLahf, sahf: bindSahf, bswap: bindBswap, xadd: bindXadd, cmpxchg: bindCmpxchg, cmpxchg8b: bindCmpxchg8b,
  cmovcc: bindCmovcc, setcc: bindSetcc,
  push: bindPush, pop: bindPop, pusha: bindPusha, popa: bindPopa, pushf: bindPushf, popf: bindPopf,
  enter: bindEnter, leave: bindLeave, bound: bindBound,
  jcc: bindJcc, jmp: bindJmp, 'jmp-indirect': bindJmpIndirect, call: bindCall, 'call-indirect': bindCallIndirect,
  ret: bindRet, loop: bindLoop, loope: bindLoop, loopne: bindLoop, jecxz: bindJecxz,
  int: bindInt, int3: bindInt3, into: bindInto, int1: bindInt1, ud2: bindUd2,
  clc: bindClc, stc: bindStc, cmc: bindCmc, cld: bindCld, std: bindStd,
  movs: bindString, cmps: bindString, stos: bindString, lods: bindString, scas: bindString,
  cpuid: bindCpuid, rdtsc: bindRdtsc, rdpmc: bindRdpmc,
};

export function installIntegerOperations(cpu: Cpu): void {
  for (const [name, binder] of Object.entries(integerOperations)) cpu.operations.set(name, binder);
  cpu.code.invalidateAll();
}
