// The syscall-insn lab's program, put into the student's copy as userland/doorcheck.c.
export const DOORCHECK_C = `/*
 * doorcheck: the same system calls through int $0x80 and through __kernel_vsyscall (AT_SYSINFO),
 * whichever door the kernel mapped (docs/labs/syscall-insn.md):
 *   1. getppid both ways: the same answer;
 *   2. write(1, buf, n) through __kernel_vsyscall: argument 2 (buf) travels in ECX, the register
 *      SYSCALL overwrites with the return EIP;
 *   3. getppid with EBX, ECX, EDX, ESI, EDI, EBP set to 0x11111111 .. 0x66666666: the six argument
 *      registers (--trace syscall shows what the kernel saw), and every one of them must come back
 *      unchanged — the C ABI lets a caller of __kernel_vsyscall (glibc's "call *%gs:0x10") keep
 *      values in them.
 * Run natively (the oracle) it prints the same lines.
 */
#include "lib/libc.h"

unsigned long door_regs[6];
void *door_entry;

/* long door_probe(long number): EBX..EBP = door_regs[0..5], call *door_entry, store them back. */
long door_probe(long number);
__asm__(
	".text\\n"
	".globl door_probe\\n"
	"door_probe:\\n"
	"	pushl %ebp\\n"
	"	pushl %edi\\n"
	"	pushl %esi\\n"
	"	pushl %ebx\\n"
	"	movl 20(%esp), %eax\\n"
	"	movl door_regs, %ebx\\n"
	"	movl door_regs+4, %ecx\\n"
	"	movl door_regs+8, %edx\\n"
	"	movl door_regs+12, %esi\\n"
	"	movl door_regs+16, %edi\\n"
	"	movl door_regs+20, %ebp\\n"
	"	call *door_entry\\n"
	"	movl %ebx, door_regs\\n"
	"	movl %ecx, door_regs+4\\n"
	"	movl %edx, door_regs+8\\n"
	"	movl %esi, door_regs+12\\n"
	"	movl %edi, door_regs+16\\n"
	"	movl %ebp, door_regs+20\\n"
	"	popl %ebx\\n"
	"	popl %esi\\n"
	"	popl %edi\\n"
	"	popl %ebp\\n"
	"	ret\\n"
	".globl door_int80\\n"
	"door_int80:\\n"
	"	int $0x80\\n"
	"	ret\\n");
void door_int80(void);

static const char *const names[6] = { "ebx", "ecx", "edx", "esi", "edi", "ebp" };

static void probe(const char *door, void *entry)
{
	door_entry = entry;
	for (int i = 0; i < 6; i++)
		door_regs[i] = 0x11111111UL * (i + 1);
	long r = door_probe(__NR_getppid);
	int changed = 0;
	for (int i = 0; i < 6; i++) {
		if (door_regs[i] != 0x11111111UL * (i + 1)) {
			printf("registers across %s: %s = 0x%x, was 0x%x\\n", door, names[i], (unsigned)door_regs[i], (unsigned)(0x11111111UL * (i + 1)));
			changed++;
		}
	}
	if (!changed)
		printf("registers across %s: all six kept (getppid %s)\\n", door, r == getppid() ? "right" : "WRONG");
}

int main(void)
{
	void *vsyscall = (void *)getauxval(AT_SYSINFO);
	if (!vsyscall) {
		printf("no AT_SYSINFO\\n");
		return 1;
	}
	long a = __syscall_int80(__NR_getppid, 0, 0, 0);
	long b = __syscall(__NR_getppid);
	printf("getppid: int $0x80 and __kernel_vsyscall %s\\n", a == b ? "agree" : "DISAGREE");
	static const char text[] = "write through __kernel_vsyscall\\n";
	long n = __syscall(__NR_write, 1, (long)text, sizeof text - 1);
	printf("write returned %d\\n", (int)n);
	probe("int $0x80", (void *)door_int80);
	probe("__kernel_vsyscall", vsyscall);
	return 0;
}
`;

/** The program of the TF check: a SYSCALL with EFLAGS.TF set, as test/kernel/programs/tf.S does for SYSENTER. */
export const TFSYSCALL_C = `/*
 * tfsyscall: set EFLAGS.TF with popf right before SYSCALL (docs/labs/syscall-insn.md). TF takes
 * effect after the next instruction, so the single-step trap comes after SYSCALL: at CPL 0, with
 * ESP still the user's. The kernel must move to its own stack, clear TF and finish the call.
 * Natively (on Intel, or without the door) this SYSCALL is #UD: SIGILL.
 */
#include "lib/libc.h"

/* long tf_syscall(long number): the syscall stub's pushes, TF on, syscall; SYSCALL_RETURN returns. */
long tf_syscall(long number);
__asm__(
	".text\\n"
	".globl tf_syscall\\n"
	"tf_syscall:\\n"
	"	movl 4(%esp), %eax\\n"
	"	pushl %ecx\\n"
	"	pushl %ebp\\n"
	"	movl %ecx, %ebp\\n"
	"	pushfl\\n"
	"	orl $0x100, (%esp)\\n"
	"	popfl\\n"
	"	syscall\\n"		/* returns to SYSCALL_RETURN: pop %ebp; pop %ecx; ret — to our caller */
	"	ud2\\n");

int main(void)
{
	long r = tf_syscall(__NR_getpid);
	printf("getpid through syscall with TF set: %s\\n", r == getpid() ? "right" : "wrong");
	return 0;
}
`;
