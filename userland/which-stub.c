/*
 * which-stub: which __kernel_vsyscall did the kernel map? Reads the code at AT_SYSINFO and compares
 * it with the flavours of linux-gate.so.1 (fidelity point 5):
 *   sysenter: 51 52 55 89 e5 0f 34 ...   (push ecx, edx, ebp; mov %esp,%ebp; sysenter)
 *   int80:    cd 80 c3                   (int $0x80; ret)
 *   syscall:  51 55 89 cd 0f 05 ...      (push ecx, ebp; mov %ecx,%ebp; syscall), AMD's door, only
 *                                        when the kernel was built with head.S's SYSCALL_DOOR
 */
#include "lib/libc.h"

static int starts_with(const unsigned char *p, const unsigned char *bytes, int n)
{
	for (int i = 0; i < n; i++)
		if (p[i] != bytes[i])
			return 0;
	return 1;
}

int main(void)
{
	static const unsigned char sysenter[] = { 0x51, 0x52, 0x55, 0x89, 0xe5, 0x0f, 0x34 };
	static const unsigned char int80[] = { 0xcd, 0x80, 0xc3 };
	static const unsigned char syscall_stub[] = { 0x51, 0x55, 0x89, 0xcd, 0x0f, 0x05 };
	const unsigned char *code = (const unsigned char *)getauxval(AT_SYSINFO);
	const unsigned char *ehdr = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);

	if (!code) {
		printf("no AT_SYSINFO: system calls use int $0x80 directly\n");
		return 0;
	}
	printf("AT_SYSINFO_EHDR %p: %s\n", ehdr,
	       ehdr && ehdr[0] == 0x7f && ehdr[1] == 'E' && ehdr[2] == 'L' && ehdr[3] == 'F' ? "an ELF image (linux-gate.so.1)" : "not an ELF image");
	if (starts_with(code, sysenter, sizeof sysenter))
		printf("__kernel_vsyscall at %p: the sysenter stub\n", code);
	else if (starts_with(code, int80, sizeof int80))
		printf("__kernel_vsyscall at %p: the int $0x80 stub\n", code);
	else if (starts_with(code, syscall_stub, sizeof syscall_stub))
		printf("__kernel_vsyscall at %p: the syscall stub\n", code);
	else
		printf("__kernel_vsyscall at %p: an unknown stub (%x %x %x %x)\n", code, code[0], code[1], code[2], code[3]);
	return 0;
}
