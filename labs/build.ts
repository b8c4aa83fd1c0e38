// Building a student's copy with the project's own build (the copy's scripts/build.mjs: incremental
// type check, esbuild, the kernel and the userland with gate86's assembler and linker). Type errors
// and assembler errors come back as the build printed them, with paths inside the copy.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface BuildResult {
  ok: boolean;
  output: string;
  seconds: number;
}

export function buildWorkspace(dir: string): BuildResult {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(dir, 'scripts/build.mjs')], { cwd: dir, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`, seconds };
}
