// Lab "syscall": add a system call — a row in kernel/syscall_32.tbl, a TypeScript service, a user
// program that calls it through both doors (xv6/6.S081's first system call lab, for i386).
//
// The call is whichdoor(): 1 when it came in through SYSENTER, 0 through int $0x80. The service
// can tell from pt_regs alone: sysenter_entry builds a fake iret frame whose user EIP is always
// SYSENTER_RETURN (0xffffe410), while int $0x80 pushes the real return address.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { check, verdict, type LabDefinition } from '../lab.ts';
import { labRow, outputMatches, tracedCalls } from '../checks.ts';

const PROGRAM = 'build/userland/whichdoor.elf';
const ENOSYS = 38;

const SKELETON = `/*
 * whichdoor: the syscall lab's program (docs/labs/syscall.md). It calls your new system call,
 * whichdoor(), through both doors into the kernel and prints what the kernel answered, one line each:
 *   whichdoor through int $0x80: N
 *   whichdoor through __kernel_vsyscall: N
 * __NR_whichdoor is defined by unistd.h (included by lib/libc.h), which the build generates from
 * kernel/syscall_32.tbl: it exists as soon as your row does.
 */
#include "lib/libc.h"

int main(void)
{
	/* TODO: call whichdoor through int $0x80:      __syscall_int80(__NR_whichdoor, 0, 0, 0) */
	/* TODO: call it through __kernel_vsyscall:     __syscall(__NR_whichdoor)                */
	/* TODO: print the two answers as the two lines above (printf is in lib/libc.c)          */
	return 0;
}
`;

const lines = (int80: number, vsyscall: number) => [
  new RegExp(`^whichdoor through int \\$0x80: ${int80}$`, 'm'),
  new RegExp(`^whichdoor through __kernel_vsyscall: ${vsyscall}$`, 'm'),
];

export const syscallLab: LabDefinition = {
  name: 'syscall',
  title: 'Add a system call: whichdoor()',
  summary: 'add whichdoor() to syscall_32.tbl, write its TypeScript service and a program that calls it through both doors',
  handout: 'docs/labs/syscall.md',
  touches: ['kernel/syscall_32.tbl', 'kernel/services/identity.ts (or another services file)', 'userland/whichdoor.c'],
  starter: [{ file: 'userland/whichdoor.c', text: SKELETON }],
  hints: [
    'Three files: a row in kernel/syscall_32.tbl (number, abi, name, entry point), an exported sys_whichdoor in kernel/services/, and the calls in userland/whichdoor.c.',
    'The row: `1000\ti386\twhichdoor\tsys_whichdoor`. Numbers 1000-1099 are the labs\' (the comment at the top of the table says why not 451).',
    'The service gets (k, regs): regs.get(\'eip\') is the user EIP the kernel will return to. Compare it with VSYSCALL_SYSENTER_RETURN from kernel/layout.ts.',
    'A service is reachable once it is exported as `export const sys_whichdoor: SyscallService = ...` from a module kernel/services/index.ts imports (identity.ts is one).',
    'In the program: long a = __syscall_int80(__NR_whichdoor, 0, 0, 0); long b = __syscall(__NR_whichdoor); then printf the two lines.',
  ],
  checks: [
    check('kernel/syscall_32.tbl has a row `whichdoor` with entry point sys_whichdoor, numbered in the labs\' range 1000-1099',
      'add one line at the end of the table: number, i386, whichdoor, sys_whichdoor (tab-separated, like the others)',
      async (ctx) => labRow(ctx, 'whichdoor', 'sys_whichdoor')),
    check('the build generated __NR_whichdoor for user programs (unistd.h, from the table)',
      'the build writes build/userland/include/unistd.h from kernel/syscall_32.tbl: it appears when the row is right',
      async (ctx) => {
        const header = ctx.read('build/userland/include/unistd.h') ?? '';
        return verdict(/#define __NR_whichdoor 10\d\d\b/.test(header), 'no `#define __NR_whichdoor` in build/userland/include/unistd.h');
      }),
    check('userland/whichdoor.c was compiled and linked into build/userland/whichdoor.elf',
      'every userland/*.c is a program; keep the file name whichdoor.c (gcc -m32 must be installed)',
      async (ctx) => verdict(existsSync(join(ctx.dir, PROGRAM)), `${PROGRAM} is missing`)),
    check('on pentium3 (the sysenter stub) whichdoor answers 0 through int $0x80 and 1 through __kernel_vsyscall',
      'print exactly "whichdoor through int $0x80: N" and "whichdoor through __kernel_vsyscall: N"; the service returns 1 only when regs.get(\'eip\') is SYSENTER_RETURN',
      async (ctx) => outputMatches(await ctx.run({ cpu: 'pentium3', program: PROGRAM }), lines(0, 1))),
    check('on pentium-pro (the int $0x80 stub: the Pentium Pro must not use SEP) both doors answer 0',
      'on this CPU __kernel_vsyscall is `int $0x80; ret`, so the saved EIP is a real return address there too',
      async (ctx) => outputMatches(await ctx.run({ cpu: 'pentium-pro', program: PROGRAM }), lines(0, 0))),
    check('`gate86 run --trace syscall` shows whichdoor entered once through each door',
      'the trace names a call by its table row: check the row\'s name is whichdoor',
      async (ctx) => {
        const r = await ctx.run({ cpu: 'pentium3', program: PROGRAM, trace: ['syscall'] });
        const calls = tracedCalls(r.stderr.split('\n')).filter((c) => c.name === 'whichdoor');
        const doors = calls.map((c) => `${c.result} [${c.door}]`).sort();
        return verdict(doors.join(', ') === '0 [int $0x80], 1 [sysenter]', `whichdoor calls traced: ${doors.join(', ') || 'none'}\n${r.stderr.trim().split('\n').slice(-6).join('\n')}`);
      }),
    check('natively (the oracle: Linux has no call 1000) the same program gets -ENOSYS through both doors',
      'a lab number is one Linux will not use: natively the answer must be -38, the -ENOSYS of a kernel without the call',
      async (ctx) => {
        const r = await ctx.native(PROGRAM);
        return outputMatches(r, lines(-ENOSYS, -ENOSYS), 'natively, the program printed');
      }),
  ],
};

