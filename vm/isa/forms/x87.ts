// The x87 FPU's rows of the ISA table (included by vm/isa/table.ts into the one `instructionForms`).
//
// The eight escape opcodes D8-DF each carry a ModRM byte. With a memory operand (mod != 3) the /digit
// chooses the operation and the opcode the memory format; with a register operand (mod == 3) the
// /digit chooses among operations on ST(i) = ModRM.rm, and some /digits name eight single
// instructions by the whole ModRM byte (D9 E8 is FLD1). SDM Vol. 2, Appendix A.4 "Escape opcodes".
//
// Spelling: each row's mnemonic is what objdump prints, size suffix included (s, l, t for m32real,
// m64real, m80real; s, l, ll for m16int, m32int, m64int), so the rows say `suffix: 'never'`. The
// `operation` is the instruction's Intel name and says what it does. They differ in one famous
// place: for the DC and DE register forms whose destination is ST(i), AT&T (and objdump, and gas)
// swap the names of the reversed operations — DC E0+i, Intel FSUBR ST(i),ST(0), is `fsub %st,%st(i)`
// (binutils' SYSV386_COMPAT). The rows keep both names so the semantics never follow the spelling.
//
// The processor also executes some encodings the SDM does not list: FSTP under D9 D8+i, DF D0+i and
// DF D8+i, FCOM/FCOMP under DC D0+i, DC D8+i and DE D0+i, FXCH under DD C8+i and DF C8+i (the host
// CPU and qemu-i386 agree); objdump prints them as (bad). The rest of the escape space is reserved
// and raises #UD (operation 'x87-reserved'), again (bad) to objdump — with its memory operand.

import type { FormAdder, FormOptions } from '../table.ts';

/** The conditions of FCMOVcc as the integer condition codes they test (CF, ZF, CF|ZF, PF). */
const FCMOV_CONDITIONS = [
  ['b', 2, 'C'], ['e', 4, 'Z'], ['be', 6, 'CZ'], ['u', 10, 'P'],
  ['nb', 3, 'C'], ['ne', 5, 'Z'], ['nbe', 7, 'CZ'], ['nu', 11, 'P'],
] as const;

