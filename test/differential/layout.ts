// Where a differential case lives in memory, on the oracle and on gate86 alike.
//
// Every case runs its snippet with the same small world on both sides:
//   - the snippet's code, at the address the linker gave it in the batch ELF (section .cases at TEXT_BASE);
//   - the scratch area SCRATCH (512 bytes) at a fixed low address: bytes 0..255 are data that
//     registers point into, bytes 256..511 are the stack (ESP starts at STACK_TOP). It lies below
//     64 KiB so that 16-bit addressing (0x67 prefix: [BX+SI], SI/DI/CX string ops) can reach it,
//     and a 4 KiB page boundary runs through the middle of the data (PAGE_CROSSING), so that
//     accesses that straddle two pages are tested too.
// The case sets every GPR, ESP and EFLAGS, and fills the scratch area with its own random bytes.
// Afterwards the registers, EFLAGS and the whole scratch area are compared.

export const SCRATCH_BASE = 0x7f80;
/** Offset in the scratch area of the page boundary at 0x8000. */
export const PAGE_CROSSING = 0x8000 - SCRATCH_BASE;
export const SCRATCH_SIZE = 512;
/** Bytes [0, DATA_SIZE) of the scratch area are data; the rest is stack. */
export const DATA_SIZE = 256;
/** Initial ESP: leaves 64 bytes above it for POP, RET imm and POPA to read. */
export const STACK_TOP = SCRATCH_BASE + 0x1c0;
export const TEXT_BASE = 0x100000;

/** EFLAGS bits. */
export const CF = 1 << 0;
export const PF = 1 << 2;
export const AF = 1 << 4;
export const ZF = 1 << 6;
export const SF = 1 << 7;
export const TF = 1 << 8;
export const IF = 1 << 9;
export const DF = 1 << 10;
export const OF = 1 << 11;
/** Bit 1 of EFLAGS always reads as 1. */
export const EFLAGS_FIXED = 1 << 1;
export const ARITHMETIC_FLAGS = CF | PF | AF | ZF | SF | OF;

/** EFLAGS bit for each flag letter the ISA table uses. */
export const FLAG_BITS: Record<string, number> = { C: CF, P: PF, A: AF, Z: ZF, S: SF, O: OF, D: DF, I: IF, T: TF };

export const REGISTER_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export type RegisterName = (typeof REGISTER_NAMES)[number];

/** The state a case starts from and is compared on. */
export interface MachineState {
  eax: number; ecx: number; edx: number; ebx: number; esp: number; ebp: number; esi: number; edi: number;
  eflags: number;
}

/** How a case ended. */
export type Outcome =
  | { kind: 'completed' }
  /** A fault: the exception vector (gate86) or the signal and trap number (the oracle). */
  | { kind: 'fault'; vector: number; eip: number };

export interface CaseResult {
  outcome: Outcome;
  state: MachineState;
  scratch: Uint8Array;
  /** The x87/SSE state after the case as FXSAVE stores it (FPU_IMAGE_SIZE bytes). */
  fpu: Uint8Array;
}

/**
 * The x87 and SSE state travels as one FXSAVE image (512 bytes: FCW FSW FTW FOP FIP FCS FDP FDS,
 * MXCSR, ST0-ST7, XMM0-XMM7; vm/cpu/fpu/images.ts). A case starts from its image (FXRSTOR on the
 * oracle, the same bytes loaded into cpu.fpu on gate86) and ends with FXSAVE on both sides.
 */
export const FPU_IMAGE_SIZE = 512;

/** The state a case starts from unless it brings its own: FNINIT, MXCSR 0x1F80, XMM zero. */
export function defaultFpuImage(): Uint8Array {
  const image = new Uint8Array(FPU_IMAGE_SIZE);
  image[0] = 0x7f; image[1] = 0x03; // FCW 0x037F
  image[24] = 0x80; image[25] = 0x1f; // MXCSR 0x1F80
  return image;
}
