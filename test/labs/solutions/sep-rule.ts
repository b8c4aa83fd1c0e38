// The sep-rule lab's reference solution: Linux 2.6.0's init_intel rule, as the project's head.S has it.
import type { Edit } from '../../../labs/lab.ts';
import { sepRuleLab, SEP_RULE_IN_HEAD_S } from '../../../labs/sep-rule/lab.ts';

const hole = sepRuleLab.starter[0]!;
export const solution: Edit[] = [{ file: 'kernel/arch/x86/head.S', find: 'replace' in hole ? hole.replace : '', replace: SEP_RULE_IN_HEAD_S }];
