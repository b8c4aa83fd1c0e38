import test from 'ava';
import { mkdtempSync, mkdirSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStale, writeStamp } from '../../scripts/freshness.mjs';

/** A tree with one source file and a dist/ bundle, built (or not) at the given times. */
function tree(sourceTime: number, builtAt: number | null): string {
  const root = mkdtempSync(join(tmpdir(), 'gate86-fresh-'));
  mkdirSync(join(root, 'kernel/services'), { recursive: true });
  mkdirSync(join(root, 'dist'));
  const source = join(root, 'kernel/services/identity.ts');
  writeFileSync(source, 'export {};\n');
  utimesSync(source, sourceTime / 1000, sourceTime / 1000);
  writeFileSync(join(root, 'dist/gate86.js'), '');
  if (builtAt !== null) writeStamp(root, builtAt);
  return root;
}

test('a build that started after the last source edit is fresh', (t) => {
  t.false(isStale(tree(1_000_000, 2_000_000)));
});

test('a source saved after the build started makes it stale (an edit is never silently ignored)', (t) => {
  t.true(isStale(tree(3_000_000, 2_000_000)));
});

test('no record of a successful build is stale', (t) => {
  t.true(isStale(tree(1_000_000, null)));
});
