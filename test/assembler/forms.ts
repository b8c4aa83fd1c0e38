// AT&T source for every form of the ISA table, generated from the table itself: for each form and
// operand size, instances covering its operand kinds — registers, the memory shapes gas encodes
// differently (no displacement, disp8, disp32, (%ebp), (%esp), SIB with and without base, absolute,
// a symbol, a segment override), small and large and symbolic immediates, near, far and external
// branch targets — and the lock/rep prefixes it honours. The assembler test assembles the result
// with gate86 and with GNU as and compares the objects.

import { comparePredicates, instructionForms, registerNames16, registerNames32, registerNames8, segmentNames, type InstructionForm, type Operand } from '../../vm/isa/table.ts';

const MEMORY = [
  '(%eax)', '0x10(%ebx)', '-0x80(%ebp)', '(%ebp)', '(%esp)', '0x8(%esp)', '0x12345678(%esi)',
  '(%esi,%ebx,4)', '-0x10(,%ecx,8)', '0x804a010', 'data_label', 'data_label+4(%edi)', 'extern_data(,%eax,4)',
  '%fs:0x10', '%es:(%edi)', '0x0(%ecx)',
];

/** 16-bit addressing shapes, for .code16 (and with an address-size prefix in 32-bit code). */
const MEMORY16 = [
  '(%bx,%si)', '(%bp,%di)', '0x10(%bx)', '-0x80(%bp)', '(%bp)', '(%si)', '0x1234(%di)', '0x804', 'data_label',
  '%fs:0x10(%bx)', '%ss:(%bp)', '%es:(%si)',
];

let memoryShapes = MEMORY;

function registerName(size: number, n: number): string {
  const names = size === 8 ? registerNames8 : size === 16 ? registerNames16 : registerNames32;
  return `%${names[n]!}`;
}

function sizeOf(o: Operand, opsize: 16 | 32): number {
  return o.size === 'v' ? opsize : (o.size as number);
}

/** Text variants for one operand (Intel order position), the first being the "plain" one. */
function variants(form: InstructionForm, o: Operand, opsize: 16 | 32): string[] {
  const size = sizeOf(o, opsize);
  const indirect = form.operation.endsWith('-indirect') ? '*' : '';
  switch (o.kind) {
    case 'rm': {
      if (form.modrmMod === 'memory') return memoryShapes.map((m) => indirect + m);
      const regs = form.modrmMod === 'register' ? [] : memoryShapes;
      return [`${indirect}${registerName(size || 32, 1)}`, `${indirect}${registerName(size || 32, 6 & (size === 8 ? 3 : 7))}`, ...regs.map((m) => indirect + m)];
    }
    case 'mem': case 'farmem':
      return memoryShapes.map((m) => indirect + m);
    case 'reg':
    case 'rmreg':
      return [registerName(size, 2), registerName(size, size === 8 ? 7 : 5)];
    case 'opreg':
      return [registerName(size, form.opcode[form.opcode.length - 1]! & 7)];
    case 'imm':
      if (size === 8) return ['$0x12', '$-1', '$0x85'];
      if (size === 16) return ['$0x1234', '$1', '$-2', '$abs_symbol'];
      return ['$0x12345678', '$1', '$-0x80', '$0x7f', '$0x80', '$data_label', '$extern_data+8', '$abs_symbol'];
    case 'simm8':
      return ['$0x7f', '$-0x80', '$0', '$abs_symbol'];
    case 'rel':
      // loop/jecxz have only rel8: their targets must be near.
      if (!instructionForms.some((f) => f.mnemonic === form.mnemonic && f.operands[0]?.kind === 'rel' && f.operands[0].size === 'v')) return ['near_label', '1f', '1b'];
      return ['near_label', 'far_label', 'extern_func', 'data_label', '1f', '1b'];
    case 'moffs':
      return ['0x804a010', 'data_label', 'extern_data+4', '%fs:0x20'];
    case 'sreg':
      return segmentNames.map((s) => `%${s}`);
    case 'creg':
      return ['%cr0', '%cr2', '%cr3', '%cr4'];
    case 'dreg':
      return ['%db0', '%db7'];
    case 'al': return ['%al'];
    case 'cl': return ['%cl'];
    case 'dx': return ['%dx'];
    case 'acc': return [registerName(size, 0)];
    case 'one': return ['$1', ''];
    case 'es': case 'cs': case 'ss': case 'ds': case 'fs': case 'gs':
      return [`%${o.kind}`];
    case 'mm': return ['%mm2', '%mm5'];
    case 'xmm': return ['%xmm2', '%xmm5'];
    case 'mmrm': case 'xmmrm': {
      const registers = o.kind === 'mmrm' ? ['%mm1', '%mm6'] : ['%xmm1', '%xmm6'];
      if (form.modrmMod === 'memory') return memoryShapes;
      return form.modrmMod === 'register' ? registers : [...registers, ...memoryShapes];
    }
    default:
      return [];
  }
}

