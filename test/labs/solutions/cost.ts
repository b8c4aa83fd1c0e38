// The cost lab's reference solution: the measurement program and answers of the length asked.
import type { Edit } from '../../../labs/lab.ts';

const PROGRAM = `/* costlab: getppid() through both doors, timed with RDTSC (the cost lab). */
#include "lib/libc.h"

#define CALLS 20000

static unsigned long long rdtsc(void)
{
	unsigned int lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

static int has_tsc(void)
{
	unsigned int a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1));
	return (d >> 4) & 1;
}

int main(void)
{
	if (!has_tsc()) {
		printf("no TSC\\n");
		return 0;
	}
	for (int i = 0; i < CALLS; i++) {
		__syscall_int80(__NR_getppid, 0, 0, 0);
		__syscall(__NR_getppid);
	}
	unsigned long long t0 = rdtsc();
	for (int i = 0; i < CALLS; i++)
		__syscall_int80(__NR_getppid, 0, 0, 0);
	unsigned long long t1 = rdtsc();
	for (int i = 0; i < CALLS; i++)
		__syscall(__NR_getppid);
	unsigned long long t2 = rdtsc();
	printf("int $0x80: %u cycles per getppid\\n", (unsigned)((t1 - t0) / CALLS));
	printf("__kernel_vsyscall: %u cycles per getppid\\n", (unsigned)((t2 - t1) / CALLS));
	return 0;
}
`;

const ANSWERS = `# The cost lab: your answers

## 1. Why is int $0x80 so much dearer than sysenter on the Pentium 4, and not on the Athlon XP?

INT and IRET are long microcode sequences: each reads descriptors (the IDT gate, the code and stack segments), switches stacks through the TSS and serializes the pipeline. The Pentium 4 pays far more for that microcode than the Athlon does, so the int door costs about 2.6 times the sysenter door there but only 1.6 times on the Athlon.

## 2. The sysenter door still costs over 400 cycles on the Pentium 4. Where do they go?

Mostly not in SYSENTER and SYSEXIT: CLD in SAVE_ALL, the STI after the stack switch, the CLI before the exit and the STI before SYSEXIT each write an EFLAGS bit, which the Pentium 4 measures at about 48 cycles each; the two segment loads of SAVE_ALL and the pushes add the rest.

## 3. Which of the model's numbers for the Pentium 4 are measured, and which derived? What would you measure on a real one to check the derived ones?

The ordinary instructions are InstLatX86 measurements of this very chip; INT, IRET, SYSENTER, SYSEXIT and the segment loads are derived from Table 2 with the 486 ratios. On a real Pentium 4 I would time a loop of int $0x80 to a handler that only does iret, and one of mov to ds, with RDTSC.

## 4. Why does Linux keep int $0x80 working on CPUs that have SYSENTER?

Old binaries and static programs execute int $0x80 directly; sigreturn must leave through iret to restore every register; a restarted call through the int80 stub re-executes the two-byte instruction; and the Pentium Pro, the 486 and the Pentium have nothing else.
`;

export const solution: Edit[] = [
  { file: 'userland/costlab.c', text: PROGRAM },
  { file: 'answers/cost.md', text: ANSWERS },
];
