// Where qemu-i386 (7.2) departs from the Intel SDM in its x87 unit, and how the x87 tests deal with
// it. The host CPU is the oracle that matters for floating point: QEMU's x87 is built on the same
// kind of softfloat as gate86's but leaves out the parts below. Against qemu-i386 a case that meets
// one of them is run but not judged (the differential test counts them by reason), and the FSW bits
// it never keeps are not compared; against the host CPU every case is judged and nothing is masked
// but what the SDM lets processors differ in (fpu-compare.ts). The tests print this list.

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
    what: 'unmasked exceptions',
    sdm: 'Vol. 1, 8.7: an unmasked exception is pending (FSW.ES) and the next waiting instruction raises #MF; an unmasked IE, DE or ZE leaves the destination and the stack unchanged',
    qemu: 'raises no #MF in user mode and writes the result anyway',
    handling: 'x87 cases whose run leaves an exception pending are not judged by qemu-i386',
  },
  {
    what: 'stack faults',
    sdm: 'Vol. 1, 8.5.1.1: a push onto a valid register or a read of an empty one is IE with SF, C1 telling which; masked, the default NaN is delivered',
    qemu: 'checks no tags: it pushes over valid registers and computes with empty ones',
    handling: 'x87 cases that stack-fault on gate86 (and cases with FNCLEX/FNINIT after the instruction, which hide it) are not judged by qemu-i386',
  },
  {
    what: 'C0-C3 after some instructions, FCOMI\'s OF/SF/AF, FLDCW\'s reserved bits, FST to an empty ST(i)',
    sdm: 'FINCSTP/FDECSTP clear only C1; FCOMI clears OF, SF, AF; FLDCW keeps bit 6 set and the reserved bits clear; FST ST(i) tags ST(i) valid',
    qemu: 'clears C0-C3 in FINCSTP and others, keeps C1 in FNSTSW, leaves OF/SF/AF, loads the reserved bits, leaves the tag empty',
    handling: 'against qemu-i386 FSW is compared on TOP and IE, ZE, OE, UE, PE only; FNSTSW, FCOMI, FLDCW-of-reserved-bits and FST-to-empty cases are not judged',
  },
  {
    what: 'the FPU state in a signal frame, and the x87 pointers in FXSAVE/FNSTENV/FNSAVE images',
    sdm: 'Vol. 1, 8.1.8: the last instruction and data pointers and FOP are stored',
    qemu: 'stores none of them in FXSAVE, and the signal frame of a fault does not carry the state at the fault',
    handling: 'FIP/FCS/FOP/FDP/FDS are not compared against qemu-i386; faulting x87 cases and those storing an image are not judged',
  },
  {
    what: 'unnormals, pseudo-NaNs, pseudo-infinities and pseudo-denormals in registers; denormal operands',
    sdm: 'Vol. 1, 8.2.2: unsupported encodings are invalid operands (IE); pseudo-denormals are denormal operands (DE)',
    qemu: 'computes with them as ordinary values, and sets DE rarely',
    handling: 'such x87 cases are not judged by qemu-i386',
  },
  {
    what: 'precision control with memory operands',
    sdm: 'Vol. 1, 8.1.5.2: the operand is converted exactly, and only the result is rounded to the precision control',
    qemu: 'rounds an m64real or integer operand to the precision control before the operation (double rounding)',
    handling: 'such cases with PC != extended are not judged by qemu-i386',
  },
  {
    what: 'the transcendentals and the FSTP alias D9 D8+i',
    sdm: 'FSIN...FYL2XP1 are the hardware\'s own (within 1 ulp); D9 D8+i pops an empty ST(0) without a fault on the host CPU',
    qemu: 'computes FSIN/FCOS/FPTAN in host doubles and has its own inexact flags for the others; runs D9 D8+i as FSTP',
    handling: 'not judged by qemu-i386 (judged by the host CPU within one ulp)',
  },
  {
    what: 'unmasked overflow and underflow with a register destination',
    sdm: 'Vol. 1, 8.5.4/8.5.5: the result is delivered with its exponent adjusted by 24576 (divided by 2^24576 on overflow, multiplied on underflow) and the exception is pending',
    qemu: 'delivers the masked response (infinity, a denormal or zero)',
    handling: 'against qemu-i386 OE and UE stay masked',
  },
  {
    what: 'two NaN operands',
    sdm: 'Vol. 1, 4.8.3.5 and table 4-7: an SNaN and a QNaN give the QNaN; two SNaNs or two QNaNs give the one with the larger significand (FSCALE and FPREM treat ST(0) and ST(1) alike)',
    qemu: 'takes the larger significand after quieting an SNaN, and FSCALE returns ST(1)',
    handling: 'x87 cases whose instruction reads two NaNs are not judged by qemu-i386 (the host CPU judges them)',
  },
  {
    what: 'bits 64-79 of an x87 register written as an MMX register',
    sdm: 'Vol. 1, 9.5.1: an MMX instruction that writes MMi sets the exponent and sign of physical register Ri to all ones',
    qemu: 'leaves them as they were',
    handling: 'against qemu-i386 only the 64-bit MMX value of ST(i) is compared after an instruction that writes an MMX register',
  },
];
