// docs/kernel.md walks a system call by file and line. These are its anchors: if the code moves, this
// test fails until the walk-through is updated with it.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { root } from './support.ts';

const doc = readFileSync(root + 'docs/kernel.md', 'utf8');

/** [reference as the doc writes it, file, line, text the line must contain] */
const ANCHORS: [string, string, number, string][] = [
  ['userland/lib/syscall.S:24', 'userland/lib/syscall.S', 24, 'call\t*_dl_sysinfo'],
  ['userland/lib/libc.c:23', 'userland/lib/libc.c', 23, '__syscall(__NR_getuid)'],
  ['vsyscall-sysenter.S:31', 'kernel/arch/x86/vsyscall-sysenter.S', 31, 'movl\t%esp, %ebp'],
  ['vsyscall-sysenter.S:32', 'kernel/arch/x86/vsyscall-sysenter.S', 32, 'sysenter'],
  ['vsyscall-sysenter.S:36', 'kernel/arch/x86/vsyscall-sysenter.S', 36, 'jmp\t.Lenter_kernel'],
  ['vsyscall-sysenter.S:40-43', 'kernel/arch/x86/vsyscall-sysenter.S', 40, 'pop\t%ebp'],
  ['vsyscall-int80.S:15', 'kernel/arch/x86/vsyscall-int80.S', 15, 'int\t$0x80'],
  ['entry.S:114', 'kernel/arch/x86/entry.S', 114, 'movl\tTSS_ESP0_OFFSET(%esp), %esp'],
  ['entry.S:130-138', 'kernel/arch/x86/entry.S', 130, 'cmpl\t$(__PAGE_OFFSET - 3), %ebp'],
  ['entry.S:144-147', 'kernel/arch/x86/entry.S', 144, 'testl\t$(1 << TIF_SYSCALL_TRACE), TI_FLAGS(%ebp)'],
  ['entry.S:144-147', 'kernel/arch/x86/entry.S', 146, 'cmpl\t$NR_syscalls, %eax'],
  ['entry.S:148', 'kernel/arch/x86/entry.S', 148, 'call\t*sys_call_table(,%eax,4)'],
  ['entry.S:149', 'kernel/arch/x86/entry.S', 149, 'movl\t%eax, EAX(%esp)'],
  ['entry.S:161-164', 'kernel/arch/x86/entry.S', 161, 'movl\tEIP(%esp), %edx'],
  ['entry.S:167', 'kernel/arch/x86/entry.S', 167, 'sysexit'],
  ['entry.S:75-77', 'kernel/arch/x86/entry.S', 76, 'pushl\t%eax'],
  ['entry.S:87-98', 'kernel/arch/x86/entry.S', 98, 'iret'],
  ['entry.S:336', 'kernel/arch/x86/entry.S', 336, 'error_code:'],
  ['entry.S:394', 'kernel/arch/x86/entry.S', 394, 'debug:'],
  ['head.S:118', 'kernel/arch/x86/head.S', 118, 'lgdt\tgdt_descr'],
  ['head.S:247', 'kernel/arch/x86/head.S', 247, 'identify_cpu:'],
  ['head.S:319-322', 'kernel/arch/x86/head.S', 319, 'cmpl\t$SEP_MIN_SIGNATURE, %eax'],
  ['head.S:338', 'kernel/arch/x86/head.S', 338, 'sysenter_setup:'],
  ['head.S:378', 'kernel/arch/x86/head.S', 378, 'enable_sep_cpu:'],
  ['head.S:397', 'kernel/arch/x86/head.S', 397, '\twrmsr'],
  ['head.S:412', 'kernel/arch/x86/head.S', 412, 'start_init:'],
  ['head.S:500', 'kernel/arch/x86/head.S', 500, 'SYSCALL_VECTOR, system_call, SYSTEM_GATE'],
  ['kernel/syscall_32.tbl:36', 'kernel/syscall_32.tbl', 36, 'getuid\tsys_getuid16'],
  ['kernel/kernel.ts:127-132', 'kernel/kernel.ts', 127, 'onVmcall(): void'],
  ['kernel/services/identity.ts:9', 'kernel/services/identity.ts', 9, 'sys_getuid: SyscallService'],
  ['kernel/boot.ts:121', 'kernel/boot.ts', 121, 'onVmcall'],
];

test('docs/kernel.md: every file:line of the getuid walk-through points at the instruction it names', (t) => {
  for (const [reference, file, line, text] of ANCHORS) {
    t.true(doc.includes(reference), `docs/kernel.md no longer cites ${reference}`);
    const actual = readFileSync(root + file, 'utf8').split('\n')[line - 1] ?? '';
    t.true(actual.includes(text), `${file}:${line} is now "${actual.trim()}", not "${text}": update docs/kernel.md`);
  }
});
