// The cost lab's starter files: the measurement program's skeleton and the questions to answer.
export const COSTLAB_C = `/*
 * costlab: the cost lab's measurement (docs/labs/cost.md). Time getppid() through int $0x80 and
 * through __kernel_vsyscall with RDTSC, and print, one line each:
 *   int $0x80: N cycles per getppid
 *   __kernel_vsyscall: M cycles per getppid
 * On a CPU without a TSC (CPUID leaf 1 EDX bit 4 clear: the 486), print only:
 *   no TSC
 * Run it on every model: gate86 run --cpu pentium4 build/userland/costlab.elf
 */
#include "lib/libc.h"

#define CALLS 20000

int main(void)
{
	/* TODO: does this CPU have a TSC? (CPUID, leaf 1, EDX bit 4) */
	/* TODO: warm up both doors first (the first calls decode and compile the code) */
	/* TODO: read the TSC (rdtsc: EDX:EAX), make CALLS getppid() calls through one door, read it again */
	/* TODO: the same through the other door; print the cycles per call of each */
	return 0;
}
`;

export const ANSWERS_MD = `# The cost lab: your answers

Write each answer under its question, in your own words (a paragraph each). The grader only checks
that every question has an answer of a few sentences; your teacher reads them.

## 1. Why is int $0x80 so much dearer than sysenter on the Pentium 4, and not on the Athlon XP?

(your answer)

## 2. The sysenter door still costs over 400 cycles on the Pentium 4. Where do they go?

(your answer)

## 3. Which of the model's numbers for the Pentium 4 are measured, and which derived? What would you measure on a real one to check the derived ones?

(your answer)

## 4. Why does Linux keep int $0x80 working on CPUs that have SYSENTER?

(your answer)
`;
