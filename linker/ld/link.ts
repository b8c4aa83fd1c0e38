// The link editor's driver: the steps of a link, in order.
//
//   1. read the objects (and the archive members  objects.ts, archive.ts
//      that define something still undefined)
//   2. resolve global symbols                   symbols.ts   (duplicates are errors here)
//   3. make the linker's own sections           COMMON blocks, the DSO's dynamic tables
//   4. claim input sections, run the script     layout.ts    (in passes, until nothing moves)
//   5. plan program headers and file offsets    segments.ts
//   6. check for undefined symbols, relocate    relocate.ts
//   7. fill the linker's sections, write        dynamic.ts, output.ts, ../elf/writer.ts

import { ET_DYN, ET_EXEC, SHF_EXECINSTR, SHN_COMMON, SHN_UNDEF, STB_LOCAL, STT_NOTYPE } from '../../vm/elf/format.ts';
import { isArchive, readArchive } from './archive.ts';
import type { ArchiveMember } from './archive.ts';
import { writeElf } from '../elf/writer.ts';
import { createDynamicTables, fillDynamicTables } from './dynamic.ts';
import { LinkError } from './errors.ts';
import { evaluate } from './expr.ts';
import { buildImage } from './output.ts';
import { claimSections, layoutKey, layoutPass } from './layout.ts';
import type { Layout, OutputSection } from './layout.ts';
import { linkerObject, readObject } from './objects.ts';
import type { InputObject } from './objects.ts';
import { applyRelocations, refuseGotRelocations } from './relocate.ts';
import type { Assignment, LinkScript } from './script.ts';
import { headersSize, placeFile, planSegments } from './segments.ts';
import type { PlannedSegment } from './segments.ts';
import { SymbolTable } from './symbols.ts';

export interface LinkInput {
  /** The name messages use (normally the path given on the command line). */
  name: string;
  bytes: Uint8Array;
}

export interface LinkRequest {
  inputs: LinkInput[];
  script: LinkScript;
  /** -e: overrides the script's ENTRY; a symbol name or a number. */
  entry?: string;
  /** --defsym name=expr, run before the script's first statement. */
  defsyms?: Assignment[];
}

export interface LinkResult {
  bytes: Uint8Array;
  entry: number;
  warnings: string[];
  /** Final values of every defined global symbol (script symbols included). */
  symbols: Map<string, number>;
  layout: Layout;
  segments: PlannedSegment[];
}

const MAX_PASSES = 8;

export function link(request: LinkRequest): LinkResult {
  const warnings: string[] = [];
  if (request.inputs.length === 0) throw new LinkError('no input files');
  const script: LinkScript = { ...request.script, statements: [...(request.defsyms ?? []), ...request.script.statements] };

  // 1-3: objects, symbols, the linker's own sections.
  const { objects, table } = readInputs(request.inputs);
  const linker = linkerObject();
  table.allocateCommons(linker);
  const dynamic = script.shared ? createDynamicTables(script.shared, table, linker) : null;

  // 4-5: layout and program headers.
  const claims = claimSections(script, [...objects, linker]);
  const { layout, segments } = runLayout(script, claims, table);
  for (const [name, s] of layout.symbols) {
    Object.assign(table.entry(name), { state: 'script', definition: null, section: null, value: s.value, size: 0, type: STT_NOTYPE });
  }

  // 6: every reference must now have an address.
  refuseGotRelocations(objects);
  table.checkUndefined();
  const offsets = placeFile(segments, layout, script.pageSize);
  applyRelocations(objects, table);

  // 7: the linker's own bytes, then the file.
  if (dynamic) fillDynamicTables(dynamic, table, (name) => layout.sections.findIndex((s) => s.name === name) + 1);
  // No ENTRY and no -e: an executable starts at _start, as with ld; a shared object needs no entry.
  const entrySymbol = request.entry ?? script.entry ?? (script.outputType === 'exec' ? '_start' : undefined);
  const entry = entryAddress(entrySymbol, table, layout, warnings);
  const bytes = writeElf(buildImage({
    type: script.outputType === 'dyn' ? ET_DYN : ET_EXEC, entry, layout, segments, offsets, objects: [...objects, linker], table,
    dataValue: dataEvaluator(table, layout, segments), pageSize: script.pageSize,
  }));
  const symbols = new Map<string, number>();
  for (const e of table.symbols.values()) if (e.state !== 'undefined') symbols.set(e.name, table.valueOf(e));
  return { bytes, entry, warnings, symbols, layout, segments };
}

