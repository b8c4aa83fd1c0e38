// `npm run docs:anchors`: renumber docs/kernel.md's file:line citations after the code moved.
//
// docs/kernel.md walks one system call by file and line; test/kernel/docs-anchors.json lists each
// citation with the text its line must hold. When an edit moves that text (every change to entry.S
// does), this finds it again — the occurrence nearest the old line — and shifts the citation by as
// many lines, in the document and in the anchor list. test/kernel/docs.test.ts checks they agree.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Anchor {
  /** The citation as the document writes it: `entry.S:144` or a range, `entry.S:130-138`. */
  cite: string;
  file: string;
  /** The line (1-based) that holds `text`, inside the cited range. */
  line: number;
  text: string;
}

export const ANCHORS_FILE = 'test/kernel/docs-anchors.json';
export const DOCUMENT = 'docs/kernel.md';

/** The line of `text` in `lines` nearest to `near`, or null. */
export function findLine(lines: readonly string[], text: string, near: number): number | null {
  let best: number | null = null;
  lines.forEach((l, i) => {
    if (l.includes(text) && (best === null || Math.abs(i + 1 - near) < Math.abs(best - near))) best = i + 1;
  });
  return best;
}

/** The citation moved by `delta` lines: `entry.S:130-138` + 2 = `entry.S:132-140`. */
export function shiftCitation(cite: string, delta: number): string {
  return cite.replace(/:(\d+)(?:-(\d+))?$/, (_, a: string, b?: string) => `:${Number(a) + delta}${b !== undefined ? `-${Number(b) + delta}` : ''}`);
}

function main(root: string): void {
  const anchors = JSON.parse(readFileSync(root + ANCHORS_FILE, 'utf8')) as Anchor[];
  const renumbered = new Map<string, string>();
  for (const a of anchors) {
    const lines = readFileSync(root + a.file, 'utf8').split('\n');
    const found = findLine(lines, a.text, a.line);
    if (found === null) {
      process.stderr.write(`${a.file}: no line holds ${JSON.stringify(a.text)} any more: rewrite that step of ${DOCUMENT} and its anchor by hand\n`);
      process.exitCode = 1;
      continue;
    }
    if (found === a.line) continue;
    const cite = shiftCitation(a.cite, found - a.line);
    renumbered.set(a.cite, cite);
    process.stdout.write(`${a.cite} -> ${cite}\n`);
    a.cite = cite;
    a.line = found;
  }
  // All at once, whole citations only: `entry.S:14` must not match inside `entry.S:144`, and a
  // citation renumbered onto another's old number must not be renumbered again.
  const doc = readFileSync(root + DOCUMENT, 'utf8');
  if (renumbered.size > 0) {
    const alternatives = [...renumbered.keys()].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const pattern = new RegExp(`(?:${alternatives.join('|')})(?![0-9-])`, 'g');
    writeFileSync(root + DOCUMENT, doc.replace(pattern, (c) => renumbered.get(c) ?? c));
  }
  writeFileSync(root + ANCHORS_FILE, JSON.stringify(anchors, null, 1) + '\n');
  process.stdout.write(`${renumbered.size} citation(s) renumbered\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(fileURLToPath(new URL('..', import.meta.url)));