/** The b/w/l suffix the instance needs, following the table's `suffix` rule (as objdump prints). */
function suffixFor(form: InstructionForm, opsize: 16 | 32, operands: string[]): string {
  if (form.suffix === 'never') return '';
  if (form.memorySize !== undefined && operands.some((t) => !/^\*?%[a-z0-9]+$/.test(t) && !t.startsWith('$'))) return '';
  if (form.operands.every((o) => o.kind === 'imm' || o.kind === 'rel' || o.kind === 'far')) return '';
  const first = form.operands.find((o) => (o.size === 'v' || o.size === 8 || o.size === 16 || o.size === 32) && !(o.kind === 'imm' && form.operands.length > 1));
  if (!first) return form.mnemonic16 === undefined && opsize === 16 ? '' : opsize === 16 && form.mnemonic16 === undefined ? 'w' : '';
  const size = sizeOf(first, opsize);
  const letter = size === 8 ? 'b' : size === 16 ? 'w' : 'l';
  if (form.suffix === 'always') {
    // movzbl: the letter names the destination's size.
    return sizeOf(form.operands[0]!, opsize) === 16 ? 'w' : 'l';
  }
  if (form.suffix === 'when16') return opsize === 16 ? 'w' : '';
  const hasRegister = operands.some((t) => /^\*?%(e?[a-d]x|[a-d][lh]|e?(si|di|sp|bp))$/.test(t));
  return hasRegister ? '' : letter;
}

export interface GeneratedSource {
  text: string;
  /** Instruction lines, for the count in the test title. */
  instructions: number;
}

/** One line per instance: `mnemonic operands`. */
function instances(form: InstructionForm): string[] {
  const out: string[] = [];
  const strings = form.operands.some((o) => o.kind === 'srcstr' || o.kind === 'dststr');
  const sized = form.operands.some((o) => o.size === 'v') || form.mnemonic16 !== undefined;
  for (const opsize of sized ? [32, 16] as const : [32] as const) {
    if (opsize === 16 && form.suffix === 'always' && form.operands[1]?.size === 16) continue; // no movzww
    let mnemonic = opsize === 16 && form.mnemonic16 !== undefined ? form.mnemonic16 : form.mnemonic;
    if (strings) {
      const size = sizeOf(form.operands.find((o) => o.kind === 'srcstr' || o.kind === 'dststr')!, opsize);
      const letter = size === 8 ? 'b' : size === 16 ? 'w' : 'l';
      if (!mnemonic.endsWith('b') || size !== 8) mnemonic += letter;
      out.push(mnemonic);
      if (form.repeat === 'rep') out.push(`rep ${mnemonic}`);
      if (form.repeat === 'repe-repne') out.push(`repe ${mnemonic}`, `repne ${mnemonic}`);
      continue;
    }
    if (form.operands.length === 1 && form.operands[0]!.kind === 'far') {
      out.push(`${mnemonic} $0x60,$0x1000`, `${mnemonic} $0x73,$far_label`);
      continue;
    }
    const lists = form.operands.map((o) => variants(form, o, opsize));
    if (lists.some((l) => l.length === 0)) continue;
    // The plain instance, then each operand's other variants with the rest plain.
    const combos: string[][] = [lists.map((l) => l[0]!)];
    lists.forEach((l, i) => l.slice(1).forEach((v) => combos.push(lists.map((x, j) => (j === i ? v : x[0]!)))));
    for (const combo of combos) {
      const att = form.attIntelOrder ? combo : [...combo].reverse();
      const written = att.filter((t) => t !== '');
      let m = mnemonic + suffixFor(form, opsize, written);
      if (opsize === 16 && form.mnemonic16 !== undefined) m = mnemonic;
      out.push(`${m} ${written.join(',')}`.trim());
      if (form.lockable && written.some((t) => t.includes('('))) out.push(`lock ${m} ${written.join(',')}`);
      // cmpltps %xmm1,%xmm2: the predicate in the mnemonic instead of the imm8.
      if (form.comparePredicate) {
        for (const p of comparePredicates) out.push(`${m.replace(/^cmp/, `cmp${p}`)} ${written.slice(1).join(',')}`);
      }
    }
  }
  return out;
}

/** Forms gas spells differently or only as an alias of another form (covered by that form). */
function skipped(form: InstructionForm): boolean {
  if (form.opcode[0] === 0x82) return true; // 82 /n: gas always writes 80 /n
  if (form.opcode[0] === 0xf6 && form.extension === 1) return true;
  if (form.opcode[0] === 0xf7 && form.extension === 1) return true;
  return false;
}

/** The source for 32-bit code, or with `code16` the same forms after `.code16` with 16-bit addressing. */
export function generateFormsSource(code16 = false): GeneratedSource {
  memoryShapes = code16 ? MEMORY16 : MEMORY;
  const lines = [
    '# Generated from vm/isa/table.ts by test/assembler/forms.ts: every form, several operand shapes.',
    '\t.text',
    ...(code16 ? ['\t.code16'] : []),
    '\t.globl near_label',
    'near_label:',
    '1:\tnop',
  ];
  let instructions = 0;
  const seen = new Set<string>();
  for (const form of instructionForms) {
    if (skipped(form)) continue;
    for (const line of instances(form)) {
      if (seen.has(line)) continue;
      seen.add(line);
      lines.push(`\t${line}`);
      instructions++;
      if (instructions % 40 === 0) lines.push('1:');
    }
  }
  lines.push('\t.skip 300', 'far_label:', '\tret', '\t.data', 'data_label:', '\t.long 0', '\t.set abs_symbol, 0x42');
  return { text: lines.join('\n') + '\n', instructions };
}
