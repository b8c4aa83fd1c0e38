// The SIMD rows of the ISA table: MMX, SSE and SSE2 (Intel SDM Vol. 2, opcode map tables A-3 and
// A-6; Vol. 1 chapters 9-11). vm/isa/table.ts includes them into the one `instructionForms` list.
//
// One opcode often stands for four instructions, told apart by a mandatory prefix: 0F 58 is addps,
// F3 0F 58 addss, 66 0F 58 addpd, F2 0F 58 addsd. The decoder picks the row whose `mandatoryPrefix`
// is the last F2/F3 prefix, else 66, else the row without one (vm/isa/decoder.ts). MMX instructions
// that SSE2 widened to XMM registers are the same opcode with 66: 0F FC paddb %mm, 66 0F FC paddb %xmm.
//
// Operand kinds (see table.ts): mm / xmm name a register in ModRM.reg; mmrm/S and xmmrm/S are ModRM
// r/m holding a register or an S-bit memory operand (S is what is read from memory: 32 for movss,
// 64 for movq, 128 for a whole XMM register); mem/S is memory only (movntps, movlps, ldmxcsr).
//
// Every row carries `feature`, the CPUID bit that says a processor has it: an instruction a CPU model
// lacks raises #UD on that model. The 64-bit MMX forms that came with SSE (pshufw, pavgb, pminub,
// maskmovq...) are `sse`, those that came with SSE2 (paddq, psubq, pmuludq on MMX registers) `sse2`.

import type { FormOptions } from '../table.ts';

type Row = (mnemonic: string, opcode: number[], operands: string, options?: FormOptions) => void;

/** Mandatory prefixes. */
const P66 = 0x66, PF3 = 0xf3, PF2 = 0xf2;

/**
 * The opcodes objdump decodes through a prefix table (binutils i386-dis.c PREFIX_0Fxx): a 66/F2/F3
 * that selects an empty slot prints as `(bad)` after the names of the other unused prefixes. On the
 * other SIMD opcodes it prints `(bad)` alone (found by running objdump 2.40 over every opcode with a
 * CS and a LOCK prefix before each of 66, F3 and F2).
 */
const PREFIX_TABLE_OPCODES: ReadonlySet<number> = new Set([
  0x10, 0x11, 0x12, 0x16, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x51, 0x52, 0x53, 0x58, 0x59, 0x5a, 0x5b,
  0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62, 0x6f, 0x70, 0x7e, 0x7f, 0xc2, 0xd6, 0xe6, 0xe7, 0xf7,
]);

