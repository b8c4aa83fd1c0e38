// The stack: PUSH/POP (register, immediate, memory; 16- and 32-bit), PUSHA/POPA, PUSHF/POPF,
// CALL (relative, register, memory), RET, RET imm16, ENTER (nesting levels 0..31 and beyond), LEAVE.
// The stack lives in the scratch area, so every byte pushed is compared.

import { operandValue, type Case, type Random } from '../case.ts';
import { AF, CF, DF, EFLAGS_FIXED, IF, OF, PF, SCRATCH_BASE, SF, STACK_TOP, ZF } from '../layout.ts';
import { bytes, imm, modrmReg, osPrefix, reg, repeat, sfx, simm8, V_SIZES, type Size, Draft } from './build.ts';

/** Flags a POPF may load in a user process: the arithmetic flags, DF, and IF/IOPL/NT, which CPL 3 may or may not change. */
function poppedFlags(d: Draft, size: Size): number {
  let v = d.r.u32() & (CF | PF | AF | ZF | SF | OF | DF | IF | 0x3000 | 0x4000 | 0x8 | 0x20 | 0x8000);
  v |= EFLAGS_FIXED;
  if (size === 16) v &= 0xffff;
  return v >>> 0;
}

function pushPopCases(r: Random): Case[] {
  const out: Case[] = [];
  for (const s of V_SIZES) {
    // 50+r / 58+r on every register, ESP included (PUSH ESP pushes the old value; POP ESP loads it)
    for (let n = 0; n < 8; n++) {
      out.push(...repeat(r, 10, (d, i) => d.finish(`stack/push${sfx(s)} ${reg(n, s)}#${i}`, `push${sfx(s)} ${reg(n, s)}`)));
      out.push(...repeat(r, 10, (d, i) => d.finish(`stack/pop${sfx(s)} ${reg(n, s)}#${i}`, `pop${sfx(s)} ${reg(n, s)}`)));
    }
    // 68 / 6A
    out.push(...repeat(r, 20, (d, i) => d.finish(`stack/push${sfx(s)} imm#${i}`, `push${sfx(s)} ${imm(operandValue(d.r, s), s)}`)));
    out.push(...repeat(r, 20, (d, i) => d.finish(`stack/push${sfx(s)} simm8#${i}`, `push${sfx(s)} $${simm8(d.r)}`)));
    // FF /6 and 8F /0, on memory (ESP-relative addresses included) and on registers (as bytes)
    out.push(...repeat(r, 30, (d, i) => d.finish(`stack/push${sfx(s)} mem#${i}`, `push${sfx(s)} ${d.memory(s / 8).text}`)));
    out.push(...repeat(r, 30, (d, i) => d.finish(`stack/pop${sfx(s)} mem#${i}`, `pop${sfx(s)} ${d.memory(s / 8).text}`)));
    out.push(...repeat(r, 10, (d, i) => d.finish(`stack/push${sfx(s)} ff/6 reg#${i}`, bytes(...osPrefix(s), 0xff, modrmReg(6, d.r.below(8))))));
    out.push(...repeat(r, 10, (d, i) => d.finish(`stack/pop${sfx(s)} 8f/0 reg#${i}`, bytes(...osPrefix(s), 0x8f, modrmReg(0, d.r.below(8))))));
    // PUSHA/POPA, PUSHF/POPF
    out.push(...repeat(r, 25, (d, i) => d.finish(`stack/pusha${sfx(s)}#${i}`, s === 16 ? 'pushaw' : 'pushal')));
    out.push(...repeat(r, 25, (d, i) => d.finish(`stack/popa${sfx(s)}#${i}`, s === 16 ? 'popaw' : 'popal')));
    out.push(...repeat(r, 25, (d, i) => { if (d.r.chance(0.5)) d.initial.eflags |= DF; return d.finish(`stack/pushf${sfx(s)}#${i}`, s === 16 ? 'pushfw' : 'pushfl'); }));
    out.push(...repeat(r, 50, (d, i) => {
      const v = poppedFlags(d, s);
      const at = STACK_TOP - SCRATCH_BASE;
      d.scratch[at] = v & 0xff; d.scratch[at + 1] = (v >>> 8) & 0xff;
      if (s === 32) { d.scratch[at + 2] = 0; d.scratch[at + 3] = 0; }
      // PUSHF afterwards shows every flag POPF loaded, as it is the only way to see IF, IOPL and NT.
      return d.finish(`stack/popf${sfx(s)}#${i}`, `${s === 16 ? 'popfw' : 'popfl'}\npushfl`);
    }));
  }
  return out;
}

