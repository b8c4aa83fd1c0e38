// Applying a lab's edits (a starter, or in the tests a reference solution) to a copy of the project.
// Each `find` must occur exactly once: a lab whose starter no longer matches the project fails
// loudly (in `npm test`, and at `lab start`) instead of starting a student on the wrong code.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Edit } from './lab.ts';

export class EditError extends Error {}

export function applyEdits(dir: string, edits: Edit[]): void {
  for (const edit of edits) {
    const path = join(dir, edit.file);
    if ('text' in edit) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, edit.text);
      continue;
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new EditError(`${edit.file}: no such file to edit`);
    }
    if ('from' in edit) {
      const [at, end] = regionOf(text, edit.from, edit.through, edit.file);
      writeFileSync(path, text.slice(0, at) + edit.replace + text.slice(end));
      continue;
    }
    const at = text.indexOf(edit.find);
    if (at < 0) throw new EditError(`${edit.file}: the text to replace is not there:\n${edit.find}`);
    if (text.indexOf(edit.find, at + 1) >= 0) throw new EditError(`${edit.file}: the text to replace occurs more than once:\n${edit.find}`);
    writeFileSync(path, text.slice(0, at) + edit.replace + text.slice(at + edit.find.length));
  }
}

/** Where a region edit applies in `text`: [start, end) from the one `from` through the first `through` after it. */
export function regionOf(text: string, from: string, through: string, file = 'the file'): [number, number] {
  const at = text.indexOf(from);
  if (at < 0) throw new EditError(`${file}: the text to replace is not there:\n${from}`);
  if (text.indexOf(from, at + 1) >= 0) throw new EditError(`${file}: the text to replace occurs more than once:\n${from}`);
  const end = text.indexOf(through, at + from.length);
  if (end < 0) throw new EditError(`${file}: no ${JSON.stringify(through)} after:\n${from}`);
  return [at, end + through.length];
}
