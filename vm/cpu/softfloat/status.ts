// The floating-point environment an operation runs in, and what it reports back.
//
// One `FloatStatus` is passed to every operation of the core. The caller sets the rounding mode, the
// precision (x87 precision control) and the exception masks before an operation, and reads the
// exception flags and the rounding direction after it. The encodings are the x86 ones, shared by the
// x87 control/status words and MXCSR: rounding control 0-3 as in FCW.RC and MXCSR.RC, exception bits
// in the positions of FSW/FCW bits 0-5 and MXCSR bits 0-5 (masks at MXCSR bits 7-12, shifted down).

/** Rounding control, encoded as FCW.RC (bits 10-11) and MXCSR.RC (bits 13-14). */
export const enum Rounding {
  /** Round to nearest, ties to even. */
  Nearest = 0,
  /** Round toward -infinity. */
  Down = 1,
  /** Round toward +infinity. */
  Up = 2,
  /** Round toward zero (truncate). */
  Zero = 3,
}

/** Exception flag bits (FSW bits 0-5, MXCSR bits 0-5). */
export const FLAG_INVALID = 0x01;
export const FLAG_DENORMAL = 0x02;
export const FLAG_DIVIDE_BY_ZERO = 0x04;
export const FLAG_OVERFLOW = 0x08;
export const FLAG_UNDERFLOW = 0x10;
export const FLAG_INEXACT = 0x20;
export const ALL_EXCEPTIONS = 0x3f;

export class FloatStatus {
  rounding: Rounding = Rounding.Nearest;
  /**
   * Significand bits of a result before it is packed (x87 precision control: 24, 53 or 64). An
   * operation never keeps more bits than its destination format has; this can only ask for fewer.
   */
  precision = 64;
  /**
   * Masked exceptions (the FLAG_* bits). Only two change a result: an unmasked overflow or underflow
   * delivers the exponent-wrapped result the x87 writes to a register (SDM Vol. 1, 8.5.4 and 8.5.5),
   * and an unmasked underflow is signalled for a tiny result even when it is exact.
   */
  masks = ALL_EXCEPTIONS;
  /** Exceptions raised so far: operations OR bits in, never clear them. */
  flags = 0;
  /**
   * Whether the last rounding made the result larger in magnitude than the exact value (the x87
   * reports it in C1). Every operation that rounds sets it; exact results clear it.
   */
  roundedUp = false;
  /**
   * The x87's exponent wrap (SDM Vol. 1, 8.5.4/8.5.5): with OE or UE unmasked, an overflowing or
   * tiny result is delivered with its exponent adjusted by the format's wrap bias, and one beyond
   * what the wrap can bring back becomes infinity or zero with PE. x87 only (setFromX87Control sets
   * it): SSE writes nothing on an unmasked OE/UE and reports PE exactly when the result at the
   * format's precision, exponent unbounded, is inexact, so -2^-1022 to single is UE alone.
   */
  exponentWrap = false;
  /** Flush tiny results to zero (MXCSR.FZ); denormal operands as zero (MXCSR.DAZ): used by SSE. */
  flushToZero = false;
  denormalsAreZero = false;

  /** Set the environment from an x87 control word: RC, PC and the six masks. */
  setFromX87Control(controlWord: number): void {
    this.rounding = ((controlWord >>> 10) & 3) as Rounding;
    const pc = (controlWord >>> 8) & 3;
    // PC: 00 single (24 bits), 10 double (53), 11 extended (64). 01 is reserved (SDM Vol. 1,
    // Table 8-2); the processor rounds to 64 bits then, as test/softfloat shows on the host CPU.
    this.precision = pc === 0 ? 24 : pc === 2 ? 53 : 64;
    this.masks = controlWord & ALL_EXCEPTIONS;
    this.exponentWrap = true;
    this.flags = 0;
    this.roundedUp = false;
    this.flushToZero = false;
    this.denormalsAreZero = false;
  }
}
