// The one table of i386 instruction encodings.
//
// Every instruction form the machine knows is described here exactly once. The decoder
// (vm/isa/decoder.ts), the disassembler (vm/isa/disassembler.ts), the assembler (linker/) and the
// differential tests (test/) all read this table; none of them keeps an opcode map of its own.
//
// A form is one encoding of one operation: `add r/m32, r32` (01 /r) and `add r/m32, imm8` (83 /0 ib)
// are two forms of `add`. Forms whose operand size follows the operand-size attribute (16 or 32 bits,
// flipped by the 0x66 prefix) are one form with size "v", as in the Intel SDM's opcode map.
//
// Operand kinds (Intel order: destination first). The size after the slash is
//   8, 16, 32 — fixed; v — the operand size (16 or 32); 
//
//   rm/S      ModRM r/m: a general register or memory
//   mem       ModRM r/m that must be memory (mod != 3), e.g. LEA, LGDT; size given by the form
//   reg/S     ModRM reg field: a general register
//   opreg/S   a general register encoded in the low three bits of the opcode byte (+r)
//   imm/S     an immediate of that size; imm/v is 16 or 32 bits
//   simm8/S   an 8-bit immediate sign-extended to size S
//   rel/S     a branch displacement (rel/8 or rel/v) relative to the next instruction
//   moffs/S   an absolute memory offset of address-size width (MOV A0-A3)
//   far       a far pointer immediate: offset (16 or 32 bits by operand size) then a 16-bit selector
//   farmem    memory holding a far pointer (offset, then selector): LDS, LSS, far CALL/JMP indirect
//   rmreg/S   ModRM r/m naming a general register whatever mod says (MOV CRn/DRn ignore mod)
//   sreg      ModRM reg field naming a segment register
//   creg      ModRM reg field naming a control register (MOV CRn)
//   dreg      ModRM reg field naming a debug register (MOV DRn)
//   al, cl, dx, acc/v   fixed registers (acc/v is AX or EAX)
//   es cs ss ds fs gs   a fixed segment register
//   one       the constant 1 of the D0/D1 shifts
//   srcstr/S  the string source DS:(E)SI (segment may be overridden)
//   dststr/S  the string destination ES:(E)DI (never overridden)
//   mm        ModRM reg field naming an MMX register (%mm0-%mm7)
//   mmrm/S    ModRM r/m: an MMX register or an S-bit memory operand
//   xmm       ModRM reg field naming an XMM register (%xmm0-%xmm7)
//   xmmrm/S   ModRM r/m: an XMM register or an S-bit memory operand (128, 64 or 32)
//   (the SIMD rows are in vm/isa/forms/simd.ts; a memory-only SIMD operand is mem/64 or mem/128)
//
// Flags are written as a string of letters: O S Z A P C (overflow, sign, zero, auxiliary carry,
// parity, carry), D (direction), I (interrupt), T (trap). `flagsUndefined` names the flags the SDM
// calls undefined after the instruction: the only flags a differential test may mask.

import { addSimdForms } from './forms/simd.ts';

export type FlagLetters = string;

export type OperandKind =
  | 'rm' | 'rmreg' | 'mem' | 'reg' | 'opreg' | 'imm' | 'simm8' | 'rel' | 'moffs' | 'far' | 'farmem'
  | 'sreg' | 'creg' | 'dreg' | 'al' | 'cl' | 'dx' | 'acc' | 'one'
  | 'es' | 'cs' | 'ss' | 'ds' | 'fs' | 'gs' | 'srcstr' | 'dststr'
  | 'mm' | 'mmrm' | 'xmm' | 'xmmrm';

/** Size of an operand in bits; 'v' is the current operand size (16 or 32), 0 means "no size". */
export type OperandSize = 8 | 16 | 32 | 64 | 128 | 'v' | 0;

export interface Operand {
  kind: OperandKind;
  size: OperandSize;
}

/** When the SDM leaves flags undefined only for some shift/rotate counts. */
export interface CountDependentFlags {
  /** Undefined whenever the (masked) count is not 1 — OF for shifts and rotates. */
  unlessCountIsOne?: FlagLetters;
  /** Undefined when the count exceeds the operand width (SHLD/SHRD, 8/16-bit shifts). */
  whenCountExceedsWidth?: FlagLetters;
}

export type Cpu = '386' | '486' | 'pentium' | 'p6' | 'amd-k6';

/**
 * A CPUID feature an instruction needs besides its generation (leaf 1 EDX bits, read from the CPU
 * model): 'mmx' (EDX 23), 'sse' (EDX 25: also the integer SSE additions on MMX registers), 'sse2'
 * (EDX 26), 'clflush' (EDX 19), 'fxsr' FXSAVE/FXRSTOR (EDX 24). A model without it raises #UD.
 */
export type CpuFeature = 'mmx' | 'sse' | 'sse2' | 'clflush' | 'fxsr';

