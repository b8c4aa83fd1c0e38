/*
 * getuid: seed 003's test program. glibc's static __getuid does `movl $0x18,%eax; call *_dl_sysinfo`,
 * and _dl_sysinfo holds AT_SYSINFO = 0xffffe400 once the program runs; this libc does the same
 * (lib/crt0.S, lib/syscall.S), so the call goes through __kernel_vsyscall: sysenter or int $0x80,
 * whichever the kernel put in the vsyscall page.
 */
#include "lib/libc.h"

int main(void)
{
	printf("getuid() = %d\n", getuid());
	return 0;
}
