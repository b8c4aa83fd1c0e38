// The fast-path lab's reference solution: the project's own enable_sep_cpu and sysenter stub.
import type { Edit } from '../../../labs/lab.ts';
import { ENABLE_SEP_CPU, STARTER_ENABLE_SEP_CPU, STARTER_STUB, SYSENTER_STUB } from '../../../labs/fast-path/lab.ts';

export const solution: Edit[] = [
  { file: 'kernel/arch/x86/vsyscall-sysenter.S', find: STARTER_STUB, replace: SYSENTER_STUB },
  { file: 'kernel/arch/x86/head.S', find: STARTER_ENABLE_SEP_CPU, replace: ENABLE_SEP_CPU },
];
