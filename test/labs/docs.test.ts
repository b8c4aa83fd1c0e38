// The student-facing documents generated from the cycle model stay in step with it, and every lab
// has its handout.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cycleModelMarkdown } from '../../vm/cpu/cycles/markdown.ts';
import { LABS } from '../../labs/registry.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('docs/labs/cycle-model.md is what the tables say (regenerate: npm run cost-table -- --write)', (t) => {
  t.is(readFileSync(root + 'docs/labs/cycle-model.md', 'utf8'), cycleModelMarkdown());
});

test('docs/labs/cost.md has the seven-model table, with Table 2\'s figures on athlon-xp and pentium4', (t) => {
  const cost = readFileSync(root + 'docs/labs/cost.md', 'utf8');
  t.regex(cost, /\| pentium4 \| sysenter \| 1152 \| 442 \|/);
  t.regex(cost, /\| athlon-xp \| sysenter \| 277 \| 169 \|/);
  for (const cpu of ['486', 'pentium', 'pentium-pro', 'pentium2', 'pentium3']) t.regex(cost, new RegExp(`\\| ${cpu} \\|`));
});

test('every lab has its handout, and the handout names every file the lab touches', (t) => {
  for (const lab of LABS) {
    t.true(existsSync(root + lab.handout), lab.handout);
    const text = readFileSync(root + lab.handout, 'utf8');
    for (const file of lab.touches) t.true(text.includes(file.split(' ')[0]!), `${lab.handout} mentions ${file}`);
  }
});
