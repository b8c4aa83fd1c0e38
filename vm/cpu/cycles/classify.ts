// Which class of the cost table an op belongs to, decided once when it is bound.
//
// The class follows the operation (the ISA table's `operation`) and whether its memory operand is
// read or written. Operations that are privileged transitions with variants (INT n, IRET, far
// transfers, segment-register loads) are priced by their executors where the variant is known, so
// they get no bind-time class here (null): see costs.ts.

import type { InstructionForm } from '../../isa/table.ts';
import { COST_CLASS_INDEX, type CostClass, type CycleCosts } from './costs.ts';

/** Operations priced where they happen (vm/cpu/system/), not when bound. */
const PRICED_BY_EXECUTOR = new Set([
  'int', 'int3', 'into', 'int1', 'iret', 'jmp-far', 'jmp-far-indirect', 'call-far', 'call-far-indirect', 'ret-far',
  'mov-to-sreg', 'pop-sreg', 'load-far-pointer', 'ud0', 'ud1', 'ud2',
]);

/** Register-form class of an operation, and its class when a memory operand is read / written. */
const BY_OPERATION: Record<string, [CostClass, CostClass?, CostClass?]> = {
  add: ['alu', 'aluLoad', 'aluStore'], or: ['alu', 'aluLoad', 'aluStore'], and: ['alu', 'aluLoad', 'aluStore'],
  sub: ['alu', 'aluLoad', 'aluStore'], xor: ['alu', 'aluLoad', 'aluStore'], cmp: ['alu', 'aluLoad', 'aluLoad'],
  test: ['alu', 'aluLoad', 'aluLoad'], adc: ['carry', 'aluLoad', 'aluStore'], sbb: ['carry', 'aluLoad', 'aluStore'],
  inc: ['alu', 'aluStore', 'aluStore'], dec: ['alu', 'aluStore', 'aluStore'], neg: ['alu', 'aluStore', 'aluStore'],
  not: ['alu', 'aluStore', 'aluStore'],
  mov: ['alu', 'load', 'store'], movzx: ['alu', 'load'], movsx: ['alu', 'load'], lea: ['alu'], 'mov-from-sreg': ['alu', 'store', 'store'],
  nop: ['alu'], pause: ['alu'], fwait: ['alu'], endbr32: ['alu'], endbr64: ['alu'], cbw: ['alu'], cwd: ['alu'], bswap: ['alu'],
  setcc: ['alu', 'store', 'store'], cmovcc: ['alu', 'load'], xlat: ['load'],
  xchg: ['exchange', 'locked', 'locked'], xadd: ['exchange', 'aluStore', 'aluStore'], cmpxchg: ['exchange', 'aluStore', 'aluStore'],
  cmpxchg8b: ['locked', 'locked', 'locked'],
  rol: ['shift', 'aluStore', 'aluStore'], ror: ['shift', 'aluStore', 'aluStore'], rcl: ['shift', 'aluStore', 'aluStore'],
  rcr: ['shift', 'aluStore', 'aluStore'], shl: ['shift', 'aluStore', 'aluStore'], shr: ['shift', 'aluStore', 'aluStore'],
  sar: ['shift', 'aluStore', 'aluStore'], shld: ['shiftDouble'], shrd: ['shiftDouble'],
  bt: ['bitTest', 'aluLoad', 'aluLoad'], bts: ['bitTest', 'aluStore', 'aluStore'], btr: ['bitTest', 'aluStore', 'aluStore'],
  btc: ['bitTest', 'aluStore', 'aluStore'], bsf: ['bitScan'], bsr: ['bitScan'],
  mul: ['multiply'], imul: ['multiply'], imul2: ['multiply'], imul3: ['multiply'], div: ['divide'], idiv: ['divide'],
  daa: ['bcd'], das: ['bcd'], aaa: ['bcd'], aas: ['bcd'], aam: ['bcd'], aad: ['bcd'],
  push: ['push'], 'push-sreg': ['push'], pop: ['pop'], pusha: ['pushAll'], popa: ['popAll'], pushf: ['pushFlags'], popf: ['popFlags'],
  enter: ['enterLeave'], leave: ['enterLeave'], bound: ['aluLoad'],
  jmp: ['jump'], jcc: ['branch'], call: ['call'], 'call-indirect': ['callIndirect'], ret: ['return'],
  'jmp-indirect': ['jumpIndirect'], loop: ['loop'], loope: ['loop'], loopne: ['loop'], jecxz: ['loop'],
  clc: ['flagBit'], stc: ['flagBit'], cmc: ['flagBit'], lahf: ['flagBit'], sahf: ['flagBit'], cld: ['direction'], std: ['direction'],
  cli: ['interruptFlag'], sti: ['interruptFlag'],
  movs: ['string'], cmps: ['string'], stos: ['string'], lods: ['string'], scas: ['string'],
  cpuid: ['cpuid'], rdtsc: ['rdtsc'], rdpmc: ['rdtsc'],
  in: ['io'], out: ['io'], ins: ['io'], outs: ['io'], hlt: ['halt'],
  lgdt: ['tableRegister'], lidt: ['tableRegister'], sgdt: ['tableRegister'], sidt: ['tableRegister'], lldt: ['tableRegister'],
  sldt: ['tableRegister'], ltr: ['tableRegister'], str: ['tableRegister'], lar: ['tableRegister'], lsl: ['tableRegister'],
  verr: ['tableRegister'], verw: ['tableRegister'], arpl: ['tableRegister'],
  'mov-from-creg': ['controlRead'], 'mov-from-dreg': ['controlRead'], smsw: ['controlRead'],
  'mov-to-creg': ['controlWrite'], 'mov-to-dreg': ['controlWrite'], lmsw: ['controlWrite'], clts: ['controlWrite'],
  invd: ['controlWrite'], wbinvd: ['controlWrite'], invlpg: ['invlpg'],
  rdmsr: ['rdmsr'], wrmsr: ['wrmsr'], sysenter: ['sysenter'], sysexit: ['sysexit'], syscall: ['syscall'], sysret: ['sysret'],
  vmcall: ['service'],
};

const MEMORY_DESTINATIONS = new Set(['rm', 'mem', 'moffs']);

/**
 * The bind-time class of a decoded instruction, or null when its executor prices it. An operation
 * this table does not know yet (a new x87 or SIMD row) is priced as `alu` until someone gives it a
 * class: the model stays total, and `costClassOf` is where to add one.
 */
export function costClassOf(form: InstructionForm, isMemory: boolean, locked: boolean): CostClass | null {
  const operation = form.operation;
  if (PRICED_BY_EXECUTOR.has(operation)) return null;
  if (locked) return 'locked';
  const classes = BY_OPERATION[operation];
  if (classes === undefined) return 'alu';
  if (!isMemory) return classes[0];
  const writesMemory = form.operands.length > 0 && MEMORY_DESTINATIONS.has(form.operands[0]!.kind) && operation !== 'cmp' && operation !== 'test';
  return (writesMemory ? classes[2] : classes[1]) ?? classes[0];
}

/** An op's bind-time price in centicycles (0 when its executor prices it). */
export function opCenticycles(costs: CycleCosts, form: InstructionForm, isMemory: boolean, locked: boolean): number {
  const cls = costClassOf(form, isMemory, locked);
  return cls === null ? 0 : costs.byClass[COST_CLASS_INDEX[cls]]!;
}
