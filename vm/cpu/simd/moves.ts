// Data movement: MOVD/MOVQ, the whole-register, half and scalar moves of SSE/SSE2, the non-temporal
// stores, MOVQ2DQ/MOVDQ2Q, the sign-mask extractions and the masked stores (Intel SDM Vol. 2).
//
// What each move leaves in the rest of the destination is the point of most of them: MOVSS from
// memory clears bits 32-127, MOVSS between registers keeps them; MOVQ to an XMM register clears the
// high quadword; MOVLPS/MOVHPS keep the other half.

import { EDI } from '../cpu.ts';
import type { Binder } from '../op.ts';
import { getRegister, setRegister } from '../operations/operands.ts';
import { effectiveAddress } from '../op.ts';
import { D, S, checked, entryOf, enter, leave, loadSource, registerKindOf, widthOf } from './binders.ts';
import { loadMemory, loadRegister, Register, storeMemory, storeRegister } from './operands.ts';

/**
 * A move of the low `bytes` of a register or memory into a register. `clearRest`: the rest of the
 * destination is zeroed ('always', 'from-memory' for MOVSS/MOVSD) or kept ('never').
 */
function moveInto(bytes: number, clearRest: 'always' | 'from-memory' | 'never'): Binder {
  return (op, insn) => {
    const form = insn.form!;
    const dest = form.operands[0]!;
    const source = form.operands[1]!;
    const kind = registerKindOf(dest);
    const e = entryOf(form.operands, op.isMemory);
    const aligned = form.unaligned !== true;
    return (cpu, o) => {
      enter(cpu, e);
      loadSource(cpu, o, source, aligned);
      if (clearRest === 'never' || (clearRest === 'from-memory' && !o.isMemory)) loadRegister(cpu, kind, o.reg, D);
      else D.u32.fill(0);
      for (let i = 0; i < bytes >> 2; i++) D.u32[i] = S.u32[i]!;
      storeRegister(cpu, kind, o.reg, D);
      leave(cpu, e);
    };
  };
}

/**
 * A store of a register's low `bytes` to a register or memory operand (ModRM.rm). To a register the
 * rest of the destination is zeroed ('always': MOVQ xmm/m64, xmm) or kept ('never': MOVSS xmm, xmm).
 */
function moveFrom(bytes: number, clearRest: 'always' | 'never'): Binder {
  return (op, insn) => {
    const form = insn.form!;
    const dest = form.operands[0]!;
    const source = form.operands[1]!;
    const kind = registerKindOf(source);
    const e = entryOf(form.operands, op.isMemory);
    const aligned = form.unaligned !== true;
    return (cpu, o) => {
      enter(cpu, e);
      loadRegister(cpu, kind, o.reg, S);
      if (o.isMemory) {
        for (let i = 0; i < bytes >> 2; i++) D.u32[i] = S.u32[i]!;
        storeMemory(cpu, o, bytes, D, aligned);
      } else {
        if (clearRest === 'never') loadRegister(cpu, registerKindOf(dest), o.rm, D);
        else D.u32.fill(0);
        for (let i = 0; i < bytes >> 2; i++) D.u32[i] = S.u32[i]!;
        storeRegister(cpu, registerKindOf(dest), o.rm, D);
      }
      leave(cpu, e);
    };
  };
}

/** MOVD mm/xmm, r/m32: zero-extended into the whole register. */
const bindMovdInto: Binder = (op, insn) => {
  const form = insn.form!;
  const kind = registerKindOf(form.operands[0]!);
  const e = entryOf(form.operands, op.isMemory);
  return (cpu, o) => {
    enter(cpu, e);
    const value = o.isMemory ? cpu.read32(o.seg, effectiveAddress(cpu, o)) : cpu.regs[o.rm]!;
    D.u32.fill(0);
    D.u32[0] = value;
    storeRegister(cpu, kind, o.reg, D);
    leave(cpu, e);
  };
};

/** MOVD r/m32, mm/xmm: the low doubleword. */
const bindMovdFrom: Binder = (op, insn) => {
  const form = insn.form!;
  const kind = registerKindOf(form.operands[1]!);
  const e = entryOf(form.operands, op.isMemory);
  return (cpu, o) => {
    enter(cpu, e);
    loadRegister(cpu, kind, o.reg, S);
    if (o.isMemory) cpu.write32(o.seg, effectiveAddress(cpu, o), S.u32[0]!);
    else cpu.regs[o.rm] = S.u32[0]!;
    leave(cpu, e);
  };
};

/** MOVD has two directions under one operation name: the first operand says which. */
const bindMovd: Binder = (op, insn, cpu) => (insn.form!.operands[0]!.kind === 'rm' ? bindMovdFrom : bindMovdInto)(op, insn, cpu);

