// Comparing the x87/SSE state of a case: the two FXSAVE images (layout.ts), field by field.
//
// Every field is compared, except where the SDM itself lets processors differ and the oracle is such
// a processor (nothing else is masked):
//   - MXCSR_MASK says which MXCSR bits the CPU model has (gate86's Pentium III stores 0, the field
//     predates it); the host stores its own.
//   - FCS and FDS: processors with CPUID.(EAX=7,ECX=0):EBX[13] deprecate them and store 0 (SDM Vol. 1,
//     8.1.8); gate86's models store the selectors.
//   - FDP and FOP: with CPUID.(EAX=7,ECX=0):EBX[6] the data pointer is updated only by an x87
//     instruction that raises an unmasked exception, and with FOP compatibility off (Pentium 4 and
//     later, SDM Vol. 1, 8.1.9.1) so is the opcode; gate86's P6 models update both for every non-control
//     instruction. They are compared when the case's one x87 non-control instruction raised an
//     unmasked exception (FSW.ES went from 0 to 1): both kinds of processor store the same then.
//   - qemu-i386 stores none of FIP, FCS, FOP, FDP, FDS in its FXSAVE image (x87-caveats.ts).
// Which of these the host has is asked of the host itself (CPUID, once).

import { assembleI386, runI386Elf, type OracleKind } from '../support/i386-oracle.ts';
import type { Instruction } from '../../vm/isa/decoder.ts';

interface Field { name: string; offset: number; size: number }

/** Names of the masks that are not whole fields. */
const PSEUDO_FIELDS: Record<string, string> = { fswQemu: 'FSW C0-C3, DE, SF, ES, B', mmxExponentQemu: 'bits 64-79 of ST(i) after an MMX write', mxcsrDeQemu: 'MXCSR.DE' };

export const FPU_FIELDS: Record<string, Field> = {
  fcw: { name: 'FCW', offset: 0, size: 2 },
  fsw: { name: 'FSW', offset: 2, size: 2 },
  ftw: { name: 'FTW (abridged)', offset: 4, size: 1 },
  fop: { name: 'FOP', offset: 6, size: 2 },
  fip: { name: 'FIP', offset: 8, size: 4 },
  fcs: { name: 'FCS', offset: 12, size: 2 },
  fdp: { name: 'FDP', offset: 16, size: 4 },
  fds: { name: 'FDS', offset: 20, size: 2 },
  mxcsr: { name: 'MXCSR', offset: 24, size: 4 },
  mxcsrMask: { name: 'MXCSR_MASK', offset: 28, size: 4 },
};

/** The fields a comparison leaves out, by name (keys of FPU_FIELDS), with the reason. */
export type FpuMask = ReadonlyMap<string, string>;

const ES = 0x80;

let hostBits: { zeroFcsFds: boolean; fdpOnException: boolean } | undefined;

/** CPUID.(EAX=7,ECX=0):EBX bits 6 and 13 of the host, from a tiny i386 program's exit status. */
function hostPointerBehaviour(): { zeroFcsFds: boolean; fdpOnException: boolean } {
  if (hostBits !== undefined) return hostBits;
  const probe = assembleI386(`
  .globl _start
_start:
  xorl %eax, %eax
  cpuid
  xorl %ebx, %ebx
  cmpl $7, %eax
  jb 1f
  movl $7, %eax
  xorl %ecx, %ecx
  cpuid
  movl %ebx, %eax
  shrl $6, %eax
  andl $1, %eax        # bit 0: FDP_EXCPTN_ONLY
  shrl $12, %ebx
  andl $2, %ebx        # bit 1: FCS/FDS deprecated
  orl %eax, %ebx
1:movl $1, %eax
  int $0x80
`);
  const status = runI386Elf(probe, [], { oracle: 'native' }).status ?? 0;
  hostBits = { fdpOnException: (status & 1) !== 0, zeroFcsFds: (status & 2) !== 0 };
  return hostBits;
}

function get16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

/** The x87 control instructions: they leave FIP, FOP and FDP alone. */
const CONTROL = new Set(['fldcw', 'fnstcw', 'fnstsw', 'fnclex', 'fninit', 'fldenv', 'fnstenv', 'frstor', 'fnsave', 'fxsave', 'fxrstor', 'fwait']);