export interface InstructionForm {
  /** Operation the executor implements ("add", "jcc", "movs"). Several forms share one. */
  operation: string;
  /** AT&T mnemonic as GNU objdump prints it, before any size suffix. */
  mnemonic: string;
  /** Mnemonic to use instead when the operand size is 16 (cwtl/cbtw, pushf/pushfw, iret/iretw). */
  mnemonic16?: string;
  /** Opcode bytes, including the 0x0F escape; mandatory prefixes (F3 90 = pause) are listed in `mandatoryPrefix`. */
  opcode: number[];
  mandatoryPrefix?: number;
  /** The /digit: ModRM.reg holds this opcode extension instead of a register. */
  extension?: number;
  /** The instruction has a ModRM byte. Implied by extension or by an rm/rmreg/reg/mem/sreg/creg/dreg operand. */
  modrm: boolean;
  /** For forms that exist only with one ModRM mod: 'memory' (mod != 3) or 'register' (mod == 3). */
  modrmMod?: 'memory' | 'register';
  /** For register-only forms selected by the whole ModRM byte (0F 01 C1 = vmcall): ModRM.rm. */
  modrmRm?: number;
  /** A condition code 0-15 for Jcc/SETcc/CMOVcc, taken from the opcode's low nibble. */
  condition?: number;
  operands: Operand[];
  flagsRead: FlagLetters;
  flagsWritten: FlagLetters;
  flagsUndefined: FlagLetters;
  flagsUndefinedByCount?: CountDependentFlags;
  /** The LOCK prefix is legal with a memory destination. */
  lockable?: boolean;
  /** Honours F3 (REP) — or F3/F2 as REPE/REPNE for CMPS/SCAS. */
  repeat?: 'rep' | 'repe-repne';
  /** A memory operand of a register-or-memory form is this many bits whatever the operand size (MOV Sreg, SMSW). */
  memorySize?: number;
  /** Only legal at CPL 0 (#GP(0) otherwise). IOPL-sensitive instructions say 'iopl'. */
  privilege?: 'cpl0' | 'iopl';
  /** The processor generation that introduced the form. */
  since: Cpu;
  /** The CPUID feature the form needs (see CpuFeature). */
  feature?: CpuFeature;
  /** SSE: a 128-bit memory operand may be unaligned (MOVUPS, MOVDQU); otherwise it must be 16-byte aligned or #GP(0). */
  unaligned?: boolean;
  /** Ends a decoded block: the next instruction is not simply the one after it. */
  endsBlock?: boolean;

