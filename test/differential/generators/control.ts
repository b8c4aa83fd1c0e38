// Conditions and branches: SETcc, CMOVcc, Jcc (rel8 and rel32), JMP (rel8, rel32, register,
// memory), LOOP/LOOPE/LOOPNE/JECXZ (with ECX or, under 0x67, CX). Flags are random, so every
// condition is seen both true and false.

import { type Case, type Random } from '../case.ts';
import { SCRATCH_BASE } from '../layout.ts';
import { reg, repeat, sfx, V_SIZES } from './build.ts';

const CONDITIONS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'] as const;

/** A branch's effect made visible without touching flags: LEA bumps EBX where the branch was not taken. */
const notTakenMarker = 'leal 1(%ebx), %ebx';

export function generateControl(r: Random): Case[] {
  const out: Case[] = [];
  for (const cc of CONDITIONS) {
    out.push(...repeat(r, 30, (d, i) => {
      const useMemory = d.r.chance(0.35);
      const dst = useMemory ? d.memory(1).text : reg(d.register(8), 8);
      return d.finish(`control/set${cc}${useMemory ? ' mem' : ''}#${i}`, `set${cc} ${dst}`);
    }));
    for (const s of V_SIZES) {
      out.push(...repeat(r, 25, (d, i) => {
        const useMemory = d.r.chance(0.35);
        const src = useMemory ? d.memory(s / 8).text : (() => { const a = d.register(s); d.randomize(a, s); return reg(a, s); })();
        const dst = d.register(s);
        return d.finish(`control/cmov${cc}${sfx(s)}${useMemory ? ' mem' : ''}#${i}`, `cmov${cc}${sfx(s)} ${src}, ${reg(dst, s)}`);
      }));
    }
    // Jcc rel8 (as picks it for a near label) and rel32 (.d32 forces 0F 8x), forward and backward.
    out.push(...repeat(r, 25, (d, i) => d.finish(`control/j${cc} rel8#${i}`, `j${cc} 1f\n${notTakenMarker}\n1:`)));
    out.push(...repeat(r, 25, (d, i) => d.finish(`control/j${cc} rel32#${i}`, `j${cc}.d32 1f\n${notTakenMarker}\n1:`)));
    out.push(...repeat(r, 6, (d, i) => d.finish(`control/j${cc} backward#${i}`, `jmp 2f\n1: jmp 3f\n2: j${cc} 1b\n${notTakenMarker}\n3:`)));
  }
  out.push(...repeat(r, 20, (d, i) => d.finish(`control/jmp rel8#${i}`, `jmp 1f\n${notTakenMarker}\n1:`)));
  out.push(...repeat(r, 20, (d, i) => d.finish(`control/jmp rel32#${i}`, `jmp.d32 1f\n${notTakenMarker}\n1:`)));
  out.push(...repeat(r, 30, (d, i) => { const a = d.register(32); return d.finish(`control/jmp *reg#${i}`, `movl $1f, ${reg(a, 32)}\njmp *${reg(a, 32)}\n${notTakenMarker}\n1:`); }));
  out.push(...repeat(r, 30, (d, i) => { const m = d.memory(4, { allow16: false }); return d.finish(`control/jmp *mem#${i}`, `movl $1f, ${m.text}\njmp *${m.text}\n${notTakenMarker}\n1:`); }));
  // LOOP family, forward: decrement (E)CX, branch on the count (and ZF for LOOPE/LOOPNE).
  for (const op of ['loop', 'loope', 'loopne', 'jecxz']) {
    for (const addr16 of [false, true]) {
      out.push(...repeat(r, 50, (d, i) => {
        const count = d.r.pick([0, 1, 2, 0xffff, 0x10000, 0x10001, d.r.u32()]);
        d.initial.ecx = count >>> 0;
        return d.finish(`control/${op}${addr16 ? ' addr16' : ''}#${i}`, `${addr16 ? 'addr16 ' : ''}${op} 1f\n${notTakenMarker}\n1:`);
      }));
    }
  }
  // Real loops, backward: count bytes until a match (LOOPNE) or a mismatch (LOOPE), or just count.
  for (const op of ['loop', 'loope', 'loopne']) {
    for (const addr16 of [false, true]) {
      out.push(...repeat(r, 30, (d, i) => {
        const address = SCRATCH_BASE + d.r.below(64);
        const n = 1 + d.r.below(40);
        d.initial.ecx = addr16 ? ((d.r.u32() & 0xffff0000) | n) >>> 0 : n;
        const p = d.register(32, [0, 1]);
        d.initial[d.full(p, 32)] = address;
        const target = d.r.below(4);
        if (d.r.chance(0.5)) d.scratch.fill(target, address - SCRATCH_BASE, address - SCRATCH_BASE + d.r.below(50));
        const body = op === 'loop' ? `1: addl (${reg(p, 32)}), %eax\nincl ${reg(p, 32)}` : `1: cmpb $${target}, (${reg(p, 32)})\nleal 1(${reg(p, 32)}), ${reg(p, 32)}`;
        return d.finish(`control/${op} loop${addr16 ? ' addr16' : ''}#${i}`, `${body}\n${addr16 ? 'addr16 ' : ''}${op} 1b`);
      }));
    }
  }
  return out;
}