/** Whether an instruction is an x87 non-control one (it sets FOP, and FDP if it has a memory operand). */
function x87NonControl(insn: Instruction): boolean {
  const op = insn.form?.opcode[0];
  return op !== undefined && op >= 0xd8 && op <= 0xdf && !CONTROL.has(insn.form!.operation);
}

/** Whether an instruction writes an MMX register (its ModRM reg field names one, or r/m in register form). */
function writesMmxRegister(insn: Instruction): boolean {
  return insn.form?.operands.some((o) => o.kind === 'mm' || (o.kind === 'mmrm' && insn.mod === 3)) ?? false;
}

/** The fields not to compare for a case on this oracle (see the header). */
export function fpuMaskFor(oracle: OracleKind, initial: Uint8Array, expected: Uint8Array, snippet: readonly Instruction[]): FpuMask {
  const mask = new Map<string, string>([['mxcsrMask', 'the CPU model\'s own value']]);
  if (oracle === 'qemu-i386') {
    for (const f of ['fop', 'fip', 'fcs', 'fdp', 'fds']) mask.set(f, 'qemu-i386 stores no x87 pointers in FXSAVE');
    mask.set('fswQemu', 'qemu-i386 keeps no C1, DE, SF and sets C0-C3 its own way in places (x87-caveats.ts)');
    mask.set('mxcsrDeQemu', 'qemu-i386 never sets DE for SSE instructions (caveats.ts); the case\'s own DE is judged where its generator asks');
    if (snippet.some(writesMmxRegister)) mask.set('mmxExponentQemu', 'qemu-i386 leaves them as they were, the SDM sets them to ones (x87-caveats.ts)');
    return mask;
  }
  const host = hostPointerBehaviour();
  if (host.zeroFcsFds) {
    mask.set('fcs', 'deprecated on the host (CPUID.7:EBX[13])');
    mask.set('fds', 'deprecated on the host (CPUID.7:EBX[13])');
  }
  // Compared when the one x87 non-control instruction of the case raised an unmasked exception: it
  // is then the instruction both kinds of processor record (the host keeps FDP if it has no memory
  // operand, and so does gate86).
  const raised = (get16(initial, 2) & ES) === 0 && (get16(expected, 2) & ES) !== 0;
  if (!raised || snippet.filter(x87NonControl).length !== 1) {
    if (host.fdpOnException) mask.set('fdp', 'updated only with an unmasked exception on the host (CPUID.7:EBX[6])');
    mask.set('fop', 'updated only with an unmasked exception on the host (FOP compatibility mode off)');
  }
  return mask;
}

const hex = (v: number, digits: number): string => `0x${(v >>> 0).toString(16).padStart(digits, '0')}`;

function value(b: Uint8Array, f: Field): number {
  let v = 0;
  for (let i = f.size - 1; i >= 0; i--) v = v * 256 + b[f.offset + i]!;
  return v;
}

function bytesHex(b: Uint8Array, from: number, to: number): string {
  let text = '';
  for (let i = to - 1; i >= from; i--) text += b[i]!.toString(16).padStart(2, '0');
  return text;
}

/**
 * The position of an 80-bit value among its neighbours: adjacent values (across binades, and from the
 * denormals to the normals) differ by one. Null for NaNs, infinities and unsupported encodings.
 */
function ordinal(b: Uint8Array, at: number): { sign: number; position: bigint } | null {
  let sig = 0n;
  for (let i = 7; i >= 0; i--) sig = (sig << 8n) | BigInt(b[at + i]!);
  const se = get16(b, at + 8);
  const e = se & 0x7fff;
  if (e === 0x7fff || (e !== 0 && sig < 1n << 63n)) return null;
  return { sign: se >> 15, position: e === 0 ? sig : BigInt(e) * (1n << 63n) + sig - (1n << 63n) };
}

/** Whether two 80-bit values are within `ulps` of each other (same sign; equal bits always are). */
function withinUlps(expected: Uint8Array, got: Uint8Array, at: number, ulps: number): boolean {
  const a = ordinal(expected, at), b = ordinal(got, at);
  if (a === null || b === null || a.sign !== b.sign) return false;
  const d = a.position - b.position;
  return (d < 0n ? -d : d) <= BigInt(ulps);
}

