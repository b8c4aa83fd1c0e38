// Every TypeScript system call service, by the entry point name kernel/syscall_32.tbl uses (Linux's
// names: uname is sys_newuname, mmap2 is sys_mmap_pgoff, the 16-bit uid calls are sys_getuid16 ...).
// A `sys_NAME` that one of these modules exports is a service under its own name without a line
// here (servicesExportedBy below): adding a system call is a table row, a service and a program.
// The build makes one hypercall stub per name here; the table generator refuses an entry point missing here.

import type { SyscallService } from '../kernel.ts';
import * as identity from './identity.ts';
import * as process from './process.ts';
import * as memory from './memory.ts';
import * as io from './fs-io.ts';
import * as names from './fs-names.ts';
import * as poll from './poll.ts';
import * as jobs from './jobs.ts';
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
  sys_old_getrlimit: process.sys_old_getrlimit,
  sys_setrlimit: process.sys_setrlimit,
  sys_prlimit64: process.sys_prlimit64,
  sys_iopl: process.sys_iopl,
  sys_prctl: process.sys_prctl,
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
  sys_setuid: identity.sys_setuid,
  sys_setuid16: identity.sys_setuid16,

  sys_brk: memory.sys_brk,
  sys_mmap_pgoff: memory.sys_mmap_pgoff,
  sys_munmap: memory.sys_munmap,
  sys_mprotect: memory.sys_mprotect,
  sys_mremap: memory.sys_mremap,
  sys_madvise: memory.sys_madvise,
  sys_msync: memory.sys_msync,

  // Files (kernel/fs/, services/fs-io.ts, fs-names.ts, poll.ts).
  sys_open: io.sys_open, sys_openat: io.sys_openat, sys_creat: io.sys_creat, sys_close: io.sys_close,
  sys_dup: io.sys_dup, sys_dup2: io.sys_dup2, sys_dup3: io.sys_dup3, sys_fcntl64: io.sys_fcntl64, sys_fcntl: io.sys_fcntl64,
  sys_flock: io.sys_flock, sys_pipe: io.sys_pipe, sys_pipe2: io.sys_pipe2,
  sys_read: io.sys_read, sys_write: io.sys_write, sys_readv: io.sys_readv, sys_writev: io.sys_writev,
  sys_pread64: io.sys_pread64, sys_pwrite64: io.sys_pwrite64, sys_lseek: io.sys_lseek, sys_llseek: io.sys_llseek,
  sys_sendfile: io.sys_sendfile, sys_sendfile64: io.sys_sendfile64, sys_ioctl: io.sys_ioctl,
  sys_getdents: io.sys_getdents, sys_getdents64: io.sys_getdents64,
  sys_fsync: io.sys_fsync, sys_fdatasync: io.sys_fdatasync, sys_sync: io.sys_sync,
  sys_stat64: names.sys_stat64, sys_lstat64: names.sys_lstat64, sys_fstat64: names.sys_fstat64,
  sys_newstat: names.sys_newstat, sys_newlstat: names.sys_newlstat, sys_newfstat: names.sys_newfstat,
  sys_fstatat64: names.sys_fstatat64, sys_statx: names.sys_statx,
  sys_statfs: names.sys_statfs, sys_fstatfs: names.sys_fstatfs, sys_statfs64: names.sys_statfs64, sys_fstatfs64: names.sys_fstatfs64,
  sys_access: names.sys_access, sys_faccessat: names.sys_faccessat, sys_faccessat2: names.sys_faccessat2,
  sys_readlink: names.sys_readlink, sys_readlinkat: names.sys_readlinkat, sys_symlink: names.sys_symlink, sys_symlinkat: names.sys_symlinkat,
  sys_mkdir: names.sys_mkdir, sys_mkdirat: names.sys_mkdirat, sys_rmdir: names.sys_rmdir, sys_unlink: names.sys_unlink, sys_unlinkat: names.sys_unlinkat,
  sys_mknod: names.sys_mknod, sys_mknodat: names.sys_mknodat, sys_link: names.sys_link, sys_linkat: names.sys_linkat,
  sys_rename: names.sys_rename, sys_renameat: names.sys_renameat, sys_renameat2: names.sys_renameat2,
  sys_chdir: names.sys_chdir, sys_fchdir: names.sys_fchdir, sys_chroot: names.sys_chroot, sys_getcwd: names.sys_getcwd, sys_umask: names.sys_umask,
  sys_chmod: names.sys_chmod, sys_fchmod: names.sys_fchmod, sys_fchmodat: names.sys_fchmodat,
  sys_chown: names.sys_chown, sys_lchown: names.sys_lchown, sys_fchown: names.sys_fchown, sys_fchownat: names.sys_fchownat,
  sys_chown16: names.sys_chown16, sys_lchown16: names.sys_lchown16, sys_fchown16: names.sys_fchown16,
  sys_truncate: names.sys_truncate, sys_truncate64: names.sys_truncate64, sys_ftruncate: names.sys_ftruncate, sys_ftruncate64: names.sys_ftruncate64,
  sys_utimensat_time32: names.sys_utimensat_time32, sys_utimensat: names.sys_utimensat, sys_utimes_time32: names.sys_utimes_time32, sys_utime32: names.sys_utime32,
  sys_mount: names.sys_mount, sys_umount: names.sys_umount,
  sys_poll: poll.sys_poll, sys_ppoll_time32: poll.sys_ppoll_time32, sys_ppoll: poll.sys_ppoll,
  sys_select: poll.sys_select, sys_old_select: poll.sys_old_select, sys_pselect6_time32: poll.sys_pselect6_time32, sys_pselect6: poll.sys_pselect6,

  // Sessions, groups and process clocks (services/jobs.ts).
  sys_setsid: jobs.sys_setsid, sys_setpgid: jobs.sys_setpgid, sys_getpgid: jobs.sys_getpgid, sys_getpgrp: jobs.sys_getpgrp, sys_getsid: jobs.sys_getsid,
  sys_alarm: jobs.sys_alarm, sys_getitimer: jobs.sys_getitimer, sys_setitimer: jobs.sys_setitimer,
  sys_times: jobs.sys_times, sys_getrusage: jobs.sys_getrusage, sys_sysinfo: jobs.sys_sysinfo,

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
  sys_rt_sigsuspend: signal.sys_rt_sigsuspend,
  sys_pause: signal.sys_pause,
  sys_rt_sigpending: signal.sys_rt_sigpending,
  sys_rt_sigtimedwait: signal.sys_rt_sigtimedwait,
  sys_rt_sigqueueinfo: signal.sys_rt_sigqueueinfo,
  sys_sigaction: signal.sys_sigaction,
  sys_sigsuspend: signal.sys_sigsuspend,
  sys_sigpending: signal.sys_sigpending,
  sys_sigprocmask: signal.sys_sigprocmask,
  sys_rt_tgsigqueueinfo: signal.sys_rt_tgsigqueueinfo,
  sys_kill: signal.sys_kill,
  sys_tkill: signal.sys_tkill,
  sys_tgkill: signal.sys_tgkill,
  sys_gettid: signal.sys_gettid,
  sys_sigreturn: signal.sys_sigreturn,
  sys_rt_sigreturn: signal.sys_rt_sigreturn,
};

/**
 * Every `sys_*` function these modules export that the map above does not name already: a new
 * service (a lab's) is reachable from its table row as soon as it is exported.
 */
function servicesExportedBy(modules: Record<string, unknown>[]): void {
  for (const module of modules) {
    for (const [name, value] of Object.entries(module)) {
      if (name.startsWith('sys_') && typeof value === 'function' && !(name in SYSCALL_SERVICES)) SYSCALL_SERVICES[name] = value as SyscallService;
    }
  }
}
servicesExportedBy([identity, process, memory, io, names, poll, jobs, time, random, signal, tasks, futex]);
