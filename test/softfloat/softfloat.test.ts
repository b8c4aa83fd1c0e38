// The softfloat core (vm/cpu/softfloat/) against the x87 of the oracle: tens of thousands of
// operations on random and special operands, in every rounding mode and precision, must give the
// same bits and the same exception flags (and C1, the rounding direction) as the real FPU.
//
// The host side is host-x87.c: one instruction per record from a fresh FNINIT state, the result
// read back with FNSAVE. This checks the core alone; the x87 unit built on it (stack, tags,
// pointers, #MF...) is checked by the differential suite (test/differential).

import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableOracles, compileC, runI386Elf } from '../support/i386-oracle.ts';
import { Random } from '../differential/case.ts';
import { X87_QEMU_CAVEATS } from '../differential/x87-caveats.ts';
import {
  add, compare, convert, divide, multiply, NaNRule, roundToIntegral, squareRoot, toInteger,
} from '../../vm/cpu/softfloat/arithmetic.ts';
import {
  binary32, binary64, extended, packBinary32, packBinary64, packExtended, unpackBinary32, unpackBinary64, unpackExtended, type Unpacked,
} from '../../vm/cpu/softfloat/format.ts';
import { FLAG_DENORMAL, FloatStatus } from '../../vm/cpu/softfloat/status.ts';

const OPERATIONS = ['fadd', 'fsub', 'fmul', 'fdiv', 'fsqrt', 'frndint', 'fcom', 'fucom', 'fst m32', 'fst m64', 'fist m16', 'fist m32', 'fistp m64', 'fld m32', 'fld m64'] as const;
type Operation = (typeof OPERATIONS)[number];
const INPUT_SIZE = 24;
const OUTPUT_SIZE = 116;

interface Input { op: number; cw: number; a: [number, bigint]; b: [number, bigint] }

// ---------------------------------------------------------------------------------------------
// Operands: every class of 80-bit encoding, with the boundaries where rounding and range matter.

function randomSig(r: Random): bigint {
  return (BigInt(r.u32()) << 32n) | BigInt(r.u32());
}

function randomSignificand(r: Random): bigint {
  switch (r.below(8)) {
    case 0: return 1n << 63n;
    case 1: return (1n << 64n) - 1n;
    case 2: return (1n << 63n) | BigInt(r.u32() & 0xff);
    // A float or a double plus a little: ties and near-ties at 24 and 53 bits.
    case 3: return (1n << 63n) | (BigInt(r.u32()) << 32n & 0x7fffff0000000000n) | BigInt(r.pick([0, 1, 0x8000000000 - 1, 0x8000000000 % 2 ** 32, 0xffffffff]));
    case 4: return (1n << 63n) | ((randomSig(r) >> 11n) << 11n) | BigInt(r.pick([0, 0x400, 0x3ff, 0x401, 0x7ff]));
    case 5: return ((1n << 63n) | randomSig(r)) & ~((1n << BigInt(r.below(64))) - 1n);
    default: return (1n << 63n) | randomSig(r);
  }
}

function randomExponent(r: Random): number {
  switch (r.below(6)) {
    case 0: return 1 + r.below(80);                  // near the denormals
    case 1: return 0x7ffe - r.below(80);             // near overflow
    case 2: return 0x3fff - 140 + r.below(280);      // near 1: ordinary values
    case 3: return 0x3fff - 0x3f80 + r.below(300);   // where binary32/64 denormals and overflow are
    case 4: return 0x3fff + 0x3c00 - 150 + r.below(300);
    default: return 1 + r.below(0x7ffe);
  }
}

function randomOperand(r: Random): [number, bigint] {
  const sign = r.chance(0.5) ? 0x8000 : 0;
  switch (r.below(20)) {
    case 0: return [sign, 0n];
    case 1: return [sign, randomSig(r) >> BigInt(1 + r.below(63))];        // denormal
    case 2: return [sign, (1n << 63n) | (randomSig(r) >> 1n)];              // pseudo-denormal
    case 3: return [sign | 0x7fff, 1n << 63n];                              // infinity
    case 4: return [sign | 0x7fff, (3n << 62n) | (randomSig(r) >> BigInt(2 + r.below(62)))]; // QNaN
    case 5: return [sign | 0x7fff, (1n << 63n) | ((randomSig(r) >> BigInt(2 + r.below(62))) || 1n)]; // SNaN
    case 6: return r.chance(0.5) ? [sign | randomExponent(r), randomSig(r) >> 1n] : [sign | 0x7fff, randomSig(r) >> 1n]; // unnormal, pseudo-NaN/infinity
    case 7: return [sign | (0x3fff + r.below(64)), (1n << 63n) | (randomSig(r) >> BigInt(r.below(64))) >> BigInt(r.below(64)) << BigInt(r.below(64)) & ((1n << 64n) - 1n) | (1n << 63n)]; // integral-ish
    default: return [sign | randomExponent(r), randomSignificand(r)];
  }
}

