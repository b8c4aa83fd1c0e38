/* System call numbers the guest assembly needs, from kernel/syscall_32.tbl (Linux i386 numbering). */
#ifndef GATE86_UNISTD_H
#define GATE86_UNISTD_H
#define __NR_exit		1
#define __NR_getuid		24
#define __NR_getppid		64
#define __NR_sigreturn		119
#define __NR_rt_sigreturn	173
#endif
