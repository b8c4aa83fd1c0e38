// ALU operations (ADD OR ADC SBB AND SUB XOR CMP, TEST), INC/DEC/NEG/NOT: every encoding, every size.

import { operandValue, type Random, type Case } from '../case.ts';
import { bytes, imm, modrmReg, osPrefix, reg, repeat, sfx, simm8, SIZES, V_SIZES, type Size, Draft } from './build.ts';

const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'] as const;

type Template = (d: Draft, op: string, digit: number, size: Size) => string;

/** Operand templates: which encoding each one makes `as` choose is in its comment. */
const templates: Record<string, { sizes: readonly Size[]; make: Template; lockable?: boolean }> = {
  // 00/01 /r: store form, register destination
  'reg,reg': { sizes: SIZES, make: (d, op, _n, s) => { const a = d.register(s); const b = d.register(s); d.randomize(a, s); d.randomize(b, s); return `${op}${sfx(s)} ${reg(a, s)}, ${reg(b, s)}`; } },
  // 02/03 /r: load form, register source
  'reg,reg load': { sizes: SIZES, make: (d, op, _n, s) => { const a = d.register(s); const b = d.register(s); d.randomize(a, s); d.randomize(b, s); return `{load} ${op}${sfx(s)} ${reg(a, s)}, ${reg(b, s)}`; } },
  // 00/01 /r with a memory destination
  'reg,mem': { sizes: SIZES, lockable: true, make: (d, op, _n, s) => { const m = d.memory(s / 8); const a = d.register(s); d.randomize(a, s); return `${op}${sfx(s)} ${reg(a, s)}, ${m.text}`; } },
  // 02/03 /r with a memory source
  'mem,reg': { sizes: SIZES, make: (d, op, _n, s) => { const m = d.memory(s / 8); const a = d.register(s); d.randomize(a, s); return `${op}${sfx(s)} ${m.text}, ${reg(a, s)}`; } },
  // 04/05: AL/AX/EAX with an immediate (05 when the value does not fit imm8, else 83)
  'imm,acc': { sizes: SIZES, make: (d, op, _n, s) => { d.randomize(0, s); return `${op}${sfx(s)} ${imm(operandValue(d.r, s), s)}, ${reg(0, s)}`; } },
  // 80/81 /n (or 83 /n when the value fits imm8) on a register
  'imm,reg': { sizes: SIZES, make: (d, op, _n, s) => { const a = d.register(s, [0]); d.randomize(a, s); return `${op}${sfx(s)} ${imm(operandValue(d.r, s), s)}, ${reg(a, s)}`; } },
  // 80/81 /n on memory
  'imm,mem': { sizes: SIZES, lockable: true, make: (d, op, _n, s) => { const m = d.memory(s / 8); return `${op}${sfx(s)} ${imm(operandValue(d.r, s), s)}, ${m.text}`; } },
  // 83 /n: sign-extended imm8, register or memory
  'simm8,reg': { sizes: V_SIZES, make: (d, op, _n, s) => { const a = d.register(s); d.randomize(a, s); return `${op}${sfx(s)} $${simm8(d.r)}, ${reg(a, s)}`; } },
  'simm8,mem': { sizes: V_SIZES, lockable: true, make: (d, op, _n, s) => { const m = d.memory(s / 8); return `${op}${sfx(s)} $${simm8(d.r)}, ${m.text}`; } },
  // 82 /n: the undocumented alias of 80 /n (valid outside 64-bit mode); `as` never emits it
  '82 alias': { sizes: [8], make: (d, _op, n, s) => { const a = d.register(s); d.randomize(a, s); return bytes(0x82, modrmReg(n, a), d.r.u32()); } },
};

