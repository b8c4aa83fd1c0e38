// The restart lab's reference solution: Linux's handle_signal rule, as the project's signals.ts has it.
import type { Edit } from '../../../labs/lab.ts';
import { HANDLER_RULE, STARTER_RULE } from '../../../labs/restart/lab.ts';

export const solution: Edit[] = [{ file: 'kernel/signals.ts', find: STARTER_RULE, replace: HANDLER_RULE }];
