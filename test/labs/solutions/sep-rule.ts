// The sep-rule lab's reference solution: Linux 2.6.0's init_intel rule, as the project's head.S has it.
import type { Edit } from '../../../labs/lab.ts';
import { HOLE, SEP_RULE_REGION } from '../../../labs/sep-rule/lab.ts';
import { projectRegion } from './project-region.ts';

export const solution: Edit[] = [{ file: 'kernel/arch/x86/head.S', find: HOLE, replace: projectRegion('kernel/arch/x86/head.S', SEP_RULE_REGION) }];
