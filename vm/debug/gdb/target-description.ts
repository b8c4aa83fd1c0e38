// The target description gdb reads with qXfer:features:read:target.xml: which registers the stub
// has, in the order g/G/p/P number them. gdb's own i386 numbering is kept for the features it knows:
//   org.gnu.gdb.i386.core   0-15 the eight general registers, EIP, EFLAGS (with its flag names) and
//                           the six selectors; 16-23 st0-st7 (80-bit, in stack order: st0 is ST(0));
//                           24-31 fctrl fstat ftag fiseg fioff foseg fooff fop (gdb requires these
//                           in the core feature; a model without an FPU reports them unavailable)
//   org.gnu.gdb.i386.sse    32-39 xmm0-xmm7 (128-bit), 40 mxcsr — only on a model with SSE
// and gate86 adds org.gate86.system for what `info registers system` should show: the control
// registers, the debug registers and the three SYSENTER MSRs, numbered after the others.

import type { FpuRegisters, RegisterName, X87Word } from '../protocol.ts';
import { X87_WORDS } from '../protocol.ts';

/** Where a register's bytes come from. */
export type RegisterSource =
  | { kind: 'machine'; name: RegisterName }
  | { kind: 'st'; index: number }
  | { kind: 'x87'; name: X87Word }
  | { kind: 'xmm'; index: number }
  | { kind: 'mxcsr' };

export interface TargetRegister {
  name: string;
  bits: number;
  source: RegisterSource;
  /** The gdb type of the register in the description. */
  type: string;
  group?: string;
}

/** Which units the CPU model has (what the description lists and the registers answer). */
export interface TargetUnits { x87: boolean; sse: boolean }

const GENERAL = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags', 'cs', 'ss', 'ds', 'es', 'fs', 'gs'] as const;
const SYSTEM = ['cr0', 'cr2', 'cr3', 'cr4', 'dr0', 'dr1', 'dr2', 'dr3', 'dr6', 'dr7', 'sysenter_cs', 'sysenter_esp', 'sysenter_eip'] as const;

function generalType(name: string): string {
  if (name === 'eip') return 'code_ptr';
  if (name === 'esp' || name === 'ebp') return 'data_ptr';
  if (name === 'eflags') return 'i386_eflags';
  return 'int32';
}

/** The registers in g/G order for a model with these units. */
export function targetRegisters(units: TargetUnits): TargetRegister[] {
  return [
    ...GENERAL.map((name): TargetRegister => ({ name, bits: 32, source: { kind: 'machine', name }, type: generalType(name) })),
    ...Array.from({ length: 8 }, (_, index): TargetRegister => ({ name: `st${index}`, bits: 80, source: { kind: 'st', index }, type: 'i387_ext', group: 'float' })),
    ...X87_WORDS.map((name): TargetRegister => ({ name, bits: 32, source: { kind: 'x87', name }, type: 'int', group: 'float' })),
    ...(units.sse ? [
      ...Array.from({ length: 8 }, (_, index): TargetRegister => ({ name: `xmm${index}`, bits: 128, source: { kind: 'xmm', index }, type: 'vec128', group: 'vector' })),
      { name: 'mxcsr', bits: 32, source: { kind: 'mxcsr' }, type: 'i386_mxcsr', group: 'vector' } satisfies TargetRegister,
    ] : []),
    ...SYSTEM.map((name): TargetRegister => ({ name, bits: 32, source: { kind: 'machine', name }, type: 'uint32', group: 'system' })),
  ];
}

/** The register's bytes, little-endian, or null when the machine does not have it (reported as 'x's). */
export function registerBytes(r: TargetRegister, values: Partial<Record<RegisterName, number>>, fpu: FpuRegisters | null): Uint8Array | null {
  const word = (v: number | undefined): Uint8Array | null => {
    if (v === undefined) return null;
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, v >>> 0, true);
    return out;
  };
  const s = r.source;
  switch (s.kind) {
    case 'machine': return word(values[s.name]);
    case 'st': return fpu === null ? null : fpu.st.slice(s.index * 10, s.index * 10 + 10);
    case 'x87': return fpu === null ? null : word(fpu.words[s.name]);
    case 'xmm': return fpu?.xmm == null ? null : fpu.xmm.slice(s.index * 16, s.index * 16 + 16);
    case 'mxcsr': return fpu?.xmm == null ? null : word(fpu.mxcsr);
  }
}

