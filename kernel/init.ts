// kernel_init(regs): the end of the boot. head.S's start_init calls it on the init stack with a
// pt_regs frame ready; task 1 execs the program the host gave (Linux's init/main.c, which execs
// /sbin/init), and entry.S leaves through iret into it.

import type { HypercallHandler } from './kernel.ts';
import { loadProgram, startThread, ExecError } from './exec.ts';
import { TIF_IRET, VSYSCALL_ENTRY } from './layout.ts';

const hex = (v: number): string => '0x' + (v >>> 0).toString(16);

/** 0 on success; otherwise the kernel stops (the host is told: status 126, as a shell says for a bad exec). */
export const kernelInit: HypercallHandler = (k, sp) => {
  const regs = k.ptRegsAt(k.stackArg(sp, 0));
  const p = k.host.program;
  const { uid, gid } = p.credentials ?? { uid: 0, gid: 0 };
  const credentials = { uid, euid: uid, gid, egid: gid };
  try {
    const loaded = loadProgram(k.ram, k.frames, k.kernelDirectory(), {
      image: p.image, path: p.path, argv: p.argv, envp: p.envp, credentials, hwcap: k.hwcap(), random: k.host.random(16),
    });
    const task = k.createInitTask(loaded.space, credentials);
    task.brkStart = task.brk = loaded.brk;
    task.executable = p.path;
    k.activate(task);
    startThread(regs, loaded.entry, loaded.stackPointer);
    k.setThreadFlag(task, TIF_IRET);            // pt_regs was written: leave through iret
    k.host.log(`exec ${p.path}: entry ${hex(loaded.entry)}, stack ${hex(loaded.stackPointer)}, AT_SYSINFO ${hex(VSYSCALL_ENTRY)}`);
    return 0;
  } catch (error) {
    if (error instanceof ExecError) {
      k.host.log(`exec ${p.path}: ${error.message}`);
      k.host.exit({ code: 126, reason: error.message });
      return -error.errno;
    }
    throw error;
  }
};