/** The differences between two FXSAVE images, one line each; [] when they agree. */
export function fpuDifferences(expected: Uint8Array, got: Uint8Array, mask: FpuMask, tolerance?: { ulps: number }): string[] {
  const out: string[] = [];
  for (const [key, f] of Object.entries(FPU_FIELDS)) {
    if (mask.has(key)) continue;
    let e = value(expected, f), g = value(got, f);
    if (key === 'fsw' && tolerance !== undefined) { // C1 follows the last bit
      e &= ~0x200;
      g &= ~0x200;
    }
    if (key === 'fsw' && mask.has('fswQemu')) { // only TOP and IE, ZE, OE, UE, PE
      e &= 0x383d;
      g &= 0x383d;
    }
    if (key === 'mxcsr' && mask.has('mxcsrDeQemu')) {
      e &= ~0x2;
      g &= ~0x2;
    }
    if (e !== g) out.push(`${f.name}: expected ${hex(e, f.size * 2)}, got ${hex(g, f.size * 2)}`);
  }
  for (let i = 0; i < 8; i++) {
    const at = 32 + 16 * i;
    const e = bytesHex(expected, at, at + 16), g = bytesHex(got, at, at + 16);
    if (e !== g && tolerance !== undefined && withinUlps(expected, got, at, tolerance.ulps)) continue;
    if (e !== g && mask.has('mmxExponentQemu') && e.slice(16) === g.slice(16)) continue; // the MMX value itself agrees
    if (e !== g) out.push(`ST(${i}): expected ${e.slice(12, 16)}:${e.slice(16)}${e.slice(0, 12) !== '000000000000' ? ` (bytes 10-15 ${e.slice(0, 12)})` : ''}, got ${g.slice(12, 16)}:${g.slice(16)}${g.slice(0, 12) !== '000000000000' ? ` (bytes 10-15 ${g.slice(0, 12)})` : ''}`);
  }
  for (let n = 0; n < 8; n++) {
    const at = 160 + 16 * n;
    const e = bytesHex(expected, at, at + 16), g = bytesHex(got, at, at + 16);
    if (e !== g) out.push(`XMM${n}: expected ${e}, got ${g}`);
  }
  // Bytes 288-511 hold no processor state: reserved, and in a signal frame Linux keeps its own
  // _fpx_sw_bytes at 464.
  if (mask.size > 1 && out.length > 0) out.push(`(not compared: ${[...mask].map(([k, why]) => `${FPU_FIELDS[k]?.name ?? PSEUDO_FIELDS[k]} — ${why}`).join('; ')})`);
  return out;
}

/** An FXSAVE image's x87 part, readably: FCW FSW FTW and the valid registers ST(i). */
export function fpuStateText(image: Uint8Array): string {
  const fsw = get16(image, 2);
  const top = (fsw >> 11) & 7;
  const valid = image[4]!;
  const registers: string[] = [];
  for (let i = 0; i < 8; i++) {
    if (((valid >> ((top + i) & 7)) & 1) === 0) continue;
    const at = 32 + 16 * i;
    registers.push(`st${i}=${bytesHex(image, at + 8, at + 10)}:${bytesHex(image, at, at + 8)}`);
  }
  return `fcw=${hex(get16(image, 0), 4)} fsw=${hex(fsw, 4)} ftw=${hex(valid, 2)} ${registers.join(' ')}`;
}

/** Whether ST(i) of an FXSAVE image is valid and a NaN (exponent all ones, a fraction below the integer bit). */
export function isNanRegister(image: Uint8Array, i: number): boolean {
  const top = (get16(image, 2) >> 11) & 7;
  if (((image[4]! >> ((top + i) & 7)) & 1) === 0) return false;
  const at = 32 + 16 * i;
  if ((get16(image, at + 8) & 0x7fff) !== 0x7fff) return false;
  return (image[at + 7]! & 0x7f) !== 0 || image.subarray(at, at + 7).some((b) => b !== 0);
}

export const TWO_NANS = 'two NaN operands (qemu-i386 chooses between them otherwise than the SDM\'s table 4-7)';

