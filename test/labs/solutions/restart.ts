// The restart lab's reference solution: Linux's handle_signal rule, the one the project's own
// kernel/signals.ts has (taken from it, so the solution follows the project when the rule grows).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Edit } from '../../../labs/lab.ts';
import { regionOf } from '../../../labs/edits.ts';
import { HANDLER_RULE_REGION, STARTER_RULE } from '../../../labs/restart/lab.ts';

const signals = readFileSync(fileURLToPath(new URL('../../../kernel/signals.ts', import.meta.url)), 'utf8');
const [at, end] = regionOf(signals, HANDLER_RULE_REGION.from, HANDLER_RULE_REGION.through, 'kernel/signals.ts');

export const solution: Edit[] = [{ file: 'kernel/signals.ts', find: STARTER_RULE, replace: signals.slice(at, end) }];
