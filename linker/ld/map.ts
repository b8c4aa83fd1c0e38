// The link map (`gate86 ld -M`): where everything went. For each output section, its virtual and
// load addresses and size, then each input section placed in it (object, address, size) and the
// global symbols defined there; then the program headers. It is the first thing to read when an
// address is not what you expected.

import { PT_DYNAMIC, PT_GNU_STACK, PT_LOAD, PF_R, PF_W, PF_X } from '../../vm/elf/format.ts';
import type { LinkResult } from './link.ts';

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
const TYPES: Record<number, string> = { [PT_LOAD]: 'LOAD', [PT_DYNAMIC]: 'DYNAMIC', [PT_GNU_STACK]: 'GNU_STACK' };

export function linkMap(result: LinkResult): string {
  const lines: string[] = ['Output sections', ''];
  const symbolsBySection = new Map<string, [string, number][]>();
  const elsewhere: [string, number][] = [];
  for (const [name, value] of result.symbols) {
    const section = result.layout.sections.find((s) => value >= s.address && value < s.address + Math.max(1, s.size));
    if (!section) { elsewhere.push([name, value]); continue; }
    const list = symbolsBySection.get(section.name) ?? [];
    list.push([name, value]);
    symbolsBySection.set(section.name, list);
  }
  for (const s of result.layout.sections) {
    const load = s.loadAddress !== s.address ? `  load ${hex(s.loadAddress)}` : '';
    lines.push(`${s.name.padEnd(16)} ${hex(s.address)}  size ${hex(s.size)}${load}`);
    for (const input of s.inputs) {
      lines.push(`  ${input.object.name}(${input.name})`.padEnd(40) + ` ${hex(input.address)}  size ${hex(input.size)}`);
    }
    for (const [name, value] of (symbolsBySection.get(s.name) ?? []).sort((a, b) => a[1] - b[1])) {
      lines.push(`${''.padEnd(40)} ${hex(value)}  ${name}`);
    }
  }
  if (elsewhere.length > 0) {
    // Section ends (_edata, _end) and absolute values (--defsym) belong to no section's bytes.
    lines.push('', 'Other symbols', '');
    for (const [name, value] of elsewhere.sort((a, b) => a[1] - b[1])) lines.push(`${''.padEnd(40)} ${hex(value)}  ${name}`);
  }
  lines.push('', 'Program headers', '');
  for (const seg of result.segments) {
    const flags = `${seg.flags & PF_R ? 'R' : ' '}${seg.flags & PF_W ? 'W' : ' '}${seg.flags & PF_X ? 'X' : ' '}`;
    lines.push(`${(TYPES[seg.type] ?? `0x${seg.type.toString(16)}`).padEnd(10)} offset ${hex(seg.offset)} vaddr ${hex(seg.vaddr)} paddr ${hex(seg.paddr)} filesz ${hex(seg.filesz)} memsz ${hex(seg.memsz)} ${flags}`);
  }
  lines.push('', `Entry point ${hex(result.entry)}`, '');
  return lines.join('\n');
}