/** B near A (same or close exponent), to exercise cancellation and ties. */
function relatedOperand(r: Random, a: [number, bigint]): [number, bigint] {
  const sign = r.chance(0.5) ? 0x8000 : 0;
  const exp = Math.min(0x7ffe, Math.max(1, (a[0] & 0x7fff) + r.below(140) - 70));
  const sig = r.chance(0.5) ? a[1] ^ BigInt(1 << r.below(30)) : randomSignificand(r);
  return [sign | exp, sig | (1n << 63n)];
}

function randomControl(r: Random, qemu: boolean): number {
  const pc = r.pick([0, 2, 3, 3, 1]);
  const rc = r.below(4);
  // Unmasked overflow/underflow deliver exponent-wrapped results (qemu-i386 does not: X87_QEMU_CAVEATS).
  const masks = r.chance(0.8) || qemu ? 0x3f : 0x3f & ~(r.pick([0x08, 0x10, 0x18, 0x20, 0x38]));
  return 0x40 | (rc << 10) | (pc << 8) | masks;
}

function generate(r: Random, count: number, qemu: boolean): Input[] {
  const inputs: Input[] = [];
  for (let i = 0; i < count; i++) {
    const op = i % OPERATIONS.length;
    const name = OPERATIONS[op]!;
    let cw = randomControl(r, qemu);
    if (qemu && (name === 'fld m64' || name === 'frndint')) cw |= 0x300;
    // Stores and integer conversions with an unmasked overflow/underflow store nothing: what that
    // means for the stack is the x87 unit's business, tested by the differential suite.
    if (name.startsWith('fst') || name.startsWith('fist') || name.startsWith('fld')) cw |= 0x3f;
    let a = randomOperand(r);
    if (name.startsWith('fist') && r.chance(0.6)) a = [(r.chance(0.5) ? 0x8000 : 0) | (0x3fff - 2 + r.below(68)), randomSignificand(r)];
    if (name === 'fst m32' && r.chance(0.5)) a = [(a[0] & 0x8000) | (0x3fff - 150 + r.below(300)), a[1] | (1n << 63n)];
    if (name === 'fld m32' || name === 'fld m64') a = [0, randomSig(r)];
    const b = r.chance(0.5) ? relatedOperand(r, a) : randomOperand(r);
    inputs.push({ op, cw, a, b });
  }
  return inputs;
}

// ---------------------------------------------------------------------------------------------
// The core's answer, in the same shape as the host's: ST0 (or the stored bytes), flags, C0-C3.

interface Answer { st0: [number, bigint] | null; stored: bigint | null; flags: number; c: number }

function put80(bytes: Uint8Array, at: number, [se, sig]: [number, bigint]): void {
  for (let i = 0; i < 8; i++) bytes[at + i] = Number((sig >> BigInt(8 * i)) & 0xffn);
  bytes[at + 8] = se & 0xff;
  bytes[at + 9] = se >> 8;
}

function get80(bytes: Uint8Array, at: number): [number, bigint] {
  let sig = 0n;
  for (let i = 7; i >= 0; i--) sig = (sig << 8n) | BigInt(bytes[at + i]!);
  return [bytes[at + 8]! | (bytes[at + 9]! << 8), sig];
}

const C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000;

function coreAnswer(input: Input): Answer {
  const name = OPERATIONS[input.op]!;
  const s = new FloatStatus();
  s.setFromX87Control(input.cw);
  const a = unpackExtended(input.a[0], input.a[1]);
  const b = unpackExtended(input.b[0], input.b[1]);
  const rule = NaNRule.X87;
  const result = (u: Unpacked): Answer => ({ st0: packExtended(u), stored: null, flags: s.flags, c: s.roundedUp ? C1 : 0 });
  switch (name) {
    case 'fadd': return result(add(a, b, false, extended, s.precision, rule, s));
    case 'fsub': return result(add(a, b, true, extended, s.precision, rule, s));
    case 'fmul': return result(multiply(a, b, extended, s.precision, rule, s));
    case 'fdiv': return result(divide(a, b, extended, s.precision, rule, s));
    case 'fsqrt': return result(squareRoot(a, extended, s.precision, rule, s));
    case 'frndint': return result(roundToIntegral(a, s.rounding, rule, s));
    case 'fcom':
    case 'fucom': {
      const rel = compare(a, b, name === 'fcom', s);
      const c = [C0, C3, 0, C0 | C2 | C3][rel]!;
      return { st0: input.a, stored: null, flags: s.flags, c };
    }
    case 'fst m32': {
      const u = convert(a, binary32, 24, s);
      return { st0: input.a, stored: BigInt(packBinary32(u) >>> 0), flags: s.flags, c: s.roundedUp ? C1 : 0 };
    }
    case 'fst m64': {
      const u = convert(a, binary64, 53, s);
      return { st0: input.a, stored: packBinary64(u), flags: s.flags, c: s.roundedUp ? C1 : 0 };
    }
    case 'fist m16':
    case 'fist m32':
    case 'fistp m64': {
      const bits = name === 'fist m16' ? 16 : name === 'fist m32' ? 32 : 64;
      const n = toInteger(a, bits, s.rounding, s);
      const stored = BigInt.asUintN(bits, n);
      return { st0: name === 'fistp m64' ? null : input.a, stored, flags: s.flags, c: s.roundedUp ? C1 : 0 };
    }
    case 'fld m32':
    case 'fld m64': {
      const u = name === 'fld m32'
        ? unpackBinary32(Number(input.a[1] & 0xffffffffn))
        : unpackBinary64(Number(input.a[1] & 0xffffffffn), Number(input.a[1] >> 32n));
      const loaded = convert(u, extended, 64, s);
      if (u.denormal) s.flags |= FLAG_DENORMAL;
      return result(loaded);
    }
  }
}