function aluCases(r: Random, perTemplate: number): Case[] {
  const out: Case[] = [];
  ALU.forEach((op, digit) => {
    for (const [name, t] of Object.entries(templates)) {
      for (const size of t.sizes) {
        out.push(...repeat(r, perTemplate, (d, i) => d.finish(`alu/${op}${sfx(size)} ${name}#${i}`, t.make(d, op, digit, size))));
        if (t.lockable && op !== 'cmp') {
          out.push(...repeat(r, Math.ceil(perTemplate / 4), (d, i) => d.finish(`alu/lock ${op}${sfx(size)} ${name}#${i}`, `lock ${t.make(d, op, digit, size)}`)));
        }
      }
    }
  });
  return out;
}

function testCases(r: Random, per: number): Case[] {
  const out: Case[] = [];
  for (const s of SIZES) {
    const make: Array<[string, (d: Draft) => string]> = [
      ['reg,reg', (d) => { const a = d.register(s); const b = d.register(s); d.randomize(a, s); d.randomize(b, s); return `test${sfx(s)} ${reg(a, s)}, ${reg(b, s)}`; }],
      ['reg,mem', (d) => { const m = d.memory(s / 8); const a = d.register(s); d.randomize(a, s); return `test${sfx(s)} ${reg(a, s)}, ${m.text}`; }],
      ['imm,acc', (d) => { d.randomize(0, s); return `test${sfx(s)} ${imm(operandValue(d.r, s), s)}, ${reg(0, s)}`; }],
      ['imm,reg', (d) => { const a = d.register(s, [0]); d.randomize(a, s); return `test${sfx(s)} ${imm(operandValue(d.r, s), s)}, ${reg(a, s)}`; }],
      ['imm,mem', (d) => { const m = d.memory(s / 8); return `test${sfx(s)} ${imm(operandValue(d.r, s), s)}, ${m.text}`; }],
      // F6/F7 /1, the undocumented alias of TEST /0 that the table lists, is not generated: qemu-i386 7.2
      // raises #UD for it (the SDM's opcode map leaves Group 3 /1 blank), so this oracle cannot judge
      // it. The test reports it under "forms the oracle cannot judge".
    ];
    for (const [name, f] of make) out.push(...repeat(r, per, (d, i) => d.finish(`alu/test${sfx(s)} ${name}#${i}`, f(d))));
  }
  return out;
}

/** INC/DEC (40+r, 48+r, FE/FF /0 /1), NEG, NOT, on registers and memory, with LOCK on memory. */
function unaryCases(r: Random, per: number): Case[] {
  const out: Case[] = [];
  const ops: Array<[string, number]> = [['inc', 0], ['dec', 1], ['not', 2], ['neg', 3]];
  for (const [op, digit] of ops) {
    for (const s of SIZES) {
      out.push(...repeat(r, per, (d, i) => { const a = d.register(s); d.randomize(a, s); return d.finish(`alu/${op}${sfx(s)} reg#${i}`, `${op}${sfx(s)} ${reg(a, s)}`); }));
      out.push(...repeat(r, per, (d, i) => { const m = d.memory(s / 8); return d.finish(`alu/${op}${sfx(s)} mem#${i}`, `${d.r.chance(0.3) ? 'lock ' : ''}${op}${sfx(s)} ${m.text}`); }));
      if (s !== 8 && (op === 'inc' || op === 'dec')) {
        // 40+r / 48+r on ESP as well (register() leaves ESP out of other cases).
        out.push(...repeat(r, 6, (d, i) => d.finish(`alu/${op}${sfx(s)} esp#${i}`, `${op}${sfx(s)} ${reg(4, s)}`)));
        // FF /0 and FF /1 with a register operand: `as` prefers the one-byte 40+r / 48+r forms.
        out.push(...repeat(r, Math.ceil(per / 2), (d, i) => { const a = d.register(s); d.randomize(a, s); return d.finish(`alu/${op}${sfx(s)} ff-reg#${i}`, bytes(...osPrefix(s), 0xff, modrmReg(digit, a))); }));
      }
    }
  }
  return out;
}

export function generateAlu(r: Random): Case[] {
  return [...aluCases(r, 26), ...testCases(r, 30), ...unaryCases(r, 40)];
}
