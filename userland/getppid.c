/*
 * getppid: one call of the system call seed 003's Table 2 measures, for docs/debugging.md's walk
 * through a crossing with gdb and with the step view. The call goes through __kernel_vsyscall
 * (lib/syscall.S: `call *_dl_sysinfo`): sysenter where the CPU has it, int $0x80 otherwise.
 */
#include "lib/libc.h"

int main(void)
{
	int parent = getppid();
	printf("getppid() = %d\n", parent);
	return 0;
}