/** Read objects in command-line order, entering their symbols; archives contribute what is needed. */
function readInputs(inputs: LinkInput[]): { objects: InputObject[]; table: SymbolTable } {
  const groups = new Set<string>();
  const table = new SymbolTable();
  const objects: InputObject[] = [];
  for (const input of inputs) {
    if (isArchive(input.bytes)) {
      objects.push(...pullMembers(readArchive(input.name, input.bytes), table, groups));
      continue;
    }
    const object = readObject(input.name, input.bytes, groups);
    table.addObject(object);
    objects.push(object);
  }
  return { objects, table };
}

/** LONG()/SHORT()/BYTE() values: evaluated last, when every symbol and section has its address. */
function dataEvaluator(table: SymbolTable, layout: Layout, segments: PlannedSegment[]): (section: OutputSection, i: number) => number {
  return (section, i) => {
    const placed = section.data[i]!;
    return evaluate(placed.item.value, {
      dot: placed.address, sizeofHeaders: headersSize(segments.length), strict: true,
      symbol: (name) => { const e = table.get(name); return e && e.state !== 'undefined' ? table.valueOf(e) : undefined; },
      defined: (name) => (table.get(name)?.state ?? 'undefined') !== 'undefined',
      section: (name) => layout.sections.find((s) => s.name === name),
    });
  };
}

/** Does this member define (not merely declare, not as COMMON) a name the link still needs? */
function definesNeeded(member: InputObject, table: SymbolTable): boolean {
  return member.symbols.some((symbol) => {
    if (symbol.index === 0 || symbol.binding === STB_LOCAL) return false;
    if (symbol.sectionIndex === SHN_UNDEF || symbol.sectionIndex === SHN_COMMON) return false;
    const entry = table.get(symbol.name);
    return entry !== undefined && entry.state === 'undefined' && !entry.onlyWeakReferences;
  });
}

/** Take the archive members that resolve undefined references, again and again until none does. */
function pullMembers(members: ArchiveMember[], table: SymbolTable, groups: Set<string>): InputObject[] {
  const pulled: InputObject[] = [];
  const scanned = members.map((m) => readObject(m.name, m.bytes, new Set()));
  const taken = new Set<number>();
  for (let changed = true; changed;) {
    changed = false;
    scanned.forEach((member, i) => {
      if (taken.has(i) || !definesNeeded(member, table)) return;
      taken.add(i);
      changed = true;
      const object = readObject(members[i]!.name, members[i]!.bytes, groups); // now its COMDAT groups count
      table.addObject(object);
      pulled.push(object);
    });
  }
  return pulled;
}

/** Run the script until addresses, symbol values and the program header count stop changing. */
function runLayout(script: LinkScript, claims: ReturnType<typeof claimSections>, table: SymbolTable): { layout: Layout; segments: PlannedSegment[] } {
  let segmentCount = script.segments?.length ?? 3;
  let previous: Layout | null = null;
  let previousKey = '';
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const layout = layoutPass({ script, claims, table, previous, sizeofHeaders: headersSize(segmentCount), strict: false });
    const segments = planSegments(script, layout);
    const key = `${segments.length} ${layoutKey(layout, claims)}`;
    const stable = key === previousKey && segments.length === segmentCount;
    segmentCount = segments.length;
    previous = layout;
    previousKey = key;
    if (stable) {
      const final = layoutPass({ script, claims, table, previous, sizeofHeaders: headersSize(segmentCount), strict: true });
      return { layout: final, segments: planSegments(script, final) };
    }
  }
  throw new LinkError(`link script: layout does not settle after ${MAX_PASSES} passes (an address depends on itself?)`);
}

function entryAddress(entry: string | undefined, table: SymbolTable, layout: Layout, warnings: string[]): number {
  if (entry === undefined) return 0;
  if (/^(0x[0-9a-f]+|[0-9]+)$/i.test(entry)) return Number(entry) >>> 0;
  const symbol = table.get(entry);
  if (symbol && symbol.state !== 'undefined') return table.valueOf(symbol);
  const text = layout.sections.find((s) => s.flags & SHF_EXECINSTR);
  const fallback = text?.address ?? 0;
  warnings.push(`cannot find entry symbol ${entry}; defaulting to 0x${fallback.toString(16).padStart(8, '0')}`);
  return fallback;
}
