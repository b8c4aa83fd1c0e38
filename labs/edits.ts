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
    const at = text.indexOf(edit.find);
    if (at < 0) throw new EditError(`${edit.file}: the text to replace is not there:\n${edit.find}`);
    if (text.indexOf(edit.find, at + 1) >= 0) throw new EditError(`${edit.file}: the text to replace occurs more than once:\n${edit.find}`);
    writeFileSync(path, text.slice(0, at) + edit.replace + text.slice(at + edit.find.length));
  }
}
