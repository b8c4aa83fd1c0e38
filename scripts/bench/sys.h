/* The two system calls the benchmark workload makes, for i386 (int $0x80) and x86-64 (syscall),
 * and the program entry point: _start aligns the stack, calls main, exits with its value. */
#ifndef BENCH_SYS_H
#define BENCH_SYS_H

int main(void);

#if defined(__i386__)
static inline long sys_write(int fd, const void *buf, unsigned long n) {
  long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "0"(4), "b"(fd), "c"(buf), "d"(n) : "memory");
  return r;
}
__asm__(".globl _start\n_start:\n  xorl %ebp, %ebp\n  andl $-16, %esp\n  call main\n"
        "  movl %eax, %ebx\n  movl $1, %eax\n  int $0x80\n  hlt\n");
#elif defined(__x86_64__)
static inline long sys_write(int fd, const void *buf, unsigned long n) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "0"(1L), "D"((long)fd), "S"(buf), "d"(n) : "rcx", "r11", "memory");
  return r;
}
__asm__(".globl _start\n_start:\n  xorl %ebp, %ebp\n  andq $-16, %rsp\n  call main\n"
        "  movl %eax, %edi\n  movl $60, %eax\n  syscall\n  hlt\n");
#else
#error "the benchmark workload is for i386 or x86-64"
#endif

#endif
