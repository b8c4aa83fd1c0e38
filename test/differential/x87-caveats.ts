// Where qemu-i386 (7.2) departs from the Intel SDM in its x87 unit, and how the x87 tests deal with
// it. The host CPU is the oracle that matters for floating point: QEMU's x87 is built on the same
// kind of softfloat as gate86's but leaves out the parts below. Against qemu-i386 the tests do not
// generate what it gets wrong and mask the bits it never sets; against the host CPU nothing is masked.
// The tests print this list with their results.

import type { OracleCaveat } from './caveats.ts';

export const X87_QEMU_CAVEATS: readonly OracleCaveat[] = [
  {
    what: 'C1 after an inexact result',
    sdm: 'Vol. 1, 8.1.3.3: C1 is set when the result was rounded up (its magnitude increased), cleared otherwise',
    qemu: 'always clears C1',
    handling: 'C1 is not compared against qemu-i386 (it is against the host CPU)',
  },
  {
    what: 'the denormal-operand flag DE',
    sdm: 'Vol. 1, 8.5.2: DE is set when an arithmetic operand, or an m32/m64 operand being loaded, is a denormal',
    qemu: 'sets DE only in a few helpers',
    handling: 'DE is not compared against qemu-i386',
  },
  {
    what: 'C2 after FSQRT of a negative number',
    sdm: 'FSQRT leaves C0, C2 and C3 undefined',
    qemu: 'sets C2',
    handling: 'C2 is not compared after FSQRT (the SDM calls it undefined; the host CPU clears it, and so does gate86)',
  },
  {
    what: 'precision control applied to FLD m64 and FRNDINT',
    sdm: 'Vol. 1, 8.1.5.2: precision control affects only FADD, FSUB(R), FMUL, FDIV(R), FSQRT and their integer and popping forms',
    qemu: 'rounds the result of FLD m64 and FRNDINT to the precision control',
    handling: 'against qemu-i386 FLD m64 and FRNDINT run with 64-bit precision control only',
  },
  {
    what: 'unmasked overflow and underflow with a register destination',
    sdm: 'Vol. 1, 8.5.4/8.5.5: the result is delivered with its exponent adjusted by 24576 (divided by 2^24576 on overflow, multiplied on underflow) and the exception is pending',
    qemu: 'delivers the masked response (infinity, a denormal or zero)',
    handling: 'against qemu-i386 OE and UE stay masked',
  },
];
