// Bit tests and scans: BT BTS BTR BTC (register and immediate bit offsets), BSF, BSR.
//
// BT* with a register bit offset and a memory operand address the bit string beyond the operand:
// the offset is signed, and the byte address moves by (offset >> 5) * 4 (32-bit) or (offset >> 4) * 2.
// CF receives the bit; ZF is unchanged (SDM BT); OF SF AF PF are undefined and left unchanged here.

import type { Cpu } from '../cpu.ts';
import { CF, ZF, materialiseFlags } from '../flags.ts';
import { effectiveAddress, type Binder, type Op } from '../op.ts';
import { getRegister, setRegister, readRm, operandKinds } from './operands.ts';

const BT = 0, BTS = 1, BTR = 2; // BTC = 3 complements
const NAMES = ['bt', 'bts', 'btr', 'btc'];

function setCarryOnly(cpu: Cpu, bit: number): void {
  materialiseFlags(cpu);
  cpu.flags = (cpu.flags & ~CF) | (bit & 1);
}

function apply(kind: number, value: number, mask: number): number {
  return kind === BTS ? value | mask : kind === BTR ? value & ~mask : value ^ mask;
}

function bitTest(cpu: Cpu, op: Op): void {
  const bits = op.size;
  // op.imm2 < 0: the offset is a register; else the immediate (masked to the operand width).
  const registerOffset = op.imm2 < 0;
  let offset = registerOffset ? getRegister(cpu, op.reg, bits) : op.imm & (bits - 1);
  if (!op.isMemory) {
    const n = offset & (bits - 1);
    const value = getRegister(cpu, op.rm, bits);
    setCarryOnly(cpu, value >>> n);
    if (op.kind !== BT) setRegister(cpu, op.rm, bits, apply(op.kind, value, 1 << n));
    return;
  }
  let address = effectiveAddress(cpu, op);
  if (registerOffset) {
    if (bits === 16) offset = (offset << 16) >> 16;
    const bytes = bits >> 3;
    address = (address + (offset >> (bits === 32 ? 5 : 4)) * bytes) & op.addressMask;
    offset &= bits - 1;
  }
  if (op.kind === BT) {
    setCarryOnly(cpu, cpu.readSized(op.seg, address, bits) >>> offset);
    return;
  }
  const value = cpu.modifySized(op.seg, address, bits);
  setCarryOnly(cpu, value >>> offset);
  cpu.commitSized(bits, apply(op.kind, value, 1 << offset));
}

export const bindBitTest: Binder = (op, insn) => {
  op.kind = NAMES.indexOf(insn.form!.operation);
  op.imm2 = operandKinds(insn)[1] === 'reg' ? -1 : 0;
  return bitTest;
};

/** BSF/BSR: ZF = (source == 0); the destination is left unchanged when it is (as every real CPU does). */
function bitScan(cpu: Cpu, op: Op): void {
  const source = readRm(cpu, op) & (op.size === 32 ? -1 : op.size === 16 ? 0xffff : 0xff);
  materialiseFlags(cpu);
  if (source === 0) {
    cpu.flags |= ZF;
    return;
  }
  cpu.flags &= ~ZF;
  const index = op.kind === 0 ? 31 - Math.clz32(source & -source) : 31 - Math.clz32(source);
  setRegister(cpu, op.reg, op.size, index);
}
export const bindBitScan: Binder = (op, insn) => {
  op.kind = insn.form!.operation === 'bsf' ? 0 : 1;
  return bitScan;
};
