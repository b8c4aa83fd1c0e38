// Layout: running the link script. Input sections are first claimed by the script's patterns (the
// first pattern that matches wins, as in ld); sections no pattern claims ("orphans") get an output
// section of their own next to sections of the same kind. Then the statements run with the location
// counter `.`, giving every output section its virtual address (VMA) and load address (LMA), every
// input section its address, and every script symbol its value.
//
// Because an expression may name something defined later (a symbol placed further down, the number
// of program headers that SIZEOF_HEADERS depends on), layout runs in passes until nothing moves.

import {
  SHF_ALLOC, SHF_EXECINSTR, SHF_GROUP, SHF_INFO_LINK, SHF_MERGE, SHF_STRINGS, SHF_WRITE, SHT_NOBITS, SHT_PROGBITS,
} from '../../vm/elf/format.ts';
import { LinkError } from './errors.ts';
import { alignUp, evaluate } from './expr.ts';
import type { ExprContext, SectionFacts } from './expr.ts';
import type { InputObject, InputSection } from './objects.ts';
import { globToRegExp } from './script.ts';
import type { DataItem, InputPattern, LinkScript, OutputSectionSpec, Statement } from './script.ts';
import type { SymbolTable } from './symbols.ts';

/** One section of the output file, as layout made it. */
export interface OutputSection {
  name: string;
  spec: OutputSectionSpec;
  address: number;
  loadAddress: number;
  size: number;
  align: number;
  /** sh_type: the inputs' common type, SHT_PROGBITS for a mix, SHT_NOBITS if nothing has bytes. */
  type: number;
  flags: number;
  /** The byte pattern for gaps (repeated big-endian, as ld's =0x90909090). */
  fill: number;
  inputs: InputSection[];
  data: { item: DataItem; address: number }[];
  /** Program header names (explicit PHDRS only). */
  segments: string[];
}

/** A symbol the script defined, and the output section it was defined in or after (for st_shndx). */
export interface ScriptSymbol {
  value: number;
  section: OutputSection | null;
}

export interface Layout {
  /** Output sections that exist (empty ones dropped), in script order. */
  sections: OutputSection[];
  symbols: Map<string, ScriptSymbol>;
  /** Where the ELF header is loaded, or null if it is not. */
  headersAddress: number | null;
}

/** The script after orphan placement, and what each input pattern claimed. */
export interface Claims {
  statements: Statement[];
  claimed: Map<InputPattern, InputSection[]>;
}

/** Flags that describe an input section to the linker (mergeable strings, group membership), not the output. */
const INPUT_ONLY_FLAGS = SHF_MERGE | SHF_STRINGS | SHF_GROUP | SHF_INFO_LINK;

type SectionKind = 'text' | 'rodata' | 'data' | 'bss';

function kindOf(section: { type: number; flags: number }): SectionKind {
  if (section.flags & SHF_EXECINSTR) return 'text';
  if (section.flags & SHF_WRITE) return section.type === SHT_NOBITS ? 'bss' : 'data';
  return 'rodata';
}

/** Hand every placed input section to the first pattern that matches it; place the orphans. */
export function claimSections(script: LinkScript, objects: InputObject[]): Claims {
  const claimed = new Map<InputPattern, InputSection[]>();
  const taken = new Set<InputSection>();
  const kindsIn = new Map<OutputSectionSpec, Set<SectionKind>>();
  for (const statement of script.statements) {
    if (statement.kind !== 'output') continue;
    kindsIn.set(statement, new Set());
    for (const item of statement.body) {
      if (item.kind !== 'input') continue;
      const list = claimByPattern(item, objects, taken);
      if (statement.name === '/DISCARD/') {
        for (const section of list) section.discard = true;
        continue;
      }
      for (const section of list) kindsIn.get(statement)!.add(kindOf(section));
      claimed.set(item, list);
    }
  }
  const statements = placeOrphans(script.statements, objects, taken, claimed, kindsIn);
  return { statements, claimed };
}

