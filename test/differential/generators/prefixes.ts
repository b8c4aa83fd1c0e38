// Prefix corner cases: LOCK where it is illegal (#UD), prefixes that an instruction ignores
// (0x66 on byte operations, REP on non-string ones, a segment override without a memory operand),
// several overrides at once (the last one counts), and repeated prefixes.

import { type Case, type Random } from '../case.ts';
import { bytes, reg, repeat, Draft } from './build.ts';

const LOCK = 0xf0;

export function generatePrefixes(r: Random): Case[] {
  const out: Case[] = [];
  // LOCK with a register destination, or on an instruction that is never lockable: #UD.
  const illegalLocks: Array<[string, number[]]> = [
    ['lock add reg,reg', [LOCK, 0x01, 0xc3]],
    ['lock cmp mem', [LOCK, 0x39, 0x03]],
    ['lock inc reg', [LOCK, 0xff, 0xc0]],
    ['lock nop', [LOCK, 0x90]],
    // LOCK MOV, LOCK TEST, LOCK BT and LOCK XCHG reg,reg must #UD too, but qemu-i386 runs them: see caveats.ts.
    // CMPXCHG8B needs a memory operand: with a register one it is #UD, LOCK or not.
    ['cmpxchg8b reg', [0x0f, 0xc7, 0xc8]],
  ];
  for (const [name, code] of illegalLocks) {
    out.push(...repeat(r, 8, (d: Draft, i) => {
      const m = d.memory(4, { allow16: false, override: false });
      // The memory forms above use (%ebx): point EBX at scratch.
      d.initial.ebx = m.address;
      return d.finish(`prefix/${name} #UD#${i}`, bytes(...code));
    }));
  }
  // A SIMD opcode whose choosing prefix (the last F2/F3, else 66) names none of its variants: the
  // opcode map's empty cell, #UD (objdump's `(bad)`), not the unprefixed instruction.
  const emptyCells: Array<[string, number[]]> = [
    ['f2 movaps', [0xf2, 0x0f, 0x29, 0xc1]],
    ['f3 pcmpeqd mm', [0xf3, 0x0f, 0x76, 0xc1]],
    ['66 emms', [0x66, 0x0f, 0x77]],
    ['f3 maskmovq', [0xf3, 0x0f, 0xf7, 0xc1]],
    ['f3 66 movaps', [0xf3, 0x66, 0x0f, 0x29, 0xc1]],
    ['f2 movaps mem', [0xf2, 0x0f, 0x29, 0x03]],
  ];
  for (const [name, code] of emptyCells) {
    out.push(...repeat(r, 4, (d: Draft, i) => {
      d.initial.ebx = d.memory(16, { allow16: false, override: false }).address;
      const c = d.finish(`prefix/${name} #UD#${i}`, bytes(...code));
      if (name === '66 emms') c.qemuCannotJudge = 'a 66 prefix on EMMS: qemu-i386 runs it as EMMS, the host CPU raises #UD';
      return c;
    }));
  }
  // Ignored prefixes: the result is the plain instruction's.
  out.push(...repeat(r, 25, (d, i) => { const a = d.register(8); const b = d.register(8); d.randomize(a, 8); d.randomize(b, 8); return d.finish(`prefix/66 on addb#${i}`, `.byte 0x66\naddb ${reg(a, 8)}, ${reg(b, 8)}`); }));
  out.push(...repeat(r, 25, (d, i) => { const a = d.register(32); const b = d.register(32); d.randomize(a, 32); d.randomize(b, 32); return d.finish(`prefix/rep on add#${i}`, `.byte ${d.r.pick(['0xf3', '0xf2'])}\naddl ${reg(a, 32)}, ${reg(b, 32)}`); }));
  out.push(...repeat(r, 25, (d, i) => { const a = d.register(32); const b = d.register(32); d.randomize(a, 32); return d.finish(`prefix/segment on reg op#${i}`, `.byte ${d.r.pick(['0x26', '0x36', '0x3e'])}\nsubl ${reg(a, 32)}, ${reg(b, 32)}`); }));
  out.push(...repeat(r, 25, (d, i) => { const m = d.memory(4, { allow16: false, override: false }); const a = d.register(32); return d.finish(`prefix/two overrides#${i}`, `.byte 0x26, 0x36\nmovl ${m.text}, ${reg(a, 32)}`); }));
  out.push(...repeat(r, 25, (d, i) => { const a = d.register(16); const b = d.register(16); d.randomize(a, 16); d.randomize(b, 16); return d.finish(`prefix/66 66 add#${i}`, `.byte 0x66\naddw ${reg(a, 16)}, ${reg(b, 16)}`); }));
  out.push(...repeat(r, 25, (d, i) => { const a = d.register(32); return d.finish(`prefix/67 on reg op#${i}`, `.byte 0x67\nnotl ${reg(a, 32)}`); }));
  return out;
}