/** The x87 arithmetic of D8/DC/DE with two register operands, and FSCALE/FPREM/FPREM1 (ST(0), ST(1)). */
const ARITHMETIC_EXTENSIONS = new Set([0, 1, 4, 5, 6, 7]);
function twoNanRegisterOperands(initial: Uint8Array, snippet: readonly Instruction[]): boolean {
  for (const insn of snippet) {
    const op = insn.form?.opcode[0];
    const operation = insn.form?.operation ?? '';
    if (operation === 'fscale' || operation === 'fprem' || operation === 'fprem1') return isNanRegister(initial, 0) && isNanRegister(initial, 1);
    if ((op === 0xd8 || op === 0xdc || op === 0xde) && insn.mod === 3 && ARITHMETIC_EXTENSIONS.has(insn.reg)) return isNanRegister(initial, 0) && isNanRegister(initial, insn.rm);
  }
  return false;
}

const TRIGONOMETRIC = new Set(['fsin', 'fcos', 'fsincos', 'fptan']);
/** Instructions qemu-i386 rounds to the precision control where the SDM says only FADD..FSQRT are. */
const PRECISION_BLIND = new Set(['fld', 'frndint', 'fild', 'fscale', 'fxtract', 'fprem', 'fprem1', 'fyl2x', 'fyl2xp1', 'fpatan', 'f2xm1', 'fbld']);

/**
 * Why qemu-i386 cannot judge an x87 case, or undefined: it raises no #MF and writes the results an
 * unmasked exception suppresses, detects no stack fault, computes FSIN/FCOS/FSINCOS/FPTAN in host
 * double precision, and rounds some results to the precision control (x87-caveats.ts). Decided from
 * what gate86 did with the case, and only for qemu-i386: the host CPU judges every case.
 */
export function qemuCannotJudgeX87(initial: Uint8Array, got: Uint8Array, faultVector: number | null, snippet: readonly Instruction[]): string | undefined {
  const fsw = get16(got, 2);
  if (faultVector === 16 || (fsw & ES) !== 0) return 'an unmasked x87 exception (no #MF in qemu-i386)';
  if (faultVector !== null) return 'a fault: the FPU state in qemu-i386\'s signal frame is not the state at the fault';
  if ((fsw & 0x40) !== 0) return 'an x87 stack fault (qemu-i386 detects none)';
  if ((fsw & 0x02) !== 0 && (get16(initial, 2) & 0x02) === 0) return 'a denormal operand (qemu-i386 handles denormals and pseudo-denormals its own way)';
  const top = (get16(initial, 2) >> 11) & 7;
  for (let i = 0; i < 8; i++) {
    if (((initial[4]! >> ((top + i) & 7)) & 1) === 0) continue;
    const at = 32 + 16 * i;
    const e = get16(initial, at + 8) & 0x7fff;
    const integerBit = (initial[at + 7]! & 0x80) !== 0;
    if ((e !== 0 && !integerBit) || (e === 0 && integerBit)) return 'an unnormal, pseudo-NaN, pseudo-infinity or pseudo-denormal register (qemu-i386 takes them as ordinary values)';
  }
  if (twoNanRegisterOperands(initial, snippet)) return TWO_NANS;
  const store = snippet.find((i) => (i.form?.operation === 'fst' || i.form?.operation === 'fstp') && i.mod === 3);
  if (store !== undefined && ((initial[4]! >> ((top + store.rm) & 7)) & 1) === 0) return 'FST/FSTP to an empty ST(i) (qemu-i386 leaves its tag empty)';
  const operations = snippet.map((i) => i.form?.operation ?? '');
  if (operations.some((o) => TRIGONOMETRIC.has(o))) return 'FSIN/FCOS/FSINCOS/FPTAN (qemu-i386 uses host doubles)';
  const precision = (get16(initial, 0) >> 8) & 3;
  if (precision !== 3 && operations.some((o) => PRECISION_BLIND.has(o))) return 'precision control on an instruction it does not apply to';
  const memoryArithmetic = snippet.some((i) => i.mod !== 3 && (i.form?.opcode[0] === 0xdc || i.form?.opcode[0] === 0xda || i.form?.opcode[0] === 0xde));
  if (precision !== 3 && memoryArithmetic) return 'precision control with an m64real or integer operand (qemu-i386 rounds the operand to it first)';
  return undefined;
}
