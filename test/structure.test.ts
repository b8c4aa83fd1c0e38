// The floors of the tree: every import points down (or stays on its floor). The machine (vm/) is the
// ground floor and imports nothing above it; the toolchain (linker/) stands on the machine's ISA
// table and ELF reader; the kernel on both (its build tools assemble and link it); userland's build
// on the kernel's generated headers; the CLI on all of those; the scripts and the tests on everything.
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { root } from './kernel/support.ts';

// scripts/ and test/ share the top floor: the benchmarks run programs on the same oracles as the tests.
const FLOORS: Record<string, number> = { vm: 0, linker: 1, kernel: 2, userland: 3, cli: 4, scripts: 5, test: 5 };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

test('every import points from a higher floor to a lower one (vm/ imports nothing from linker/, kernel/ or cli/)', (t) => {
  const upward: string[] = [];
  let imports = 0;
  for (const top of Object.keys(FLOORS)) {
    for (const file of sources(join(root, top))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/gm)) {
        const target = relative(root, resolve(dirname(file), m[1] ?? m[2]!));
        const floor = FLOORS[target.split('/')[0]!];
        if (floor === undefined) continue;
        imports++;
        if (floor > FLOORS[top]!) upward.push(`${relative(root, file)} imports ${target}`);
      }
    }
  }
  t.true(imports > 500, `only ${imports} relative imports found: is the scan still reading the tree?`);
  t.deepEqual(upward, []);
});
