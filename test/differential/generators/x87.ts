// x87 cases: every form of vm/isa/forms/x87.ts on operands of every class, from random x87 states
// (every rounding and precision mode, full and empty stacks, masked and unmasked exceptions), and
// what follows an unmasked exception: #MF at the next waiting instruction, none at a non-waiting one.
// The whole x87 state is compared after each case (FXSAVE images, fpu-compare.ts).

import { memoryOperand, randomStart, type Case, type Random } from '../case.ts';
import { isNanRegister, TWO_NANS } from '../fpu-compare.ts';
import { SCRATCH_BASE } from '../layout.ts';
import {
  nearExtended, ordinaryExtended, putBytes, putExtended, randomBcd, randomDouble, randomExtended, randomFpuImage,
  randomInteger, randomSingle, type Extended, type StateOptions,
} from './x87-state.ts';

const ARITHMETIC = ['add', 'mul', 'sub', 'subr', 'div', 'divr'] as const;

/** Exceptions to unmask: usually none, sometimes a random few (the result then may become pending). */
function unmaskedSet(r: Random): number {
  return r.chance(0.75) ? 0 : r.u32() & 0x3f;
}

/** What follows the instruction under test now and then: a waiting one (#MF if something is pending), or a status read. */
function epilogue(r: Random): string {
  return r.pick(['', '', '', '', 'fwait', 'fnstsw %ax', 'fnop', 'fnclex', 'fld1']);
}

interface Built { asm: string; fpu: Uint8Array; extra?: (c: Case) => void }

/**
 * What in a snippet qemu-i386 gets wrong whatever the operands (x87-caveats.ts): such a case runs
 * against it but is judged by the host CPU alone. (What depends on the operands — stack faults,
 * unmasked exceptions — is decided from gate86's run, fpu-compare.ts.)
 */
const QEMU_BLIND_SPOTS: Array<[RegExp, string]> = [
  [/\b(fnclex|fninit)\b/, 'FNCLEX/FNINIT after it hides whether a stack fault or an unmasked exception happened, which qemu-i386 handles its own way'],
  [/\.byte 0xd9, 0xd9/, 'the undocumented FSTP alias D9 D8+i, which qemu-i386 runs as FSTP (the host CPU does not fault on an empty ST(0))'],
  [/\b(fsin|fcos|fsincos|fptan|fpatan|f2xm1|fyl2x|fyl2xp1)\b/, 'the transcendentals: qemu-i386 computes them its own way (host doubles for FSIN/FCOS/FPTAN, its own inexact flags elsewhere)'],
  [/\bfnstsw\b/, 'FNSTSW: qemu-i386 keeps C1 and never sets DE, and the stored status word shows it'],
  [/\bf(u)?comip?\b/, 'FCOMI/FUCOMI: qemu-i386 leaves OF, SF and AF (the SDM clears them)'],
  [/\b(fnstenv|fnsave|fxsave)s?\b/, 'qemu-i386 stores no instruction/data pointers in the FNSTENV/FNSAVE/FXSAVE image'],
];

function makeCase(r: Random, name: string, build: (c: Case) => Built): Case {
  const { initial, scratch } = randomStart(r);
  const c: Case = { name, asm: '', initial, scratch };
  const built = build(c);
  c.asm = built.asm;
  c.fpu = built.fpu;
  for (const [pattern, reason] of QEMU_BLIND_SPOTS) if (c.qemuCannotJudge === undefined && pattern.test(c.asm)) c.qemuCannotJudge = reason;
  return c;
}

/** A memory operand of `width` bytes holding `write`'s bytes; the registers it uses are set in the case. */
function memory(r: Random, c: Case, width: number, write: (at: number) => void): string {
  const m = memoryOperand(r, c.initial, width);
  write(m.address - SCRATCH_BASE);
  return m.text;
}

function state(r: Random, options: StateOptions): Uint8Array {
  return randomFpuImage(r, options);
}

/** ST(0) and ST(i) valid most of the time, with values that relate to each other. */
function pairValues(r: Random, i: number): StateOptions {
  const a = randomExtended(r);
  const values = new Map<number, Extended>([[0, a]]);
  if (i !== 0) values.set(i, r.chance(0.5) ? nearExtended(r, a) : randomExtended(r));
  const valid = r.chance(0.9) ? (1 | (1 << i)) : 0;
  return { valid, values, unmasked: unmaskedSet(r), density: 0.5 };
}

