// The fast-path lab's reference solution: the project's own enable_sep_cpu and sysenter stub.
import type { Edit } from '../../../labs/lab.ts';
import { ENABLE_SEP_CPU_REGION, STARTER_ENABLE_SEP_CPU, STARTER_STUB, SYSENTER_STUB_REGION } from '../../../labs/fast-path/lab.ts';
import { projectRegion } from './project-region.ts';

export const solution: Edit[] = [
  { file: 'kernel/arch/x86/vsyscall-sysenter.S', find: STARTER_STUB, replace: projectRegion('kernel/arch/x86/vsyscall-sysenter.S', SYSENTER_STUB_REGION) },
  { file: 'kernel/arch/x86/head.S', find: STARTER_ENABLE_SEP_CPU, replace: projectRegion('kernel/arch/x86/head.S', ENABLE_SEP_CPU_REGION) },
];
