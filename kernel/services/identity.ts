// Who is the caller: getpid, getppid, the uid/gid family (16- and 32-bit variants share a service:
// gate86 ids are below 65536, so the old calls' truncation never shows), uname.

import type { SyscallService } from '../kernel.ts';
import { Struct, copyToUser, FAULT } from './user.ts';

export const sys_getpid: SyscallService = (k) => k.task().tgid;      // the process; gettid: the thread
export const sys_getppid: SyscallService = (k) => k.task().ppid;
export const sys_getuid: SyscallService = (k) => k.task().credentials.uid;
export const sys_geteuid: SyscallService = (k) => k.task().credentials.euid;
export const sys_getgid: SyscallService = (k) => k.task().credentials.gid;
export const sys_getegid: SyscallService = (k) => k.task().credentials.egid;

/**
 * The kernel release uname reports. glibc refuses to start ("FATAL: kernel too old") below the
 * version it was configured for (3.2 on Debian), so gate86 reports 3.2.0 although its entry code is
 * Linux 2.6.0's: the system calls glibc needs are the ones implemented here.
 */
export const UTS_RELEASE = '3.2.0-gate86';
const UTS_FIELD = 65;

/** uname(struct new_utsname *): six 65-byte NUL-terminated fields. */
export const sys_newuname: SyscallService = (k, regs) => {
  const fields = ['Linux', 'gate86', UTS_RELEASE, '#1 gate86', 'i686', '(none)'];
  const s = new Struct(UTS_FIELD * fields.length);
  fields.forEach((f, i) => s.text(i * UTS_FIELD, f));
  return copyToUser(k, regs.get('ebx'), s.bytes) ? 0 : FAULT;
};