/** Whether a binary32/binary64 bit pattern is a NaN. */
function realIsNan(bits: bigint, exponentBits: number, fractionBits: number): boolean {
  const exponent = (bits >> BigInt(fractionBits)) & ((1n << BigInt(exponentBits)) - 1n);
  return exponent === (1n << BigInt(exponentBits)) - 1n && (bits & ((1n << BigInt(fractionBits)) - 1n)) !== 0n;
}

function join(...lines: string[]): string {
  return lines.filter((l) => l !== '').join('\n');
}

// ---------------------------------------------------------------------------------------------
// Arithmetic.

function arithmeticCases(r: Random): Case[] {
  const cases: Case[] = [];
  for (let n = 0; n < 700; n++) {
    for (const op of ARITHMETIC) {
      const i = r.below(8);
      const form = r.below(3);
      const text = form === 0 ? `f${op} %st(${i}),%st` : form === 1 ? `f${op} %st,%st(${i})` : `f${op}p %st,%st(${i})`;
      cases.push(makeCase(r, `x87-arith/f${op}${['', ' to st(i)', 'p'][form]}#${n}`, () => ({ asm: join(text, epilogue(r)), fpu: state(r, pairValues(r, i)) })));
    }
  }
  for (let n = 0; n < 260; n++) {
    for (const op of ARITHMETIC) {
      const format = r.below(4);
      cases.push(makeCase(r, `x87-arith/f${op} ${['m32', 'm64', 'm16int', 'm32int'][format]}#${n}`, (c) => {
        const width = [4, 8, 2, 4][format]!;
        const value = format === 0 ? BigInt(randomSingle(r)) : format === 1 ? randomDouble(r) : randomInteger(r, format === 2 ? 16 : 32);
        const m = memory(r, c, width, (at) => putBytes(c.scratch, at, value, width));
        const mnemonic = format < 2 ? `f${op}${format === 0 ? 's' : 'l'}` : `fi${op}${format === 2 ? 's' : 'l'}`;
        const fpu = state(r, { valid: r.chance(0.92) ? 1 : 0, unmasked: unmaskedSet(r) });
        if (format < 2 && isNanRegister(fpu, 0) && realIsNan(value, format === 0 ? 8 : 11, format === 0 ? 23 : 52)) c.qemuCannotJudge = TWO_NANS;
        return { asm: join(`${mnemonic} ${m}`, epilogue(r)), fpu };
      }));
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// One-operand instructions and the x87's own: FSQRT, FRNDINT, FABS, FCHS, FSCALE, FXTRACT, FPREM(1).

function unaryCases(r: Random): Case[] {
  const cases: Case[] = [];
  const simple = ['fsqrt', 'frndint', 'fabs', 'fchs', 'fxtract'];
  for (let n = 0; n < 500; n++) {
    for (const insn of simple) {
      cases.push(makeCase(r, `x87-unary/${insn}#${n}`, () => ({
        asm: join(insn, epilogue(r)),
        fpu: state(r, { valid: r.chance(0.92) ? 1 : 0, empty: insn === 'fxtract' && r.chance(0.85) ? 0x80 : 0, unmasked: unmaskedSet(r) }),
      })));
    }
    // FSCALE: ST(1) mostly a modest integer-ish scale, sometimes anything.
    cases.push(makeCase(r, `x87-unary/fscale#${n}`, () => {
      const scale: Extended = r.chance(0.7) ? ordinaryExtended(r, -2, 16) : randomExtended(r);
      return { asm: join('fscale', epilogue(r)), fpu: state(r, { valid: r.chance(0.92) ? 3 : 0, values: new Map([[1, scale]]), unmasked: unmaskedSet(r) }) };
    }));
    for (const insn of ['fprem', 'fprem1']) {
      cases.push(makeCase(r, `x87-unary/${insn}#${n}`, () => {
        const a = r.chance(0.8) ? ordinaryExtended(r, -70, 120) : randomExtended(r);
        const b = r.chance(0.8) ? ordinaryExtended(r, -70, 70) : randomExtended(r);
        return { asm: join(insn, epilogue(r)), fpu: state(r, { valid: r.chance(0.92) ? 3 : 0, values: new Map([[0, a], [1, b]]), unmasked: unmaskedSet(r) }) };
      }));
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Loads, stores, stack moves.

const CONSTANTS = ['fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz'];

function loadStoreCases(r: Random): Case[] {
  const cases: Case[] = [];
  // Pushes overflow when ST(7) is valid: make that happen one time in six.
  const pushState = (): StateOptions => ({ empty: r.chance(0.84) ? 0x80 : 0, valid: r.chance(0.16) ? 0x80 : 0, unmasked: unmaskedSet(r) });
  for (let n = 0; n < 300; n++) {
    cases.push(makeCase(r, `x87-load/flds#${n}`, (c) => {
      const m = memory(r, c, 4, (at) => putBytes(c.scratch, at, BigInt(randomSingle(r)), 4));
      return { asm: join(`flds ${m}`, epilogue(r)), fpu: state(r, pushState()) };
    }));
    cases.push(makeCase(r, `x87-load/fldl#${n}`, (c) => {
      const m = memory(r, c, 8, (at) => putBytes(c.scratch, at, randomDouble(r), 8));
      return { asm: join(`fldl ${m}`, epilogue(r)), fpu: state(r, pushState()) };
    }));
    cases.push(makeCase(r, `x87-load/fldt#${n}`, (c) => {
      const m = memory(r, c, 10, (at) => putExtended(c.scratch, at, randomExtended(r)));
      return { asm: join(`fldt ${m}`, epilogue(r)), fpu: state(r, pushState()) };
    }));
    for (const [mnemonic, bits] of [['filds', 16], ['fildl', 32], ['fildll', 64]] as const) {
      cases.push(makeCase(r, `x87-load/${mnemonic}#${n}`, (c) => {
        const m = memory(r, c, bits / 8, (at) => putBytes(c.scratch, at, randomInteger(r, bits), bits / 8));
        return { asm: `${mnemonic} ${m}`, fpu: state(r, pushState()) };
      }));
    }
    cases.push(makeCase(r, `x87-load/fbld#${n}`, (c) => {
      const m = memory(r, c, 10, (at) => c.scratch.set(randomBcd(r), at));
      return { asm: `fbld ${m}`, fpu: state(r, pushState()) };
    }));
    cases.push(makeCase(r, `x87-load/fld st(i)#${n}`, () => ({ asm: `fld %st(${r.below(8)})`, fpu: state(r, { ...pushState(), density: 0.7 }) })));
    const constant = r.pick(CONSTANTS);
    cases.push(makeCase(r, `x87-load/${constant}#${n}`, () => ({ asm: constant, fpu: state(r, pushState()) })));

    // Stores.
    const storeState = (): StateOptions => ({ valid: r.chance(0.92) ? 1 : 0, unmasked: unmaskedSet(r) });
    for (const [mnemonic, width] of [['fsts', 4], ['fstps', 4], ['fstl', 8], ['fstpl', 8], ['fstpt', 10]] as const) {
      cases.push(makeCase(r, `x87-store/${mnemonic}#${n}`, (c) => ({ asm: join(`${mnemonic} ${memory(r, c, width, () => {})}`, epilogue(r)), fpu: state(r, storeState()) })));
    }
    for (const [mnemonic, width] of [['fists', 2], ['fistl', 4], ['fistps', 2], ['fistpl', 4], ['fistpll', 8]] as const) {
      cases.push(makeCase(r, `x87-store/${mnemonic}#${n}`, (c) => {
        // Mostly values in or near the integer range, so that rounding matters.
        const value: Extended = r.chance(0.7) ? ordinaryExtended(r, -3, width * 8) : randomExtended(r);
        return { asm: join(`${mnemonic} ${memory(r, c, width, () => {})}`, epilogue(r)), fpu: state(r, { ...storeState(), values: new Map([[0, value]]) }) };
      }));
    }
    cases.push(makeCase(r, `x87-store/fbstp#${n}`, (c) => {
      const value: Extended = r.chance(0.75) ? ordinaryExtended(r, -3, 62) : randomExtended(r);
      return { asm: `fbstp ${memory(r, c, 10, () => {})}`, fpu: state(r, { ...storeState(), values: new Map([[0, value]]) }) };
    }));
    for (const insn of ['fst', 'fstp', 'fxch', 'ffree', 'ffreep']) {
      cases.push(makeCase(r, `x87-stack/${insn} st(i)#${n}`, () => ({ asm: `${insn} %st(${r.below(8)})`, fpu: state(r, { density: 0.7, unmasked: unmaskedSet(r) }) })));
    }
    for (const insn of ['fincstp', 'fdecstp']) {
      cases.push(makeCase(r, `x87-stack/${insn}#${n}`, () => ({ asm: insn, fpu: state(r, { density: 0.5 }) })));
    }
  }
  // FCMOVcc: every condition against EFLAGS as it comes.
  for (let n = 0; n < 120; n++) {
    for (const cc of ['b', 'e', 'be', 'u', 'nb', 'ne', 'nbe', 'nu']) {
      cases.push(makeCase(r, `x87-stack/fcmov${cc}#${n}`, () => {
        const i = r.below(8);
        return { asm: `fcmov${cc} %st(${i}),%st`, fpu: state(r, { valid: r.chance(0.9) ? 1 | (1 << i) : 0, density: 0.5, unmasked: unmaskedSet(r) }) };
      }));
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Compares.

function compareCases(r: Random): Case[] {
  const cases: Case[] = [];
  for (let n = 0; n < 300; n++) {
    for (const insn of ['fcom', 'fcomp', 'fucom', 'fucomp']) {
      const i = r.below(8);
      cases.push(makeCase(r, `x87-compare/${insn} st(i)#${n}`, () => ({ asm: join(`${insn} %st(${i})`, r.chance(0.5) ? 'fnstsw %ax' : ''), fpu: state(r, pairValues(r, i)) })));
    }
    for (const insn of ['fcompp', 'fucompp']) {
      cases.push(makeCase(r, `x87-compare/${insn}#${n}`, () => ({ asm: join(insn, 'fnstsw %ax'), fpu: state(r, pairValues(r, 1)) })));
    }
    for (const insn of ['fcomi', 'fcomip', 'fucomi', 'fucomip']) {
      const i = r.below(8);
      cases.push(makeCase(r, `x87-compare/${insn}#${n}`, () => ({ asm: `${insn} %st(${i}),%st`, fpu: state(r, pairValues(r, i)) })));
    }
    for (const [mnemonic, width, kind] of [['fcoms', 4, 'single'], ['fcomps', 4, 'single'], ['fcoml', 8, 'double'], ['fcompl', 8, 'double'], ['ficoms', 2, 16], ['ficomps', 2, 16], ['ficoml', 4, 32], ['ficompl', 4, 32]] as const) {
      cases.push(makeCase(r, `x87-compare/${mnemonic}#${n}`, (c) => {
        const value = kind === 'single' ? BigInt(randomSingle(r)) : kind === 'double' ? randomDouble(r) : randomInteger(r, kind);
        const m = memory(r, c, width, (at) => putBytes(c.scratch, at, value, width));
        return { asm: join(`${mnemonic} ${m}`, 'fnstsw %ax'), fpu: state(r, { valid: r.chance(0.92) ? 1 : 0, unmasked: unmaskedSet(r) }) };
      }));
    }
    for (const insn of ['ftst', 'fxam']) {
      cases.push(makeCase(r, `x87-compare/${insn}#${n}`, () => ({ asm: join(insn, 'fnstsw %ax'), fpu: state(r, { valid: r.chance(0.9) ? 1 : 0, unmasked: unmaskedSet(r) }) })));
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Control words, environments, saves, waiting and #MF.

/** A 28- or 14-byte environment image with random content (tags, TOP, flags, pointers). */
function environmentBytes(r: Random, wide: boolean): Uint8Array {
  const b = new Uint8Array(wide ? 28 : 14);
  const control = 0x40 | (r.below(4) << 10) | (r.pick([0, 2, 3]) << 8) | (r.chance(0.7) ? 0x3f : r.u32() & 0x3f);
  const status = (r.u32() & 0x47ff & ~0x80) | (r.below(8) << 11);
  let tags = 0;
  for (let i = 0; i < 8; i++) tags |= (r.chance(0.5) ? 3 : r.below(3)) << (2 * i);
  const w = wide ? 4 : 2;
  putBytes(b, 0, BigInt(control), 2);
  putBytes(b, w, BigInt(status), 2);
  putBytes(b, 2 * w, BigInt(tags), 2);
  for (let k = 3; k < 7; k++) putBytes(b, k * w, BigInt(r.u32()) & (wide ? 0xffffffffn : 0xffffn), w);
  return b;
}

function controlCases(r: Random): Case[] {
  const cases: Case[] = [];
  for (let n = 0; n < 260; n++) {
    cases.push(makeCase(r, `x87-control/fldcw#${n}`, (c) => {
      const value = r.chance(0.7) ? 0x40 | (r.below(4) << 10) | (r.below(4) << 8) | (r.u32() & 0x3f) : r.u32() & 0xffff;
      if ((value & 0xe0c0) !== 0x40) c.qemuCannotJudge = 'FLDCW of reserved bits: qemu-i386 keeps them as given';
      const m = memory(r, c, 2, (at) => putBytes(c.scratch, at, BigInt(value), 2));
      return { asm: join(`fldcw ${m}`, r.chance(0.5) ? 'fnstcw 0x7fa0' : '', epilogue(r)), fpu: state(r, { density: 0.5 }) };
    }));
    cases.push(makeCase(r, `x87-control/fnstcw#${n}`, (c) => ({ asm: `fnstcw ${memory(r, c, 2, () => {})}`, fpu: state(r, { unmasked: unmaskedSet(r) }) })));
    cases.push(makeCase(r, `x87-control/fnstsw m16#${n}`, (c) => ({ asm: `fnstsw ${memory(r, c, 2, () => {})}`, fpu: state(r, { unmasked: unmaskedSet(r) }) })));
    cases.push(makeCase(r, `x87-control/fnstsw ax#${n}`, () => ({ asm: 'fnstsw %ax', fpu: state(r, { unmasked: unmaskedSet(r) }) })));
    for (const insn of ['fnclex', 'fninit', 'fnop', 'fwait']) {
      cases.push(makeCase(r, `x87-control/${insn}#${n}`, () => ({ asm: insn, fpu: state(r, { unmasked: unmaskedSet(r) }) })));
    }
    for (const wide of [true, false]) {
      const suffix = wide ? '' : 's';
      cases.push(makeCase(r, `x87-control/fnstenv${suffix}#${n}`, (c) => ({ asm: join(`fnstenv${suffix} ${memory(r, c, wide ? 28 : 14, () => {})}`, 'fnstcw 0x7f80'), fpu: state(r, { unmasked: unmaskedSet(r) }) })));
      cases.push(makeCase(r, `x87-control/fldenv${suffix}#${n}`, (c) => {
        const image = environmentBytes(r, wide);
        const m = memory(r, c, image.length, (at) => c.scratch.set(image, at));
        return { asm: join(`fldenv${suffix} ${m}`, epilogue(r)), fpu: state(r, { density: 0.5 }) };
      }));
      cases.push(makeCase(r, `x87-control/fnsave${suffix}#${n}`, (c) => ({ asm: `fnsave${suffix} ${memory(r, c, wide ? 108 : 94, () => {})}`, fpu: state(r, { unmasked: unmaskedSet(r) }) })));
      cases.push(makeCase(r, `x87-control/frstor${suffix}#${n}`, (c) => {
        const env = environmentBytes(r, wide);
        const image = new Uint8Array(env.length + 80);
        image.set(env);
        for (let i = 0; i < 8; i++) putExtended(image, env.length + 10 * i, randomExtended(r));
        const m = memory(r, c, image.length, (at) => c.scratch.set(image, at));
        return { asm: join(`frstor${suffix} ${m}`, epilogue(r)), fpu: state(r, {}) };
      }));
    }
    // FXSAVE / FXRSTOR at a 16-byte boundary of the scratch area (or not: #GP).
    cases.push(makeCase(r, `x87-control/fxsave#${n}`, (c) => {
      const at = r.chance(0.9) ? 16 * r.below(14) : 16 * r.below(14) + r.pick([4, 8]);
      const m = memoryOperand(r, c.initial, 288, [], at);
      c.scratchIgnore = [{ offset: at + 28, length: 4, reason: 'MXCSR_MASK: the CPU model\'s own value' }];
      return { asm: `fxsave ${m.text}`, fpu: state(r, { unmasked: unmaskedSet(r) }) };
    }));
    cases.push(makeCase(r, `x87-control/fxrstor#${n}`, (c) => {
      const image = randomFpuImage(r, { unmasked: unmaskedSet(r) });
      const at = r.chance(0.9) ? 0 : 8;
      c.scratch.set(image.subarray(0, 288), at);
      const m = memoryOperand(r, c.initial, 288, [], at);
      return { asm: join(`fxrstor ${m.text}`, epilogue(r)), fpu: state(r, {}) };
    }));
  }
  // A pending exception meets a waiting instruction (#MF) or a non-waiting one.
  for (let n = 0; n < 400; n++) {
    cases.push(makeCase(r, `x87-control/pending#${n}`, (c) => {
      const image = state(r, { unmasked: 1 << r.below(6) });
      // Set the unmasked exception's flag: FXRSTOR makes it pending (FSW.ES).
      const unmasked = ~image[0]! & 0x3f;
      image[2] = image[2]! | unmasked;
      const next = r.pick(['fwait', 'fnop', 'fld1', 'fadd %st(1),%st', 'fnstsw %ax', 'fnclex', 'fninit', 'fnstcw 0x7f80', 'fldcw 0x7f90', 'fxsave 0x7f80', 'fnstenv 0x7f80']);
      if (next.startsWith('fxsave')) c.scratchIgnore = [{ offset: 28, length: 4, reason: 'MXCSR_MASK: the CPU model\'s own value' }];
      return { asm: join(next, 'fld1'), fpu: image };
    }));
  }
  // The 8087/287 leftovers (no-ops), FFREEP's siblings and the undocumented aliases, reserved encodings (#UD).
  const encodings = [
    'fneni', 'fndisi', 'fnsetpm',
    '.byte 0xd9, 0xd9', '.byte 0xdc, 0xd1', '.byte 0xdc, 0xd9', '.byte 0xdd, 0xc9', '.byte 0xde, 0xd1', '.byte 0xdf, 0xc9', '.byte 0xdf, 0xd1', '.byte 0xdf, 0xd9',
    '.byte 0xd9, 0xd1', '.byte 0xd9, 0xe2', '.byte 0xd9, 0xef', '.byte 0xda, 0xe0', '.byte 0xda, 0xe8', '.byte 0xda, 0xf3', '.byte 0xda, 0xfe',
    '.byte 0xdb, 0xe5', '.byte 0xdb, 0xe6', '.byte 0xdb, 0xf8', '.byte 0xdd, 0xf0', '.byte 0xdd, 0xf9', '.byte 0xde, 0xd8', '.byte 0xdf, 0xe1', '.byte 0xdf, 0xf8',
    '.byte 0xd9, 0x08', '.byte 0xdb, 0x20', '.byte 0xdb, 0x30', '.byte 0xdd, 0x28',
  ];
  for (let n = 0; n < 12; n++) {
    for (const e of encodings) {
      cases.push(makeCase(r, `x87-control/encoding ${e}#${n}`, (c) => {
        c.initial.eax = SCRATCH_BASE;
        return { asm: e, fpu: state(r, { density: 0.7 }) };
      }));
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// The transcendentals, compared within one ulp of the host (Intel documents them so).

const TRANSCENDENTAL = { ulps: Number(process.env.GATE86_X87_ULPS ?? 1), reason: 'Intel documents FSIN...FYL2XP1 to within one ulp, not correctly rounded' };

/** Arguments for the trigonometric instructions: small, large, near multiples of pi/2, beyond 2^63. */
function trigArgument(r: Random): Extended {
  const sign = r.chance(0.5) ? 0x8000 : 0;
  switch (r.below(8)) {
    case 0: return ordinaryExtended(r, -3, 3);
    case 1: return ordinaryExtended(r, -70, 0);
    case 2: return ordinaryExtended(r, 3, 62);
    case 3: { // k pi/2 rounded to 64 bits, give or take a few ulps: where the 66-bit pi shows
      const k = BigInt(1 + r.below(1000));
      const piHalf = 0xc90fdaa22168c234c4c6628b80dc1cd1n; // pi/2 * 2^127 (2^-127 scale), for placing the value only
      const v = k * piHalf;
      const bits = v.toString(2).length;
      const sig = (v >> BigInt(bits - 64)) + BigInt(r.below(5)) - 2n;
      return [sign | (0x3fff + bits - 128), sig | (1n << 63n)];
    }
    case 4: return [sign | (0x3fff + 63 + r.below(3)), (1n << 63n) | BigInt(r.u32())]; // |x| >= 2^63
    case 5: return [sign | (0x3fff + 62), (1n << 64n) - 1n - BigInt(r.below(4))];
    default: return randomExtended(r);
  }
}

function transcendentalCases(r: Random): Case[] {
  const cases: Case[] = [];
  const cased = (name: string, asm: string, values: Map<number, Extended>, valid: number, pushes: boolean): Case => makeCase(r, `x87-transcendental/${name}`, (c) => {
    c.fpuTolerance = TRANSCENDENTAL;
    // No FNSTSW after them: C1 (in AX then) may differ with the last bit.
    return { asm: join(asm, r.pick(['', '', 'fwait', 'fld1', 'fnclex'])), fpu: state(r, { valid: r.chance(0.95) ? valid : 0, empty: pushes && r.chance(0.9) ? 0x80 : 0, values, unmasked: unmaskedSet(r) }) };
  });
  for (let n = 0; n < 500; n++) {
    for (const insn of ['fsin', 'fcos', 'fsincos', 'fptan']) {
      cases.push(cased(`${insn}#${n}`, insn, new Map([[0, trigArgument(r)]]), 1, insn === 'fsincos' || insn === 'fptan'));
    }
    // F2XM1 on [-1, 1]: ordinary values, tiny ones, the ends.
    const x: Extended = r.chance(0.1) ? [(r.chance(0.5) ? 0x8000 : 0) | 0x3fff, 1n << 63n] : r.chance(0.8) ? ordinaryExtended(r, -66, -1) : randomExtended(r);
    const one = (x[0] & 0x7fff) === 0x3fff && x[1] === 1n << 63n;
    const inRange: Extended = (x[0] & 0x7fff) >= 0x3fff && !one && (x[0] & 0x7fff) !== 0x7fff ? [(x[0] & 0x8000) | 0x3ffe, x[1] | (1n << 63n)] : x;
    cases.push(cased(`f2xm1#${n}`, 'f2xm1', new Map([[0, inRange]]), 1, false));
    // FYL2X: x > 0 mostly; y anything.
    const lx: Extended = r.chance(0.8) ? [(ordinaryExtended(r, -40, 40)[0] & 0x7fff), ordinaryExtended(r)[1]] : randomExtended(r);
    cases.push(cased(`fyl2x#${n}`, 'fyl2x', new Map([[0, lx], [1, r.chance(0.7) ? ordinaryExtended(r, -10, 10) : randomExtended(r)]]), 3, false));
    // FYL2XP1: |x| < 1 - sqrt(2)/2.
    const px: Extended = r.chance(0.85) ? ordinaryExtended(r, -70, -3) : r.chance(0.5) ? [0, 0n] : randomExtended(r);
    const pxInRange: Extended = (px[0] & 0x7fff) >= 0x3ffd && (px[0] & 0x7fff) !== 0x7fff ? [px[0] & 0x8000 | 0x3ffc, px[1]] : px;
    cases.push(cased(`fyl2xp1#${n}`, 'fyl2xp1', new Map([[0, pxInRange], [1, r.chance(0.7) ? ordinaryExtended(r, -10, 10) : randomExtended(r)]]), 3, false));
    // FPATAN: (y, x) of every kind.
    cases.push(cased(`fpatan#${n}`, 'fpatan', new Map([[0, r.chance(0.7) ? ordinaryExtended(r, -30, 30) : randomExtended(r)], [1, r.chance(0.7) ? ordinaryExtended(r, -30, 30) : randomExtended(r)]]), 3, false));
  }
  return cases;
}

export function generateX87Transcendental(r: Random): Case[] { return transcendentalCases(r); }
export function generateX87Arithmetic(r: Random): Case[] { return arithmeticCases(r); }
export function generateX87Unary(r: Random): Case[] { return unaryCases(r); }
export function generateX87LoadStore(r: Random): Case[] { return loadStoreCases(r); }
export function generateX87Compare(r: Random): Case[] { return compareCases(r); }
export function generateX87Control(r: Random): Case[] { return controlCases(r); }
