// Every TypeScript system call service, by the entry point name kernel/syscall_32.tbl uses (Linux's
// names: uname is sys_newuname, mmap2 is sys_mmap_pgoff, the 16-bit uid calls are sys_getuid16 ...).
// The build makes one hypercall stub per name here; the table generator refuses an entry point missing here.

import type { SyscallService } from '../kernel.ts';
import * as identity from './identity.ts';
import * as process from './process.ts';
import * as memory from './memory.ts';
import * as files from './files.ts';
import * as time from './time.ts';
import * as random from './random.ts';
import * as signal from './signal.ts';
import * as tasks from './tasks.ts';
import * as futex from './futex.ts';

export const SYSCALL_SERVICES: Record<string, SyscallService> = {
  sys_exit: process.sys_exit,
  sys_exit_group: process.sys_exit_group,
  sys_set_tid_address: process.sys_set_tid_address,
  sys_set_thread_area: process.sys_set_thread_area,
  sys_getrlimit: process.sys_getrlimit,
  sys_iopl: process.sys_iopl,
  sys_set_robust_list: process.sys_set_robust_list,
  sys_get_robust_list: process.sys_get_robust_list,
  sys_futex_time32: futex.sys_futex_time32,
  sys_futex: futex.sys_futex,

  sys_getpid: identity.sys_getpid,
  sys_getppid: identity.sys_getppid,
  sys_getuid: identity.sys_getuid,
  sys_geteuid: identity.sys_geteuid,
  sys_getgid: identity.sys_getgid,
  sys_getegid: identity.sys_getegid,
  // The 16-bit variants (numbers 24, 49, 47, 50) answer the same: gate86's ids fit in 16 bits.
  sys_getuid16: identity.sys_getuid,
  sys_geteuid16: identity.sys_geteuid,
  sys_getgid16: identity.sys_getgid,
  sys_getegid16: identity.sys_getegid,
  sys_newuname: identity.sys_newuname,

  sys_brk: memory.sys_brk,
  sys_mmap_pgoff: memory.sys_mmap_pgoff,
  sys_munmap: memory.sys_munmap,
  sys_mprotect: memory.sys_mprotect,
  sys_mremap: memory.sys_mremap,
  sys_madvise: memory.sys_madvise,
  sys_msync: memory.sys_msync,

  sys_read: files.sys_read,
  sys_write: files.sys_write,
  sys_writev: files.sys_writev,
  sys_ioctl: files.sys_ioctl,
  sys_fstat64: files.sys_fstat64,
  sys_statx: files.sys_statx,
  sys_readlink: files.sys_readlink,
  sys_readlinkat: files.sys_readlinkat,

  sys_time: time.sys_time,
  sys_gettimeofday: time.sys_gettimeofday,
  sys_clock_gettime32: time.sys_clock_gettime32,
  sys_clock_gettime: time.sys_clock_gettime,
  sys_nanosleep_time32: time.sys_nanosleep_time32,
  sys_clock_nanosleep_time32: time.sys_clock_nanosleep_time32,
  sys_clock_nanosleep: time.sys_clock_nanosleep,
  sys_restart_syscall: time.sys_restart_syscall,

  sys_getrandom: random.sys_getrandom,

  sys_fork: tasks.sys_fork,
  sys_vfork: tasks.sys_vfork,
  sys_clone: tasks.sys_clone,
  sys_wait4: tasks.sys_wait4,
  sys_waitpid: tasks.sys_waitpid,
  sys_execve: tasks.sys_execve,

  sys_rt_sigaction: signal.sys_rt_sigaction,
  sys_rt_sigprocmask: signal.sys_rt_sigprocmask,
  sys_kill: signal.sys_kill,
  sys_tkill: signal.sys_tkill,
  sys_tgkill: signal.sys_tgkill,
  sys_gettid: signal.sys_gettid,
  sys_sigreturn: signal.sys_sigreturn,
  sys_rt_sigreturn: signal.sys_rt_sigreturn,
};