export function addSimdForms(row: Row): void {
  // Every row below: no size suffix (the register names say it), and a 66/F2/F3 that selects no
  // variant of the opcode makes objdump's line `(bad)` (see `prefixSelects`).
  const simd = (mnemonic: string, second: number, operands: string, options: FormOptions): void => {
    const prefixSelects = PREFIX_TABLE_OPCODES.has(second) ? 'table' : 'opcode';
    row(mnemonic, [0x0f, second], operands, { suffix: 'never', prefixSelects, since: 'p6', ...options });
  };
  const mmx: FormOptions = { feature: 'mmx' };
  const sse: FormOptions = { feature: 'sse' };
  const sse2: FormOptions = { feature: 'sse2' };

  // --- MMX arithmetic, logic, compares, packs: 0F xx on MMX registers, 66 0F xx on XMM (SSE2) -----
  /** An MMX instruction and its SSE2 widening; `since` is the feature of the MMX-register form. */
  const packed = (mnemonic: string, second: number, mmxFeature: FormOptions = mmx, mmxSource = 'mmrm/64'): void => {
    simd(mnemonic, second, `mm, ${mmxSource}`, mmxFeature);
    simd(mnemonic, second, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: P66 });
  };
  // The low-half unpacks read only 32 bits of an MMX memory operand.
  packed('punpcklbw', 0x60, mmx, 'mmrm/32');
  packed('punpcklwd', 0x61, mmx, 'mmrm/32');
  packed('punpckldq', 0x62, mmx, 'mmrm/32');
  packed('packsswb', 0x63);
  packed('pcmpgtb', 0x64);
  packed('pcmpgtw', 0x65);
  packed('pcmpgtd', 0x66);
  packed('packuswb', 0x67);
  packed('punpckhbw', 0x68);
  packed('punpckhwd', 0x69);
  packed('punpckhdq', 0x6a);
  packed('packssdw', 0x6b);
  simd('punpcklqdq', 0x6c, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: P66 });
  simd('punpckhqdq', 0x6d, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: P66 });
  packed('pcmpeqb', 0x74);
  packed('pcmpeqw', 0x75);
  packed('pcmpeqd', 0x76);
  packed('psrlw', 0xd1);
  packed('psrld', 0xd2);
  packed('psrlq', 0xd3);
  packed('paddq', 0xd4, sse2);
  packed('pmullw', 0xd5);
  packed('psubusb', 0xd8);
  packed('psubusw', 0xd9);
  packed('pminub', 0xda, sse);
  packed('pand', 0xdb);
  packed('paddusb', 0xdc);
  packed('paddusw', 0xdd);
  packed('pmaxub', 0xde, sse);
  packed('pandn', 0xdf);
  packed('pavgb', 0xe0, sse);
  packed('psraw', 0xe1);
  packed('psrad', 0xe2);
  packed('pavgw', 0xe3, sse);
  packed('pmulhuw', 0xe4, sse);
  packed('pmulhw', 0xe5);
  packed('psubsb', 0xe8);
  packed('psubsw', 0xe9);
  packed('pminsw', 0xea, sse);
  packed('por', 0xeb);
  packed('paddsb', 0xec);
  packed('paddsw', 0xed);
  packed('pmaxsw', 0xee, sse);
  packed('pxor', 0xef);
  packed('psllw', 0xf1);
  packed('pslld', 0xf2);
  packed('psllq', 0xf3);
  packed('pmuludq', 0xf4, sse2);
  packed('pmaddwd', 0xf5);
  packed('psadbw', 0xf6, sse);
  packed('psubb', 0xf8);
  packed('psubw', 0xf9);
  packed('psubd', 0xfa);
  packed('psubq', 0xfb, sse2);
  packed('paddb', 0xfc);
  packed('paddw', 0xfd);
  packed('paddd', 0xfe);

  // Shifts by an immediate: 0F 71/72/73 /digit ib, register operand only.
  const shiftImmediate = (mnemonic: string, second: number, extension: number, xmmOnly = false): void => {
    const options: FormOptions = { extension, modrmMod: 'register', operation: mnemonic };
    if (!xmmOnly) simd(mnemonic, second, 'mmrm/64, imm/8', { ...mmx, ...options });
    simd(mnemonic, second, 'xmmrm/128, imm/8', { ...sse2, ...options, mandatoryPrefix: P66 });
  };
  shiftImmediate('psrlw', 0x71, 2);
  shiftImmediate('psraw', 0x71, 4);
  shiftImmediate('psllw', 0x71, 6);
  shiftImmediate('psrld', 0x72, 2);
  shiftImmediate('psrad', 0x72, 4);
  shiftImmediate('pslld', 0x72, 6);
  shiftImmediate('psrlq', 0x73, 2);
  shiftImmediate('psrldq', 0x73, 3, true);
  shiftImmediate('psllq', 0x73, 6);
  shiftImmediate('pslldq', 0x73, 7, true);

  simd('emms', 0x77, '', mmx);

  // --- Moves between MMX/XMM registers, general registers and memory ----------------------------
  simd('movd', 0x6e, 'mm, rm/32', mmx);
  simd('movd', 0x6e, 'xmm, rm/32', { ...sse2, mandatoryPrefix: P66 });
  simd('movd', 0x7e, 'rm/32, mm', mmx);
  simd('movd', 0x7e, 'rm/32, xmm', { ...sse2, mandatoryPrefix: P66 });
  simd('movq', 0x7e, 'xmm, xmmrm/64', { ...sse2, mandatoryPrefix: PF3 });
  simd('movq', 0x6f, 'mm, mmrm/64', mmx);
  simd('movdqa', 0x6f, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: P66 });
  simd('movdqu', 0x6f, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: PF3, unaligned: true });
  simd('movq', 0x7f, 'mmrm/64, mm', mmx);
  simd('movdqa', 0x7f, 'xmmrm/128, xmm', { ...sse2, mandatoryPrefix: P66 });
  simd('movdqu', 0x7f, 'xmmrm/128, xmm', { ...sse2, mandatoryPrefix: PF3, unaligned: true });
  simd('movq', 0xd6, 'xmmrm/64, xmm', { ...sse2, mandatoryPrefix: P66 });
  simd('movq2dq', 0xd6, 'xmm, mmrm/64', { ...sse2, mandatoryPrefix: PF3, modrmMod: 'register' });
  simd('movdq2q', 0xd6, 'mm, xmmrm/128', { ...sse2, mandatoryPrefix: PF2, modrmMod: 'register' });
  simd('pmovmskb', 0xd7, 'reg/32, mmrm/64', { ...sse, modrmMod: 'register' });
  simd('pmovmskb', 0xd7, 'reg/32, xmmrm/128', { ...sse2, mandatoryPrefix: P66, modrmMod: 'register' });
  simd('movntq', 0xe7, 'mem/64, mm', { ...sse, modrmMod: 'memory' });
  simd('movntdq', 0xe7, 'mem/128, xmm', { ...sse2, mandatoryPrefix: P66, modrmMod: 'memory' });
  simd('maskmovq', 0xf7, 'mm, mmrm/64', { ...sse, modrmMod: 'register' });
  simd('maskmovdqu', 0xf7, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: P66, modrmMod: 'register' });
  simd('movnti', 0xc3, 'mem/32, reg/32', { ...sse2, modrmMod: 'memory' });

  // --- Word shuffles, inserts, extracts ------------------------------------------------------------
  simd('pshufw', 0x70, 'mm, mmrm/64, imm/8', sse);
  simd('pshufd', 0x70, 'xmm, xmmrm/128, imm/8', { ...sse2, mandatoryPrefix: P66 });
  simd('pshufhw', 0x70, 'xmm, xmmrm/128, imm/8', { ...sse2, mandatoryPrefix: PF3 });
  simd('pshuflw', 0x70, 'xmm, xmmrm/128, imm/8', { ...sse2, mandatoryPrefix: PF2 });
  simd('pinsrw', 0xc4, 'mm, rm/32, imm/8', { ...sse, memorySize: 16 });
  simd('pinsrw', 0xc4, 'xmm, rm/32, imm/8', { ...sse2, mandatoryPrefix: P66, memorySize: 16 });
  simd('pextrw', 0xc5, 'reg/32, mmrm/64, imm/8', { ...sse, modrmMod: 'register' });
  simd('pextrw', 0xc5, 'reg/32, xmmrm/128, imm/8', { ...sse2, mandatoryPrefix: P66, modrmMod: 'register' });

  // --- Packed and scalar floating point: ps (none), ss (F3), pd (66), sd (F2) ----------------------
  /** The four arithmetic variants of one opcode. */
  const arithmetic = (name: string, second: number, scalar = true, doubles = true): void => {
    simd(`${name}ps`, second, 'xmm, xmmrm/128', { ...sse, operation: `${name}ps` });
    if (scalar) simd(`${name}ss`, second, 'xmm, xmmrm/32', { ...sse, mandatoryPrefix: PF3 });
    if (doubles) simd(`${name}pd`, second, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: P66 });
    if (doubles && scalar) simd(`${name}sd`, second, 'xmm, xmmrm/64', { ...sse2, mandatoryPrefix: PF2 });
  };
  arithmetic('sqrt', 0x51);
  arithmetic('rsqrt', 0x52, true, false);
  arithmetic('rcp', 0x53, true, false);
  arithmetic('and', 0x54, false);
  arithmetic('andn', 0x55, false);
  arithmetic('or', 0x56, false);
  arithmetic('xor', 0x57, false);
  arithmetic('add', 0x58);
  arithmetic('mul', 0x59);
  arithmetic('sub', 0x5c);
  arithmetic('min', 0x5d);
  arithmetic('div', 0x5e);
  arithmetic('max', 0x5f);
  // CMPPS and friends: the imm8 predicate. objdump and gas spell predicates 0-7 as cmpeqps ... cmpordps.
  const compare: FormOptions = { comparePredicate: true };
  simd('cmpps', 0xc2, 'xmm, xmmrm/128, imm/8', { ...sse, ...compare });
  simd('cmpss', 0xc2, 'xmm, xmmrm/32, imm/8', { ...sse, ...compare, mandatoryPrefix: PF3 });
  simd('cmppd', 0xc2, 'xmm, xmmrm/128, imm/8', { ...sse2, ...compare, mandatoryPrefix: P66 });
  simd('cmpsd', 0xc2, 'xmm, xmmrm/64, imm/8', { ...sse2, ...compare, mandatoryPrefix: PF2 });
  // Ordered and unordered compares into ZF, PF, CF (OF, SF, AF cleared).
  simd('ucomiss', 0x2e, 'xmm, xmmrm/32', { ...sse, writes: 'OSZAPC' });
  simd('ucomisd', 0x2e, 'xmm, xmmrm/64', { ...sse2, mandatoryPrefix: P66, writes: 'OSZAPC' });
  simd('comiss', 0x2f, 'xmm, xmmrm/32', { ...sse, writes: 'OSZAPC' });
  simd('comisd', 0x2f, 'xmm, xmmrm/64', { ...sse2, mandatoryPrefix: P66, writes: 'OSZAPC' });

  // Moves of whole registers, halves and scalars.
  simd('movups', 0x10, 'xmm, xmmrm/128', { ...sse, unaligned: true });
  simd('movss', 0x10, 'xmm, xmmrm/32', { ...sse, mandatoryPrefix: PF3 });
  simd('movupd', 0x10, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: P66, unaligned: true });
  simd('movsd', 0x10, 'xmm, xmmrm/64', { ...sse2, mandatoryPrefix: PF2 });
  simd('movups', 0x11, 'xmmrm/128, xmm', { ...sse, unaligned: true });
  simd('movss', 0x11, 'xmmrm/32, xmm', { ...sse, mandatoryPrefix: PF3 });
  simd('movupd', 0x11, 'xmmrm/128, xmm', { ...sse2, mandatoryPrefix: P66, unaligned: true });
  simd('movsd', 0x11, 'xmmrm/64, xmm', { ...sse2, mandatoryPrefix: PF2 });
  simd('movlps', 0x12, 'xmm, mem/64', { ...sse, modrmMod: 'memory' });
  simd('movhlps', 0x12, 'xmm, xmmrm/128', { ...sse, modrmMod: 'register' });
  simd('movlpd', 0x12, 'xmm, mem/64', { ...sse2, mandatoryPrefix: P66, modrmMod: 'memory' });
  simd('movlps', 0x13, 'mem/64, xmm', { ...sse, modrmMod: 'memory' });
  simd('movlpd', 0x13, 'mem/64, xmm', { ...sse2, mandatoryPrefix: P66, modrmMod: 'memory' });
  simd('unpcklps', 0x14, 'xmm, xmmrm/128', sse);
  simd('unpcklpd', 0x14, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: P66 });
  simd('unpckhps', 0x15, 'xmm, xmmrm/128', sse);
  simd('unpckhpd', 0x15, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: P66 });
  simd('movhps', 0x16, 'xmm, mem/64', { ...sse, modrmMod: 'memory' });
  simd('movlhps', 0x16, 'xmm, xmmrm/128', { ...sse, modrmMod: 'register' });
  simd('movhpd', 0x16, 'xmm, mem/64', { ...sse2, mandatoryPrefix: P66, modrmMod: 'memory' });
  simd('movhps', 0x17, 'mem/64, xmm', { ...sse, modrmMod: 'memory' });
  simd('movhpd', 0x17, 'mem/64, xmm', { ...sse2, mandatoryPrefix: P66, modrmMod: 'memory' });
  simd('movaps', 0x28, 'xmm, xmmrm/128', sse);
  simd('movapd', 0x28, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: P66 });
  simd('movaps', 0x29, 'xmmrm/128, xmm', sse);
  simd('movapd', 0x29, 'xmmrm/128, xmm', { ...sse2, mandatoryPrefix: P66 });
  simd('movntps', 0x2b, 'mem/128, xmm', { ...sse, modrmMod: 'memory' });
  simd('movntpd', 0x2b, 'mem/128, xmm', { ...sse2, mandatoryPrefix: P66, modrmMod: 'memory' });
  simd('movmskps', 0x50, 'reg/32, xmmrm/128', { ...sse, modrmMod: 'register' });
  simd('movmskpd', 0x50, 'reg/32, xmmrm/128', { ...sse2, mandatoryPrefix: P66, modrmMod: 'register' });
  simd('shufps', 0xc6, 'xmm, xmmrm/128, imm/8', sse);
  simd('shufpd', 0xc6, 'xmm, xmmrm/128, imm/8', { ...sse2, mandatoryPrefix: P66 });

  // Conversions. 2A/2C/2D mix MMX registers (pi), general registers (si) and XMM.
  simd('cvtpi2ps', 0x2a, 'xmm, mmrm/64', sse);
  simd('cvtsi2ss', 0x2a, 'xmm, rm/32', { ...sse, mandatoryPrefix: PF3 });
  simd('cvtpi2pd', 0x2a, 'xmm, mmrm/64', { ...sse2, mandatoryPrefix: P66 });
  simd('cvtsi2sd', 0x2a, 'xmm, rm/32', { ...sse2, mandatoryPrefix: PF2 });
  simd('cvttps2pi', 0x2c, 'mm, xmmrm/64', sse);
  simd('cvttss2si', 0x2c, 'reg/32, xmmrm/32', { ...sse, mandatoryPrefix: PF3 });
  simd('cvttpd2pi', 0x2c, 'mm, xmmrm/128', { ...sse2, mandatoryPrefix: P66 });
  simd('cvttsd2si', 0x2c, 'reg/32, xmmrm/64', { ...sse2, mandatoryPrefix: PF2 });
  simd('cvtps2pi', 0x2d, 'mm, xmmrm/64', sse);
  simd('cvtss2si', 0x2d, 'reg/32, xmmrm/32', { ...sse, mandatoryPrefix: PF3 });
  simd('cvtpd2pi', 0x2d, 'mm, xmmrm/128', { ...sse2, mandatoryPrefix: P66 });
  simd('cvtsd2si', 0x2d, 'reg/32, xmmrm/64', { ...sse2, mandatoryPrefix: PF2 });
  simd('cvtps2pd', 0x5a, 'xmm, xmmrm/64', sse2);
  simd('cvtss2sd', 0x5a, 'xmm, xmmrm/32', { ...sse2, mandatoryPrefix: PF3 });
  simd('cvtpd2ps', 0x5a, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: P66 });
  simd('cvtsd2ss', 0x5a, 'xmm, xmmrm/64', { ...sse2, mandatoryPrefix: PF2 });
  simd('cvtdq2ps', 0x5b, 'xmm, xmmrm/128', sse2);
  simd('cvtps2dq', 0x5b, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: P66 });
  simd('cvttps2dq', 0x5b, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: PF3 });
  simd('cvttpd2dq', 0xe6, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: P66 });
  simd('cvtdq2pd', 0xe6, 'xmm, xmmrm/64', { ...sse2, mandatoryPrefix: PF3 });
  simd('cvtpd2dq', 0xe6, 'xmm, xmmrm/128', { ...sse2, mandatoryPrefix: PF2 });

  // --- 0F AE: MXCSR, fences, cache-line flush. Not PREFIX_OPCODE rows: objdump prints a stray 66
  // or F3 here by name (`data16 sfence`). SFENCE and MFENCE are the ModRM bytes F8 and F0 only to
  // objdump (F9-FF, F1-F7 are `(bad)`); LFENCE is every E8-EF.
  const group15 = (mnemonic: string, operands: string, options: FormOptions): void =>
    row(mnemonic, [0x0f, 0xae], operands, { suffix: 'never', since: 'p6', ...options });
  group15('ldmxcsr', 'mem/32', { ...sse, extension: 2, modrmMod: 'memory' });
  group15('stmxcsr', 'mem/32', { ...sse, extension: 3, modrmMod: 'memory' });
  group15('clflush', 'mem/8', { feature: 'clflush', extension: 7, modrmMod: 'memory' });
  group15('lfence', '', { ...sse2, extension: 5, modrmMod: 'register' });
  group15('mfence', '', { ...sse2, extension: 6, modrmMod: 'register', modrmRm: 0 });
  group15('sfence', '', { ...sse, extension: 7, modrmMod: 'register', modrmRm: 0 });
}
