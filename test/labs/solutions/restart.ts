// The restart lab's reference solution: Linux's handle_signal rule, the one the project's own
// kernel/signals.ts has (taken from it, so the solution follows the project when the rule grows).
import type { Edit } from '../../../labs/lab.ts';
import { HANDLER_RULE_REGION, STARTER_RULE } from '../../../labs/restart/lab.ts';
import { projectRegion } from './project-region.ts';

export const solution: Edit[] = [{ file: 'kernel/signals.ts', find: STARTER_RULE, replace: projectRegion('kernel/signals.ts', HANDLER_RULE_REGION) }];
