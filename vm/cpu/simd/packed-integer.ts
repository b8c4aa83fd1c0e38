// Packed integer arithmetic: the MMX instructions and their SSE/SSE2 additions, lane by lane (Intel
// SDM Vol. 1 9.4 and 10.4.4/11.4.4; Vol. 2 for each instruction). One function per instruction, on
// `bytes` bytes of lanes (8 for MMX registers, 16 for XMM): `d` is the destination and first source,
// `s` the second source; the result is left in `d`.

import type { Lanes } from './operands.ts';

export type PackedOperation = (d: Lanes, s: Lanes, bytes: number) => void;

const clampSigned8 = (v: number): number => (v > 127 ? 127 : v < -128 ? -128 : v);
const clampUnsigned8 = (v: number): number => (v > 255 ? 255 : v < 0 ? 0 : v);
const clampSigned16 = (v: number): number => (v > 32767 ? 32767 : v < -32768 ? -32768 : v);
const clampUnsigned16 = (v: number): number => (v > 65535 ? 65535 : v < 0 ? 0 : v);

/** An operation applied to each lane of one width: the typed array view does the wrap-around. */
function byLane(view: 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32', size: number, f: (a: number, b: number) => number): PackedOperation {
  return (d, s, bytes) => {
    const a = d[view];
    const b = s[view];
    for (let i = 0; i < bytes / size; i++) a[i] = f(a[i]!, b[i]!);
  };
}

/** 64-bit lanes: add or subtract with the carry between the two doublewords. */
function quadwords(subtract: boolean): PackedOperation {
  return (d, s, bytes) => {
    for (let q = 0; q < bytes / 8; q++) {
      const lo = d.u32[2 * q]!, hi = d.u32[2 * q + 1]!;
      const slo = s.u32[2 * q]!, shi = s.u32[2 * q + 1]!;
      if (subtract) {
        d.u32[2 * q] = lo - slo;
        d.u32[2 * q + 1] = hi - shi - (lo < slo ? 1 : 0);
      } else {
        const sum = lo + slo;
        d.u32[2 * q] = sum;
        d.u32[2 * q + 1] = hi + shi + (sum > 0xffffffff ? 1 : 0);
      }
    }
  };
}

/** The low 64 bits of each 64-bit lane's shift count, or 64 and above when the high half is set. */
function shiftCount(s: Lanes): number {
  return s.u32[1] !== 0 ? 64 : s.u32[0]!;
}

/** PSLL/PSRL/PSRA by the count in the source's low quadword (or an imm8 put there by the binder). */
function shift(view: 'u16' | 'i16' | 'u32' | 'i32', width: number, kind: 'left' | 'logical' | 'arithmetic'): PackedOperation {
  return (d, s, bytes) => {
    const lanes = d[view];
    const count = shiftCount(s);
    for (let i = 0; i < bytes / (width / 8); i++) {
      const v = lanes[i]!;
      if (kind === 'arithmetic') lanes[i] = count >= width ? (v < 0 ? -1 : 0) : v >> count;
      else if (count >= width) lanes[i] = 0;
      else lanes[i] = kind === 'left' ? v << count : v >>> count;
    }
  };
}

/** PSLLQ/PSRLQ: each 64-bit lane as two doublewords. */
function shiftQuadwords(left: boolean): PackedOperation {
  return (d, s, bytes) => {
    const count = shiftCount(s);
    for (let q = 0; q < bytes / 8; q++) {
      let value = (BigInt(d.u32[2 * q + 1]!) << 32n) | BigInt(d.u32[2 * q]!);
      value = count >= 64 ? 0n : left ? (value << BigInt(count)) & 0xffffffffffffffffn : value >> BigInt(count);
      d.u32[2 * q] = Number(value & 0xffffffffn);
      d.u32[2 * q + 1] = Number(value >> 32n);
    }
  };
}

/** PSLLDQ/PSRLDQ: the whole 128-bit register moved by whole bytes (counts above 15 clear it). */
function shiftBytes(left: boolean): PackedOperation {
  return (d, s) => {
    const count = Math.min(shiftCount(s), 16);
    const copy = Uint8Array.from(d.u8);
    for (let i = 0; i < 16; i++) {
      const from = left ? i - count : i + count;
      d.u8[i] = from >= 0 && from < 16 ? copy[from]! : 0;
    }
  };
}

/** PACKSSWB/PACKSSDW/PACKUSWB: the destination's lanes narrowed, then the source's. */
function pack(fromView: 'i16' | 'i32', toView: 'i8' | 'u8' | 'i16', clamp: (v: number) => number): PackedOperation {
  return (d, s, bytes) => {
    const width = fromView === 'i16' ? 2 : 4;
    const half = bytes / width;
    const a = Array.from(d[fromView].subarray(0, half));
    const b = Array.from(s[fromView].subarray(0, half));
    const out = d[toView];
    for (let i = 0; i < half; i++) {
      out[i] = clamp(a[i]!);
      out[half + i] = clamp(b[i]!);
    }
  };
}

/** PUNPCKLxx and PUNPCKHxx: interleave the low (or high) halves' lanes of destination and source. */
function unpack(width: number, high: boolean): PackedOperation {
  return (d, s, bytes) => {
    const a = Uint8Array.from(d.u8.subarray(0, bytes));
    const b = s.u8;
    const base = high ? bytes / 2 : 0;
    for (let lane = 0; lane < bytes / 2 / width; lane++) {
      for (let k = 0; k < width; k++) {
        d.u8[2 * lane * width + k] = a[base + lane * width + k]!;
        d.u8[(2 * lane + 1) * width + k] = b[base + lane * width + k]!;
      }
    }
  };
}