/** MOVQ: 0F 6F/7F between MMX registers and memory, F3 0F 7E into XMM, 66 0F D6 out of XMM. */
const bindMovq: Binder = (op, insn, cpu) => {
  const [dest] = insn.form!.operands;
  if (dest!.kind === 'mm' || dest!.kind === 'xmm') return moveInto(8, 'always')(op, insn, cpu);
  return moveFrom(8, 'always')(op, insn, cpu);
};

/** A whole-register move (MOVAPS, MOVUPS, MOVDQA, MOVDQU...): direction from the operand order. */
const bindMoveWhole: Binder = (op, insn, cpu) => {
  const [dest] = insn.form!.operands;
  if (dest!.kind === 'xmm') return moveInto(16, 'always')(op, insn, cpu);
  return moveFrom(16, 'always')(op, insn, cpu);
};

/** MOVSS/MOVSD: the low element; from memory the rest is cleared, between registers it is kept. */
function bindMoveScalar(bytes: number): Binder {
  return (op, insn, cpu) => {
    const [dest] = insn.form!.operands;
    if (dest!.kind === 'xmm') return moveInto(bytes, 'from-memory')(op, insn, cpu);
    return moveFrom(bytes, 'never')(op, insn, cpu);
  };
}

/**
 * MOVLPS/MOVLPD/MOVHPS/MOVHPD (memory forms), MOVHLPS/MOVLHPS (register forms): one quadword in or
 * out, the other half of the XMM register kept. `high`: the XMM register's high quadword.
 */
function bindMoveHalf(high: boolean): Binder {
  return (op, insn) => {
    const form = insn.form!;
    const e = entryOf(form.operands, op.isMemory);
    const half = high ? 2 : 0;
    if (form.operands[0]!.kind === 'mem') {
      return checked(e, (cpu, o) => {
        loadRegister(cpu, Register.Xmm, o.reg, S);
        D.u32[0] = S.u32[half]!;
        D.u32[1] = S.u32[half + 1]!;
        storeMemory(cpu, o, 8, D, false);
      });
    }
    // Into the register: from memory, or (MOVHLPS: high of the source into low; MOVLHPS: low into high).
    const fromHalf = !op.isMemory && !high ? 2 : 0;
    return checked(e, (cpu, o) => {
      if (o.isMemory) loadMemory(cpu, o, 8, S, false);
      else loadRegister(cpu, Register.Xmm, o.rm, S);
      loadRegister(cpu, Register.Xmm, o.reg, D);
      D.u32[half] = S.u32[fromHalf]!;
      D.u32[half + 1] = S.u32[fromHalf + 1]!;
      storeRegister(cpu, Register.Xmm, o.reg, D);
    });
  };
}

/** Non-temporal stores (MOVNTPS/PD/DQ: 16 aligned bytes; MOVNTQ: 8): a store, the hint has no effect here. */
const bindMoveNonTemporal: Binder = (op, insn) => {
  const form = insn.form!;
  const source = form.operands[1]!;
  const kind = registerKindOf(source);
  const bytes = (form.operands[0]!.size as number) / 8;
  const e = entryOf(form.operands, op.isMemory);
  return checked(e, (cpu, o) => {
    loadRegister(cpu, kind, o.reg, D);
    storeMemory(cpu, o, bytes, D, true);
  });
};

/** MOVNTI m32, r32: a general register, no SIMD state (and no CR0/CR4 check: SDM MOVNTI). */
const bindMovnti: Binder = () => (cpu, o) => cpu.write32(o.seg, effectiveAddress(cpu, o), cpu.regs[o.reg]!);

/** MOVQ2DQ xmm, mm (high quadword cleared) and MOVDQ2Q mm, xmm (low quadword). */
const bindMovq2dq: Binder = (op, insn) => {
  const e = entryOf(insn.form!.operands, false);
  return checked(e, (cpu, o) => {
    loadRegister(cpu, Register.Mmx, o.rm, S);
    D.u32.fill(0);
    D.u32[0] = S.u32[0]!;
    D.u32[1] = S.u32[1]!;
    storeRegister(cpu, Register.Xmm, o.reg, D);
  });
};

const bindMovdq2q: Binder = (op, insn) => {
  const e = entryOf(insn.form!.operands, false);
  return checked(e, (cpu, o) => {
    loadRegister(cpu, Register.Xmm, o.rm, S);
    storeRegister(cpu, Register.Mmx, o.reg, S);
  });
};

