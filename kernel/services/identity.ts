// Who is the caller: getpid, getppid, the uid/gid family (16- and 32-bit variants share a service:
// gate86 ids are below 65536, so the old calls' truncation never shows), uname.

import type { Kernel, SyscallService } from '../kernel.ts';
import { EAGAIN, EPERM } from '../layout.ts';
import { RLIMIT_NPROC } from '../rlimit.ts';
import { Struct, copyToUser, FAULT } from './user.ts';
import { userTasks } from './tasks.ts';

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

/**
 * setuid(uid) (2.6's sys_setuid): root becomes `uid` wholly (real and effective) — refused with
 * -EAGAIN when that user already runs RLIMIT_NPROC tasks (set_user), so a login cannot get round
 * the limit by changing user; anyone else may only set the effective uid to the real one (-EPERM
 * otherwise: gate86 keeps no saved set-user-ID, the other uid 2.6 allows). The calling thread only;
 * glibc makes every thread call it.
 */
function setUid(k: Kernel, uid: number): number {
  const task = k.task();
  const c = task.credentials;
  if (c.euid === 0) {
    if (uid !== c.uid && uid !== 0 && userTasks(k, uid) >= task.group.limits[RLIMIT_NPROC]!.cur) return -EAGAIN;
    c.uid = uid;
  } else if (uid !== c.uid) return -EPERM;
  c.euid = uid;
  return 0;
}

export const sys_setuid: SyscallService = (k, regs) => setUid(k, regs.get('ebx'));
/** The 16-bit call: (u16)-1 is -1, as low2highuid makes it. */
export const sys_setuid16: SyscallService = (k, regs) => {
  const uid = regs.get('ebx') & 0xffff;
  return setUid(k, uid === 0xffff ? 0xffffffff : uid);
};
