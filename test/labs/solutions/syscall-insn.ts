// The syscall-insn lab's reference solution: the project's own enable_syscall_cpu, syscall_entry and
// syscall stub — and the door switched on, which the shipped kernel leaves off.
import type { Edit } from '../../../labs/lab.ts';
import {
  DOOR_OFF, DOOR_ON, ENABLE_SYSCALL_CPU_REGION, STARTER_ENABLE_SYSCALL_CPU, STARTER_ENTRY, STARTER_STUB, SYSCALL_ENTRY_REGION, SYSCALL_STUB_REGION,
} from '../../../labs/syscall-insn/lab.ts';
import { projectRegion } from './project-region.ts';

export const solution: Edit[] = [
  { file: 'kernel/arch/x86/vsyscall-syscall.S', find: STARTER_STUB, replace: projectRegion('kernel/arch/x86/vsyscall-syscall.S', SYSCALL_STUB_REGION) },
  { file: 'kernel/arch/x86/entry.S', find: STARTER_ENTRY, replace: projectRegion('kernel/arch/x86/entry.S', SYSCALL_ENTRY_REGION) },
  { file: 'kernel/arch/x86/head.S', find: STARTER_ENABLE_SYSCALL_CPU, replace: projectRegion('kernel/arch/x86/head.S', ENABLE_SYSCALL_CPU_REGION) },
  { file: 'kernel/arch/x86/head.S', find: DOOR_OFF, replace: DOOR_ON },
];
