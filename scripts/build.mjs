// `npm run build`: bundle the CLI and the machine's worker with esbuild into dist/.
// Later steps (assembling the kernel and userland with gate86's own toolchain) hang off this script.
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
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
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/' + stage], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
