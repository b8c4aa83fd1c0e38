// The x87 unit's operations, by the ISA table's operation name (vm/isa/forms/x87.ts). Each binder
// picks an executor for the form — memory format, register or memory, which operand is the
// destination, whether it pops — so that nothing is decided per execution.

import type { Cpu } from '../cpu.ts';
import type { Binder, Executor } from '../op.ts';
import type { Instruction } from '../../isa/decoder.ts';
import { Arithmetic, arithmeticMemory, arithmeticRegister, fprem, fprem1, frndint, fscale, fsqrt, fxtract, MemoryOperand, signExecutor } from './arithmetic.ts';
import { compareMemory, compareRegister, compareToEflags, ftst, fxam } from './compare.ts';
import {
  fldcw, fldenv, fnclex, fninit, fnop, fnopLegacy, fnsave, fnstcw, fnstswAx, fnstswMemory, frstor, fstenv, fwait, fxrstor,
  fxsave, x87Reserved,
} from './control.ts';
import {
  constantExecutor, fbld, fbstp, fcmov, ffree, ffreep, fildExecutor, fistExecutor, fldDouble, fldExtended, fldRegister,
  fldSingle, fstRealExecutor, fstRegisterExecutor, fxch, stackPointerExecutor,
} from './load-store.ts';
import { f2xm1, fpatan, fyl2x, fyl2xp1, trigonometricExecutor } from './transcendental.ts';
import { opcodeOf } from './unit.ts';

/** A binder that records FOP in op.imm (x87 forms have no immediate) and chooses by the instruction. */
function x87(choose: (insn: Instruction, memorySize: number) => Executor): Binder {
  return (op, insn) => {
    op.imm = opcodeOf(insn);
    const memory = insn.form!.operands.find((o) => o.kind === 'mem');
    return choose(insn, memory !== undefined && typeof memory.size === 'number' ? memory.size : 0);
  };
}

const fixed = (e: Executor): Binder => x87(() => e);

const ARITHMETIC: Record<string, Arithmetic> = { add: Arithmetic.Add, mul: Arithmetic.Mul, sub: Arithmetic.Sub, subr: Arithmetic.SubR, div: Arithmetic.Div, divr: Arithmetic.DivR };

/** FADD, FSUBP, FIDIVR...: `name` is the operation without its f/fi and p. */
function arithmeticBinder(name: string, integer: boolean, popAfter: boolean): Binder {
  const kind = ARITHMETIC[name]!;
  return x87((insn, size) => {
    if (insn.mod !== 3) {
      const operand = integer ? (size === 16 ? MemoryOperand.Int16 : MemoryOperand.Int32) : (size === 32 ? MemoryOperand.Single : MemoryOperand.Double);
      return arithmeticMemory(kind, operand);
    }
    return arithmeticRegister(kind, insn.form!.opcode[0] !== 0xd8, popAfter);
  });
}

function compareBinder(integer: boolean, popAfter: boolean, signaling = true): Binder {
  return x87((insn, size) => {
    if (insn.mod !== 3) return compareMemory(integer ? (size === 16 ? MemoryOperand.Int16 : MemoryOperand.Int32) : (size === 32 ? MemoryOperand.Single : MemoryOperand.Double), popAfter);
    return compareRegister(signaling, popAfter ? 1 : 0);
  });
}

export const x87Operations: Record<string, Binder> = {
  fwait: () => fwait,
  'x87-reserved': () => x87Reserved,
  'fnop-legacy': fixed(fnopLegacy),
  fnop: fixed(fnop),
  fld: x87((insn, size) => (insn.mod === 3 ? fldRegister : size === 32 ? fldSingle : size === 64 ? fldDouble : fldExtended)),
  fst: x87((insn, size) => (insn.mod === 3 ? fstRegisterExecutor(false) : fstRealExecutor(size as 32 | 64, false))),
  fstp: x87((insn, size) => (insn.mod === 3 ? fstRegisterExecutor(true, insn.form!.opcode[0] === 0xd9) : fstRealExecutor(size as 32 | 64 | 80, true))),
  fild: x87((_insn, size) => fildExecutor(size as 16 | 32 | 64)),
  fist: x87((_insn, size) => fistExecutor(size as 16 | 32, false)),
  fistp: x87((_insn, size) => fistExecutor(size as 16 | 32 | 64, true)),
  fbld: fixed(fbld),
  fbstp: fixed(fbstp),
  fxch: fixed(fxch),
  fcmovcc: fixed(fcmov),
  ffree: fixed(ffree),
  ffreep: fixed(ffreep),
  fincstp: fixed(stackPointerExecutor(1)),
  fdecstp: fixed(stackPointerExecutor(-1)),
  fld1: fixed(constantExecutor(0)),
  fldl2t: fixed(constantExecutor(1)),
  fldl2e: fixed(constantExecutor(2)),
  fldpi: fixed(constantExecutor(3)),
  fldlg2: fixed(constantExecutor(4)),
  fldln2: fixed(constantExecutor(5)),
  fldz: fixed(constantExecutor(6)),
  fchs: fixed(signExecutor((se) => se ^ 0x8000)),
  fabs: fixed(signExecutor((se) => se & 0x7fff)),
  fsqrt: fixed(fsqrt),
  frndint: fixed(frndint),
  fscale: fixed(fscale),
  fxtract: fixed(fxtract),
  fprem: fixed(fprem),
  fprem1: fixed(fprem1),
  fcom: compareBinder(false, false),
  fcomp: compareBinder(false, true),
  ficom: compareBinder(true, false),
  ficomp: compareBinder(true, true),
  fucom: x87(() => compareRegister(false, 0)),
  fucomp: x87(() => compareRegister(false, 1)),
  fcompp: x87(() => compareRegister(true, 2, 1)),
  fucompp: x87(() => compareRegister(false, 2, 1)),
  fcomi: fixed(compareToEflags(true, false)),
  fcomip: fixed(compareToEflags(true, true)),
  fucomi: fixed(compareToEflags(false, false)),
  fucomip: fixed(compareToEflags(false, true)),
  ftst: fixed(ftst),
  fxam: fixed(fxam),
  fldcw: fixed(fldcw),
  fnstcw: fixed(fnstcw),
  fnstsw: x87((insn) => (insn.mod === 3 ? fnstswAx : fnstswMemory)),
  fnclex: fixed(fnclex),
  fninit: fixed(fninit),
  fldenv: fixed(fldenv),
  fnstenv: fixed(fstenv),
  frstor: fixed(frstor),
  fnsave: fixed(fnsave),
  fsin: fixed(trigonometricExecutor('sin')),
  fcos: fixed(trigonometricExecutor('cos')),
  fsincos: fixed(trigonometricExecutor('sincos')),
  fptan: fixed(trigonometricExecutor('tan')),
  fpatan: fixed(fpatan),
  f2xm1: fixed(f2xm1),
  fyl2x: fixed(fyl2x),
  fyl2xp1: fixed(fyl2xp1),
  fxsave: () => fxsave,
  fxrstor: () => fxrstor,
};
for (const name of Object.keys(ARITHMETIC)) {
  x87Operations[`f${name}`] = arithmeticBinder(name, false, false);
  x87Operations[`f${name}p`] = arithmeticBinder(name, false, true);
  x87Operations[`fi${name}`] = arithmeticBinder(name, true, false);
}

/** Make the x87 instructions (and FWAIT, FXSAVE, FXRSTOR) execute on this CPU. */
export function installX87Operations(cpu: Cpu): void {
  for (const [name, binder] of Object.entries(x87Operations)) cpu.operations.set(name, binder);
  cpu.code.invalidateAll();
}