function hostAnswer(input: Input, out: Uint8Array): Answer {
  const name = OPERATIONS[input.op]!;
  const sw = out[4]! | (out[5]! << 8);
  const tag = out[8]! | (out[9]! << 8);
  const stored = out.subarray(108, 116);
  let value = 0n;
  for (let i = 7; i >= 0; i--) value = (value << 8n) | BigInt(stored[i]!);
  const width = name === 'fst m32' || name === 'fist m32' ? 32 : name === 'fist m16' ? 16 : 64;
  const top = (sw >> 11) & 7;
  const st0Empty = ((tag >> (top * 2)) & 3) === 3;
  return {
    st0: st0Empty ? null : get80(out, 28),
    stored: /^(fst|fist)/.test(name) ? BigInt.asUintN(width, value) : null,
    flags: sw & 0x3f,
    c: sw & (C0 | C1 | C2 | C3),
  };
}

const hex80 = (v: [number, bigint] | null): string => (v === null ? 'empty' : `${v[0].toString(16).padStart(4, '0')}:${v[1].toString(16).padStart(16, '0')}`);

function describe(input: Input): string {
  return `${OPERATIONS[input.op]} cw=${input.cw.toString(16)} a=${hex80(input.a)} b=${hex80(input.b)}`;
}

/** What is compared: everything on the host CPU; against qemu-i386 not DE, C1, nor C2 after FSQRT. */
function sameAnswer(x: Answer, y: Answer, name: Operation, qemu: boolean): boolean {
  const flagMask = qemu ? ~FLAG_DENORMAL : ~0;
  const cMask = qemu ? ~(C1 | (name === 'fsqrt' ? C2 : 0)) : ~0;
  return hex80(x.st0) === hex80(y.st0) && x.stored === y.stored && (x.flags & flagMask) === (y.flags & flagMask) && (x.c & cMask) === (y.c & cMask);
}

const answerText = (x: Answer): string =>
  `st0=${hex80(x.st0)} stored=${x.stored?.toString(16) ?? '-'} flags=${x.flags.toString(16)} C=${x.c.toString(16)}`;

/** GATE86_SOFTFLOAT_CASES=n runs more (the core has been run against the host with 600,000 and more). */
const CASES = Number(process.env.GATE86_SOFTFLOAT_CASES ?? 30_000);

for (const oracle of availableOracles()) test(`softfloat core vs the x87 of ${oracle}: ${CASES} operations`, (t) => {
  const source = readFileSync(fileURLToPath(new URL('host-x87.c', import.meta.url)), 'utf8');
  const program = compileC({ 'host-x87.c': source }, { libc: true, cflags: ['-O1'] });
  const qemu = oracle === 'qemu-i386';
  const inputs = generate(new Random(Number(process.env.GATE86_DIFF_SEED ?? 1)), CASES, qemu);
  if (qemu) for (const c of X87_QEMU_CAVEATS) t.log(`QEMU caveat: ${c.what}. SDM: ${c.sdm}. qemu-i386: ${c.qemu}. Handling: ${c.handling}.`);
  const stdin = new Uint8Array(inputs.length * INPUT_SIZE);
  const view = new DataView(stdin.buffer);
  inputs.forEach((input, n) => {
    view.setUint16(n * INPUT_SIZE, input.op, true);
    view.setUint16(n * INPUT_SIZE + 2, input.cw, true);
    put80(stdin, n * INPUT_SIZE + 4, input.a);
    put80(stdin, n * INPUT_SIZE + 14, input.b);
  });
  const run = runI386Elf(program, [], { stdin, oracle });
  t.is(run.status, 0, run.stderr);
  t.is(run.stdout.length, inputs.length * OUTPUT_SIZE);
  const mismatches: string[] = [];
  const perOperation = new Map<string, number>();
  inputs.forEach((input, n) => {
    const host = hostAnswer(input, new Uint8Array(run.stdout.subarray(n * OUTPUT_SIZE, (n + 1) * OUTPUT_SIZE)));
    const core = coreAnswer(input);
    if (sameAnswer(host, core, OPERATIONS[input.op]!, qemu)) return;
    perOperation.set(OPERATIONS[input.op]!, (perOperation.get(OPERATIONS[input.op]!) ?? 0) + 1);
    mismatches.push(`${describe(input)}\n    ${oracle}: ${answerText(host)}\n    core:   ${answerText(core)}`);
  });
  if (mismatches.length > 0) t.log(`mismatches per operation: ${[...perOperation].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const m of mismatches.slice(0, process.env.GATE86_DIFF_VERBOSE ? Infinity : 30)) t.log(m);
  t.is(mismatches.length, 0);
});