/** EFLAGS bits by name, so `info registers` prints eflags as [ IF ZF ]. */
const EFLAGS_FIELDS: [string, number][] = [
  ['CF', 0], ['', 1], ['PF', 2], ['AF', 4], ['ZF', 6], ['SF', 7], ['TF', 8], ['IF', 9], ['DF', 10], ['OF', 11],
  ['NT', 14], ['RF', 16], ['VM', 17], ['AC', 18], ['VIF', 19], ['VIP', 20], ['ID', 21],
];

/** MXCSR bits by name: the six exception flags, DAZ, the six masks, the rounding control (RC), FZ. */
const MXCSR_FIELDS: [string, number][] = [
  ['IE', 0], ['DE', 1], ['ZE', 2], ['OE', 3], ['UE', 4], ['PE', 5], ['DAZ', 6],
  ['IM', 7], ['DM', 8], ['ZM', 9], ['OM', 10], ['UM', 11], ['PM', 12], ['FZ', 15],
];

/** The views of a 128-bit register gdb prints (`p $xmm1` shows each). */
const VEC128_TYPES = [
  '    <vector id="v4f" type="ieee_single" count="4"/>',
  '    <vector id="v2d" type="ieee_double" count="2"/>',
  '    <vector id="v16i8" type="int8" count="16"/>',
  '    <vector id="v8i16" type="int16" count="8"/>',
  '    <vector id="v4i32" type="int32" count="4"/>',
  '    <vector id="v2i64" type="int64" count="2"/>',
  '    <union id="vec128">',
  '      <field name="v4_float" type="v4f"/>',
  '      <field name="v2_double" type="v2d"/>',
  '      <field name="v16_int8" type="v16i8"/>',
  '      <field name="v8_int16" type="v8i16"/>',
  '      <field name="v4_int32" type="v4i32"/>',
  '      <field name="v2_int64" type="v2i64"/>',
  '      <field name="uint128" type="uint128"/>',
  '    </union>',
];

const flagsType = (id: string, fields: [string, number][]): string[] => [
  `    <flags id="${id}" size="4">`,
  ...fields.map(([name, bit]) => `      <field name="${name}" start="${bit}" end="${bit}"/>`),
  '    </flags>',
];

export function targetXml(units: TargetUnits): string {
  const registers = targetRegisters(units);
  const reg = (r: TargetRegister): string =>
    `    <reg name="${r.name}" bitsize="${r.bits}" type="${r.type}" regnum="${registers.indexOf(r)}"${r.group ? ` group="${r.group}"` : ''}/>`;
  const of = (kinds: RegisterSource['kind'][], system = false): string[] =>
    registers.filter((r) => kinds.includes(r.source.kind) && (r.group === 'system') === system).map(reg);
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE target SYSTEM "gdb-target.dtd">',
    '<target version="1.0">',
    '  <architecture>i386</architecture>',
    '  <feature name="org.gnu.gdb.i386.core">',
    ...flagsType('i386_eflags', EFLAGS_FIELDS),
    ...of(['machine', 'st', 'x87']),
    '  </feature>',
    ...(units.sse ? [
      '  <feature name="org.gnu.gdb.i386.sse">',
      ...VEC128_TYPES,
      ...flagsType('i386_mxcsr', MXCSR_FIELDS),
      ...of(['xmm', 'mxcsr']),
      '  </feature>',
    ] : []),
    '  <feature name="org.gate86.system">',
    ...of(['machine'], true),
    '  </feature>',
    '</target>',
    '',
  ].join('\n');
}