/** The not-yet-taken sections one pattern matches, in file order then section order (ld's order). */
function claimByPattern(item: InputPattern, objects: InputObject[], taken: Set<InputSection>): InputSection[] {
  const file = globToRegExp(item.file);
  const names = item.sections.map(globToRegExp);
  const list: InputSection[] = [];
  for (const object of objects) {
    // The linker's own sections (COMMON, the dynamic tables) match any file pattern.
    if (!file.test(object.name) && object.name !== '<linker>') continue;
    if (item.excludeFiles?.some((glob) => globToRegExp(glob).test(object.name))) continue;
    for (const section of object.sections) {
      if (!section || section.discard || taken.has(section)) continue;
      if (!names.some((n) => n.test(section.name))) continue;
      taken.add(section);
      list.push(section);
    }
  }
  if (item.sort) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return list;
}

/**
 * Orphans — sections no pattern claimed — get one output section per distinct name, placed after the
 * last output section holding the same kind of thing (code after code, data after data), as ld does.
 */
function placeOrphans(
  script: Statement[], objects: InputObject[], taken: Set<InputSection>,
  claimed: Map<InputPattern, InputSection[]>, kindsIn: Map<OutputSectionSpec, Set<SectionKind>>,
): Statement[] {
  const statements = [...script];
  const orphanSpecs = new Map<string, OutputSectionSpec>();
  for (const object of objects) {
    for (const section of object.sections) {
      if (!section || section.discard || taken.has(section)) continue;
      let spec = orphanSpecs.get(section.name);
      if (!spec) {
        const pattern: InputPattern = { kind: 'input', file: '*', sections: [section.name] };
        spec = { kind: 'output', name: section.name, body: [pattern] };
        claimed.set(pattern, []);
        orphanSpecs.set(section.name, spec);
        const kind = kindOf(section);
        let at = -1;
        statements.forEach((s, i) => { if (s.kind === 'output' && kindsIn.get(s)?.has(kind)) at = i; });
        if (at < 0) statements.forEach((s, i) => { if (s.kind === 'output' && s.name !== '/DISCARD/') at = i; });
        statements.splice(at + 1, 0, spec);
        kindsIn.set(spec, new Set([kind]));
      }
      claimed.get(spec.body[0] as InputPattern)!.push(section);
      taken.add(section);
    }
  }
  return statements;
}

/** What a pass needs besides the script: symbol values from inputs and the previous pass. */
export interface PassInput {
  script: LinkScript;
  claims: Claims;
  table: SymbolTable;
  previous: Layout | null;
  sizeofHeaders: number;
  /** The last pass: unknown symbols in expressions are errors. */
  strict: boolean;
}