/** PMADDWD: signed word products, adjacent pairs summed into doublewords. */
const pmaddwd: PackedOperation = (d, s, bytes) => {
  for (let i = 0; i < bytes / 4; i++) {
    d.i32[i] = Math.imul(d.i16[2 * i]!, s.i16[2 * i]!) + Math.imul(d.i16[2 * i + 1]!, s.i16[2 * i + 1]!);
  }
};

/** PMULUDQ: the low doubleword of each quadword, multiplied into a 64-bit product. */
const pmuludq: PackedOperation = (d, s, bytes) => {
  for (let q = 0; q < bytes / 8; q++) {
    const product = BigInt(d.u32[2 * q]!) * BigInt(s.u32[2 * q]!);
    d.u32[2 * q] = Number(product & 0xffffffffn);
    d.u32[2 * q + 1] = Number(product >> 32n);
  }
};

/** PSADBW: the sum of absolute byte differences of each 8-byte group, in the group's low word. */
const psadbw: PackedOperation = (d, s, bytes) => {
  for (let q = 0; q < bytes / 8; q++) {
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += Math.abs(d.u8[8 * q + i]! - s.u8[8 * q + i]!);
    d.u32[2 * q] = sum;
    d.u32[2 * q + 1] = 0;
  }
};

const and = byLane('u32', 4, (a, b) => a & b);

export const packedOperations: Readonly<Record<string, PackedOperation>> = {
  paddb: byLane('u8', 1, (a, b) => a + b),
  paddw: byLane('u16', 2, (a, b) => a + b),
  paddd: byLane('u32', 4, (a, b) => a + b),
  paddq: quadwords(false),
  psubb: byLane('u8', 1, (a, b) => a - b),
  psubw: byLane('u16', 2, (a, b) => a - b),
  psubd: byLane('u32', 4, (a, b) => a - b),
  psubq: quadwords(true),
  paddsb: byLane('i8', 1, (a, b) => clampSigned8(a + b)),
  paddsw: byLane('i16', 2, (a, b) => clampSigned16(a + b)),
  paddusb: byLane('u8', 1, (a, b) => clampUnsigned8(a + b)),
  paddusw: byLane('u16', 2, (a, b) => clampUnsigned16(a + b)),
  psubsb: byLane('i8', 1, (a, b) => clampSigned8(a - b)),
  psubsw: byLane('i16', 2, (a, b) => clampSigned16(a - b)),
  psubusb: byLane('u8', 1, (a, b) => clampUnsigned8(a - b)),
  psubusw: byLane('u16', 2, (a, b) => clampUnsigned16(a - b)),
  pmullw: byLane('i16', 2, (a, b) => Math.imul(a, b)),
  pmulhw: byLane('i16', 2, (a, b) => Math.imul(a, b) >> 16),
  pmulhuw: byLane('u16', 2, (a, b) => (a * b) >>> 16),
  pmaddwd,
  pmuludq,
  psadbw,
  pavgb: byLane('u8', 1, (a, b) => (a + b + 1) >> 1),
  pavgw: byLane('u16', 2, (a, b) => (a + b + 1) >> 1),
  pmaxub: byLane('u8', 1, (a, b) => Math.max(a, b)),
  pminub: byLane('u8', 1, (a, b) => Math.min(a, b)),
  pmaxsw: byLane('i16', 2, (a, b) => Math.max(a, b)),
  pminsw: byLane('i16', 2, (a, b) => Math.min(a, b)),
  pcmpeqb: byLane('u8', 1, (a, b) => (a === b ? -1 : 0)),
  pcmpeqw: byLane('u16', 2, (a, b) => (a === b ? -1 : 0)),
  pcmpeqd: byLane('u32', 4, (a, b) => (a === b ? -1 : 0)),
  pcmpgtb: byLane('i8', 1, (a, b) => (a > b ? -1 : 0)),
  pcmpgtw: byLane('i16', 2, (a, b) => (a > b ? -1 : 0)),
  pcmpgtd: byLane('i32', 4, (a, b) => (a > b ? -1 : 0)),
  pand: and,
  pandn: byLane('u32', 4, (a, b) => ~a & b),
  por: byLane('u32', 4, (a, b) => a | b),
  pxor: byLane('u32', 4, (a, b) => a ^ b),
  psllw: shift('u16', 16, 'left'),
  pslld: shift('u32', 32, 'left'),
  psllq: shiftQuadwords(true),
  psrlw: shift('u16', 16, 'logical'),
  psrld: shift('u32', 32, 'logical'),
  psrlq: shiftQuadwords(false),
  psraw: shift('i16', 16, 'arithmetic'),
  psrad: shift('i32', 32, 'arithmetic'),
  pslldq: shiftBytes(true),
  psrldq: shiftBytes(false),
  packsswb: pack('i16', 'i8', clampSigned8),
  packssdw: pack('i32', 'i16', clampSigned16),
  packuswb: pack('i16', 'u8', clampUnsigned8),
  punpcklbw: unpack(1, false),
  punpcklwd: unpack(2, false),
  punpckldq: unpack(4, false),
  punpcklqdq: unpack(8, false),
  punpckhbw: unpack(1, true),
  punpckhwd: unpack(2, true),
  punpckhdq: unpack(4, true),
  punpckhqdq: unpack(8, true),
};