/** The first byte of the page holding the scratch area: nothing below it is mapped in the batch process. */
const SCRATCH_PAGE = SCRATCH_BASE & ~0xfff;

function callCases(r: Random): Case[] {
  const out: Case[] = [];
  // A call to a local function that returns (plain or RET imm16), or that inspects its return address.
  out.push(...repeat(r, 40, (d, i) => d.finish(`stack/call rel32#${i}`, `call 1f\njmp 2f\n1: ret\n2:`)));
  out.push(...repeat(r, 40, (d, i) => { const n = d.r.pick([0, 4, 8, 12, 0x20, 2, 6]); return d.finish(`stack/ret imm16 ${n}#${i}`, `call 1f\njmp 2f\n1: ret $${n}\n2:`); }));
  out.push(...repeat(r, 20, (d, i) => d.finish(`stack/call pop#${i}`, `call 1f\n1: popl %eax\nsubl $1b, %eax`)));
  out.push(...repeat(r, 30, (d, i) => { const a = d.register(32); return d.finish(`stack/call *reg#${i}`, `movl $1f, ${reg(a, 32)}\ncall *${reg(a, 32)}\njmp 2f\n1: ret\n2:`); }));
  out.push(...repeat(r, 30, (d, i) => { const m = d.memory(4, { allow16: false }); return d.finish(`stack/call *mem#${i}`, `movl $1f, ${m.text}\ncall *${m.text}\njmp 2f\n1: ret\n2:`); }));
  // ENTER imm16, imm8: the level is taken modulo 32; EBP points into the stack area so the nested
  // frame pointers it copies are compared too. LEAVE undoes a frame made of random bytes.
  for (const s of V_SIZES) {
    out.push(...repeat(r, 60, (d, i) => {
      d.initial.ebp = (SCRATCH_BASE + 0x100 + d.r.below(0xc0)) >>> 0;
      const level = d.r.pick([0, 1, 2, 3, 5, 8, 31, 32, 33, d.r.below(256)]);
      // With a 32-bit stack even the 16-bit ENTER reads the nested frame pointers through all of EBP,
      // so EBP's upper half may be garbage only when there is no nesting.
      if (s === 16 && (level & 31) === 0) d.initial.ebp = ((d.r.u32() & 0xffff0000) | (d.initial.ebp & 0xffff)) >>> 0;
      // ENTER writes nothing at the new ESP, so the frame size can be anything.
      const size = d.r.pick([0, 4, 8, 0x10, d.r.below(0x10000)]);
      const c = d.finish(`stack/enter${s === 16 ? 'w' : ''} level ${level}#${i}`, `enter${s === 16 ? 'w' : ''} $${size}, $${level}`);
      // The SDM's #PF for a final ESP whose page is not mapped (below the scratch page): qemu skips that probe.
      const pushed = (s / 8) * (1 + (level & 31));
      if (size > 0 && d.initial.esp - pushed - size < SCRATCH_PAGE) c.qemuCannotJudge = 'ENTER: the final ESP is on an unmapped page';
      return c;
    }));
    out.push(...repeat(r, 40, (d, i) => {
      // LEAVE copies all of EBP to ESP (32-bit stack), so EBP must point into the stack area.
      d.initial.ebp = (SCRATCH_BASE + 0x180 + d.r.below(0x70)) >>> 0;
      return d.finish(`stack/leave${sfx(s)}#${i}`, s === 16 ? 'leavew' : 'leave');
    }));
  }
  return out;
}

export function generateStack(r: Random): Case[] {
  return [...pushPopCases(r), ...callCases(r)];
}
