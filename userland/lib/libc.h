/* The tiny libc of gate86's sample programs: system call wrappers through AT_SYSINFO, a printf. */
#ifndef GATE86_LIBC_H
#define GATE86_LIBC_H

typedef unsigned int size_t;
typedef int ssize_t;

#define __NR_exit	1
#define __NR_write	4
#define __NR_getpid	20
#define __NR_getuid	24
#define __NR_getppid	64
#define __NR_exit_group	252
#define __NR_clock_gettime 265

#define AT_SYSINFO	32
#define AT_SYSINFO_EHDR	33

long __syscall(long number, ...);
long __syscall_int80(long number, long a1, long a2, long a3);
extern void *_dl_sysinfo;
extern unsigned long *__auxv;

extern int errno;
void exit(int status) __attribute__((noreturn));
ssize_t write(int fd, const void *buffer, size_t count);
int getuid(void);
int getpid(void);
int getppid(void);
unsigned long getauxval(unsigned long type);
size_t strlen(const char *s);
int printf(const char *format, ...);

struct timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int clock, struct timespec *ts);

#endif
