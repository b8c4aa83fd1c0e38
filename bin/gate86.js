#!/usr/bin/env node
// The gate86 command. `npm install` builds dist/ (the `prepare` script); this file only loads it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/gate86.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('gate86: dist/gate86.js is missing; run `npm run build` (npm install runs it too)\n');
  process.exit(1);
}
await import(bundle);
