// The text a lab's starter replaces, as the project's own source has it: the reference solutions
// put it back, so a solution follows the kernel whenever the kernel changes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { regionOf } from '../../../labs/edits.ts';

export function projectRegion(file: string, region: { from: string; through: string }): string {
  const text = readFileSync(fileURLToPath(new URL(`../../../${file}`, import.meta.url)), 'utf8');
  const [at, end] = regionOf(text, region.from, region.through, file);
  return text.slice(at, end);
}
