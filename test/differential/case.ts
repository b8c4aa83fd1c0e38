// A differential case, and the seeded randomness the generators build cases from.
//
// A case is a snippet of AT&T assembly (assembled by GNU `as`, never by gate86) and the state it
// starts from. Generators are deterministic for a given seed, so a failing case can be reproduced by
// its name alone.

import { DATA_SIZE, EFLAGS_FIXED, IF, PAGE_CROSSING, REGISTER_NAMES, SCRATCH_BASE, SCRATCH_SIZE, STACK_TOP, ARITHMETIC_FLAGS, DF, type MachineState, type RegisterName } from './layout.ts';

export interface Case {
  /** Unique and readable: family/template#n. */
  name: string;
  /** The instructions under test, one per line, GNU as AT&T syntax (local numeric labels only). */
  asm: string;
  initial: MachineState;
  /** SCRATCH_SIZE bytes. */
  scratch: Uint8Array;
  /** The x87/SSE state to start from, as an FXSAVE image (layout.ts); the FNINIT state if absent. */
  fpu?: Uint8Array;
  /**
   * Scratch bytes not to compare, with why: only fields the SDM lets processors fill differently,
   * in an image the snippet stores (MXCSR_MASK of FXSAVE, the deprecated pointers of FNSTENV...).
   */
  scratchIgnore?: Array<{ offset: number; length: number; reason: string }>;
  /**
   * The x87 registers may differ from the oracle's by up to `ulps` units in the last place (and C1,
   * the rounding direction, may differ with them): for the transcendental instructions, which Intel
   * documents to within one ulp, not correctly rounded.
   */
  fpuTolerance?: { ulps: number; reason: string };
  /**
   * Set when qemu-i386 is known to depart from the SDM on this very case (caveats.ts says where):
   * the case is still run and judged against the host CPU, but not against qemu-i386.
   */
  qemuCannotJudge?: string;
}

/** mulberry32: a small, good-enough 32-bit PRNG with a 32-bit seed. */
export class Random {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** An integer in [0, n). */
  below(n: number): number { return Math.floor((this.u32() / 0x1_0000_0000) * n); }
  pick<T>(items: readonly T[]): T { return items[this.below(items.length)]!; }
  chance(p: number): boolean { return this.u32() / 0x1_0000_0000 < p; }
}

const SPECIALS32 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0x0f0f0f0f, 0xf0f0f0f0, 0x55555555, 0xaaaaaaaa];

/**
 * An operand value of `bits` width, placed in a random 32-bit register image: half the time an edge
 * value (0, 1, the sign boundaries, all ones...), otherwise random. Bits above `bits` are random too,
 * so an 8- or 16-bit instruction that wrongly touches them is caught.
 */
export function operandValue(r: Random, bits: 8 | 16 | 32): number {
  const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  let v: number;
  if (r.chance(0.5)) {
    const special = r.pick(SPECIALS32);
    const signed = r.chance(0.3);
    v = signed ? (special >>> 0) & mask : r.chance(0.5) ? special & mask : (mask - (special & mask)) >>> 0;
  } else {
    v = r.u32() & mask;
  }
  return bits === 32 ? v >>> 0 : ((r.u32() & ~mask) | v) >>> 0;
}

/** Random EFLAGS: every arithmetic flag random, DF set with probability `df`, IF on as in user mode. */
export function randomFlags(r: Random, df = 0): number {
  return (EFLAGS_FIXED | IF | (r.u32() & ARITHMETIC_FLAGS) | (r.chance(df) ? DF : 0)) >>> 0;
}

/** A starting state: random registers (edge values often), random flags, random scratch bytes, ESP at STACK_TOP. */
export function randomStart(r: Random): { initial: MachineState; scratch: Uint8Array } {
  const initial: MachineState = {
    eax: operandValue(r, 32), ecx: operandValue(r, 32), edx: operandValue(r, 32), ebx: operandValue(r, 32),
    esp: STACK_TOP, ebp: operandValue(r, 32), esi: operandValue(r, 32), edi: operandValue(r, 32),
    eflags: randomFlags(r),
  };
  const scratch = new Uint8Array(SCRATCH_SIZE);
  for (let i = 0; i < SCRATCH_SIZE; i += 4) {
    const v = r.chance(0.2) ? operandValue(r, 32) : r.u32();
    scratch[i] = v & 0xff; scratch[i + 1] = (v >>> 8) & 0xff; scratch[i + 2] = (v >>> 16) & 0xff; scratch[i + 3] = v >>> 24;
  }
  return { initial, scratch };
}

export function write32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff; bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff; bytes[offset + 3] = (value >>> 24) & 0xff;
}

export const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'] as const;
export const R8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'] as const;
/** Registers a snippet may freely clobber as operands: every GPR but ESP. */
export const FREE32: RegisterName[] = ['eax', 'ecx', 'edx', 'ebx', 'ebp', 'esi', 'edi'];

/** The AT&T name of GPR number n at a size. */
export function regName(n: number, bits: 8 | 16 | 32): string {
  return `%${(bits === 32 ? R32 : bits === 16 ? R16 : R8)[n]}`;
}
export function regNumber(name: RegisterName): number { return REGISTER_NAMES.indexOf(name); }
export function suffix(bits: 8 | 16 | 32): string { return bits === 8 ? 'b' : bits === 16 ? 'w' : 'l'; }