  // --- AT&T spelling, as GNU objdump prints it (read by the disassembler and the assembler) ------
  /**
   * When the mnemonic takes a b/w/l size suffix. Unset: only when a memory operand leaves the size
   * unstated (no register operand sizes it): `addl $0x1,(%eax)` but `add %eax,(%ebx)`.
   * 'always': movzbl/movzbw. 'never': the mnemonic already says it (movsb, sete, invlpg).
   * 'when16': only an operand size the code does not default to shows (w in 32-bit code, l in
   * 16-bit code), and only when no register operand shows it: push $1 / pushw $1, ret / retw,
   * call *(%eax) / callw *(%eax), but push %cx.
   */
  suffix?: 'always' | 'never' | 'when16';
  /** Operands print in Intel order even in AT&T syntax (ENTER, BOUND). */
  attIntelOrder?: boolean;
  /** The operand is a branch target through memory or a register, printed with a `*` (call *%eax). */
  indirect?: boolean;
  /** A CS or DS prefix is a static branch hint, printed as `,pn` or `,pt` after the mnemonic. */
  branchHint?: boolean;
  /** Mnemonic when the address size is 16 (a 0x67 prefix in 32-bit code, or 16-bit code): jcxz. */
  mnemonicAddress16?: string;
  /** The address size, when not the code's default, shows as a suffix: loopw (loopl in 16-bit code). */
  addressSuffix?: boolean;
  /** A register operand of this rm/16 or opreg/32 form is named by the operand size: `mov %eax,%ds`, `bswap %ax`. */
  registerByOperandSize?: boolean;
  /** The string source is DS:(E)BX instead of DS:(E)SI (XLAT). */
  sourceBaseBx?: boolean;
  /**
   * TSX lock elision beyond the lockable forms (which take XACQUIRE/XRELEASE with LOCK): XCHG with
   * memory takes both without LOCK ('always'), a MOV store takes XRELEASE ('release').
   */
  hle?: 'always' | 'release';
  /** MPX: an F2 prefix on this near branch is BND, printed `bnd jmp ...`. */
  bnd?: boolean;
  /** AMD: LOCK adds 8 to the control register number (lock mov %eax,%cr0 is mov %eax,%cr8). */
  lockExtendsRegister?: boolean;
  /** objdump reads a 66 prefix here as a mandatory prefix of a newer instruction, and without one: `(bad)`. */
  dataPrefixIsBad?: boolean;
  /** objdump takes FWAIT as the first byte of an x87 instruction: prefixes before it print one per line. */
  prefixesStandAlone?: boolean;
  /** CET: a DS (3E) prefix on this near indirect branch is NOTRACK, printed `notrack jmp *%eax`. */
  notrack?: boolean;
  /** The whole text objdump prints when the operand size is 16: 66 90 is `xchg %ax,%ax`, not a nop. */
  spelling16?: string;
  /**
   * 66, F2 and F3 choose among this opcode's SIMD variants; the one that chooses (the last F2/F3,
   * else 66) and names no variant makes objdump's line `(bad)`: f3 0f 28 is not movaps. 'table':
   * objdump looks the variant up in a prefix table and prints the other unused prefixes before
   * `(bad)`; 'opcode': its PREFIX_OPCODE check prints `(bad)` alone.
   */
  prefixSelects?: 'table' | 'opcode';
  /** CMPPS/CMPSS/CMPPD/CMPSD: predicates 0-7 are spelled in the mnemonic (cmpltps), larger ones as $imm. */
  comparePredicate?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Building the table. Small helpers keep each row on one line.

function operandsOf(spec: string): Operand[] {
  if (spec === '') return [];
  return spec.split(/\s*,\s*/).map((text) => {
    const [kind, size] = text.split('/') as [OperandKind, string | undefined];
    let parsed: OperandSize = 0;
    if (size === 'v') parsed = 'v';
    else if (size !== undefined) parsed = Number(size) as OperandSize;
    return { kind, size: parsed };
  });
}

/**
 * A row's options: any field of InstructionForm that form() does not work out itself, given as is,
 * plus short names for the flag fields so each row stays on one line.
 */
export type FormOptions = Partial<Omit<InstructionForm,
  'mnemonic' | 'opcode' | 'modrm' | 'operands' | 'flagsRead' | 'flagsWritten' | 'flagsUndefined' | 'flagsUndefinedByCount' | 'lockable'>> & {
  reads?: FlagLetters;
  writes?: FlagLetters;
  undefined?: FlagLetters;
  byCount?: CountDependentFlags;
  lock?: boolean;
};

const MODRM_KINDS: ReadonlySet<OperandKind> = new Set(['rm', 'rmreg', 'mem', 'reg', 'farmem', 'sreg', 'creg', 'dreg', 'mm', 'mmrm', 'xmm', 'xmmrm']);

export const instructionForms: InstructionForm[] = [];

function form(mnemonic: string, opcode: number | number[], operands: string, options: FormOptions = {}): void {
  const { reads, writes, undefined: undefinedFlags, byCount, lock, ...given } = options;
  const parsed = operandsOf(operands);
  const entry: InstructionForm = {
    ...given,
    operation: given.operation ?? mnemonic,
    mnemonic,
    opcode: typeof opcode === 'number' ? [opcode] : opcode,
    modrm: given.extension !== undefined || parsed.some((o) => MODRM_KINDS.has(o.kind)),
    operands: parsed,
    flagsRead: reads ?? '',
    flagsWritten: writes ?? '',
    flagsUndefined: undefinedFlags ?? '',
    since: given.since ?? '386',
  };
  if (byCount !== undefined) entry.flagsUndefinedByCount = byCount;
  if (lock) entry.lockable = true;
  instructionForms.push(entry);
}

const ARITH = 'OSZAPC';
/** Condition-code names in encoding order (the low nibble of Jcc/SETcc/CMOVcc), as objdump spells them. */
export const conditionNames = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'] as const;
/** The flags each condition reads. */
const conditionFlags = ['O', 'O', 'C', 'C', 'Z', 'Z', 'CZ', 'CZ', 'S', 'S', 'P', 'P', 'SO', 'SO', 'ZSO', 'ZSO'];

// --- Integer arithmetic and logic: the eight ALU operations share six encodings each -------------
const aluOperations = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'] as const;
aluOperations.forEach((op, n) => {
  const logical = op === 'and' || op === 'or' || op === 'xor';
  const flags: FormOptions = {
    writes: logical ? 'OSZPC' : ARITH,
    undefined: logical ? 'A' : '',
    reads: op === 'adc' || op === 'sbb' ? 'C' : '',
    lock: op !== 'cmp',
  };
  const base = n * 8;
  form(op, base + 0, 'rm/8, reg/8', flags);
  form(op, base + 1, 'rm/v, reg/v', flags);
  form(op, base + 2, 'reg/8, rm/8', { ...flags, lock: false });
  form(op, base + 3, 'reg/v, rm/v', { ...flags, lock: false });
  form(op, base + 4, 'al, imm/8', { ...flags, lock: false });
  form(op, base + 5, 'acc/v, imm/v', { ...flags, lock: false });
  form(op, 0x80, 'rm/8, imm/8', { ...flags, extension: n });
  form(op, 0x81, 'rm/v, imm/v', { ...flags, extension: n });
  form(op, 0x82, 'rm/8, imm/8', { ...flags, extension: n }); // an alias of 80 /n, valid outside 64-bit mode
  form(op, 0x83, 'rm/v, simm8/v', { ...flags, extension: n });
});

form('test', 0x84, 'rm/8, reg/8', { writes: 'OSZPC', undefined: 'A' });
form('test', 0x85, 'rm/v, reg/v', { writes: 'OSZPC', undefined: 'A' });
form('test', 0xa8, 'al, imm/8', { writes: 'OSZPC', undefined: 'A' });
form('test', 0xa9, 'acc/v, imm/v', { writes: 'OSZPC', undefined: 'A' });
form('test', 0xf6, 'rm/8, imm/8', { extension: 0, writes: 'OSZPC', undefined: 'A' });
form('test', 0xf6, 'rm/8, imm/8', { extension: 1, writes: 'OSZPC', undefined: 'A' }); // undocumented alias of /0
form('test', 0xf7, 'rm/v, imm/v', { extension: 0, writes: 'OSZPC', undefined: 'A' });
form('test', 0xf7, 'rm/v, imm/v', { extension: 1, writes: 'OSZPC', undefined: 'A' });

form('not', 0xf6, 'rm/8', { extension: 2, lock: true });
form('not', 0xf7, 'rm/v', { extension: 2, lock: true });
form('neg', 0xf6, 'rm/8', { extension: 3, writes: ARITH, lock: true });
form('neg', 0xf7, 'rm/v', { extension: 3, writes: ARITH, lock: true });
form('mul', 0xf6, 'rm/8', { extension: 4, writes: 'OC', undefined: 'SZAP' });
form('mul', 0xf7, 'rm/v', { extension: 4, writes: 'OC', undefined: 'SZAP' });
form('imul', 0xf6, 'rm/8', { extension: 5, writes: 'OC', undefined: 'SZAP' });
form('imul', 0xf7, 'rm/v', { extension: 5, writes: 'OC', undefined: 'SZAP' });
form('div', 0xf6, 'rm/8', { extension: 6, undefined: ARITH });
form('div', 0xf7, 'rm/v', { extension: 6, undefined: ARITH });
form('idiv', 0xf6, 'rm/8', { extension: 7, undefined: ARITH });
form('idiv', 0xf7, 'rm/v', { extension: 7, undefined: ARITH });
form('imul', 0x69, 'reg/v, rm/v, imm/v', { writes: 'OC', undefined: 'SZAP', operation: 'imul3' });
form('imul', 0x6b, 'reg/v, rm/v, simm8/v', { writes: 'OC', undefined: 'SZAP', operation: 'imul3' });
form('imul', [0x0f, 0xaf], 'reg/v, rm/v', { writes: 'OC', undefined: 'SZAP', operation: 'imul2' });

for (let r = 0; r < 8; r++) {
  form('inc', 0x40 + r, 'opreg/v', { writes: 'OSZAP' });
  form('dec', 0x48 + r, 'opreg/v', { writes: 'OSZAP' });
}
form('inc', 0xfe, 'rm/8', { extension: 0, writes: 'OSZAP', lock: true });
form('dec', 0xfe, 'rm/8', { extension: 1, writes: 'OSZAP', lock: true });
form('inc', 0xff, 'rm/v', { extension: 0, writes: 'OSZAP', lock: true });
form('dec', 0xff, 'rm/v', { extension: 1, writes: 'OSZAP', lock: true });

// --- Decimal (BCD) adjustments -------------------------------------------------------------------
form('daa', 0x27, '', { reads: 'AC', writes: 'SZAPC', undefined: 'O' });
form('das', 0x2f, '', { reads: 'AC', writes: 'SZAPC', undefined: 'O' });
form('aaa', 0x37, '', { reads: 'A', writes: 'AC', undefined: 'OSZP' });
form('aas', 0x3f, '', { reads: 'A', writes: 'AC', undefined: 'OSZP' });
form('aam', 0xd4, 'imm/8', { writes: 'SZP', undefined: 'OAC' });
form('aad', 0xd5, 'imm/8', { writes: 'SZP', undefined: 'OAC' });

// --- Shifts and rotates: C0/C1 by imm8, D0/D1 by 1, D2/D3 by CL; /6 is an alias of SHL -----------
const shiftOperations = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'] as const;
shiftOperations.forEach((op, n) => {
  const rotate = n < 4;
  const flags: FormOptions = rotate
    ? { writes: 'OC', reads: n >= 2 ? 'C' : '', byCount: { unlessCountIsOne: 'O' } }
    : { writes: 'OSZPC', undefined: 'A', byCount: { unlessCountIsOne: 'O', whenCountExceedsWidth: 'C' } };
  // SAL (/6) is not a separate instruction: objdump prints it as "shl" and the executor treats it so.
  const options: FormOptions = op === 'sal' ? { ...flags, operation: 'shl' } : flags;
  const mnemonic = op === 'sal' ? 'shl' : op;
  form(mnemonic, 0xc0, 'rm/8, imm/8', { ...options, extension: n, since: '386' });
  form(mnemonic, 0xc1, 'rm/v, imm/8', { ...options, extension: n });
  form(mnemonic, 0xd0, 'rm/8, one', { ...options, extension: n });
  form(mnemonic, 0xd1, 'rm/v, one', { ...options, extension: n });
  form(mnemonic, 0xd2, 'rm/8, cl', { ...options, extension: n });
  form(mnemonic, 0xd3, 'rm/v, cl', { ...options, extension: n });
});
const doubleShift: FormOptions = { writes: 'OSZPC', undefined: 'A', byCount: { unlessCountIsOne: 'O', whenCountExceedsWidth: 'OSZAPC' } };
form('shld', [0x0f, 0xa4], 'rm/v, reg/v, imm/8', doubleShift);
form('shld', [0x0f, 0xa5], 'rm/v, reg/v, cl', doubleShift);
form('shrd', [0x0f, 0xac], 'rm/v, reg/v, imm/8', doubleShift);
form('shrd', [0x0f, 0xad], 'rm/v, reg/v, cl', doubleShift);

// --- Bit tests and scans -------------------------------------------------------------------------
const bitTest: FormOptions = { writes: 'C', undefined: 'OSAP' };
form('bt', [0x0f, 0xa3], 'rm/v, reg/v', bitTest);
form('bts', [0x0f, 0xab], 'rm/v, reg/v', { ...bitTest, lock: true });
form('btr', [0x0f, 0xb3], 'rm/v, reg/v', { ...bitTest, lock: true });
form('btc', [0x0f, 0xbb], 'rm/v, reg/v', { ...bitTest, lock: true });
form('bt', [0x0f, 0xba], 'rm/v, imm/8', { ...bitTest, extension: 4 });
form('bts', [0x0f, 0xba], 'rm/v, imm/8', { ...bitTest, extension: 5, lock: true });
form('btr', [0x0f, 0xba], 'rm/v, imm/8', { ...bitTest, extension: 6, lock: true });
form('btc', [0x0f, 0xba], 'rm/v, imm/8', { ...bitTest, extension: 7, lock: true });
form('bsf', [0x0f, 0xbc], 'reg/v, rm/v', { writes: 'Z', undefined: 'OSAPC' });
form('bsr', [0x0f, 0xbd], 'reg/v, rm/v', { writes: 'Z', undefined: 'OSAPC' });

// --- Data movement -------------------------------------------------------------------------------
form('mov', 0x88, 'rm/8, reg/8', { hle: 'release' });
form('mov', 0x89, 'rm/v, reg/v', { hle: 'release' });
form('mov', 0x8a, 'reg/8, rm/8');
form('mov', 0x8b, 'reg/v, rm/v');
form('mov', 0x8c, 'rm/v, sreg', { memorySize: 16, operation: 'mov-from-sreg' });
form('mov', 0x8e, 'sreg, rm/16', { operation: 'mov-to-sreg', registerByOperandSize: true });
form('mov', 0xa0, 'al, moffs/8');
form('mov', 0xa1, 'acc/v, moffs/v');
form('mov', 0xa2, 'moffs/8, al');
form('mov', 0xa3, 'moffs/v, acc/v');
for (let r = 0; r < 8; r++) form('mov', 0xb0 + r, 'opreg/8, imm/8');
for (let r = 0; r < 8; r++) form('mov', 0xb8 + r, 'opreg/v, imm/v');
form('mov', 0xc6, 'rm/8, imm/8', { extension: 0, hle: 'release' });
form('mov', 0xc7, 'rm/v, imm/v', { extension: 0, hle: 'release' });
form('mov', [0x0f, 0x20], 'rmreg/32, creg', { operation: 'mov-from-creg', privilege: 'cpl0', lockExtendsRegister: true });
form('mov', [0x0f, 0x21], 'rmreg/32, dreg', { operation: 'mov-from-dreg', privilege: 'cpl0' });
form('mov', [0x0f, 0x22], 'creg, rmreg/32', { operation: 'mov-to-creg', privilege: 'cpl0', endsBlock: true, lockExtendsRegister: true });
form('mov', [0x0f, 0x23], 'dreg, rmreg/32', { operation: 'mov-to-dreg', privilege: 'cpl0' });
form('movzb', [0x0f, 0xb6], 'reg/v, rm/8', { operation: 'movzx', suffix: 'always' });
form('movzw', [0x0f, 0xb7], 'reg/v, rm/16', { operation: 'movzx', suffix: 'always' });
form('movsb', [0x0f, 0xbe], 'reg/v, rm/8', { operation: 'movsx', suffix: 'always' });
form('movsw', [0x0f, 0xbf], 'reg/v, rm/16', { operation: 'movsx', suffix: 'always' });
form('lea', 0x8d, 'reg/v, mem');
form('xchg', 0x86, 'rm/8, reg/8', { lock: true, hle: 'always' });
form('xchg', 0x87, 'rm/v, reg/v', { lock: true, hle: 'always' });
form('nop', 0x90, '', { spelling16: 'xchg %ax,%ax' });
form('pause', 0x90, '', { mandatoryPrefix: 0xf3 }); // REP NOP: a plain NOP on every CPU older than the Pentium 4 (SDM, PAUSE)
for (let r = 1; r < 8; r++) form('xchg', 0x90 + r, 'opreg/v, acc/v');
form('nop', [0x0f, 0x1f], 'rm/v', { extension: 0, since: 'p6', operation: 'nop' });
// The P6 reserved-NOP space 0F 18-0F 1F: hint instructions that execute as NOPs and that compilers and
// CET-enabled toolchains emit (prefetch hints, multi-byte nopl, endbr32). The first matching row wins.
const hintNop: FormOptions = { since: 'p6', operation: 'nop' };
['prefetchnta', 'prefetcht0', 'prefetcht1', 'prefetcht2'].forEach((name, n) => form(name, [0x0f, 0x18], 'mem/8', { ...hintNop, extension: n, modrmMod: 'memory', suffix: 'never' }));
form('endbr32', [0x0f, 0x1e], '', { ...hintNop, mandatoryPrefix: 0xf3, extension: 7, modrmMod: 'register', modrmRm: 3 });
form('endbr64', [0x0f, 0x1e], '', { ...hintNop, mandatoryPrefix: 0xf3, extension: 7, modrmMod: 'register', modrmRm: 2 });
for (const second of [0x18, 0x19, 0x1d, 0x1e, 0x1f]) form('nop', [0x0f, second], 'rm/v', hintNop);
// UD1 and UD0: like UD2 they always raise #UD, but they carry a ModRM byte (and its displacement).
form('ud1', [0x0f, 0xb9], 'reg/v, rm/v', { since: 'p6', operation: 'ud2', endsBlock: true });
form('ud0', [0x0f, 0xff], 'reg/v, rm/v', { since: 'p6', operation: 'ud2', endsBlock: true });
form('cwtl', 0x98, '', { mnemonic16: 'cbtw', operation: 'cbw' });
form('cltd', 0x99, '', { mnemonic16: 'cwtd', operation: 'cwd' });
form('xlat', 0xd7, 'srcstr/8', { operation: 'xlat', suffix: 'never', sourceBaseBx: true });
form('lahf', 0x9f, '', { reads: 'SZAPC' });
form('sahf', 0x9e, '', { writes: 'SZAPC' });
form('bswap', [0x0f, 0xc8], 'opreg/32', { since: '486', registerByOperandSize: true });
for (let r = 1; r < 8; r++) form('bswap', [0x0f, 0xc8 + r], 'opreg/32', { since: '486', registerByOperandSize: true });
form('xadd', [0x0f, 0xc0], 'rm/8, reg/8', { writes: ARITH, lock: true, since: '486' });
form('xadd', [0x0f, 0xc1], 'rm/v, reg/v', { writes: ARITH, lock: true, since: '486' });
form('cmpxchg', [0x0f, 0xb0], 'rm/8, reg/8', { writes: ARITH, lock: true, since: '486' });
form('cmpxchg', [0x0f, 0xb1], 'rm/v, reg/v', { writes: ARITH, lock: true, since: '486' });
form('cmpxchg8b', [0x0f, 0xc7], 'mem/64', { extension: 1, writes: 'Z', lock: true, since: 'pentium', suffix: 'never' });
for (let c = 0; c < 16; c++) {
  form(`cmov${conditionNames[c]}`, [0x0f, 0x40 + c], 'reg/v, rm/v', { condition: c, reads: conditionFlags[c], operation: 'cmovcc', since: 'p6' });
  form(`set${conditionNames[c]}`, [0x0f, 0x90 + c], 'rm/8', { condition: c, reads: conditionFlags[c], operation: 'setcc', suffix: 'never' });
}

// --- Stack ---------------------------------------------------------------------------------------
for (let r = 0; r < 8; r++) form('push', 0x50 + r, 'opreg/v');
for (let r = 0; r < 8; r++) form('pop', 0x58 + r, 'opreg/v');
form('push', 0x68, 'imm/v', { suffix: 'when16' });
form('push', 0x6a, 'simm8/v', { suffix: 'when16' });
form('push', 0xff, 'rm/v', { extension: 6, suffix: 'when16' });
form('pop', 0x8f, 'rm/v', { extension: 0, suffix: 'when16' });
form('push', 0x06, 'es', { operation: 'push-sreg', suffix: 'when16' });
form('pop', 0x07, 'es', { operation: 'pop-sreg', suffix: 'when16' });
form('push', 0x0e, 'cs', { operation: 'push-sreg', suffix: 'when16' });
form('push', 0x16, 'ss', { operation: 'push-sreg', suffix: 'when16' });
form('pop', 0x17, 'ss', { operation: 'pop-sreg', suffix: 'when16' });
form('push', 0x1e, 'ds', { operation: 'push-sreg', suffix: 'when16' });
form('pop', 0x1f, 'ds', { operation: 'pop-sreg', suffix: 'when16' });
form('push', [0x0f, 0xa0], 'fs', { operation: 'push-sreg', suffix: 'when16' });
form('pop', [0x0f, 0xa1], 'fs', { operation: 'pop-sreg', suffix: 'when16' });
form('push', [0x0f, 0xa8], 'gs', { operation: 'push-sreg', suffix: 'when16' });
form('pop', [0x0f, 0xa9], 'gs', { operation: 'pop-sreg', suffix: 'when16' });
form('pusha', 0x60, '', { mnemonic16: 'pushaw' });
form('popa', 0x61, '', { mnemonic16: 'popaw' });
form('pushf', 0x9c, '', { mnemonic16: 'pushfw', reads: 'OSZAPCDIT' });
form('popf', 0x9d, '', { mnemonic16: 'popfw', writes: 'OSZAPCDIT', endsBlock: true });
form('enter', 0xc8, 'imm/16, imm/8', { suffix: 'when16', attIntelOrder: true });
form('leave', 0xc9, '', { suffix: 'when16' });

// --- Control transfer ----------------------------------------------------------------------------
for (let c = 0; c < 16; c++) {
  form(`j${conditionNames[c]}`, 0x70 + c, 'rel/8', { condition: c, reads: conditionFlags[c], operation: 'jcc', endsBlock: true, branchHint: true, bnd: true });
  form(`j${conditionNames[c]}`, [0x0f, 0x80 + c], 'rel/v', { condition: c, reads: conditionFlags[c], operation: 'jcc', endsBlock: true, branchHint: true, bnd: true });
}
form('jmp', 0xeb, 'rel/8', { endsBlock: true, bnd: true });
form('jmp', 0xe9, 'rel/v', { endsBlock: true, suffix: 'when16', bnd: true });
form('jmp', 0xff, 'rm/v', { extension: 4, operation: 'jmp-indirect', endsBlock: true, suffix: 'when16', indirect: true, notrack: true, bnd: true });
form('ljmp', 0xea, 'far', { operation: 'jmp-far', endsBlock: true, suffix: 'when16' });
form('ljmp', 0xff, 'farmem', { extension: 5, operation: 'jmp-far-indirect', endsBlock: true, suffix: 'when16', indirect: true });
form('call', 0xe8, 'rel/v', { endsBlock: true, suffix: 'when16', bnd: true });
form('call', 0xff, 'rm/v', { extension: 2, operation: 'call-indirect', endsBlock: true, suffix: 'when16', indirect: true, notrack: true, bnd: true });
form('lcall', 0x9a, 'far', { operation: 'call-far', endsBlock: true, suffix: 'when16' });
form('lcall', 0xff, 'farmem', { extension: 3, operation: 'call-far-indirect', endsBlock: true, suffix: 'when16', indirect: true });
form('ret', 0xc3, '', { endsBlock: true, suffix: 'when16', bnd: true });
form('ret', 0xc2, 'imm/16', { endsBlock: true, suffix: 'when16', bnd: true });
form('lret', 0xcb, '', { operation: 'ret-far', endsBlock: true, suffix: 'when16' });
form('lret', 0xca, 'imm/16', { operation: 'ret-far', endsBlock: true, suffix: 'when16' });
form('loopne', 0xe0, 'rel/8', { reads: 'Z', endsBlock: true, branchHint: true, addressSuffix: true });
form('loope', 0xe1, 'rel/8', { reads: 'Z', endsBlock: true, branchHint: true, addressSuffix: true });
form('loop', 0xe2, 'rel/8', { endsBlock: true, branchHint: true, addressSuffix: true });
form('jecxz', 0xe3, 'rel/8', { endsBlock: true, branchHint: true, mnemonicAddress16: 'jcxz' });
form('int3', 0xcc, '', { endsBlock: true });
form('int', 0xcd, 'imm/8', { endsBlock: true });
form('into', 0xce, '', { reads: 'O', endsBlock: true });
form('int1', 0xf1, '', { endsBlock: true });
form('iret', 0xcf, '', { mnemonic16: 'iretw', writes: 'OSZAPCDIT', endsBlock: true });
form('bound', 0x62, 'reg/v, mem', { attIntelOrder: true });

// --- Flags -------------------------------------------------------------------------------------
form('clc', 0xf8, '', { writes: 'C' });
form('stc', 0xf9, '', { writes: 'C' });
form('cmc', 0xf5, '', { reads: 'C', writes: 'C' });
form('cld', 0xfc, '', { writes: 'D' });
form('std', 0xfd, '', { writes: 'D' });
form('cli', 0xfa, '', { writes: 'I', privilege: 'iopl' });
form('sti', 0xfb, '', { writes: 'I', privilege: 'iopl', endsBlock: true });

// --- Strings: F3 repeats MOVS/STOS/LODS/INS/OUTS; F3/F2 are REPE/REPNE for CMPS and SCAS ---------
form('movsb', 0xa4, 'dststr/8, srcstr/8', { operation: 'movs', reads: 'D', repeat: 'rep', suffix: 'never' });
form('movs', 0xa5, 'dststr/v, srcstr/v', { operation: 'movs', reads: 'D', repeat: 'rep' });
form('cmpsb', 0xa6, 'srcstr/8, dststr/8', { operation: 'cmps', reads: 'D', writes: ARITH, repeat: 'repe-repne', suffix: 'never' });
form('cmps', 0xa7, 'srcstr/v, dststr/v', { operation: 'cmps', reads: 'D', writes: ARITH, repeat: 'repe-repne' });
form('stos', 0xaa, 'dststr/8, al', { operation: 'stos', reads: 'D', repeat: 'rep' });
form('stos', 0xab, 'dststr/v, acc/v', { operation: 'stos', reads: 'D', repeat: 'rep' });
form('lods', 0xac, 'al, srcstr/8', { operation: 'lods', reads: 'D', repeat: 'rep' });
form('lods', 0xad, 'acc/v, srcstr/v', { operation: 'lods', reads: 'D', repeat: 'rep' });
form('scas', 0xae, 'al, dststr/8', { operation: 'scas', reads: 'D', writes: ARITH, repeat: 'repe-repne' });
form('scas', 0xaf, 'acc/v, dststr/v', { operation: 'scas', reads: 'D', writes: ARITH, repeat: 'repe-repne' });
form('insb', 0x6c, 'dststr/8, dx', { operation: 'ins', reads: 'D', repeat: 'rep', privilege: 'iopl', suffix: 'never' });
form('ins', 0x6d, 'dststr/v, dx', { operation: 'ins', reads: 'D', repeat: 'rep', privilege: 'iopl' });
form('outsb', 0x6e, 'dx, srcstr/8', { operation: 'outs', reads: 'D', repeat: 'rep', privilege: 'iopl', suffix: 'never' });
form('outs', 0x6f, 'dx, srcstr/v', { operation: 'outs', reads: 'D', repeat: 'rep', privilege: 'iopl' });

// --- Port I/O (IOPL-sensitive; the TSS I/O bitmap is consulted when CPL > IOPL) -----------------
form('in', 0xe4, 'al, imm/8', { privilege: 'iopl' });
form('in', 0xe5, 'acc/v, imm/8', { privilege: 'iopl' });
form('in', 0xec, 'al, dx', { privilege: 'iopl' });
form('in', 0xed, 'acc/v, dx', { privilege: 'iopl' });
form('out', 0xe6, 'imm/8, al', { privilege: 'iopl' });
form('out', 0xe7, 'imm/8, acc/v', { privilege: 'iopl' });
form('out', 0xee, 'dx, al', { privilege: 'iopl' });
form('out', 0xef, 'dx, acc/v', { privilege: 'iopl' });

// --- Segments and descriptors --------------------------------------------------------------------
form('lds', 0xc5, 'reg/v, farmem', { operation: 'load-far-pointer' });
form('les', 0xc4, 'reg/v, farmem', { operation: 'load-far-pointer' });
form('lss', [0x0f, 0xb2], 'reg/v, farmem', { operation: 'load-far-pointer' });
form('lfs', [0x0f, 0xb4], 'reg/v, farmem', { operation: 'load-far-pointer' });
form('lgs', [0x0f, 0xb5], 'reg/v, farmem', { operation: 'load-far-pointer' });
form('sldt', [0x0f, 0x00], 'rm/v', { extension: 0, memorySize: 16, suffix: 'never' });
form('str', [0x0f, 0x00], 'rm/v', { extension: 1, memorySize: 16, suffix: 'never' });
form('lldt', [0x0f, 0x00], 'rm/16', { extension: 2, privilege: 'cpl0', suffix: 'never' });
form('ltr', [0x0f, 0x00], 'rm/16', { extension: 3, privilege: 'cpl0', suffix: 'never' });
form('verr', [0x0f, 0x00], 'rm/16', { extension: 4, writes: 'Z', suffix: 'never' });
form('verw', [0x0f, 0x00], 'rm/16', { extension: 5, writes: 'Z', suffix: 'never' });
form('sgdt', [0x0f, 0x01], 'mem', { extension: 0, modrmMod: 'memory' });
form('sidt', [0x0f, 0x01], 'mem', { extension: 1, modrmMod: 'memory' });
form('lgdt', [0x0f, 0x01], 'mem', { extension: 2, modrmMod: 'memory', privilege: 'cpl0' });
form('lidt', [0x0f, 0x01], 'mem', { extension: 3, modrmMod: 'memory', privilege: 'cpl0' });
form('smsw', [0x0f, 0x01], 'rm/v', { extension: 4, memorySize: 16, suffix: 'never' });
form('lmsw', [0x0f, 0x01], 'rm/16', { extension: 6, privilege: 'cpl0', endsBlock: true, suffix: 'never' });
form('invlpg', [0x0f, 0x01], 'mem', { extension: 7, modrmMod: 'memory', privilege: 'cpl0', since: '486', endsBlock: true, suffix: 'never' });
// VMCALL is gate86's hypercall, not a VT-x feature here: the kernel's TypeScript services sit behind
// `vmcall; ret` hypercall stubs, and that kernel must boot on every model, so no model lacks it. Its meaning (call
// the host hook at CPL 0, #UD at CPL 3 or with no hook) lives in vm/cpu/system/.
form('vmcall', [0x0f, 0x01], '', { extension: 0, modrmMod: 'register', modrmRm: 1, endsBlock: true });
form('lar', [0x0f, 0x02], 'reg/v, rm/16', { writes: 'Z', registerByOperandSize: true });
form('lsl', [0x0f, 0x03], 'reg/v, rm/16', { writes: 'Z', registerByOperandSize: true });
form('arpl', 0x63, 'rm/16, reg/16', { writes: 'Z' });
form('clts', [0x0f, 0x06], '', { privilege: 'cpl0' });

// --- Processor control ---------------------------------------------------------------------------
form('hlt', 0xf4, '', { privilege: 'cpl0', endsBlock: true });
form('fwait', 0x9b, '', { prefixesStandAlone: true });
form('cpuid', [0x0f, 0xa2], '', { since: '486' });
form('rdtsc', [0x0f, 0x31], '', { since: 'pentium' });
form('rdmsr', [0x0f, 0x32], '', { privilege: 'cpl0', since: 'pentium' });
form('wrmsr', [0x0f, 0x30], '', { privilege: 'cpl0', since: 'pentium', endsBlock: true });
form('rdpmc', [0x0f, 0x33], '', { since: 'p6' });
form('invd', [0x0f, 0x08], '', { privilege: 'cpl0', since: '486' });
form('wbinvd', [0x0f, 0x09], '', { privilege: 'cpl0', since: '486', dataPrefixIsBad: true }); // F3 0F 09 is wbnoinvd
form('ud2', [0x0f, 0x0b], '', { since: 'p6', endsBlock: true });
form('sysenter', [0x0f, 0x34], '', { since: 'p6', endsBlock: true });
form('sysexit', [0x0f, 0x35], '', { privilege: 'cpl0', since: 'p6', endsBlock: true });
form('syscall', [0x0f, 0x05], '', { since: 'amd-k6', endsBlock: true });
form('sysret', [0x0f, 0x07], '', { privilege: 'cpl0', since: 'amd-k6', endsBlock: true });

// --- MMX, SSE, SSE2 --------------------------------------------------------------------------------
addSimdForms(form);

/** Prefix bytes, with what each one means. */
export const prefixes = {
  lock: 0xf0,
  repne: 0xf2,
  rep: 0xf3,
  operandSize: 0x66,
  addressSize: 0x67,
  es: 0x26,
  cs: 0x2e,
  ss: 0x36,
  ds: 0x3e,
  fs: 0x64,
  gs: 0x65,
} as const;

/** Segment registers in encoding order (ModRM.reg of MOV Sreg, and the sreg numbers everywhere). */
export const segmentNames = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;
export const registerNames32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export const registerNames16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'] as const;
export const registerNames8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'] as const;

// ---------------------------------------------------------------------------------------------
// Assembler spellings. GNU as accepts more names than objdump prints; these map each extra name to
// the table's own mnemonic (or condition suffix), so the assembler finds the forms above without an
// opcode map of its own.

/** Other names of the condition suffixes of Jcc/SETcc/CMOVcc: `jz` is `je`, `setnae` is `setb`. */
export const conditionAliases: Readonly<Record<string, (typeof conditionNames)[number]>> = {
  z: 'e', nz: 'ne', c: 'b', nae: 'b', nc: 'ae', nb: 'ae', na: 'be', nbe: 'a',
  pe: 'p', po: 'np', nge: 'l', nl: 'ge', ng: 'le', nle: 'g',
};

/** The CMPPS/CMPSS/CMPPD/CMPSD predicates 0-7, as objdump and gas spell them in the mnemonic: cmpltps is cmpps $1. */
export const comparePredicates = ['eq', 'lt', 'le', 'unord', 'neq', 'nlt', 'nle', 'ord'] as const;

/** Other spellings GNU as accepts for a table mnemonic (before any size suffix). */
export const mnemonicAliases: Readonly<Record<string, string>> = {
  sal: 'shl', wait: 'fwait', loopz: 'loope', loopnz: 'loopne', icebp: 'int1', ud2a: 'ud2',
  cbw: 'cbtw', cwde: 'cwtl', cwd: 'cwtd', cdq: 'cltd', xlatb: 'xlat',
};