/** PMOVMSKB r32, mm/xmm: the sign bit of each byte. MOVMSKPS/PD: of each single/double. */
function bindSignMask(laneBytes: number): Binder {
  return (op, insn) => {
    const form = insn.form!;
    const kind = registerKindOf(form.operands[1]!);
    const bytes = widthOf(kind);
    const e = entryOf(form.operands, false);
    return checked(e, (cpu, o) => {
      loadRegister(cpu, kind, o.rm, S);
      let mask = 0;
      for (let lane = 0; lane < bytes / laneBytes; lane++) mask |= (S.u8[lane * laneBytes + laneBytes - 1]! >> 7) << lane;
      cpu.regs[o.reg] = mask;
    });
  };
}

/**
 * MASKMOVQ/MASKMOVDQU: the bytes of the first register whose mask byte (second register) has its top
 * bit set go to DS:(E)DI (a segment override applies). Bytes are written one at a time.
 */
const bindMaskedStore: Binder = (op, insn) => {
  const form = insn.form!;
  const kind = registerKindOf(form.operands[0]!);
  const bytes = widthOf(kind);
  const e = entryOf(form.operands, false);
  const mask = insn.addressSize === 32 ? -1 : 0xffff;
  return checked(e, (cpu, o) => {
    loadRegister(cpu, kind, o.reg, D);
    loadRegister(cpu, kind, o.rm, S);
    const base = cpu.regs[EDI]! & mask;
    // The whole destination is checked first, as a write, whatever the mask: the SDM leaves the
    // faults of an all-zero mask to the implementation, and the Intel host here takes them
    // (a null DS, an unmapped page); it also keeps a fault from leaving half the bytes stored.
    // With 16-bit addressing the destination may wrap at 64 KiB: then byte by byte, after the whole
    // operand's segment and alignment checks where it does not wrap (a byte is never misaligned:
    // EFLAGS.AC at CPL 3 makes a misaligned DI #AC, SIGBUS on the host, before any page walk).
    if (mask === -1) cpu.writableLinear(o.seg, base, bytes);
    else {
      if (base + bytes <= 0x10000) cpu.checkAlignment(o.seg, base, bytes, true);
      for (let i = 0; i < bytes; i++) cpu.writableLinear(o.seg, (base + i) & mask, 1);
    }
    for (let i = 0; i < bytes; i++) if ((S.u8[i]! & 0x80) !== 0) cpu.write8(o.seg, (base + i) & mask, D.u8[i]!);
  });
};

/** PINSRW mm/xmm, r32/m16, imm8: one word replaced. PEXTRW r32, mm/xmm, imm8: one word zero-extended. */
const bindPinsrw: Binder = (op, insn) => {
  const form = insn.form!;
  const kind = registerKindOf(form.operands[0]!);
  const lane = op.imm & (kind === Register.Mmx ? 3 : 7);
  const e = entryOf(form.operands, op.isMemory);
  return checked(e, (cpu, o) => {
    const value = o.isMemory ? cpu.read16(o.seg, effectiveAddress(cpu, o)) : getRegister(cpu, o.rm, 16);
    loadRegister(cpu, kind, o.reg, D);
    D.u16[lane] = value;
    storeRegister(cpu, kind, o.reg, D);
  });
};

const bindPextrw: Binder = (op, insn) => {
  const form = insn.form!;
  const kind = registerKindOf(form.operands[1]!);
  const lane = op.imm & (kind === Register.Mmx ? 3 : 7);
  const e = entryOf(form.operands, false);
  return checked(e, (cpu, o) => {
    loadRegister(cpu, kind, o.rm, S);
    setRegister(cpu, o.reg, 32, S.u16[lane]!);
  });
};

export const moveOperations: Record<string, Binder> = {
  movd: bindMovd,
  movq: bindMovq,
  movdqa: bindMoveWhole, movdqu: bindMoveWhole,
  movaps: bindMoveWhole, movups: bindMoveWhole, movapd: bindMoveWhole, movupd: bindMoveWhole,
  movss: bindMoveScalar(4), movsd: bindMoveScalar(8),
  movlps: bindMoveHalf(false), movlpd: bindMoveHalf(false), movhlps: bindMoveHalf(false),
  movhps: bindMoveHalf(true), movhpd: bindMoveHalf(true), movlhps: bindMoveHalf(true),
  movntps: bindMoveNonTemporal, movntpd: bindMoveNonTemporal, movntdq: bindMoveNonTemporal, movntq: bindMoveNonTemporal,
  movnti: bindMovnti,
  movq2dq: bindMovq2dq, movdq2q: bindMovdq2q,
  pmovmskb: bindSignMask(1), movmskps: bindSignMask(4), movmskpd: bindSignMask(8),
  maskmovq: bindMaskedStore, maskmovdqu: bindMaskedStore,
  pinsrw: bindPinsrw, pextrw: bindPextrw,
};
