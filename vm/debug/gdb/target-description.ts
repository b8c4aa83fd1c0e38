// The target description gdb reads with qXfer:features:read:target.xml: which registers the stub
// has, in the order g/G/p/P number them. The feature org.gnu.gdb.i386.core is the one gdb requires
// for an i386 (the eight general registers, EIP, EFLAGS with its flag names, the six segment
// selectors, and the x87 registers); gate86 adds org.gate86.system for what `info registers system`
// should show: the control registers, the debug registers and the three SYSENTER MSRs.
//
// gate86's CPU has no x87 state yet: its registers are listed (gdb requires them in the core
// feature) and reported as unavailable ('x' digits) rather than as made-up zeroes.

import type { RegisterName } from '../protocol.ts';

export interface TargetRegister {
  name: string;
  bits: number;
  /** The register the machine has, or null when it does not (reported unavailable). */
  machine: RegisterName | null;
}

const general = (name: RegisterName): TargetRegister => ({ name, bits: 32, machine: name });

export const TARGET_REGISTERS: TargetRegister[] = [
  ...(['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags', 'cs', 'ss', 'ds', 'es', 'fs', 'gs'] as const).map(general),
  ...Array.from({ length: 8 }, (_, i) => ({ name: `st${i}`, bits: 80, machine: null })),
  ...['fctrl', 'fstat', 'ftag', 'fiseg', 'fioff', 'foseg', 'fooff', 'fop'].map((name) => ({ name, bits: 32, machine: null })),
  ...(['cr0', 'cr2', 'cr3', 'cr4', 'dr0', 'dr1', 'dr2', 'dr3', 'dr6', 'dr7', 'sysenter_cs', 'sysenter_esp', 'sysenter_eip'] as const).map(general),
];

/** EFLAGS bits by name, so `info registers` prints eflags as [ IF ZF ]. */
const EFLAGS_FIELDS: [string, number][] = [
  ['CF', 0], ['', 1], ['PF', 2], ['AF', 4], ['ZF', 6], ['SF', 7], ['TF', 8], ['IF', 9], ['DF', 10], ['OF', 11],
  ['NT', 14], ['RF', 16], ['VM', 17], ['AC', 18], ['VIF', 19], ['VIP', 20], ['ID', 21],
];

function typeOf(name: string): string {
  if (name === 'eip') return 'code_ptr';
  if (name === 'esp' || name === 'ebp') return 'data_ptr';
  if (name === 'eflags') return 'i386_eflags';
  if (name.startsWith('st')) return 'i387_ext';
  return 'int32';
}

function groupOf(name: string, index: number): string {
  if (index >= 16 && index < 32) return ' group="float"';
  if (index >= 32) return ' group="system"';
  return '';
}

export function targetXml(): string {
  const regs = TARGET_REGISTERS.map((r, i) => `    <reg name="${r.name}" bitsize="${r.bits}" type="${i >= 32 ? 'uint32' : typeOf(r.name)}" regnum="${i}"${groupOf(r.name, i)}/>`);
  const flags = EFLAGS_FIELDS.map(([name, bit]) => `      <field name="${name}" start="${bit}" end="${bit}"/>`);
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE target SYSTEM "gdb-target.dtd">',
    '<target version="1.0">',
    '  <architecture>i386</architecture>',
    '  <feature name="org.gnu.gdb.i386.core">',
    '    <flags id="i386_eflags" size="4">',
    ...flags,
    '    </flags>',
    ...regs.slice(0, 32),
    '  </feature>',
    '  <feature name="org.gate86.system">',
    ...regs.slice(32),
    '  </feature>',
    '</target>',
    '',
  ].join('\n');
}
