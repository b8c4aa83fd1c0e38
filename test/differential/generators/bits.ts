// BT/BTS/BTR/BTC (register and immediate bit offsets; on memory the register offset addresses a bit
// string, reaching below and above the operand) and BSF/BSR (including a zero source).

import { type Case, type Random } from '../case.ts';
import { DATA_SIZE } from '../layout.ts';
import { reg, repeat, sfx, V_SIZES, type Size, Draft } from './build.ts';

const BIT_TESTS = ['bt', 'bts', 'btr', 'btc'] as const;

/**
 * A memory operand for BT with a register offset: the byte actually touched is the operand's address
 * plus (offset >> 3), rounded to the operand size, so the operand sits mid-scratch and the offset
 * stays within [-480, 1000] bits.
 */
function bitStringOperand(d: Draft, size: Size): string {
  return d.memory(size / 8, { at: 64 + d.r.below(DATA_SIZE - 128) }).text;
}

export function generateBits(r: Random): Case[] {
  const out: Case[] = [];
  for (const op of BIT_TESTS) {
    for (const size of V_SIZES) {
      // 0F A3/AB/B3/BB: register bit offset, register operand (offset taken modulo the size)
      out.push(...repeat(r, 50, (d, i) => {
        const a = d.register(size); const b = d.register(size);
        d.randomize(a, size); d.randomize(b, size);
        return d.finish(`bits/${op}${sfx(size)} reg,reg#${i}`, `${op}${sfx(size)} ${reg(b, size)}, ${reg(a, size)}`);
      }));
      // ... memory operand: the offset is signed and selects any bit of a bit string
      out.push(...repeat(r, 50, (d, i) => {
        const text = bitStringOperand(d, size);
        const b = d.register(size);
        d.set(b, size, d.r.below(1480) - 480);
        const lock = op !== 'bt' && d.r.chance(0.3) ? 'lock ' : '';
        return d.finish(`bits/${op}${sfx(size)} reg,mem#${i}`, `${lock}${op}${sfx(size)} ${reg(b, size)}, ${text}`);
      }));
      // 0F BA /4-/7: immediate bit offset, register or memory (the immediate is taken modulo the size)
      for (const useMemory of [false, true]) {
        out.push(...repeat(r, 40, (d, i) => {
          const text = useMemory ? d.memory(size / 8).text : (() => { const a = d.register(size); d.randomize(a, size); return reg(a, size); })();
          const bit = d.r.pick([0, 1, size - 1, size, size + 1, 31, 32, 255, d.r.below(256)]);
          const lock = useMemory && op !== 'bt' && d.r.chance(0.3) ? 'lock ' : '';
          return d.finish(`bits/${op}${sfx(size)} imm,${useMemory ? 'mem' : 'reg'}#${i}`, `${lock}${op}${sfx(size)} $${bit}, ${text}`);
        }));
      }
    }
  }
  for (const op of ['bsf', 'bsr']) {
    for (const size of V_SIZES) {
      for (const useMemory of [false, true]) {
        out.push(...repeat(r, 70, (d, i) => {
          // One case in five scans a zero: ZF=1 and (on Intel, AMD and QEMU alike) the destination unchanged.
          const zero = d.r.chance(0.2);
          let value = zero ? 0 : d.r.u32();
          if (!zero && d.r.chance(0.4)) value = 1 << d.r.below(size);
          const text = useMemory ? d.memory(size / 8, { value }).text : (() => { const a = d.register(size); d.set(a, size, value); return reg(a, size); })();
          const dst = d.register(size);
          return d.finish(`bits/${op}${sfx(size)} ${useMemory ? 'mem' : 'reg'}${zero ? ' zero' : ''}#${i}`, `${op}${sfx(size)} ${text}, ${reg(dst, size)}`);
        }));
      }
    }
  }
  return out;
}