/** One run of the script from top to bottom. */
export function layoutPass(input: PassInput): Layout {
  const { script, claims, table, previous } = input;
  const symbols = new Map<string, ScriptSymbol>();
  const sections: OutputSection[] = [];
  const byName = new Map<string, OutputSection>();
  let dot = 0;
  let lastSection: OutputSection | null = null;
  let headersAddress: number | null = null;
  let current: (SectionFacts & { name: string }) | null = null;

  const context = (): ExprContext => ({
    dot,
    sizeofHeaders: input.sizeofHeaders,
    strict: input.strict,
    symbol: (name) => {
      const mine = symbols.get(name);
      if (mine) return mine.value;
      const earlier = previous?.symbols.get(name);
      if (earlier) return earlier.value;
      const entry = table.get(name);
      if (entry && entry.state !== 'undefined') return table.valueOf(entry);
      return undefined;
    },
    defined: (name) => symbols.has(name) || (table.get(name)?.state ?? 'undefined') !== 'undefined',
    section: (name): SectionFacts | undefined =>
      (current?.name === name ? current : undefined) ?? byName.get(name) ?? previous?.sections.find((s) => s.name === name),
  });

  const assign = (target: string, value: number, provide: boolean): void => {
    if (target === '.') {
      const end = lastSection ? lastSection.address + lastSection.size : 0;
      if (input.strict && value < dot && value < end) {
        throw new LinkError(`link script: \`. = 0x${value.toString(16)}' moves backwards into ${lastSection!.name}, which ends at 0x${end.toString(16)} (the sections before it do not fit)`);
      }
      dot = value;
      return;
    }
    if (provide) {
      const entry = table.get(target);
      const referenced = entry !== undefined && entry.state === 'undefined';
      if (!referenced) return;
    }
    symbols.set(target, { value, section: lastSection });
  };

  if (script.headersAddress) headersAddress = evaluate(script.headersAddress, context());

  for (const statement of claims.statements) {
    if (statement.kind === 'assign') {
      assign(statement.target, evaluate(statement.value, context()), statement.provide);
      continue;
    }
    if (statement.name === '/DISCARD/') continue;
    const spec = statement;
    const inputs = spec.body.flatMap((item) => (item.kind === 'input' ? claims.claimed.get(item) ?? [] : []));
    const align = Math.max(1, spec.align ? evaluate(spec.align, context()) : 1, ...inputs.map((s) => s.align));
    const dotBefore = dot;
    const address = spec.address ? evaluate(spec.address, context()) : alignUp(dot, align);
    let loadAddress = address;
    // AT(ADDR(.x) - OFFSET) names the section being placed: let it see its own address.
    current = { name: spec.name, address, loadAddress: address, size: 0, align };
    if (spec.loadAddress) loadAddress = evaluate(spec.loadAddress, context());
    else if (!spec.address && lastSection) loadAddress = (address + (lastSection.loadAddress - lastSection.address)) >>> 0;
    current = null;

    const out: OutputSection = {
      name: spec.name, spec, address, loadAddress, size: 0, align,
      type: sectionType(inputs, spec), flags: inputs.reduce((f, s) => f | s.flags, SHF_ALLOC) & ~INPUT_ONLY_FLAGS,
      fill: spec.fill ?? 0, inputs: [], data: [],
      segments: spec.segments ?? lastSection?.segments ?? [],
    };
    const symbolsBefore = symbols.size;
    dot = address;
    for (const item of spec.body) {
      if (item.kind === 'input') {
        for (const section of claims.claimed.get(item) ?? []) {
          dot = alignUp(dot, section.align);
          section.address = dot;
          section.outputName = out.name;
          out.inputs.push(section);
          if (dot + section.size > 2 ** 32) {
            throw new LinkError(`${section.object.name}: ${section.name} (${section.size} bytes at 0x${dot.toString(16)}) runs past the end of the 4 GiB address space`);
          }
          dot += section.size;
        }
      } else if (item.kind === 'data') {
        out.data.push({ item, address: dot });
        dot = (dot + item.size) >>> 0;
      } else {
        // Inside a section, `. = number` is an offset from the section's start, as in ld.
        const value = evaluate(item.value, context());
        const relative = item.target === '.' && item.value.op === 'number';
        const outer: OutputSection | null = lastSection;
        lastSection = out;
        assign(item.target, relative ? address + value : value, item.provide);
        lastSection = outer;
      }
      if (dot < address) throw new LinkError(`link script: \`.' moves backwards inside ${out.name}`);
    }
    out.size = dot - address;
    // ld drops an output section that received nothing: no bytes, no data, no symbol defined in it.
    const keep = out.data.length > 0 || out.size > 0 || symbols.size > symbolsBefore;
    if (!keep) { dot = dotBefore; continue; }
    byName.set(out.name, out);
    sections.push(out);
    lastSection = out;
  }
  return { sections, symbols, headersAddress };
}

function sectionType(inputs: InputSection[], spec: OutputSectionSpec): number {
  if (spec.body.some((item) => item.kind === 'data')) return SHT_PROGBITS;
  const types = new Set(inputs.map((s) => s.type));
  if (types.size === 1) return [...types][0]!;
  if (types.size === 0) return SHT_PROGBITS;
  return [...types].every((t) => t === SHT_NOBITS) ? SHT_NOBITS : SHT_PROGBITS;
}

/** A fingerprint of a layout: passes stop when two in a row agree. */
export function layoutKey(layout: Layout, claims: Claims): string {
  const parts: string[] = [String(layout.headersAddress)];
  for (const s of layout.sections) parts.push(`${s.name}@${s.address}/${s.loadAddress}+${s.size}`);
  for (const [name, s] of layout.symbols) parts.push(`${name}=${s.value}`);
  for (const list of claims.claimed.values()) for (const s of list) parts.push(String(s.address));
  return parts.join(' ');
}
