// Static facts about the kernel's constants and generated tables: no machine needed.
import test from 'ava';
import { readFileSync } from 'node:fs';
import * as layout from '../../kernel/layout.ts';
import { asmOffsetsHeader } from '../../kernel/tools/asm-offsets.ts';
import {
  parseSyscallTable, nrSyscalls, tableSlots, syscallTableAssembly, checkEntryPoints, SyscallTableError, unistdHeader,
} from '../../kernel/tools/syscall-table.ts';
import { SYSCALL_SERVICES } from '../../kernel/services/index.ts';
import { root } from './support.ts';

test('fidelity 1: GDT entries 12-15 are __KERNEL_CS 0x60, __KERNEL_DS 0x68, __USER_CS 0x73, __USER_DS 0x7b, spaced as SYSENTER/SYSEXIT derive them', (t) => {
  t.is(layout.__KERNEL_CS, 0x60);
  t.is(layout.__KERNEL_DS, 0x68);
  t.is(layout.__USER_CS, 0x73);
  t.is(layout.__USER_DS, 0x7b);
  // SYSENTER: SS = CS + 8. SYSEXIT: CS = (CS + 16) | 3, SS = (CS + 24) | 3 — from IA32_SYSENTER_CS.
  t.is(layout.__KERNEL_CS + 8, layout.__KERNEL_DS);
  t.is((layout.__KERNEL_CS + 16) | 3, layout.__USER_CS);
  t.is((layout.__KERNEL_CS + 24) | 3, layout.__USER_DS);
  t.deepEqual([layout.GDT_ENTRY_KERNEL_CS, layout.GDT_ENTRY_KERNEL_DS, layout.GDT_ENTRY_USER_CS, layout.GDT_ENTRY_USER_DS], [12, 13, 14, 15]);
});

test('fidelity 6: pt_regs offsets EBX 0x00 .. OLDSS 0x38', (t) => {
  t.deepEqual(
    [layout.PT_EBX, layout.PT_ECX, layout.PT_EDX, layout.PT_ESI, layout.PT_EDI, layout.PT_EBP, layout.PT_EAX, layout.PT_DS,
      layout.PT_ES, layout.PT_ORIG_EAX, layout.PT_EIP, layout.PT_CS, layout.PT_EFLAGS, layout.PT_OLDESP, layout.PT_OLDSS],
    [0x00, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c, 0x20, 0x24, 0x28, 0x2c, 0x30, 0x34, 0x38]);
});

test('fidelity 3: IA32_SYSENTER_ESP is the TSS end, and esp0 sits TSS_ESP0_OFFSET below it', (t) => {
  t.is(layout.TSS_SIZE, 104 + 256);
  t.is(layout.TSS_ESP0_OFFSET, layout.TSS_ESP0 - layout.TSS_SIZE);
  t.is(layout.TSS_ESP0_OFFSET, -0x164);
});

test('asm-offsets.h is generated from layout.ts, one #define per constant, negatives parenthesised', (t) => {
  const header = asmOffsetsHeader();
  t.regex(header, /^#define __KERNEL_CS 0x60$/m);
  t.regex(header, /^#define ORIG_EAX 0x24$/m);
  t.regex(header, /^#define TSS_ESP0_OFFSET \(-0x164\)$/m);
  t.regex(header, /^#define __PAGE_OFFSET 0xc0000000$/m);
  t.is(header.match(/^#define /gm)!.length - 1, Object.keys(layout.ASM_CONSTANTS).length);   // + the include guard
  t.throws(() => asmOffsetsHeader({ HALF: 0.5 }), { message: /not an integer/ });
});

test('fidelity 8: the table generator fills gaps and entry-less rows with sys_ni_syscall; NR_syscalls = highest + 1', (t) => {
  const rows = parseSyscallTable('# comment\n0\ti386\trestart_syscall\n1\ti386\texit\tsys_exit\n4\ti386\twrite\tsys_write\n');
  t.is(nrSyscalls(rows), 5);
  t.deepEqual(tableSlots(rows), ['sys_ni_syscall', 'sys_exit', 'sys_ni_syscall', 'sys_ni_syscall', 'sys_write']);
  const text = syscallTableAssembly(rows);
  t.is(text.match(/\.long /g)!.length, 5);
  t.regex(text, /\.long sys_ni_syscall\t\t\/\* 3 \(unused\) \*\//);
  t.regex(unistdHeader(rows), /#define NR_syscalls 5/);
});

test('the table generator rejects duplicates, bad rows and entry points without a service', (t) => {
  t.throws(() => parseSyscallTable('1\ti386\texit\n1\ti386\tagain\n', 't.tbl'), { instanceOf: SyscallTableError, message: 't.tbl:2: number 1 already on line 1' });
  t.throws(() => parseSyscallTable('x\ti386\texit\n', 't.tbl'), { message: /bad number/ });
  t.throws(() => parseSyscallTable('1\tx86_64\texit\n', 't.tbl'), { message: /abi/ });
  t.throws(() => checkEntryPoints(parseSyscallTable('1\ti386\texit\tsys_nothing\n'), ['sys_exit'], 't.tbl'), { message: /t.tbl:1: entry point sys_nothing has no service/ });
});

test('kernel/syscall_32.tbl: Linux numbering, every entry point has a service, every Linux i386 number up to 450 present', (t) => {
  const rows = parseSyscallTable(readFileSync(root + 'kernel/syscall_32.tbl', 'utf8'));
  t.notThrows(() => checkEntryPoints(rows, Object.keys(SYSCALL_SERVICES)));
  const byName = new Map(rows.map((r) => [r.name, r]));
  t.is(byName.get('getuid')!.number, 24);
  t.is(byName.get('getppid')!.number, 64);
  t.is(byName.get('sigreturn')!.number, 119);
  t.is(byName.get('rt_sigreturn')!.number, 173);
  t.is(byName.get('set_thread_area')!.entry, 'sys_set_thread_area');
  t.is(byName.get('rseq')!.entry, null);                       // -ENOSYS, as on older kernels
  // Linux's i386 table reaches 450 (set_mempolicy_home_node); rows a lab appends come after it.
  t.true(nrSyscalls(rows) >= 451);
  t.is(byName.get('set_mempolicy_home_node')!.number, 450);
});
