// Self-modifying code: a snippet stores into its own instructions and then runs them. The SDM (Vol.
// 3A, 8.1.3) makes P6-family and later processors notice such a store, even to an instruction
// already prefetched, so the modified bytes are what runs. gate86 keeps decoded blocks in a cache;
// these cases check that a store to code invalidates it: before a jump, straight-line (the very
// next instructions), in a loop (a block already decoded and run), and in a function called later.
// The batch is linked with `ld -N`, so .text is writable on the oracle as well.

import { operandValue, type Case, type Random } from '../case.ts';
import { reg, repeat } from './build.ts';

export function generateSelfModifying(r: Random): Case[] {
  const out: Case[] = [];
  // NOP becomes INC reg (40+r) after a jump.
  out.push(...repeat(r, 30, (d, i) => {
    const n = d.register(32);
    return d.finish(`smc/nop->inc after jmp#${i}`, `movb $0x${(0x40 + n).toString(16)}, 1f\njmp 1f\n1: nop`);
  }));
  // The immediate of the next instruction but one, rewritten with no jump in between.
  out.push(...repeat(r, 30, (d, i) => {
    const n = d.register(32);
    const v = operandValue(d.r, 32);
    return d.finish(`smc/immediate straight-line#${i}`, `movl $0x${v.toString(16)}, 1f+1\nnop\n1: movl $0, ${reg(n, 32)}`);
  }));
  // In a loop: each iteration rewrites the imm8 of an ADD that the previous iteration already ran.
  out.push(...repeat(r, 30, (d, i) => {
    d.initial.ecx = 1 + d.r.below(20);
    return d.finish(`smc/loop rewrites its own add#${i}`, `2: movb %cl, 1f+2\n1: addl $0, %eax\nloop 2b`);
  }));
  // A function body that starts as INT3, is patched to RET, then called.
  out.push(...repeat(r, 20, (d, i) => d.finish(`smc/int3->ret then call#${i}`, `movb $0xc3, 1f\ncall 1f\njmp 2f\n1: int3\n2:`)));
  return out;
}
