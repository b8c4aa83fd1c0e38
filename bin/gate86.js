#!/usr/bin/env node
// The gate86 command. `npm install` builds dist/ (the `prepare` script); this file only loads it —
// after checking that dist/ and build/ are not older than the sources (scripts/freshness.mjs). A
// stale build is rebuilt first when the build tools are installed (one line on stderr says so, the
// build's own output goes to stderr too), and refused otherwise: an edit is never silently ignored.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isStale } from '../scripts/freshness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = root + 'dist/gate86.js';

/** One build at a time: concurrent runs of a stale gate86 wait for the first one's build. */
function withBuildLock(body) {
  const lock = root + 'build/.build-lock';
  mkdirSync(root + 'build', { recursive: true });
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; ; waited += 100) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than five minutes belongs to a build that died: take it over.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) { rmdirSync(lock); continue; }
      Atomics.wait(pause, 0, 0, 100);
    }
  }
  try { return body(); } finally { rmdirSync(lock); }
}

if (isStale(root)) {
  const tools = existsSync(root + 'node_modules/esbuild') && existsSync(root + 'node_modules/typescript');
  if (!tools) {
    process.stderr.write('gate86: dist/ is missing or older than its sources; run `npm run build` (npm install runs it too)\n');
    process.exit(1);
  }
  const ok = withBuildLock(() => {
    if (!isStale(root)) return true; // another gate86 built it while this one waited
    process.stderr.write('gate86: the sources changed since the last build; rebuilding first (npm run build)\n');
    const r = spawnSync(process.execPath, [root + 'scripts/build.mjs'], { cwd: root, stdio: ['ignore', 2, 2] });
    return r.status === 0;
  });
  if (!ok) {
    process.stderr.write('gate86: the build failed (above); not running the old dist/\n');
    process.exit(1);
  }
}
await import(bundle);
