// `gate86 lab grade NAME`: build the student's copy with the project's build, then run the lab's
// checks on it and print each one — pass, or FAIL with its hint and what was seen — and a score.
import { existsSync } from 'node:fs';
import { buildWorkspace } from './build.ts';
import { labContext } from './context.ts';
import type { Check, LabContext, LabDefinition } from './lab.ts';
import { relativeToCwd } from './workspace.ts';

export interface GradeReport {
  built: boolean;
  passed: number;
  total: number;
  /** Each check by name: passed or not. */
  results: { name: string; ok: boolean }[];
}

const indent = (text: string, by: string) => text.trimEnd().split('\n').map((l) => by + l).join('\n');

export async function gradeLab(root: string, lab: LabDefinition, dir: string, print: (line: string) => void): Promise<GradeReport> {
  const total = lab.checks.length;
  if (!existsSync(dir)) {
    print(`lab ${lab.name}: no copy at ${relativeToCwd(dir)}; \`gate86 lab start ${lab.name}\` makes one`);
    return { built: false, passed: 0, total, results: [] };
  }
  print(`lab ${lab.name}: grading ${relativeToCwd(dir)}`);
  const build = buildWorkspace(dir);
  if (!build.ok) {
    print(`  build: FAILED (${build.seconds.toFixed(1)} s) — nothing was graded. The build said (paths are in your copy):`);
    print(indent(build.output, '    '));
    print(`  score: 0/${total}`);
    return { built: false, passed: 0, total, results: [] };
  }
  print(`  build: type check, bundle, kernel, userland: ok (${build.seconds.toFixed(1)} s)`);
  const ctx = labContext(root, dir);
  const results: { name: string; ok: boolean }[] = [];
  try {
    for (const c of lab.checks) results.push({ name: c.name, ok: await runCheck(c, ctx, print) });
  } finally {
    ctx.close();
  }
  const passed = results.filter((r) => r.ok).length;
  print(`  score: ${passed}/${total}${passed === total ? ' — every check passes' : ''}`);
  return { built: true, passed, total, results };
}

/** Run one check and print it: [pass], or [FAIL] with its hint and what it saw. */
async function runCheck(c: Check, ctx: LabContext, print: (line: string) => void): Promise<boolean> {
  let ok = false;
  let detail: string | undefined;
  try {
    const r = await c.run(ctx);
    ok = r.ok;
    detail = r.detail;
  } catch (error) {
    detail = `the check itself could not run: ${(error as Error).message}`;
  }
  print(`  [${ok ? 'pass' : 'FAIL'}] ${c.name}`);
  if (!ok) {
    print(indent(`hint: ${c.hint}`, '         '));
    if (detail) print(indent(detail, '         | '));
  }
  return ok;
}
