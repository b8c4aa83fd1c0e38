// Writes kernel/include/asm-offsets.h from kernel/layout.ts: the one place the guest assembly's
// constants come from. Linux generates its asm-offsets.h from C structs; gate86 from a TS module.

import { ASM_CONSTANTS } from '../layout.ts';

/** One `#define` per constant. Negative values are parenthesised so `X(%esp)` stays one expression. */
export function asmOffsetsHeader(constants: Record<string, number> = ASM_CONSTANTS): string {
  const lines = [
    '/* Generated from kernel/layout.ts by kernel/tools/asm-offsets.ts. Do not edit: edit layout.ts. */',
    '#ifndef GATE86_ASM_OFFSETS_H',
    '#define GATE86_ASM_OFFSETS_H',
  ];
  for (const [name, value] of Object.entries(constants)) {
    if (!Number.isInteger(value)) throw new Error(`asm-offsets: ${name} is not an integer (${value})`);
    const text = value < 0 ? `(-0x${(-value).toString(16)})` : `0x${value.toString(16)}`;
    lines.push(`#define ${name} ${text}`);
  }
  lines.push('#endif', '');
  return lines.join('\n');
}
