// docs/kernel.md walks a system call by file and line. Its anchors (test/kernel/docs-anchors.json)
// name the text each cited line holds: if the code moves, this test fails until the citations follow
// it — `npm run docs:anchors` renumbers them (scripts/docs-anchors.ts) — or, if the text itself is
// gone, until the walk-through is rewritten.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { root } from './support.ts';
import { ANCHORS_FILE, type Anchor } from '../../scripts/docs-anchors.ts';

const doc = readFileSync(root + 'docs/kernel.md', 'utf8');

const ANCHORS = JSON.parse(readFileSync(root + ANCHORS_FILE, 'utf8')) as Anchor[];

test('docs/kernel.md: every file:line of the getuid walk-through points at the instruction it names', (t) => {
  for (const { cite, file, line, text } of ANCHORS) {
    t.true(doc.includes(cite), `docs/kernel.md no longer cites ${cite}`);
    const actual = readFileSync(root + file, 'utf8').split('\n')[line - 1] ?? '';
    t.true(actual.includes(text), `${file}:${line} is now "${actual.trim()}", not "${text}": run npm run docs:anchors`);
  }
});