/** A data offset for `width` bytes; one time in eight the bytes straddle the page boundary. */
function dataOffset(r: Random, width: number): number {
  if (width > 1 && r.chance(0.125)) return PAGE_CROSSING - 1 - r.below(width - 1);
  return r.below(DATA_SIZE - width + 1);
}

/** A memory operand built by `memoryOperand`: its text and the registers it pinned. */
export interface MemoryOperand { text: string; uses: RegisterName[]; address: number }

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/**
 * Choose a memory operand that addresses scratch data at offset [0, DATA_SIZE - width], in one of
 * the 32-bit addressing forms (base, base+disp8/disp32, base+index*scale(+disp), index*scale+disp32,
 * disp32 alone, ESP- and EBP-based), setting the registers it uses in `state`. Registers in `avoid`
 * are not used as base or index. `at` fixes the scratch offset instead of choosing one.
 */
export function memoryOperand(r: Random, state: MachineState, width: number, avoid: readonly RegisterName[] = [], at?: number): MemoryOperand {
  const offset = at ?? dataOffset(r, width);
  const address = SCRATCH_BASE + offset;
  const candidates = FREE32.filter((x) => !avoid.includes(x));
  const base = r.pick(candidates);
  const index = r.pick(candidates.filter((x) => x !== base));
  const mode = r.below(8);
  const disp8 = r.below(256) - 128;
  switch (mode) {
    case 0: state[base] = address; return { text: `(%${base})`, uses: [base], address };
    case 1: state[base] = (address - disp8) >>> 0; return { text: `${disp8}(%${base})`, uses: [base], address };
    case 2: { const d = r.u32() | 0; state[base] = (address - d) >>> 0; return { text: `${d}(%${base})`, uses: [base], address }; }
    case 3: {
      const scale = r.pick([1, 2, 4, 8]);
      const i = r.below(8);
      state[index] = (r.chance(0.2) ? -i : i) >>> 0;
      state[base] = (address - Math.imul(state[index], scale)) >>> 0;
      return { text: `(%${base},%${index},${scale})`, uses: [base, index], address };
    }
    case 4: {
      const scale = r.pick([1, 2, 4, 8]);
      const i = r.below(8);
      state[index] = i;
      state[base] = (address - i * scale - disp8) >>> 0;
      return { text: `${disp8}(%${base},%${index},${scale})`, uses: [base, index], address };
    }
    case 5: {
      const scale = r.pick([1, 2, 4, 8]);
      state[index] = r.below(16);
      return { text: `${hex(address - state[index] * scale)}(,%${index},${scale})`, uses: [index], address };
    }
    case 6: return { text: hex(address), uses: [], address };
    default: {
      // ESP-relative: the data area lies below the stack, so a negative displacement reaches it.
      const d = address - state.esp;
      return { text: `${d}(%esp)`, uses: [], address };
    }
  }
}

/** The 16-bit ModRM addressing forms ([BX+SI] ... [BX], disp16), as `as` spells them in 32-bit code. */
const MODES16: Array<[RegisterName | null, RegisterName | null]> = [
  ['ebx', 'esi'], ['ebx', 'edi'], ['ebp', 'esi'], ['ebp', 'edi'], [null, 'esi'], [null, 'edi'], ['ebp', null], ['ebx', null], [null, null],
];

/**
 * A memory operand with 16-bit addressing (the 0x67 prefix): the effective address is
 * (base + index + disp) mod 64 KiB, so the registers' upper halves are garbage that must be ignored,
 * and sometimes the sum wraps around 64 KiB.
 */
export function memoryOperand16(r: Random, state: MachineState, width: number, avoid: readonly RegisterName[] = [], at?: number): MemoryOperand {
  const usable = MODES16.filter(([b, i]) => !(b && avoid.includes(b)) && !(i && avoid.includes(i)));
  const [base, index] = r.pick(usable);
  const offset = at ?? dataOffset(r, width);
  const address = SCRATCH_BASE + offset;
  const r16 = (name: RegisterName): string => name === 'ebx' ? '%bx' : name === 'ebp' ? '%bp' : name === 'esi' ? '%si' : '%di';
  if (!base && !index) return { text: hex(address), uses: [], address };
  const dispKind = r.below(3); // none, disp8, disp16
  const disp = dispKind === 0 ? 0 : dispKind === 1 ? r.below(256) - 128 : r.below(0x10000) - 0x8000;
  const parts = [base, index].filter((x): x is RegisterName => x !== null);
  // Split (address - disp) between the registers, possibly wrapping past 64 KiB.
  let remaining = (address - disp) & 0xffff;
  if (parts.length === 2) {
    const first = r.chance(0.3) ? 0xffff - r.below(0x100) : r.below(0x8000);
    state[parts[0]!] = ((r.u32() & 0xffff0000) | first) >>> 0;
    remaining = (remaining - first) & 0xffff;
  }
  const last = parts[parts.length - 1]!;
  state[last] = ((r.u32() & 0xffff0000) | remaining) >>> 0;
  const regs = parts.map(r16).join(',');
  return { text: `${disp === 0 ? '' : disp}(${regs})`, uses: parts, address };
}