export function addX87Forms(form: FormAdder): void {
  const x87: FormOptions = { feature: 'fpu', suffix: 'never' };
  const memory = (digit: number, more: FormOptions = {}): FormOptions => ({ ...x87, extension: digit, modrmMod: 'memory', ...more });
  const register = (digit: number, more: FormOptions = {}): FormOptions => ({ ...x87, extension: digit, modrmMod: 'register', ...more });
  const exact = (digit: number, rm: number, more: FormOptions = {}): FormOptions => ({ ...register(digit, more), modrmRm: rm });
  const reserved: FormOptions = { operation: 'x87-reserved', objdumpBad: true };
  const alias: FormOptions = { objdumpBad: true };

  // --- Arithmetic and compares with a memory operand: D8 m32real, DC m64real, DA m32int, DE m16int
  const arithmetic = ['add', 'mul', 'com', 'comp', 'sub', 'subr', 'div', 'divr'] as const;
  arithmetic.forEach((name, digit) => {
    form(`f${name}s`, 0xd8, 'mem/32', memory(digit, { operation: `f${name}` }));
    form(`f${name}l`, 0xdc, 'mem/64', memory(digit, { operation: `f${name}` }));
    form(`fi${name}l`, 0xda, 'mem/32', memory(digit, { operation: `fi${name}` }));
    form(`fi${name}s`, 0xde, 'mem/16', memory(digit, { operation: `fi${name}` }));
  });

  // --- Arithmetic on registers. D8: ST(0) op= ST(i). DC: ST(i) op= ST(0). DE: the same, then pop.
  for (const [digit, name] of [[0, 'add'], [1, 'mul'], [4, 'sub'], [5, 'subr'], [6, 'div'], [7, 'divr']] as const) {
    form(`f${name}`, 0xd8, 'st, sti', register(digit, { operation: `f${name}` }));
  }
  form('fcom', 0xd8, 'sti', register(2));
  form('fcomp', 0xd8, 'sti', register(3));
  // DC and DE: the AT&T name of the reversed operations is swapped (see the header).
  const destinationForms = [[0, 'add', 'add'], [1, 'mul', 'mul'], [4, 'sub', 'subr'], [5, 'subr', 'sub'], [6, 'div', 'divr'], [7, 'divr', 'div']] as const;
  for (const [digit, spelled, intel] of destinationForms) {
    form(`f${spelled}`, 0xdc, 'sti, st', register(digit, { operation: `f${intel}` }));
    form(`f${spelled}p`, 0xde, 'sti, st', register(digit, { operation: `f${intel}p` }));
  }
  form('fcom', 0xdc, 'sti', register(2, alias));
  form('fcomp', 0xdc, 'sti', register(3, alias));
  form('fcomp', 0xde, 'sti', register(2, alias));
  form('fcompp', 0xde, '', exact(3, 1));
  form('(bad)', 0xde, '', register(3, reserved)); // DE D8, DA-DF

  // --- D9: loads and stores of m32real, the environment and control word; register operations
  form('flds', 0xd9, 'mem/32', memory(0, { operation: 'fld' }));
  form('(bad)', 0xd9, 'mem', memory(1, reserved));
  form('fsts', 0xd9, 'mem/32', memory(2, { operation: 'fst' }));
  form('fstps', 0xd9, 'mem/32', memory(3, { operation: 'fstp' }));
  form('fldenv', 0xd9, 'mem', memory(4, { suffix: 'x87env' }));
  form('fldcw', 0xd9, 'mem/16', memory(5));
  form('fnstenv', 0xd9, 'mem', memory(6, { suffix: 'x87env', waitMnemonic: 'fstenv' }));
  form('fnstcw', 0xd9, 'mem/16', memory(7, { waitMnemonic: 'fstcw' }));
  form('fld', 0xd9, 'sti', register(0));
  form('fxch', 0xd9, 'sti', register(1));
  form('fnop', 0xd9, '', exact(2, 0));
  form('(bad)', 0xd9, '', register(2, reserved)); // D9 D1-D7
  form('fstp', 0xd9, 'sti', register(3, alias));
  const d9Singles: Array<[number, number, string]> = [
    [4, 0, 'fchs'], [4, 1, 'fabs'], [4, 4, 'ftst'], [4, 5, 'fxam'],
    [5, 0, 'fld1'], [5, 1, 'fldl2t'], [5, 2, 'fldl2e'], [5, 3, 'fldpi'], [5, 4, 'fldlg2'], [5, 5, 'fldln2'], [5, 6, 'fldz'],
    [6, 0, 'f2xm1'], [6, 1, 'fyl2x'], [6, 2, 'fptan'], [6, 3, 'fpatan'], [6, 4, 'fxtract'], [6, 5, 'fprem1'], [6, 6, 'fdecstp'], [6, 7, 'fincstp'],
    [7, 0, 'fprem'], [7, 1, 'fyl2xp1'], [7, 2, 'fsqrt'], [7, 3, 'fsincos'], [7, 4, 'frndint'], [7, 5, 'fscale'], [7, 6, 'fsin'], [7, 7, 'fcos'],
  ];
  for (const [digit, rm, name] of d9Singles) form(name, 0xd9, '', exact(digit, rm));
  form('(bad)', 0xd9, '', register(4, reserved)); // D9 E2, E3, E6, E7
  form('(bad)', 0xd9, '', register(5, reserved)); // D9 EF

  // --- DA, DB: FCMOVcc (P6), the integer loads and stores of m32int, m80real, FNINIT and friends
  FCMOV_CONDITIONS.forEach(([name, condition, flags], n) => {
    const opcode = n < 4 ? 0xda : 0xdb;
    form(`fcmov${name}`, opcode, 'st, sti', register(n & 3, { operation: 'fcmovcc', condition, reads: flags, feature: 'fcmov', since: 'p6' }));
  });
  form('fucompp', 0xda, '', exact(5, 1));
  for (const digit of [4, 5, 6, 7]) form('(bad)', 0xda, '', register(digit, reserved)); // DA E0-E8, EA-FF
  form('fildl', 0xdb, 'mem/32', memory(0, { operation: 'fild' }));
  form('fisttpl', 0xdb, 'mem/32', memory(1, { operation: 'fisttp', feature: 'sse3', since: 'p6' }));
  form('fistl', 0xdb, 'mem/32', memory(2, { operation: 'fist' }));
  form('fistpl', 0xdb, 'mem/32', memory(3, { operation: 'fistp' }));
  form('(bad)', 0xdb, 'mem', memory(4, reserved));
  form('fldt', 0xdb, 'mem/80', memory(5, { operation: 'fld' }));
  form('(bad)', 0xdb, 'mem', memory(6, reserved));
  form('fstpt', 0xdb, 'mem/80', memory(7, { operation: 'fstp' }));
  // The 8087's FENI/FDISI and the 287's FSETPM do nothing on a 387 or later; FRSTPM is #UD.
  form('fneni(8087 only)', 0xdb, '', exact(4, 0, { operation: 'fnop-legacy', waitMnemonic: 'feni(8087 only)' }));
  form('fndisi(8087 only)', 0xdb, '', exact(4, 1, { operation: 'fnop-legacy', waitMnemonic: 'fdisi(8087 only)' }));
  form('fnclex', 0xdb, '', exact(4, 2, { waitMnemonic: 'fclex' }));
  form('fninit', 0xdb, '', exact(4, 3, { waitMnemonic: 'finit' }));
  form('fnsetpm(287 only)', 0xdb, '', exact(4, 4, { operation: 'fnop-legacy', waitMnemonic: 'fsetpm(287 only)' }));
  form('frstpm(287 only)', 0xdb, '', exact(4, 5, { operation: 'x87-reserved' }));
  form('(bad)', 0xdb, '', register(4, reserved)); // DB E6, E7
  form('fucomi', 0xdb, 'st, sti', register(5, { writes: 'OSZAPC', feature: 'fcmov', since: 'p6' }));
  form('fcomi', 0xdb, 'st, sti', register(6, { writes: 'OSZAPC', feature: 'fcmov', since: 'p6' }));
  form('(bad)', 0xdb, '', register(7, reserved)); // DB F8-FF

  // --- DD: m64real, FRSTOR/FNSAVE, FNSTSW m16; FFREE, FST/FSTP ST(i), FUCOM
  form('fldl', 0xdd, 'mem/64', memory(0, { operation: 'fld' }));
  form('fisttpll', 0xdd, 'mem/64', memory(1, { operation: 'fisttp', feature: 'sse3', since: 'p6' }));
  form('fstl', 0xdd, 'mem/64', memory(2, { operation: 'fst' }));
  form('fstpl', 0xdd, 'mem/64', memory(3, { operation: 'fstp' }));
  form('frstor', 0xdd, 'mem', memory(4, { suffix: 'x87env' }));
  form('(bad)', 0xdd, 'mem', memory(5, reserved));
  form('fnsave', 0xdd, 'mem', memory(6, { suffix: 'x87env', waitMnemonic: 'fsave' }));
  form('fnstsw', 0xdd, 'mem/16', memory(7, { waitMnemonic: 'fstsw' }));
  form('ffree', 0xdd, 'sti', register(0));
  form('fxch', 0xdd, 'sti', register(1, alias));
  form('fst', 0xdd, 'sti', register(2));
  form('fstp', 0xdd, 'sti', register(3));
  form('fucom', 0xdd, 'sti', register(4));
  form('fucomp', 0xdd, 'sti', register(5));
  for (const digit of [6, 7]) form('(bad)', 0xdd, '', register(digit, reserved)); // DD F0-FF

  // --- DF: m16int, m64int, packed BCD; FFREEP, FNSTSW AX, FCOMIP/FUCOMIP
  form('filds', 0xdf, 'mem/16', memory(0, { operation: 'fild' }));
  form('fisttps', 0xdf, 'mem/16', memory(1, { operation: 'fisttp', feature: 'sse3', since: 'p6' }));
  form('fists', 0xdf, 'mem/16', memory(2, { operation: 'fist' }));
  form('fistps', 0xdf, 'mem/16', memory(3, { operation: 'fistp' }));
  form('fbld', 0xdf, 'mem/80', memory(4));
  form('fildll', 0xdf, 'mem/64', memory(5, { operation: 'fild' }));
  form('fbstp', 0xdf, 'mem/80', memory(6));
  form('fistpll', 0xdf, 'mem/64', memory(7, { operation: 'fistp' }));
  form('ffreep', 0xdf, 'sti', register(0));
  form('fxch', 0xdf, 'sti', register(1, alias));
  form('fstp', 0xdf, 'sti', register(2, alias));
  form('fstp', 0xdf, 'sti', register(3, alias));
  form('fnstsw', 0xdf, 'acc/16', exact(4, 0, { waitMnemonic: 'fstsw' }));
  form('(bad)', 0xdf, '', register(4, reserved)); // DF E1-E7
  form('fucomip', 0xdf, 'st, sti', register(5, { writes: 'OSZAPC', feature: 'fcmov', since: 'p6' }));
  form('fcomip', 0xdf, 'st, sti', register(6, { writes: 'OSZAPC', feature: 'fcmov', since: 'p6' }));
  form('(bad)', 0xdf, '', register(7, reserved)); // DF F8-FF

  // --- FXSAVE/FXRSTOR (Pentium II Deschutes and later): the whole x87 and SSE state, 512 bytes
  form('fxsave', [0x0f, 0xae], 'mem', { extension: 0, modrmMod: 'memory', feature: 'fxsr', since: 'p6', suffix: 'never' });
  form('fxrstor', [0x0f, 0xae], 'mem', { extension: 1, modrmMod: 'memory', feature: 'fxsr', since: 'p6', suffix: 'never' });
}
