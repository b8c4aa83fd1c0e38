// The trace lab's reference solution: two rows, the mask on Task, fork copying it, the print in
// Kernel.serve, and a services module with sys_trace and sys_sysinfo.
import type { Edit } from '../../../labs/lab.ts';

export const solution: Edit[] = [
  { file: 'kernel/syscall_32.tbl', find: '116\ti386\tsysinfo\n', replace: '116\ti386\tsysinfo\tsys_sysinfo\n' },
  { file: 'kernel/syscall_32.tbl', find: '450\ti386\tset_mempolicy_home_node\n', replace: '450\ti386\tset_mempolicy_home_node\n1001\ti386\ttrace\tsys_trace\n' },
  { file: 'kernel/task.ts', find: '  blockedSignals: Sigset = 0n;\n', replace: '  blockedSignals: Sigset = 0n;\n  /** trace(mask): bit n prints each system call number n this task makes (n < 32). */\n  traceMask = 0;\n' },
  { file: 'kernel/services/tasks.ts', find: '  child.blockedSignals = parent.blockedSignals;\n', replace: '  child.blockedSignals = parent.blockedSignals;\n  child.traceMask = parent.traceMask;\n' },
  {
    file: 'kernel/kernel.ts',
    find: '  serve(service: SyscallService, regs: PtRegs): number {\n',
    replace: `  serve(service: SyscallService, regs: PtRegs): number {
    const task = this.task();
    const number = regs.get('orig_eax');
    const result = this.serveTraced(service, regs);
    if (number < 32 && (task.traceMask & (1 << number)) !== 0) {
      const args = regs.args().slice(0, 3).map((a) => '0x' + a.toString(16)).join(', ');
      this.host.write(2, new TextEncoder().encode(\`\${task.pid}: \${syscallName(this, number)}(\${args}) -> \${result | 0}\\n\`));
    }
    return result;
  }

  private serveTraced(service: SyscallService, regs: PtRegs): number {
`,
  },
  {
    file: 'kernel/services/trace.ts',
    text: `// The trace lab: trace(mask) and sysinfo(info).
import type { SyscallService } from '../kernel.ts';
import { Struct, copyToUser, FAULT } from './user.ts';

export const sys_trace: SyscallService = (k, regs) => {
  k.task().traceMask = regs.args()[0]!;
  return 0;
};

/** sysinfo(struct sysinfo *): Linux's 64-byte struct; -EFAULT when it cannot be written. */
export const sys_sysinfo: SyscallService = (k, regs) => {
  const procs = [...k.tasks.values()].filter((t) => t.state !== 'zombie').length;
  const info = new Struct(64)
    .u32(0, Number(k.host.monotonic() / 1_000_000_000n))
    .u32(16, k.ram.u8.length)
    .u32(20, k.frames.available * 4096)
    .u16(40, procs)
    .u32(52, 1);
  return copyToUser(k, regs.args()[0]!, info.bytes) ? 0 : FAULT;
};
`,
  },
  { file: 'kernel/services/index.ts', find: "import * as tasks from './tasks.ts';\n", replace: "import * as tasks from './tasks.ts';\nimport * as trace from './trace.ts';\n" },
  { file: 'kernel/services/index.ts', find: '\nservicesExportedBy([', replace: '\nservicesExportedBy([trace, ' },
];
