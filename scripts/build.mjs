// `npm run build`: type-check, bundle the CLI and the machine's worker with esbuild into dist/, then
// run the later build stages (scripts/build-*.ts: the kernel and the userland, with gate86's own
// assembler and linker), and record the build (scripts/freshness.mjs) so that bin/gate86.js can
// tell whether dist/ and build/ still match the sources.
//
// The type check comes first and stops the build: esbuild strips types without checking them, so a
// typo in a kernel service would otherwise bundle and run. It is incremental (tsc --incremental,
// its state in build/tsc.tsbuildinfo): after the first run, checking a one-line change takes a
// couple of seconds.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { writeStamp } from './freshness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();

function typeCheck() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', root, '--incremental', '--tsBuildInfoFile', root + 'build/tsc.tsbuildinfo'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('build: type errors (above); nothing was bundled');
    process.exit(1);
  }
}

typeCheck();

const entryPoints = { gate86: 'cli/gate86.ts' };
for (const [name, path] of [['worker', 'vm/worker/machine-worker.ts'], ['program-worker', 'kernel/program-worker.ts']]) {
  if (existsSync(root + path)) entryPoints[name] = path;
}

await build({
  absWorkingDir: root,
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // Bundled CommonJS packages (elfy) need a require() in ESM output.
  banner: { js: "import { createRequire as __gate86Require } from 'node:module'; const require = __gate86Require(import.meta.url);" },
});

// Later build stages register themselves here: scripts/build-*.ts, run in name order.
const stages = readdirSync(root + 'scripts').filter((f) => /^build-.*\.ts$/.test(f)).sort();
for (const stage of stages) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/' + stage], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
writeStamp(root, started);
