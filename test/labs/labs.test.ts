// Every lab, graded as a student would be: the untouched starter fails its grader (with a hint for
// each failed check), and the reference solution (test/labs/solutions/NAME.ts) passes every check.
// Each lab is started in a fresh labs home (GATE86_LABS) so a developer's my-labs/ is never touched.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABS } from '../../labs/registry.ts';
import { gradeLab } from '../../labs/grade.ts';
import { applyEdits } from '../../labs/edits.ts';
import { startLab, workspaceOf } from '../../labs/workspace.ts';
import type { Edit } from '../../labs/lab.ts';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('gate86 lab list shows at least six labs', (t) => {
  t.true(LABS.length >= 6, LABS.map((l) => l.name).join(', '));
});

for (const lab of LABS) {
  // Serial: each grade builds a whole copy (type check, bundle, kernel, userland).
  test.serial(`lab ${lab.name}: the starter fails its grader with hints; the reference solution passes every check`, async (t) => {
    process.env.GATE86_LABS = mkdtempSync(join(tmpdir(), `gate86-lab-${lab.name}-`));
    const dir = startLab(root, lab);
    t.is(dir, workspaceOf(root, lab.name));
    const lines: string[] = [];
    const starter = await gradeLab(root, lab, dir, (l) => lines.push(l));
    t.true(starter.built, lines.join('\n'));
    t.true(starter.passed < starter.total, `the untouched starter must fail:\n${lines.join('\n')}`);
    t.true(lines.some((l) => l.includes('hint: ')), 'a failed check prints its hint');

    const { solution } = await import(`./solutions/${lab.name}.ts`) as { solution: Edit[] };
    applyEdits(dir, solution);
    const after: string[] = [];
    const solved = await gradeLab(root, lab, dir, (l) => after.push(l));
    t.is(solved.passed, solved.total, after.join('\n'));
  });
}
